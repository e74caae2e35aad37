"""``ReplayView``: the Qt widget that shows a recorded page.

Why this shape: the widget is a thin host. It owns the hardened profile/page, queues calls until
the renderer page says "ready", forwards JSON to the page's ``rd`` API and turns the page's
"frame painted" acknowledgements into the ``framePainted(int)`` signal. It knows nothing about
timelines: callers (the player, the headless renderer, clip export) decide what to show.

API (all calls are asynchronous and applied in order):

* ``show_frame(frame, page_ts)`` – show a paused moment: a patch of the page shown or of the
  page left before it (``replay/pages.py``), else a build
* ``load_snapshot(node, viewport, initial_offset=None, href="")`` – build a FullSnapshot
* ``apply_events(events)`` – apply rrweb events (incrementals; Meta+FullSnapshot rebuild)
* ``set_state(state)`` – restore scrolls / inputs / canvases / mouse / hover / selection
* ``request_frame(settle=True) -> token`` – ``framePainted(token)`` fires once painted
* ``grab_viewport()`` – the recorded viewport area as a QImage (1:1 in headless mode)
* ``highlight_node(id | None)`` – outline a recorded element (over the page, not in it)
* ``set_zoom("fit" | factor)`` – fit the page to the view (never enlarged) or a fixed scale

Budgets (``replaydesk.replay.budgets``) are applied here, in one place, to everything sent to the
page: viewports are clamped, over-long strings and canvas commands beyond the per-frame limit are
dropped. A frame over a budget (here or in the page) is still acknowledged, and
``frameTooHeavy(reason)`` fires first. A frame not acknowledged within the frame time budget, or a
renderer process over the memory budget, gets the process killed and a new one started
(``frameTooHeavy`` fires; ``rendererReady`` fires again once the new page is up).
"""

from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Property, QRect, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QImage
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QVBoxLayout, QWidget

from replaydesk.replay import budgets
from replaydesk.replay.pages import ShownPages
from replaydesk.rrweb import EventType, Source
from replaydesk.state.privacy import DEFAULT_PRIVACY_MODE, PRIVACY_MODES
from replaydesk.ui.replay.bridge import RendererBridge
from replaydesk.ui.replay.page import ReplayPage
from replaydesk.ui.replay.profile import ReplayProfile
from replaydesk.ui.replay.scheme import RENDERER_URL
from replaydesk.ui.replay.wire import js_literal as _json
from replaydesk.ui.replay.wire import shows_token

log = logging.getLogger(__name__)


class ReplayView(QWidget):
    """Hosts the renderer page in a dedicated off-the-record profile."""

    framePainted = Signal(int)
    rendererReady = Signal()
    allowWebAssetsChanged = Signal(bool)
    #: the frame being drawn exceeds a budget ("reason"); emitted before its ``framePainted``, or
    #: alone when the renderer had to be killed (that frame never paints)
    frameTooHeavy = Signal(str)
    #: the zoom mode changed: "fit" or a scale factor
    zoomChanged = Signal(object)
    #: the renderer process died on its own (crash, OOM killer; not a budget restart): the page
    #: reloads by itself, its state is gone; the owner redraws on the next ``rendererReady``
    rendererCrashed = Signal(str)

    #: zoom in / out steps (scale factors)
    ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        allow_web_assets: bool = False,
        show_cursor: bool = True,
        headless: bool = False,
        renderer_dir: Path | None = None,
    ) -> None:
        """``renderer_dir``: serve the renderer page from another directory. Tests only (they
        weaken one safety layer in a copy to test the others alone); the app never sets it."""
        super().__init__(parent)
        # Child order matters for teardown: the view (and its page) is destroyed before the profile.
        self._web = QWebEngineView(self)
        self._profile = ReplayProfile(self, allow_web_assets=allow_web_assets, renderer_dir=renderer_dir)
        self._page = ReplayPage(self._profile, self._web)
        self._bridge = RendererBridge(self)
        self._channel = QWebChannel(self._page)
        self._channel.registerObject("rdBridge", self._bridge)
        self._page.setWebChannel(self._channel)
        self._web.setPage(self._page)
        self._web.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self._web.setAcceptDrops(False)
        if headless:
            self._web.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self._web)

        self._headless = headless
        self._show_cursor = show_cursor
        self._marker = False
        #: a seek onto the page shown (or the page left before it) is a patch (replay/patch.py);
        #: REPLAYDESK_SEEK_PATCH=0 always rebuilds (benchmarks compare both)
        self.patch_frames = os.environ.get("REPLAYDESK_SEEK_PATCH", "1") != "0"
        self.patched_frames = 0
        self.swapped_frames = 0  # of those, onto a page parked before (RD.patchPage's swap)
        #: the page left stays built for a seek back to it (replay/pages.py)
        self.park_pages = self.patch_frames
        self._pages = ShownPages()
        self._ready = False
        self._queue: list[str] = []
        self._token = 0
        self._last_painted = 0
        self._viewport = QSize(1024, 768)
        self._zoom: str | float = "fit"
        self._closed = False
        # budgets: reasons found in Python for the frame being prepared, per-token outcomes, and
        # the watchdog over frames requested but not yet painted (token -> monotonic start)
        self.frame_time_budget_ms = budgets.FRAME_TIME_BUDGET_MS
        self.memory_budget_bytes = budgets.RENDERER_MEMORY_BUDGET_BYTES
        self._reasons: list[str] = []
        self._frame_reasons: dict[int, list[str]] = {}
        self._heavy: dict[int, str] = {}
        self._waiting: dict[int, float] = {}
        self._killing = False
        self.renderer_restarts = 0
        self._watchdog = QTimer(self)
        self._watchdog.setInterval(250)
        self._watchdog.timeout.connect(self._on_watchdog_timeout)
        self._bridge.rendererReady.connect(self._on_bridge_ready)
        self._bridge.framePainted.connect(self._on_bridge_frame_painted)
        self._bridge.frameTooHeavy.connect(self._on_bridge_frame_too_heavy)
        self._page.renderProcessTerminated.connect(self._on_page_render_process_terminated)
        self._page.load(QUrl(RENDERER_URL))

    # ------------------------------------------------------------------ properties

    def _get_allow_web_assets(self) -> bool:
        return self._profile.allow_web_assets

    def _set_allow_web_assets(self, on: bool) -> None:
        on = bool(on)
        if on == self._profile.allow_web_assets:
            return
        self._profile.allow_web_assets = on
        self._configure()
        self.allowWebAssetsChanged.emit(on)

    allowWebAssets = Property(bool, _get_allow_web_assets, _set_allow_web_assets, notify=allowWebAssetsChanged)
    """The "Load page assets from the web" setting: off by default; applies to pages built later."""

    _privacy_mode: str = DEFAULT_PRIVACY_MODE

    @property
    def privacy_mode(self) -> str:
        """The replay privacy mode ("as-recorded", "mask-inputs", "mask-text"; state/privacy.py)."""
        return self._privacy_mode

    def set_privacy_mode(self, mode: str) -> None:
        """Mask inputs or all text from now on (screen sharing). Applies to what is drawn next:
        the caller re-seeks (PlayerPane.set_privacy_mode) to redraw the current frame."""
        if mode not in PRIVACY_MODES:
            raise ValueError(f"unknown privacy mode {mode!r} (one of {', '.join(PRIVACY_MODES)})")
        self._privacy_mode = mode
        self._configure()

    @property
    def is_ready(self) -> bool:
        return self._ready

    @property
    def last_painted_token(self) -> int:
        return self._last_painted

    @property
    def viewport_size(self) -> QSize:
        return QSize(self._viewport)

    @property
    def interceptor(self):
        """The profile's request interceptor (``requests`` lists every request seen)."""
        return self._profile.interceptor

    @property
    def bridge_calls(self):
        return self._bridge.calls

    def page(self) -> ReplayPage:
        return self._page

    def web_view(self) -> QWebEngineView:
        return self._web

    # ------------------------------------------------------------------ API

    def load_snapshot(self, node: dict, viewport: Any, initial_offset: dict | None = None, href: str = "",
                      timestamp: int | None = None, *, park: int | None = None) -> None:
        """Build a serialized Document (FullSnapshot ``data.node``) at the given viewport.

        ``timestamp`` (the FullSnapshot's, epoch ms) anchors animation phases of the page.
        ``park`` keeps the page shown in the renderer under that key (``show_frame``).
        """
        self._pages.drop_shown()
        self._load(node, viewport, initial_offset, href, timestamp, park)

    def _load(self, node, viewport, initial_offset, href, timestamp, park) -> None:
        w, h = self._clamped(*self._vp(viewport))
        self._viewport = QSize(w, h)
        arg = {"node": node, "viewport": {"width": w, "height": h},
               "initialOffset": initial_offset or {"top": 0, "left": 0}, "href": href}
        if timestamp is not None:
            arg["timestamp"] = int(timestamp)
        if park is not None:
            arg["park"] = int(park)
        self._call("rd.load", arg)

    def apply_events(self, events: list[dict]) -> None:
        """Apply rrweb events in order (incrementals; a Meta + FullSnapshot rebuilds)."""
        if not events:
            return
        self._pages.drop_shown()
        self._apply_events(events)

    def _apply_events(self, events: list[dict]) -> None:
        for e in events:
            d = e.get("data") or {}
            if e.get("type") == EventType.META or (e.get("type") == EventType.INCREMENTAL and d.get("source") == Source.VIEWPORT_RESIZE):
                if d.get("width") and d.get("height"):
                    self._viewport = QSize(*self._clamped(d["width"], d["height"]))
        events, reason = budgets.clip_canvas_commands(events)
        if reason:
            self._reasons.append(reason)
        self._call("rd.applyEvents", events)

    def set_state(self, state: dict) -> None:
        """Restore side state after a seek (see RD.setState in apply.js for the keys)."""
        self._pages.drop_shown()
        self._call("rd.setState", state)

    def show_frame(self, frame, page_ts: int | None = None) -> None:
        """Show one moment (a :class:`~replaydesk.replay.frame.Frame`): build its page,
        apply its preludes, restore its side state, apply its events. The one way a
        paused moment reaches the renderer (player, ``render``, headless renderer, clip
        export). ``page_ts`` anchors the page clock and animation phases (when the page
        was entered, :func:`~replaydesk.replay.frame.page_start`); default: the frame's time.
        Nothing waits here: follow with :meth:`request_frame`.

        A moment of the page shown, or of the page left before it, is sent as a patch
        (``replay/pages.py``, ``replay/patch.py``): removes, renames, one mutation."""
        ts = frame.timestamp if page_ts is None else page_ts
        plan = self._pages.plan(frame, ts, patch=self.patch_frames, park=self.patch_frames and self.park_pages)
        state, events, patch = frame.state, frame.events, plan.patch
        if patch is not None:
            w, h = self._clamped(*frame.viewport)  # the viewport of the page patched (or returned to)
            self._viewport = QSize(w, h)
            if patch.viewport is not None:
                patch.viewport = (w, h)
            payload = patch.payload()
            if plan.swap is not None:
                payload["swap"] = plan.swap
                self.swapped_frames += 1
            self._call("rd.patchPage", payload)
            state, events = patch.state, patch.events  # only the canvases replaced are drawn again
            self.patched_frames += 1
        else:
            self._load(frame.node, {"width": frame.viewport[0], "height": frame.viewport[1]},
                       frame.initial_offset, frame.href, ts, plan.park)
            if frame.preludes:
                self._apply_events(frame.preludes)
        if state is not None:
            self._call("rd.setState", state)
        if events:
            self._apply_events(events)

    def _forget_pages(self, tell_page: bool = True) -> None:
        """No page is known any more (a new renderer, a new privacy mode, a teardown)."""
        self._pages.forget()
        if tell_page:
            self._js("rd.dropParked()")

    def set_viewport(self, width: int, height: int) -> None:
        self._pages.drop_shown()
        w, h = self._clamped(width, height)
        self._viewport = QSize(w, h)
        self._js(f"rd.setViewport({w},{h})")

    def request_frame(self, settle: bool = True, at_ts: int | None = None) -> int:
        """Ask for a "painted" acknowledgement; returns the token ``framePainted`` will carry.

        ``settle`` puts CSS animations at the phase they had live at recorded time ``at_ts``
        (epoch ms; default: the latest applied event) and freezes them, so entry animations are
        finished and spinners are not at frame 0. Use for paused seeks and exported frames; leave
        it off during real-time playback.
        """
        self._token += 1
        opts: dict[str, Any] = {"settle": bool(settle)}
        if at_ts is not None:
            opts["at"] = int(at_ts)
        self._frame_reasons[self._token], self._reasons = self._reasons, []
        self._waiting[self._token] = time.monotonic()
        if not self._watchdog.isActive():
            self._watchdog.start()
        self._js(f"rd.ack({self._token},{_json(opts)})")
        return self._token

    def heavy_reason(self, token: int) -> str | None:
        """Why frame ``token`` was too heavy to draw (None if it was not)."""
        return self._heavy.get(token)

    def frame_finished(self, token: int) -> bool:
        """Frame ``token`` was painted, or will never be (the renderer was killed)."""
        return self._last_painted >= token or (token in self._heavy and token not in self._waiting)

    def clear(self) -> None:
        self._forget_pages(tell_page=False)  # rd.clear drops the parked pages too
        self._js("rd.clear()")

    def highlight_node(self, node_id: int | None) -> None:
        """Outline the element with recorded id ``node_id`` (None: remove the outline).

        The box is drawn by the trusted outer page over the content frame, never inside the
        recorded document, and follows the element on every painted frame until removed."""
        self._js(f"rd.highlight({_json(int(node_id) if node_id is not None else None)})")

    def run_javascript(self, code: str, callback=None) -> None:
        """Run code in the renderer page (trusted outer page only), after it is ready."""
        if self._closed:
            return
        self._forget_pages()  # it may change the pages: the next frame rebuilds
        if not self._ready:
            self._queue.append(code)  # callbacks are only supported once ready
            return
        if callback is None:
            self._page.runJavaScript(code)
        else:
            self._page.runJavaScript(code, 0, callback)

    # ------------------------------------------------------------------ zoom

    @property
    def zoom(self) -> str | float:
        """``"fit"`` or the fixed scale factor set with :meth:`set_zoom`."""
        return self._zoom

    def set_zoom(self, mode_or_factor: str | float) -> None:
        """``"fit"`` (scale the page down to the view, centred; never enlarged) or a scale factor
        (``1.0`` = 1:1, clamped to 0.1–4); a page larger than the view scrolls and pans."""
        z: str | float = "fit" if mode_or_factor == "fit" else min(4.0, max(0.1, float(mode_or_factor)))
        if z == self._zoom:
            return
        self._zoom = z
        self._js(f"rd.setZoom({_json(z)})")
        self.zoomChanged.emit(z)

    def zoom_scale(self) -> float:
        """The scale the page is drawn at now (fit: depends on the view size); 1.0 headless."""
        w, h = self._viewport.width(), self._viewport.height()
        if self._headless or w <= 0 or h <= 0:
            return 1.0
        if self._zoom == "fit":
            pw, ph = self._web.width(), self._web.height()
            return min(pw / w, ph / h, 1.0) if pw > 0 and ph > 0 else 1.0
        return float(self._zoom)

    def zoom_step(self, direction: int) -> float:
        """The next :attr:`ZOOM_STEPS` factor above (``+1``) or below (``-1``) the current scale."""
        now = self.zoom_scale()
        if direction > 0:
            return next((z for z in self.ZOOM_STEPS if z > now + 0.005), self.ZOOM_STEPS[-1])
        return next((z for z in reversed(self.ZOOM_STEPS) if z < now - 0.005), self.ZOOM_STEPS[0])

    def displayed_rect(self) -> QRect:
        """Where the recorded viewport is drawn in the view (the page scales it by the zoom and
        centres it when smaller, see renderer.js ``fit``; a zoomed page is offset by the outer
        page's scroll position and may extend past the view); the top-left corner at 1:1 in
        headless mode."""
        w, h = self._viewport.width(), self._viewport.height()
        if self._headless or w <= 0 or h <= 0:
            return QRect(0, 0, w, h)
        pw, ph = self._web.width(), self._web.height()
        scale = self.zoom_scale()
        sw, sh = round(w * scale), round(h * scale)
        x, y = max(0, round((pw - sw) / 2)), max(0, round((ph - sh) / 2))
        if self._zoom != "fit":
            pos = self._page.scrollPosition()
            x, y = x - round(pos.x()), y - round(pos.y())
        return QRect(x, y, sw, sh)

    def grab_viewport(self) -> QImage:
        """The recorded viewport as shown, as an RGB32 image of the recorded size (headless: 1:1)."""
        img = self._web.grab(self.displayed_rect()).toImage()
        if img.devicePixelRatio() != 1 or img.width() != self._viewport.width():
            img = img.scaled(self._viewport, Qt.AspectRatioMode.IgnoreAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
            img.setDevicePixelRatio(1)
        return img.convertToFormat(QImage.Format.Format_RGB32)

    def sentinel_matches(self, token: int) -> bool:
        """True when the grabbed frame contains the state acknowledged with ``token`` (headless).

        The sentinel is a row under the viewport as wide as the viewport, so it must show
        at both ends: a frame composited before the view reached the recorded size (the
        page still narrower, the rest filled with the background) is not finished."""
        w, h = self._viewport.width(), self._viewport.height()
        if self._web.width() < w or self._web.height() < h + 1:
            return False
        img = self._web.grab(QRect(0, h, w, 1)).toImage()
        if img.isNull() or img.width() < 1:
            return False
        scale = img.width() / max(w, 1)  # device pixels per recorded pixel (1 in headless mode)
        return all(shows_token(img.pixelColor(min(int(x * scale), img.width() - 1), 0), token)
                   for x in {min(3, w - 1), w // 2, max(0, w - 4)})

    def set_frame_marker(self, on: bool) -> None:
        """Show each acknowledged frame's token colour in an 8x8 block at the top-left corner
        (benchmarks, tests: :meth:`marker_matches` sees when the widget's pixels show a frame)."""
        self._marker = bool(on)
        self._configure()

    def marker_matches(self, token: int) -> bool:
        """True when the widget's pixels show frame ``token``'s marker (:meth:`set_frame_marker`)."""
        img = self._web.grab(QRect(0, 0, 4, 4)).toImage()
        return not img.isNull() and img.width() >= 1 and shows_token(
            img.pixelColor(min(1, img.width() - 1), min(1, img.height() - 1)), token)

    def shutdown(self) -> None:
        """Tear down the page before its profile (QtWebEngine crashes otherwise)."""
        if self._closed:
            return
        self._closed = True
        self._queue.clear()
        self._watchdog.stop()
        try:
            self._page.runJavaScript("rd.clear()")
        except RuntimeError:
            pass
        # Destroy the view (and with it the page) now, then the profile: a profile released while
        # its page lives is a known QtWebEngine crash (OpenSAK#197).
        self._bridge.rendererReady.disconnect(self._on_bridge_ready)
        self._bridge.framePainted.disconnect(self._on_bridge_frame_painted)
        shiboken6.delete(self._web)
        self._profile.deleteLater()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self.shutdown()
        super().closeEvent(event)

    # ------------------------------------------------------------------ internals

    @staticmethod
    def _vp(viewport: Any) -> tuple[int, int]:
        if isinstance(viewport, dict):
            return int(viewport["width"]), int(viewport["height"])
        if isinstance(viewport, QSize):
            return viewport.width(), viewport.height()
        w, h = viewport
        return int(w), int(h)

    def _call(self, fn: str, arg: Any) -> None:
        text = _json(arg)
        if len(text) > budgets.PAYLOAD_SCAN_CHARS:  # only big payloads are walked
            arg, reasons = budgets.clip_payload(arg)
            if reasons:
                self._reasons.extend(reasons)
                text = _json(arg)
        self._js(f"{fn}({text})")

    def _clamped(self, width, height) -> tuple[int, int]:
        w, h, reason = budgets.clamp_viewport(width, height)
        if reason:
            self._reasons.append(reason)
        return w, h

    def _js(self, code: str) -> None:
        if self._closed:
            return
        if not self._ready:
            self._queue.append(code)
            return
        self._page.runJavaScript(code)

    def _configure(self) -> None:
        # privacy and web assets apply at build: the next frame rebuilds, parked pages go
        self._forget_pages(tell_page=False)
        cfg = {"allowWebAssets": self._profile.allow_web_assets, "showCursor": self._show_cursor,
               "headless": self._headless, "marker": self._marker}
        code = f"rd.dropParked(); rd.configure({_json(cfg)}); RD.sanitize.setPrivacy({_json(self.privacy_mode)})"
        if self._ready:  # before ready, _on_bridge_ready configures first
            self._page.runJavaScript(code)

    def _on_bridge_ready(self) -> None:
        self._killing = False
        self._forget_pages(tell_page=False)
        if self._ready:
            # A second "ready" means the renderer reloaded: state is gone; callers must reload.
            log.warning("renderer page reported ready twice")
            return
        self._ready = True
        self._configure()
        queued, self._queue = self._queue, []
        for code in queued:
            self._page.runJavaScript(code)
        self.rendererReady.emit()

    def _on_bridge_frame_too_heavy(self, token: int, reason: str) -> None:
        if token in self._waiting:
            self._frame_reasons.setdefault(token, []).append(reason)

    def _on_bridge_frame_painted(self, token: int) -> None:
        if self._waiting.pop(token, None) is None and token <= self._last_painted:
            return
        self._last_painted = max(self._last_painted, token)
        reasons = self._frame_reasons.pop(token, [])
        for t in [t for t in self._frame_reasons if t < token]:  # acks come in order
            self._frame_reasons.pop(t)
            self._waiting.pop(t, None)
        if reasons:
            self._mark_heavy(token, "; ".join(dict.fromkeys(reasons)))
        self.framePainted.emit(token)

    def _mark_heavy(self, token: int, reason: str) -> None:
        self._forget_pages()  # partly drawn, or not the page it should be: never the base of a patch
        self._heavy[token] = reason
        while len(self._heavy) > 64:
            self._heavy.pop(next(iter(self._heavy)))
        log.warning("frame %d is too heavy to draw: %s", token, reason)
        self.frameTooHeavy.emit(reason)

    # ------------------------------------------------------------------ watchdog

    def _renderer_rss(self) -> int:
        pid = self._page.renderProcessPid()
        if pid <= 0:
            return 0
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) * 1024
        except (OSError, ValueError):
            pass
        return 0

    def _on_watchdog_timeout(self) -> None:
        if not self._waiting or self._closed:
            self._watchdog.stop()
            return
        if self._killing:
            return
        elapsed = (time.monotonic() - min(self._waiting.values())) * 1000
        if elapsed > self.frame_time_budget_ms:
            self.restart_renderer(f"the renderer took over {self.frame_time_budget_ms / 1000:g} s")
            return
        rss = self._renderer_rss()
        if rss > self.memory_budget_bytes:
            self.restart_renderer(f"the renderer needed over {self.memory_budget_bytes / 1024**3:.1f} GB")

    def restart_renderer(self, reason: str) -> None:
        """Kill a stuck renderer process and load the renderer page in a new one. Frames waiting
        for it are reported too heavy (``reason``); the page state is gone, callers reload it."""
        if self._closed or self._killing:
            return
        self._killing = True
        self._forget_pages(tell_page=False)  # a new renderer page keeps nothing
        self.renderer_restarts += 1
        waiting, self._waiting = sorted(self._waiting), {}
        self._frame_reasons.clear()
        self._queue.clear()
        self._ready = False
        pid = self._page.renderProcessPid()
        log.warning("restarting the renderer (pid %s): %s", pid, reason)
        for token in waiting:
            self._heavy[token] = reason
        if pid > 0 and pid != os.getpid():
            try:
                os.kill(pid, signal.SIGKILL)  # renderProcessTerminated reloads the page
            except OSError:
                self._page.load(QUrl(RENDERER_URL))
        else:
            self._page.load(QUrl(RENDERER_URL))
        if waiting:
            self.frameTooHeavy.emit(reason)

    def _on_page_render_process_terminated(self, status, exit_code: int) -> None:
        if self._closed:
            return
        self._forget_pages(tell_page=False)
        if not self._killing:  # crashed on its own: the frames it owed are lost as well
            reason = f"the renderer stopped ({getattr(status, 'name', status)}, exit code {exit_code})"
            self.restart_renderer(reason)
            self.rendererCrashed.emit(reason)
            return
        self._page.load(QUrl(RENDERER_URL))
