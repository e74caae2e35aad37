"""Fixtures for the replay-engine tests (helpers live in :mod:`.helpers`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import corpus_dir


@pytest.fixture(scope="session")
def corpus() -> Path:
    return corpus_dir()
