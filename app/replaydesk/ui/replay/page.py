"""``ReplayPage``: the web page that hosts the renderer, locked to that one document.

Why: even with scripts disabled in the recorded content, a page can still try to navigate
(links, meta refresh, form posts, window.open). The page accepts exactly one navigation: the main
frame loading our renderer URL. Subframes may only hold about:blank documents we build into.
Console output of the renderer goes to Python logging (and is kept for tests and bug reports).
"""

from __future__ import annotations

import logging
from collections import deque

from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEnginePage

from replaydesk.ui.replay.scheme import RENDERER_URL

log = logging.getLogger("replaydesk.ui.replay.js")
content_log = logging.getLogger("replaydesk.ui.replay.content")

_LEVELS = {
    QWebEnginePage.JavaScriptConsoleMessageLevel.InfoMessageLevel: logging.INFO,
    QWebEnginePage.JavaScriptConsoleMessageLevel.WarningMessageLevel: logging.WARNING,
    QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel: logging.ERROR,
}


class ReplayPage(QWebEnginePage):
    """Renderer page: denies navigation, new windows and permission requests."""

    def __init__(self, profile, parent=None) -> None:
        super().__init__(profile, parent)
        # bounded: a hostile or chatty page must not grow memory without limit
        self.console: deque[tuple[int, str, str]] = deque(maxlen=1000)
        self.denied_navigations: deque[str] = deque(maxlen=1000)
        if hasattr(self, "permissionRequested"):  # Qt >= 6.8
            self.permissionRequested.connect(self._on_page_permission_requested)
        self.newWindowRequested.connect(self._on_page_new_window_requested)

    def acceptNavigationRequest(self, url: QUrl, nav_type, is_main_frame: bool) -> bool:  # noqa: N802
        s = url.toString()
        if is_main_frame and s == RENDERER_URL:
            return True
        if not is_main_frame and s == "about:blank":
            return True
        self.denied_navigations.append(s)
        log.info("denied navigation (%s, main=%s) to %s", getattr(nav_type, "name", nav_type), is_main_frame, s)
        return False

    def createWindow(self, _type):  # noqa: N802 (Qt override)
        self.denied_navigations.append("<new window>")
        return None

    def javaScriptConsoleMessage(self, level, message: str, line: int, source: str) -> None:  # noqa: N802
        self.console.append((int(level.value) if hasattr(level, "value") else int(level), message, source))
        if message.startswith("Refused to") or "Content Security Policy" in message:
            # the recorded page hit our CSP: expected for hostile or asset-heavy pages, not an error
            content_log.info("%s", message)
            return
        log.log(_LEVELS.get(level, logging.INFO), "%s (%s:%d)", message, source, line)

    def _on_page_permission_requested(self, permission) -> None:
        permission.deny()

    def _on_page_new_window_requested(self, request) -> None:
        self.denied_navigations.append(request.requestedUrl().toString())
