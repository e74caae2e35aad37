"""Replay renderer host: the Qt side of the recorded-page renderer.

Why a sub-package: replaying rrweb recordings means rendering hostile, recorded HTML. Everything
that touches QtWebEngine for that purpose lives here, so the safety boundary is in one place:

* ``scheme``      – the ``replaydesk://`` URL scheme serving our own renderer page (resources/replay)
* ``interceptor`` – a request interceptor that blocks all network access except our scheme,
                    ``data:``/``blob:`` and, if the user allows web assets, http(s) *assets*
* ``profile``     – a dedicated off-the-record ``QWebEngineProfile`` wiring both together
* ``page``        – ``ReplayPage``: denies navigation, new windows, permissions; logs console
* ``bridge``      – the one JSON slot the trusted outer page may call
* ``view``        – ``ReplayView``, the widget (load / apply events / set state / framePainted)
* ``headless``    – ``FrameRenderer`` / ``render_frame_png`` for offscreen frame export and tests
* ``timeline``    – Qt-free planning of "which events make up the frame at t"

Import ``replaydesk.ui.replay.scheme`` (or this package) before the first WebEngine object is
created: custom URL schemes must be registered early (``QWebEngineUrlScheme.registerScheme``).
"""

from replaydesk.ui.replay.scheme import SCHEME, register_scheme

register_scheme()

from replaydesk.ui.replay.headless import FrameRenderer, render_frame_png  # noqa: E402
from replaydesk.ui.replay.view import ReplayView  # noqa: E402

__all__ = ["SCHEME", "FrameRenderer", "ReplayView", "register_scheme", "render_frame_png"]
