"""Qt/WebEngine test setup for the replay renderer tests.

The environment must be set before PySide6 is imported: offscreen platform, and as root (CI)
QtWebEngine's sandbox must be disabled or the whole pytest process dies with rc=1 and no output
(house style §1). The lead will move these lines to tests/conftest.py.
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu --use-gl=angle --use-angle=swiftshader-webgl")

_HERE = Path(__file__).resolve().parent
_APP = _HERE.parents[1] / "app"
for _p in (_APP, _HERE):  # replaydesk (not installed in dev checkouts) and our helper modules
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

# Register replaydesk:// before any WebEngine object exists (QWebEngineUrlScheme requirement).
from replaydesk.ui.replay.scheme import register_scheme  # noqa: E402

register_scheme()
