"""Where bundled resources (demo archive, renderer page) live: the one finder.

They are package data at ``replaydesk/_resources``. In the repository that folder is a
symlink to the top-level ``resources/`` (where the renderer's JS is edited), so a source
checkout, the editable install and a built wheel (``package-data = _resources/**/*``
copies the files the link points at) all find them at the same place, through
``importlib.resources``.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

#: overrides the renderer folder (packaging experiments, tests of a modified renderer)
RENDERER_ENV = "REPLAYDESK_RENDERER_DIR"


def resources_dir() -> Path:
    """The resources folder; raises ``FileNotFoundError`` on a broken installation."""
    root = Path(str(files("replaydesk") / "_resources"))
    if not root.is_dir():
        raise FileNotFoundError(f"ReplayDesk resources folder not found at {root} (broken installation)")
    return root.resolve()


def demo_archive() -> Path:
    return resources_dir() / "demo" / "archive-demo.zip"


@lru_cache(maxsize=1)
def renderer_dir() -> Path:
    """Directory holding the renderer page (``renderer.html`` and its scripts)."""
    env = os.environ.get(RENDERER_ENV)
    where = Path(env) if env else resources_dir() / "replay"
    if not (where / "renderer.html").is_file():
        raise FileNotFoundError(f"renderer page not found in {where}")
    return where.resolve()
