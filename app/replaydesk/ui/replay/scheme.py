"""The ``replaydesk://`` URL scheme that serves the trusted renderer page.

Why a custom scheme instead of ``file://``: the request interceptor can then allow exactly our own
origin (``replaydesk://renderer``) and block every ``file:`` URL a recorded page might reference;
the page gets a real, non-opaque origin that its about:blank content frame inherits (so the outer
page can build the recorded DOM into it). The scheme is *not* marked secure on purpose: when the
user allows web assets, http images in the content frame must not be blocked or upgraded as mixed
content.

``register_scheme()`` must run before the first QtWebEngine object is created.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtWebEngineCore import (
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from replaydesk.resources import renderer_dir

log = logging.getLogger(__name__)

SCHEME = "replaydesk"
HOST = "renderer"
RENDERER_URL = f"{SCHEME}://{HOST}/renderer.html"

_registered = False

_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


def register_scheme() -> None:
    """Register ``replaydesk://`` with QtWebEngine (idempotent; call before any WebEngine object)."""
    global _registered
    if _registered:
        return
    scheme = QWebEngineUrlScheme(SCHEME.encode())
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setDefaultPort(QWebEngineUrlScheme.SpecialPort.PortUnspecified.value)
    # Not Local (local schemes get an opaque, file-like origin and cannot load subresources).
    scheme.setFlags(QWebEngineUrlScheme.Flag.CorsEnabled)
    QWebEngineUrlScheme.registerScheme(scheme)
    _registered = True


class RendererSchemeHandler(QWebEngineUrlSchemeHandler):
    """Serve files of the renderer directory (GET only, no path escapes, fixed MIME types)."""

    def __init__(self, parent=None, root: Path | None = None) -> None:
        super().__init__(parent)
        self._root = Path(root).resolve() if root is not None else renderer_dir()

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802 (Qt override)
        url = job.requestUrl()
        if bytes(job.requestMethod()).upper() != b"GET" or url.host() != HOST:
            job.fail(QWebEngineUrlRequestJob.Error.RequestDenied)
            return
        rel = url.path().lstrip("/") or "renderer.html"
        path = (self._root / rel).resolve()
        if self._root not in path.parents or not path.is_file():
            log.warning("renderer resource not found: %s", url.toString())
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        ctype = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        buf = QBuffer(job)  # owned by the job: freed with it
        buf.setData(QByteArray(path.read_bytes()))
        buf.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(ctype.encode(), buf)
