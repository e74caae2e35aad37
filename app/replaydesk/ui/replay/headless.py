"""Headless frame rendering: "what did the page look like at t?" as a PNG.

Why: exports (frames, clips, thumbnails) and the fidelity tests need deterministic frames without
a visible window. ``FrameRenderer`` keeps one offscreen ``ReplayView`` (device pixel ratio 1) and,
per frame, builds the FullSnapshot of the page load on screen at t, applies the events up to t,
waits for the renderer's "painted" acknowledgement *and* for the grabbed image to carry that
frame's sentinel colour (a grab right after a load or an ack can still show the previous frame),
then returns exactly the recorded viewport area.

Waiting uses a local event loop with a deadline; nothing is left running afterwards.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from replaydesk.replay.budgets import clamp_viewport, too_heavy_message
from replaydesk.ui.qtenv import prepare_qt_environment
from replaydesk.ui.replay.scheme import register_scheme
from replaydesk.replay.frame import Frame
from replaydesk.replay.plan import FramePlan, plan_frame
from replaydesk.ui.replay.view import ReplayView

log = logging.getLogger(__name__)


class RenderError(RuntimeError):
    """A frame cannot be rendered; the message is one line for the user."""


class RenderTimeout(RenderError):
    """The renderer did not produce the requested frame in time."""


class FrameTooHeavy(RenderError):
    """The moment exceeds a budget (replaydesk.replay.budgets); the message says which."""


_app: QApplication | None = None


def ensure_application() -> QApplication:
    """Return the QApplication, creating an offscreen one for command-line use if there is none.

    Only when we create the application do we choose its environment: the offscreen platform,
    software rendering, and
    (as root only, where Chromium refuses to start otherwise) a disabled Chromium sandbox. The
    recorded page stays contained by the sandboxed frame, CSP and request interceptor either way.
    """
    global _app
    app = QApplication.instance()
    if app is not None:
        return app
    prepare_qt_environment(offscreen=True, software_gl=True)
    register_scheme()
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    _app = QApplication([])
    return _app


def plan_as_frame(plan: FramePlan) -> Frame:
    """A plan from recorded events (:func:`plan_frame`) as the frame :meth:`ReplayView.show_frame`
    shows: the recorded snapshot at its viewport and scroll offset, its preludes, the pointer,
    the incrementals since."""
    snap = plan.snapshot["data"]
    return Frame(node=snap["node"], viewport=plan.viewport,
                 href=((plan.meta or {}).get("data") or {}).get("href", ""),
                 timestamp=plan.target_ts, state={"mouse": plan.pointer} if plan.pointer else None,
                 events=plan.incrementals, initial_offset=snap.get("initialOffset"), preludes=plan.preludes)


class FrameRenderer:
    """Reusable offscreen renderer. Call ``close()`` (or use as a context manager) when done."""

    def __init__(self, *, allow_web_assets: bool = False, timeout_ms: int = 30000, privacy: str = "as-recorded") -> None:
        """``privacy``: a replay privacy mode (state/privacy.py), e.g. "mask-text" for a shared frame."""
        ensure_application()
        self.timeout_ms = timeout_ms
        self.view = ReplayView(allow_web_assets=allow_web_assets, show_cursor=False, headless=True)
        self.view.set_privacy_mode(privacy)
        self.view.resize(1024, 769)
        self.view.show()
        self._wait(lambda: self.view.is_ready, "renderer page did not become ready")

    def __enter__(self) -> FrameRenderer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.view.close()
        self.view.deleteLater()

    # ------------------------------------------------------------------ rendering

    def show_plan(self, plan: FramePlan) -> None:
        """Send a plan to the view (no waiting)."""
        w, h, _ = clamp_viewport(*plan.final_viewport)  # the view reports the reason
        self.view.resize(max(w, 1), h + 1)  # +1 row: the sentinel below the viewport
        self.view.show_frame(plan_as_frame(plan), page_ts=plan.snapshot.get("timestamp"))

    def render(self, events: list[dict], at_ms: float) -> QImage:
        """Frame at ``at_ms`` after the first event, exactly the recorded viewport size."""
        plan = plan_frame(events, at_ms)
        self.show_plan(plan)
        return self.capture(at_ts=plan.target_ts)

    def capture(self, at_ts: int | None = None) -> QImage:
        """Wait for everything sent so far to be painted and grab it (animations at ``at_ts``)."""
        token = self.view.request_frame(settle=True, at_ts=at_ts)
        self._wait(lambda: self.view.frame_finished(token), f"frame {token} was not acknowledged")
        heavy = self.view.heavy_reason(token)
        if heavy:  # over a budget: partly drawn, or the renderer was restarted
            self._wait(lambda: self.view.is_ready, "the renderer did not come back")
            raise FrameTooHeavy(too_heavy_message(heavy))
        self._wait(lambda: self.view.sentinel_matches(token), f"frame {token} never reached the screen")
        return self.view.grab_viewport()

    def _wait(self, predicate, message: str) -> None:
        if predicate():
            return
        deadline = QDeadlineTimer(self.timeout_ms)
        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(5)

        def tick() -> None:
            if predicate() or deadline.hasExpired():
                loop.quit()

        timer.timeout.connect(tick)
        timer.start()
        try:
            loop.exec()
        finally:
            timer.stop()
            timer.timeout.disconnect(tick)
        if not predicate():
            raise RenderTimeout(message)


def render_frame_png(
    events: list[dict],
    at_ms: float,
    out_path: str | Path,
    *,
    allow_web_assets: bool = False,
    renderer: FrameRenderer | None = None,
    privacy: str = "as-recorded",
) -> Path:
    """Render the moment ``at_ms`` (ms after the first event) of a recording to a PNG file.

    Uses ``renderer`` if given (fast for many frames), else a temporary one. Creates an offscreen
    QApplication when called outside a Qt program (CLI export); returns the written path.
    """
    own = renderer is None
    r = renderer or FrameRenderer(allow_web_assets=allow_web_assets, privacy=privacy)
    try:
        img = r.render(events, at_ms)
    finally:
        if own:
            r.close()
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not img.save(str(out), "PNG"):
        raise OSError(f"could not write {out}")
    return out
