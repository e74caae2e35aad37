"""Regenerate the README screenshots: ``python -m replaydesk.ui.screenshots --out docs/screenshots``.

Why a command and not a test: the screenshots are documentation, taken on a real X display
(``QT_QPA_PLATFORM=xcb``, e.g. under ``Xvfb :99 -screen 0 1600x1000x24``) so they show what a
user sees, composited pixels included. Running the test suite must never rewrite tracked files;
the test of this module writes to a temporary folder.

The window gets a fresh store (the bundled demo archive) and fresh settings in a temporary
folder, so the pictures show the default layout, never the developer's own.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SESSION = "ses_ac59c861b05d"
AT_MS = 19_247
SIZES = ((1600, 1000), (1024, 700))
THEMES = ("light", "dark")


@dataclass(frozen=True)
class Shot:
    path: Path
    width: int
    height: int
    theme: str


def file_name(width: int, height: int, theme: str) -> str:
    """``window-light.png`` for the README's size (the first), ``window-1024x700-dark.png`` else."""
    return f"window-{theme}.png" if (width, height) == SIZES[0] else f"window-{width}x{height}-{theme}.png"


def _wait_until(pred, timeout_s: float) -> bool:
    from PySide6.QtCore import QCoreApplication, QEventLoop

    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if pred():
            return True
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
    return pred()


def _grab(window):
    """The window's pixels as composited on screen (real display), else rendered by Qt."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.platformName() == "xcb":
        screen = window.screen() or QGuiApplication.primaryScreen()
        return screen.grabWindow(window.winId()).toImage()
    return window.grab().toImage()


def _stable_viewport(view, timeout_s: float = 20.0) -> bool:
    """Wait until the replay shows painted, unchanging pixels (images decode after the ack)."""
    last = []

    def settled() -> bool:
        img = view.grab_viewport()
        key = bytes(img.constBits()) if not img.isNull() else b""
        ok = bool(last) and key == last[-1] and len(set(key[: 40_000])) > 4
        last.append(key)
        return ok

    return _wait_until(settled, timeout_s)


def take_screenshots(out_dir: Path, sizes=SIZES, themes=THEMES, *, session: str = SESSION, at_ms: int = AT_MS) -> list[Shot]:
    """Open the demo in a fresh window and save one PNG per size and theme into ``out_dir``."""
    from PySide6.QtWidgets import QApplication

    from ..resources import demo_archive
    from .main_window import MainWindow
    from .settings import use_settings_file
    from .theme import apply_theme, set_theme_mode

    app = QApplication.instance()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shots: list[Shot] = []
    with tempfile.TemporaryDirectory(prefix="replaydesk-shots-") as tmp:
        use_settings_file(str(Path(tmp) / "settings.ini"))
        window = None
        try:
            window = MainWindow(Path(tmp) / "store.db")
            window.move(0, 0)
            window.resize(*sizes[0])
            window.show()
            done = []
            window.importer.finished.connect(done.append)
            window.import_paths([str(demo_archive())])
            if not _wait_until(lambda: bool(done), 120):
                raise RuntimeError("the demo import did not finish")
            if not window.sessions.select_session(session):
                raise RuntimeError(f"{session} is not in the demo archive")
            p = window.player
            if not _wait_until(lambda: p.loaded and p.session_id == session, 120):
                raise RuntimeError(f"{session} did not load")
            for width, height in sizes:
                window.resize(width, height)
                _wait_until(lambda w=width, h=height: window.width() == w and window.height() == h, 5)
                for theme in themes:
                    set_theme_mode(theme)
                    apply_theme(app)
                    painted = []
                    p.framePainted.connect(painted.append)
                    p.state.seek(at_ms)
                    _wait_until(lambda: at_ms in painted, 30)
                    p.framePainted.disconnect(painted.append)
                    _stable_viewport(p.view)
                    _wait_until(lambda: False, 0.4)  # let the window repaint in the new palette
                    path = out_dir / file_name(width, height, theme)
                    img = _grab(window)
                    if not img.save(str(path)):
                        raise RuntimeError(f"cannot write {path}")
                    shots.append(Shot(path, img.width(), img.height(), theme))
        finally:
            if window is not None:
                window.close()
            use_settings_file(None)
            set_theme_mode(None)
            apply_theme(app)
    return shots


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m replaydesk.ui.screenshots",
        description="Regenerate the README screenshots on a real X display "
        "(e.g. DISPLAY=:99 under `Xvfb :99 -screen 0 1600x1000x24`).",
    )
    ap.add_argument("--out", type=Path, default=Path("docs/screenshots"), help="folder for the PNGs (default: docs/screenshots)")
    ap.add_argument("--allow-offscreen", action="store_true", help="render offscreen when there is no display (not for the README)")
    args = ap.parse_args(argv)

    if not os.environ.get("DISPLAY") and not args.allow_offscreen:
        print("screenshots: no X display: run under Xvfb, e.g. `Xvfb :99 -screen 0 1600x1000x24 &` "
              "then DISPLAY=:99 python -m replaydesk.ui.screenshots", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu --log-level=3")
    from .app import _prepare_environment

    _prepare_environment()
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    from .replay import register_scheme

    register_scheme()
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ReplayDesk")
    screen = app.primaryScreen().size()
    sizes = [s for s in SIZES if s[0] <= screen.width() and s[1] <= screen.height()]
    if len(sizes) < len(SIZES):
        print(f"screenshots: the screen is {screen.width()}x{screen.height()}; need at least 1600x1000", file=sys.stderr)
        return 2
    for shot in take_screenshots(args.out, sizes):
        print(f"{shot.path}  {shot.width}x{shot.height}  {shot.theme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
