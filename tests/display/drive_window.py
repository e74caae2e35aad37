"""Drive the real ReplayDesk window on an X display and grab what the user sees.

Run by ``test_window_on_x.py`` in a child process (one Qt platform per process):

    QT_QPA_PLATFORM=xcb DISPLAY=:N python drive_window.py STORE OUTDIR

It starts the window the way ``replaydesk`` does (same environment preparation,
theme and ``MainWindow``), plays the scenarios of issue 8 with the user's actions
(select a session, Home, End, play, seek), and after each one grabs the replay
pane from the X screen (``QScreen.grabWindow``: the pixels on the display, not a
widget render) once the screen is still. ``OUTDIR/checks.json`` lists every grab
with the session and moment it should show; the test compares them with frames
rendered headless the way ``replaydesk render`` does.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

WINDOW = (1600, 960)
DESKTOP_A = "ses_46d365862838"  # Maria's desktop purchase (1280x800, five page loads)
DESKTOP_B = "ses_ac59c861b05d"  # the lab page (1440x900)
MOBILE = "ses_894a31ac3a8c"  # Lucía's phone (390x844)
PAINT_TIMEOUT_S = 12.0


def spin(pred, timeout_s: float, poll_ms: int = 20) -> bool:
    """Run the event loop until ``pred()`` or the timeout; True when it came true."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(poll_ms)
    timer.timeout.connect(loop.quit)
    timer.start()
    deadline = time.monotonic() + timeout_s
    try:
        while not pred():
            if time.monotonic() > deadline:
                return False
            loop.exec()
        return True
    finally:
        timer.stop()


def wait_ms(ms: int) -> None:
    end = time.monotonic() + ms / 1000
    spin(lambda: time.monotonic() >= end, ms / 1000 + 1)


class Driver:
    def __init__(self, store: Path, out: Path):
        from PySide6.QtCore import QCoreApplication, Qt
        from PySide6.QtWidgets import QApplication

        from replaydesk.ui.app import _prepare_environment
        from replaydesk.ui.replay import register_scheme
        from replaydesk.ui.settings import use_settings_file
        from replaydesk.ui.theme import apply_theme

        _prepare_environment(verbose=False)  # as ``replaydesk`` does (sandbox as root, quiet Chromium)
        register_scheme()
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        self.app = QApplication.instance() or QApplication(["replaydesk"])
        apply_theme(self.app)
        use_settings_file(str(out / "settings.ini"))
        from replaydesk.ui.main_window import MainWindow

        self.out = out
        self.w = MainWindow(store)
        self.w.move(0, 0)
        self.w.resize(*WINDOW)
        self.w.show()
        self.player = self.w.player
        self.painted: list[int] = []
        self.player.framePainted.connect(self.painted.append)
        self.checks: list[dict] = []
        self.loading: dict | None = None  # the grab taken right after the last session switch
        self.shown: tuple[str, float] | None = None  # what the pane should show now
        if not spin(lambda: self.w.isVisible() and self.player.view.is_ready, 60):
            raise SystemExit("the window or its renderer page did not come up")

    # -- actions ---------------------------------------------------------
    def action(self, key: str):
        from PySide6.QtGui import QKeySequence

        for a in self.player.actions():
            if any(s == QKeySequence(key) for s in a.shortcuts()):
                return a
        raise LookupError(key)

    def select(self, sid: str) -> bool:
        """Click-equivalent: make ``sid`` the current row of the session list; True when
        its first frame was painted."""
        n0 = len(self.painted)
        assert self.w.sessions.select_session(sid), sid
        # what the pane shows while the new session loads: painted and on the X
        # screen, but before the renderer could have answered with the new page
        for _ in range(3):
            self.app.processEvents()
        loading = self.grab(self.stack_rect())
        # valid: the pane still says it is loading (old windows had no note: always valid)
        self.loading = {"png": f"loading-{sid}.png", "valid": not getattr(self.player, "showing_page", False)}
        loading.save(str(self.out / self.loading["png"]))
        return spin(lambda: self.player.session_id == sid and len(self.painted) > n0, PAINT_TIMEOUT_S)

    def until_loaded(self, sid: str) -> None:
        spin(lambda: self.player.session_id == sid and self.player.loaded and self.player.state.duration > 0, 60)

    def seek(self, ms: int) -> bool:
        n0 = len(self.painted)
        self.player.state.seek(ms)
        return spin(lambda: ms in self.painted[n0:], PAINT_TIMEOUT_S)

    def key(self, key: str, ms: float) -> bool:
        n0 = len(self.painted)
        self.action(key).trigger()
        return spin(lambda: int(ms) in self.painted[n0:], PAINT_TIMEOUT_S)

    def play_for(self, wall_ms: int, speed: float = 1.0) -> float:
        s = self.player.state
        s.set_speed(speed)
        s.play()
        wait_ms(wall_ms)
        s.pause()
        s.set_speed(1.0)
        return s.time

    # -- grabbing --------------------------------------------------------
    def pane_rect(self):
        from PySide6.QtCore import QRect

        view = self.player.view
        r = view.displayed_rect()
        tl = view.web_view().mapToGlobal(r.topLeft())
        return QRect(tl.x(), tl.y(), r.width(), r.height())

    def stack_rect(self):
        from PySide6.QtCore import QRect

        stack = self.player.stack
        tl = stack.mapToGlobal(stack.rect().topLeft())
        return QRect(tl.x(), tl.y(), stack.width(), stack.height())

    def grab(self, rect):
        screen = self.w.windowHandle().screen() if self.w.windowHandle() else self.app.primaryScreen()
        return screen.grabWindow(0, rect.x(), rect.y(), rect.width(), rect.height()).toImage()

    def still_grab(self, min_ms: int = 400, max_ms: int = 5000):
        """The pane as on the screen once it stopped changing (3 equal grabs 100 ms apart)."""
        wait_ms(min_ms)
        end = time.monotonic() + max_ms / 1000
        last, same = None, 0
        while True:
            img = self.grab(self.pane_rect())
            same = same + 1 if last is not None and img == last else 0
            last = img
            if same >= 2 or time.monotonic() > end:
                return img
            wait_ms(100)

    def check(self, name: str, sid: str, ms: float, painted: bool, *, window_shot: bool = False) -> None:
        img = self.still_grab()
        png = self.out / f"{name}.png"
        img.save(str(png))
        if window_shot:
            self.grab(self.w.frameGeometry()).save(str(self.out / f"{name}-window.png"))
        prev = self.shown
        self.checks.append({
            "name": name, "session": sid, "ms": int(ms), "painted": painted, "png": png.name,
            "showing_page": bool(getattr(self.player, "showing_page", True)),
            "previous": {"session": prev[0], "ms": int(prev[1])} if prev else None,
            "loading": self.loading,
        })
        self.loading = None
        self.shown = (sid, ms)

    # -- the scenarios of issue 8 ------------------------------------------
    def run(self) -> None:
        p = self.player
        # whatever the window opened at start (the newest session), wait for it
        spin(lambda: p.session_id is not None and p.loaded, 60)
        if p.session_id is not None:
            self.shown = (p.session_id, p.state.time)
        first = "ses_8339d0629316" if p.session_id != "ses_8339d0629316" else "ses_49340e341bb8"  # not the shop
        ok = self.select(first)
        self.until_loaded(first)
        self.seek(20_000)
        self.shown = (first, p.state.time)
        ok = self.select(DESKTOP_A)
        self.check("open_session_at_0", DESKTOP_A, 0, ok, window_shot=True)
        self.until_loaded(DESKTOP_A)
        for ms in (22_528, 5_000, 40_000, 12_000):
            ok = self.seek(ms)
            self.check(f"seek_to_{ms}", DESKTOP_A, ms, ok)
        ok = self.key("Home", 0)
        t = self.play_for(3000)
        self.check("home_then_play_3s", DESKTOP_A, t, ok)
        ok = self.seek(9_500)
        t = self.play_for(2200)  # the checkout page loads at 10.4 s
        self.check("play_across_a_navigation", DESKTOP_A, t, ok)
        ok = self.key("End", p.state.duration)
        self.check("end", DESKTOP_A, p.state.time, ok)
        ok = self.select(DESKTOP_B)
        self.check("switch_session_at_0", DESKTOP_B, 0, ok)
        self.until_loaded(DESKTOP_B)
        self.player.state.play()
        wait_ms(1500)  # switch while playing
        ok = self.select(MOBILE)
        self.check("mobile_after_desktop_mid_play", MOBILE, 0, ok, window_shot=True)
        self.until_loaded(MOBILE)
        ok = self.seek(24_075)
        self.check("mobile_seek_to_24075", MOBILE, 24_075, ok)

    def close(self) -> None:
        (self.out / "checks.json").write_text(json.dumps(self.checks, indent=1))
        self.w.close()
        self.app.processEvents()


def main(argv: list[str]) -> int:
    store, out = Path(argv[1]), Path(argv[2])
    out.mkdir(parents=True, exist_ok=True)
    d = Driver(store, out)
    try:
        d.run()
    finally:
        d.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
