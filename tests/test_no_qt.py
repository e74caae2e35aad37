"""The core tests run without PySide6: no conftest on their way imports Qt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_without_qt(*args: str) -> subprocess.CompletedProcess:
    # pytest-qt needs Qt, so a Qt-free machine would not load it either
    cmd = [sys.executable, "-m", "pytest", "-p", "tests._no_qt", "-p", "no:pytest-qt", "-p", "no:cacheprovider",
           "-q", "-W", "ignore::pytest.PytestConfigWarning", *args]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300, env=env)


def test_every_core_test_module_imports_with_pyside6_blocked():
    r = run_without_qt("--collect-only", "tests/formats", "tests/store", "tests/replay", "tests/analysis", "tests/test_work.py")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "Qt is blocked" not in r.stdout + r.stderr


def test_core_tests_pass_with_pyside6_blocked():
    """A quick sample that uses the root conftest's fixtures (the corpus, a seeded store)."""
    r = run_without_qt("tests/formats/test_jsonscan.py", "tests/formats/test_compression.py", "tests/replay/test_plan.py",
                       "tests/store/test_schema.py", "tests/test_work.py")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert " passed" in r.stdout


def test_the_block_works():
    """The same run fails loudly if a Qt test is included: the plugin really blocks Qt."""
    r = run_without_qt("tests/gui/test_tasks.py")
    assert r.returncode != 0
    assert "Qt is blocked for this run" in r.stdout + r.stderr
