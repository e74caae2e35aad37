"""The dedicated, off-the-record web profile the replay renders in.

Why a profile of its own: request interception, the custom scheme and hardened settings apply per
profile; the app's other web views (docs, help) must not inherit them and the replay must not
share cookies, cache or storage with anything. Off-the-record means nothing is written to disk.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWebEngineCore import QWebEngineProfile, QWebEngineSettings

from replaydesk.ui.replay.interceptor import ReplayRequestInterceptor
from replaydesk.ui.replay.scheme import SCHEME, RendererSchemeHandler, register_scheme

WA = QWebEngineSettings.WebAttribute


class ReplayProfile(QWebEngineProfile):
    """Off-the-record profile with the allow-list interceptor and the ``replaydesk://`` handler."""

    def __init__(self, parent: QObject | None = None, *, allow_web_assets: bool = False,
                 renderer_dir: Path | None = None) -> None:
        """``renderer_dir``: serve the renderer from another directory (tests only)."""
        register_scheme()
        super().__init__(parent)  # no storage name => off the record
        self.interceptor = ReplayRequestInterceptor(self, allow_web_assets=allow_web_assets)
        self.setUrlRequestInterceptor(self.interceptor)
        self._scheme_handler = RendererSchemeHandler(self, root=renderer_dir)
        self.installUrlSchemeHandler(SCHEME.encode(), self._scheme_handler)
        self.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
        self.setPersistentCookiesPolicy(QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies)
        self.setSpellCheckEnabled(False)
        self.downloadRequested.connect(self._on_profile_download_requested)
        s = self.settings()
        for attr, on in (
            (WA.JavascriptEnabled, True),  # our outer page only; the content frame is sandboxed
            (WA.JavascriptCanOpenWindows, False),
            (WA.JavascriptCanAccessClipboard, False),
            (WA.JavascriptCanPaste, False),
            (WA.LocalContentCanAccessRemoteUrls, False),
            (WA.LocalContentCanAccessFileUrls, False),
            (WA.PluginsEnabled, False),
            (WA.PdfViewerEnabled, False),
            (WA.WebGLEnabled, False),
            (WA.Accelerated2dCanvasEnabled, False),
            (WA.AutoLoadIconsForPage, False),
            (WA.DnsPrefetchEnabled, False),
            (WA.HyperlinkAuditingEnabled, False),
            (WA.ErrorPageEnabled, False),
            (WA.FocusOnNavigationEnabled, False),
            (WA.AllowRunningInsecureContent, False),
            (WA.AllowGeolocationOnInsecureOrigins, False),
            (WA.AllowWindowActivationFromJavaScript, False),
            (WA.PlaybackRequiresUserGesture, True),
            (WA.WebRTCPublicInterfacesOnly, True),
            (WA.ScreenCaptureEnabled, False),
            (WA.LinksIncludedInFocusChain, False),
            (WA.ShowScrollBars, False),
            (WA.NavigateOnDropEnabled, False),
        ):
            s.setAttribute(attr, on)

    @property
    def allow_web_assets(self) -> bool:
        return self.interceptor.allow_web_assets

    @allow_web_assets.setter
    def allow_web_assets(self, on: bool) -> None:
        self.interceptor.allow_web_assets = bool(on)

    def _on_profile_download_requested(self, download) -> None:
        download.cancel()
