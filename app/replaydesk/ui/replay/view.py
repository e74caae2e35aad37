"""``ReplayView``: the Qt widget that shows a recorded page.

Why this shape: the widget is a thin host. It owns the hardened profile/page, queues calls until
the renderer page says "ready", forwards JSON to the page's ``rd`` API and turns the page's
"frame painted" acknowledgements into the ``framePainted(int)`` signal. It knows nothing about
timelines: callers (the player, the headless renderer, later the checkpoint seeker) decide what to
load and apply.

API (all calls are asynchronous and applied in order):

* ``load_snapshot(node, viewport, initial_offset=None, href="")`` – build a FullSnapshot
* ``apply_events(events)`` – apply rrweb events (incrementals; Meta+FullSnapshot rebuild)
* ``set_state(state)`` – restore scrolls / inputs / canvases / mouse / hover / selection
* ``request_frame(settle=True) -> token`` – ``framePainted(token)`` fires once painted
* ``grab_viewport()`` – the recorded viewport area as a QImage (1:1 in headless mode)
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
import shiboken6
from PySide6.QtCore import Property, QRect, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QImage
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QVBoxLayout, QWidget

from replaydesk.ui.replay.bridge import RendererBridge
from replaydesk.ui.replay.page import ReplayPage
from replaydesk.ui.replay.profile import ReplayProfile
from replaydesk.ui.replay.scheme import RENDERER_URL

log = logging.getLogger(__name__)


def _json(obj: Any) -> str:
    return orjson.dumps(obj).decode()


def token_colour(token: int) -> tuple[int, int, int]:
    """Colour of the sentinel row for ``token`` (must match RD.tokenColour in renderer.js)."""
    return ((token * 97 + 31) & 255, (token * 57 + 101) & 255, (token * 23 + 211) & 255)


class ReplayView(QWidget):
    """Hosts the renderer page in a dedicated off-the-record profile."""

    framePainted = Signal(int)
    rendererReady = Signal()
    allowWebAssetsChanged = Signal(bool)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        allow_web_assets: bool = False,
        show_cursor: bool = True,
        headless: bool = False,
    ) -> None:
        super().__init__(parent)
        # Child order matters for teardown: the view (and its page) is destroyed before the profile.
        self._web = QWebEngineView(self)
        self._profile = ReplayProfile(self, allow_web_assets=allow_web_assets)
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
        self._ready = False
        self._queue: list[str] = []
        self._token = 0
        self._last_painted = 0
        self._viewport = QSize(1024, 768)
        self._closed = False
        self._bridge.rendererReady.connect(self._on_bridge_ready)
        self._bridge.framePainted.connect(self._on_bridge_frame_painted)
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
                      timestamp: int | None = None) -> None:
        """Build a serialized Document (FullSnapshot ``data.node``) at the given viewport.

        ``timestamp`` (the FullSnapshot's, epoch ms) anchors animation phases of the page.
        """
        w, h = self._vp(viewport)
        self._viewport = QSize(w, h)
        arg = {"node": node, "viewport": {"width": w, "height": h},
               "initialOffset": initial_offset or {"top": 0, "left": 0}, "href": href}
        if timestamp is not None:
            arg["timestamp"] = int(timestamp)
        self._call("rd.load", arg)

    def apply_events(self, events: list[dict]) -> None:
        """Apply rrweb events in order (incrementals; a Meta + FullSnapshot rebuilds)."""
        if not events:
            return
        for e in events:
            d = e.get("data") or {}
            if e.get("type") == 4 or (e.get("type") == 3 and d.get("source") == 4):
                if d.get("width") and d.get("height"):
                    self._viewport = QSize(int(d["width"]), int(d["height"]))
        self._call("rd.applyEvents", events)

    def set_state(self, state: dict) -> None:
        """Restore side state after a seek (see RD.setState in apply.js for the keys)."""
        self._call("rd.setState", state)

    def set_viewport(self, width: int, height: int) -> None:
        self._viewport = QSize(int(width), int(height))
        self._js(f"rd.setViewport({int(width)},{int(height)})")

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
        self._js(f"rd.ack({self._token},{_json(opts)})")
        return self._token

    def clear(self) -> None:
        self._js("rd.clear()")

    def run_javascript(self, code: str, callback=None) -> None:
        """Run code in the renderer page (trusted outer page only), after it is ready."""
        if self._closed:
            return
        if not self._ready:
            self._queue.append(code)  # callbacks are only supported once ready
            return
        if callback is None:
            self._page.runJavaScript(code)
        else:
            self._page.runJavaScript(code, 0, callback)

    def displayed_rect(self) -> QRect:
        """Where the recorded viewport is drawn in the view (the page scales it to fit and centres
        it, see renderer.js ``fit``); the top-left corner at 1:1 in headless mode."""
        w, h = self._viewport.width(), self._viewport.height()
        if self._headless or w <= 0 or h <= 0:
            return QRect(0, 0, w, h)
        pw, ph = self._web.width(), self._web.height()
        scale = min(pw / w, ph / h, 1.0)
        sw, sh = round(w * scale), round(h * scale)
        return QRect(max(0, round((pw - sw) / 2)), max(0, round((ph - sh) / 2)), sw, sh)

    def grab_viewport(self) -> QImage:
        """The recorded viewport as shown, as an RGB32 image of the recorded size (headless: 1:1)."""
        img = self._web.grab(self.displayed_rect()).toImage()
        if img.devicePixelRatio() != 1 or img.width() != self._viewport.width():
            img = img.scaled(self._viewport, Qt.AspectRatioMode.IgnoreAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
            img.setDevicePixelRatio(1)
        return img.convertToFormat(QImage.Format.Format_RGB32)

    def sentinel_matches(self, token: int) -> bool:
        """True when the grabbed frame contains the state acknowledged with ``token`` (headless)."""
        w, h = self._viewport.width(), self._viewport.height()
        img = self._web.grab(QRect(0, h, min(w, 8), 1)).toImage()
        if img.isNull() or img.width() < 1:
            return False
        c = img.pixelColor(min(3, img.width() - 1), 0)
        r, g, b = token_colour(token)
        return abs(c.red() - r) <= 3 and abs(c.green() - g) <= 3 and abs(c.blue() - b) <= 3

    def shutdown(self) -> None:
        """Tear down the page before its profile (QtWebEngine crashes otherwise)."""
        if self._closed:
            return
        self._closed = True
        self._queue.clear()
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
        self._js(f"{fn}({_json(arg)})")

    def _js(self, code: str) -> None:
        if self._closed:
            return
        if not self._ready:
            self._queue.append(code)
            return
        self._page.runJavaScript(code)

    def _configure(self) -> None:
        cfg = {"allowWebAssets": self._profile.allow_web_assets, "showCursor": self._show_cursor,
               "headless": self._headless}
        code = f"rd.configure({_json(cfg)})"
        if self._ready:  # before ready, _on_bridge_ready configures first
            self._page.runJavaScript(code)

    def _on_bridge_ready(self) -> None:
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

    def _on_bridge_frame_painted(self, token: int) -> None:
        self._last_painted = max(self._last_painted, token)
        self.framePainted.emit(token)
