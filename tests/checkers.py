"""Command-line checkers some tests read our output with (Debian's ffprobe, appstreamcli).

They are not part of the README's one line of system packages: ReplayDesk itself never
runs them. A test that needs one skips with the package to install; with
``REPLAYDESK_REQUIRE_TOOLS=1`` (CI, which installs them in ``.ci/run``) a missing tool
fails the run instead, so the check cannot quietly stop happening there (CI, stop 21:
the machine image lost ffmpeg and the ffprobe check failed without saying how to fix it).
"""

from __future__ import annotations

import os
import shutil

import pytest


def require_tool(name: str, package: str) -> str:
    """The path of ``name``; skip (fail under REPLAYDESK_REQUIRE_TOOLS=1) when it is not installed."""
    path = shutil.which(name)
    if path:
        return path
    reason = f"{name} is not installed (apt-get install {package})"
    if os.environ.get("REPLAYDESK_REQUIRE_TOOLS") == "1":
        pytest.fail(f"{reason}; REPLAYDESK_REQUIRE_TOOLS=1 asks for it", pytrace=False)
    pytest.skip(reason)
