"""The one narrow, JSON-only slot the trusted renderer page may call.

Why: the outer page must tell Qt two things — "ready" and "frame <token> painted" (with, when the
page went over a budget, a short "heavy" reason: shown to the user as plain text). Anything else
is rejected and counted, so tests can prove recorded content never reached Python (house style
§12). Payloads are JSON text parsed with orjson; results are JSON text.
"""

from __future__ import annotations

import logging
from collections import Counter

import orjson
from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)


class RendererBridge(QObject):
    """Exposed to the renderer page as ``rdBridge`` over QWebChannel."""

    rendererReady = Signal()
    framePainted = Signal(int)
    #: (token, reason): the frame went over a budget in the page; emitted before framePainted
    frameTooHeavy = Signal(int, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.calls: Counter[str] = Counter()

    @Slot(str, result=str)
    def call(self, payload: str) -> str:
        try:
            msg = orjson.loads(payload)
            kind = msg.get("kind") if isinstance(msg, dict) else None
        except orjson.JSONDecodeError:
            kind = None
        if kind == "ready":
            self.calls["ready"] += 1
            self.rendererReady.emit()
            return '{"ok":true}'
        if kind == "frame" and isinstance(msg.get("token"), int):
            self.calls["frame"] += 1
            heavy = msg.get("heavy")
            if isinstance(heavy, str) and heavy:
                self.frameTooHeavy.emit(msg["token"], heavy[:300])
            self.framePainted.emit(msg["token"])
            return '{"ok":true}'
        self.calls["rejected"] += 1
        log.warning("rejected bridge call: %.200s", payload)
        return '{"ok":false}'
