"""Clip export tests: the renderer tests' setup (offscreen Qt, the replaydesk:// scheme) and
their pixel helpers (tests/ui/fidelity.py)."""

import sys
from pathlib import Path

_UI = Path(__file__).resolve().parents[1] / "ui"
_APP = _UI.parents[1] / "app"
for _p in (_APP, _UI):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from replaydesk.ui.replay.scheme import register_scheme  # noqa: E402

register_scheme()
