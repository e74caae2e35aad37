"""Network policy of the replay profile: block everything that is not ours.

Why: a recorded page references the live site (images, fonts, CSS, beacons, prefetches) and may
be crafted to phone home. The renderer must work offline and leak nothing. Every request of the
replay profile is seen here (recorded in ``requests`` for audits and tests) and blocked unless it is

* our own renderer (``replaydesk://renderer``), or ``data:`` / ``blob:``, or
* an http(s) *asset* (image, stylesheet, font, media) while "Load page assets from the web" is on.

Scripts, frames, navigations, XHR/fetch, pings, prefetches, websockets, workers, ``file:``,
``ftp:`` and every other scheme are always blocked.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass

from PySide6.QtWebEngineCore import QWebEngineUrlRequestInfo, QWebEngineUrlRequestInterceptor

from replaydesk.ui.replay.scheme import HOST, SCHEME

log = logging.getLogger(__name__)

RT = QWebEngineUrlRequestInfo.ResourceType
_ASSET_TYPES = {
    RT.ResourceTypeImage,
    RT.ResourceTypeStylesheet,
    RT.ResourceTypeFontResource,
    RT.ResourceTypeMedia,
}

_OWN_TYPES = {RT.ResourceTypeMainFrame, RT.ResourceTypeScript, RT.ResourceTypeStylesheet}


@dataclass(frozen=True)
class RequestRecord:
    """One request the replay profile tried to make."""

    url: str
    scheme: str
    resource_type: str
    blocked: bool


class ReplayRequestInterceptor(QWebEngineUrlRequestInterceptor):
    """Allow-list interceptor; ``allow_web_assets`` is the user setting (off by default)."""

    def __init__(self, parent=None, *, allow_web_assets: bool = False) -> None:
        super().__init__(parent)
        self.allow_web_assets = allow_web_assets
        self.requests: deque[RequestRecord] = deque(maxlen=10000)  # newest last, bounded

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 (Qt override)
        url = info.requestUrl()
        scheme = url.scheme().lower()
        rtype = info.resourceType()
        allowed = self._allowed(scheme, url.host(), rtype)
        self.requests.append(RequestRecord(url.toString(), scheme, rtype.name, not allowed))
        if not allowed:
            info.block(True)
            log.debug("blocked %s request to %s", rtype.name, url.toDisplayString())

    def _allowed(self, scheme: str, host: str, rtype) -> bool:
        if scheme == SCHEME:
            # Our page loads only its document, scripts and stylesheet. Content documents share
            # its URL (document.open() adopts the opener's URL), so a recorded relative image or
            # font would resolve here: nothing of ours is an image, so such loads are refused.
            return host == HOST and rtype in _OWN_TYPES
        if scheme in ("data", "blob"):
            return True
        if scheme in ("http", "https") and self.allow_web_assets:
            return rtype in _ASSET_TYPES
        return False

    def network_requests(self) -> list[RequestRecord]:
        """Requests that would have left the machine (any scheme but ours, data: and blob:)."""
        return [r for r in self.requests if r.scheme not in (SCHEME, "data", "blob")]
