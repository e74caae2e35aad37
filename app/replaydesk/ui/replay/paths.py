"""Where the renderer page's files live.

Why: the renderer (HTML/JS/CSS) is data, not Python. In a source checkout it is in the repository's
``resources/replay``; an installed wheel carries it as package data under ``replaydesk/resources``.
``REPLAYDESK_RENDERER_DIR`` overrides both (packaging, experiments).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

_ENTRY = "renderer.html"


@lru_cache(maxsize=1)
def renderer_dir() -> Path:
    """Directory holding ``renderer.html`` and its scripts; raises if none is found."""
    here = Path(__file__).resolve()
    candidates = []
    env = os.environ.get("REPLAYDESK_RENDERER_DIR")
    if env:
        candidates.append(Path(env))
    candidates.append(here.parents[2] / "resources" / "replay")  # installed package data
    candidates.append(here.parents[4] / "resources" / "replay")  # source checkout
    for c in candidates:
        if (c / _ENTRY).is_file():
            return c.resolve()
    raise FileNotFoundError(f"renderer page not found; looked in {', '.join(map(str, candidates))}")
