"""The replay core must stay importable and usable without Qt (house style §8.1.1)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FORBIDDEN = ("PySide6", "shiboken6", "pyqtgraph", "replaydesk.ui", "replaydesk.store", "replaydesk.export")


def test_importing_replay_pulls_in_no_qt_and_no_upper_layers():
    app = Path(__file__).resolve().parents[2] / "app"
    code = (
        "import sys; sys.path.insert(0, %r); import replaydesk.replay, replaydesk.replay.seek; "
        "bad = sorted(m for m in sys.modules if m.startswith(%r)); print(','.join(bad))" % (str(app), FORBIDDEN)
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"replay imported {out.stdout.strip()}"
