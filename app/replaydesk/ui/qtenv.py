"""The environment QtWebEngine reads once, at start-up (no Qt import here).

Every entry point that starts Qt — the window (``ui/app.py``), ``replaydesk render``
(``cli/commands.py``) and the headless renderer (``ui/replay/headless.py``) — calls
:func:`prepare_qt_environment` before the QApplication exists; set later, these
variables are silently ignored.
"""

from __future__ import annotations

import os


#: Chromium without the GPU, but with WebGL on SwiftShader (ANGLE's software backend), so the
#: renderer can replay recorded WebGL canvases (resources/replay/webgl.js); documents still get
#: no WebGL (the profile's WebGLEnabled is off), only the trusted page's OffscreenCanvas.
SOFTWARE_GL_FLAGS = "--disable-gpu --use-gl=angle --use-angle=swiftshader-webgl"
#: Offscreen (command-line rendering) there is no window and usually no GPU: WebGL on SwiftShader
#: too (without it Chromium reports "WebGL1 blocklisted" and WebGL canvases stay blank).
OFFSCREEN_GL_FLAGS = "--use-gl=angle --use-angle=swiftshader-webgl"


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def prepare_qt_environment(*, offscreen: bool = False, software_gl: bool = False) -> None:
    """Set Qt's start-up variables, keeping any the user set.

    * As root, Chromium refuses to start its sandboxed renderer processes, so its
      sandbox is disabled there (only there). The recorded page stays contained by the
      replay frame's own sandbox attribute, its CSP and the request interceptor.
    * ``offscreen``: no window system (command-line rendering).
    * ``software_gl``: Chromium draws without the GPU, as in the tests, so frames are the
      same on every machine.
    """
    if offscreen:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if software_gl:
        os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", SOFTWARE_GL_FLAGS)
    elif offscreen:
        os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", OFFSCREEN_GL_FLAGS)
    if running_as_root():
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
