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
#: How Qt draws the replay view: Qt Quick's software scene graph, and no OpenGL for the X11
#: window. ``QWebEngineView`` shows Chromium's frames through a ``QQuickWidget``; with Qt Quick
#: on OpenGL that widget holds a GL context in our process, which on a machine without a GPU
#: driver (Xvfb, VMs, remote desktops) is Mesa's llvmpipe: libLLVM and its buffers, about 120 MB
#: of the Python process's RSS on Xvfb (issue 16: 60-minute session, 532 -> 412 MB), and seeks
#: were not faster for it (slower, if anything). Chromium draws the page in software either way
#: (:data:`SOFTWARE_GL_FLAGS`); these only change who copies its pixels to the window. A user's
#: own values win (``QT_QUICK_BACKEND=`` empty brings Qt Quick's default back).
SOFTWARE_SCENE_GRAPH = {"QT_QUICK_BACKEND": "software", "QT_XCB_GL_INTEGRATION": "none"}
#: With Chromium's sandbox already off, its two zygote processes sandbox nothing; they only fork
#: the renderer. Without them the helpers' RSS drops by about 80 MB (issue 16: 707 -> 617 MB for
#: Python + helpers, 60-minute session); Chromium accepts this flag only when the sandbox is off.
NO_SANDBOX_FLAGS = "--no-zygote"


def sandbox_disabled() -> bool:
    """Whether QtWebEngine will start its helpers without Chromium's sandbox."""
    return os.environ.get("QTWEBENGINE_DISABLE_SANDBOX", "") not in ("", "0")


def chromium_flags(base: str = "") -> str:
    """``base`` plus the flags that only apply with the sandbox off (no zygote processes)."""
    return f"{base} {NO_SANDBOX_FLAGS}".strip() if sandbox_disabled() else base


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def use_lean_defaults() -> None:
    """Qt draws the replay view without OpenGL (:data:`SOFTWARE_SCENE_GRAPH`), unless the
    user chose otherwise, and the process and its QtWebEngine helpers keep less freed memory
    (:func:`~replaydesk.ui.heap.limit_malloc_retention`). Before the QApplication exists."""
    from .heap import limit_malloc_retention

    for name, value in SOFTWARE_SCENE_GRAPH.items():
        os.environ.setdefault(name, value)
    limit_malloc_retention()


def prepare_qt_environment(*, offscreen: bool = False, software_gl: bool = False) -> None:
    """Set Qt's start-up variables, keeping any the user set.

    * As root, Chromium refuses to start its sandboxed renderer processes, so its
      sandbox is disabled there (only there). The recorded page stays contained by the
      replay frame's own sandbox attribute, its CSP and the request interceptor.
    * ``offscreen``: no window system (command-line rendering).
    * The window, and ``software_gl``: Chromium draws without the GPU, as in the tests, so
      frames are the same on every machine, with WebGL canvases on SwiftShader
      (:data:`SOFTWARE_GL_FLAGS`); with the GPU on and Qt Quick on llvmpipe, Chromium
      blocklisted WebGL and recorded WebGL canvases stayed blank on such displays.
    * Qt's side of the view is drawn without OpenGL, and freed memory is not kept
      (:func:`use_lean_defaults`).
    * With the sandbox off (as root, or the user's ``QTWEBENGINE_DISABLE_SANDBOX``), no zygote
      processes (:data:`NO_SANDBOX_FLAGS`): less memory, and nothing they would protect.
    """
    if offscreen:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if running_as_root():
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    use_lean_defaults()
    flags = chromium_flags(OFFSCREEN_GL_FLAGS if offscreen and not software_gl else SOFTWARE_GL_FLAGS)
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", flags)
