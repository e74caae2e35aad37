"""Where bundled resources (demo archive, renderer page, icons) live.

In a source checkout or editable install they are the repository's
``resources/`` folder; a wheel installs them under ``replaydesk/_resources``.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def resources_dir() -> Path:
    for candidate in (_PKG / "_resources", _PKG.parent.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("ReplayDesk resources folder not found (broken installation)")


def demo_archive() -> Path:
    return resources_dir() / "demo" / "archive-demo.zip"
