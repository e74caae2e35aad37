"""Start the GUI: one QApplication, the theme, the error handler, the window.

Before Qt starts, two things a new user would otherwise trip over:

* a machine without the X11 libraries Qt's ``xcb`` platform plugin links
  against. Qt then names the wrong library ("xcb-cursor0 is needed") and
  aborts (exit 134); we look at the plugin's dependencies first and print one
  line naming the missing libraries and the ``apt-get`` line (exit 2);
* Chromium's log noise (dbus, GPU, Vulkan) and Qt's warnings on the terminal:
  they go to the log file, and to the terminal only with ``--verbose``.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

log = logging.getLogger(__name__)


def process_age_ms() -> float | None:
    """Milliseconds since this process started (Linux ``/proc``), for the start-up time in the log."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        return (uptime - start_ticks / os.sysconf("SC_CLK_TCK")) * 1000
    except (OSError, ValueError, IndexError, AttributeError):
        return None

#: The one line of system packages a minimal Debian/Ubuntu needs for the window
#: (the same line is in the README). Found with ``ldd``/``readelf -d`` on the Qt
#: libraries and plugins the window loads, and ``QT_DEBUG_PLUGINS=1``; plus ``gcc``, which builds
#: the one C module at install (formats/redact/_walk.c; without it the install falls back to Python).
APT_PACKAGES = (
    "libasound2 libdbus-1-3 libegl1 libfontconfig1 libgbm1 libgl1 libgl1-mesa-dri libglib2.0-0 libgssapi-krb5-2 libnss3 "
    "libx11-xcb1 libxcb-cursor0 libxcb-dri3-0 libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 "
    "libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-xfixes0 libxcb-xkb1 "
    "libxcomposite1 libxdamage1 libxkbcommon-x11-0 libxkbfile1 libxrandr2 libxtst6 fonts-liberation gcc"
)
APT_LINE = f"sudo apt-get install -y {APT_PACKAGES}"

#: Chromium switches added unless --verbose: its own logging (dbus, GPU
#: process, Vulkan probes) writes straight to stderr, past Qt's handlers.
QUIET_CHROMIUM_FLAGS = ("--log-level=3", "--disable-logging")


def missing_libraries(ldd_output: str) -> list[str]:
    """The shared libraries ``ldd`` reports as ``not found``, in order, once each."""
    out: list[str] = []
    for line in ldd_output.splitlines():
        name, sep, where = line.strip().partition("=>")
        if sep and where.strip().startswith("not found") and name.strip() not in out:
            out.append(name.strip())
    return out


def xcb_plugin_path() -> Path | None:
    try:
        import PySide6
    except ImportError:
        return None
    p = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return p if p.is_file() else None


def xcb_missing_libraries(plugin: Path | None = None) -> list[str]:
    """Libraries Qt's xcb plugin needs and this machine lacks (empty: it can load).

    ``ldd`` lists every missing library at once; without it, loading the plugin
    with ctypes names the first one."""
    plugin = plugin or xcb_plugin_path()
    if plugin is None:
        return []
    ldd = shutil.which("ldd")
    if ldd:
        try:
            r = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20)
            return missing_libraries(r.stdout)
        except (OSError, subprocess.SubprocessError):
            pass
    import ctypes

    try:
        ctypes.CDLL(str(plugin), mode=getattr(os, "RTLD_LAZY", 1))
    except OSError as exc:  # "libxcb-icccm.so.4: cannot open shared object file: ..."
        first = str(exc).split(":", 1)[0].strip()
        return [first] if first.startswith("lib") else [str(exc)]
    return []


def display_problem(env: dict | None = None, check=xcb_missing_libraries) -> str | None:
    """One line saying why the window cannot open on this display, or ``None``."""
    env = os.environ if env is None else env
    platform = env.get("QT_QPA_PLATFORM", "").split(":", 1)[0]
    if platform not in ("", "xcb") or (not platform and env.get("WAYLAND_DISPLAY")):
        return None  # offscreen, wayland, vnc...: not the X11 plugin
    if not env.get("DISPLAY"):
        if platform == "xcb" or sys.platform.startswith("linux"):
            return "no display to open the window on: DISPLAY is not set (run it in a desktop session or under Xvfb)"
        return None
    if not sys.platform.startswith("linux"):
        return None
    missing = check()
    if missing:
        return (
            f"the window cannot start: Qt's X11 (xcb) plugin needs {', '.join(missing)}, which "
            f"{'is' if len(missing) == 1 else 'are'} not installed; install the system packages with: {APT_LINE}"
        )
    return None


def _prepare_environment(verbose: bool = False) -> None:
    from .qtenv import prepare_qt_environment

    prepare_qt_environment()
    if not verbose:
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
        flags += [f for f in QUIET_CHROMIUM_FLAGS if f.split("=")[0] not in {x.split("=")[0] for x in flags}]
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(flags)


def _route_qt_messages(verbose: bool) -> None:
    """Qt's and the page's messages go to the log (the terminal only with --verbose)."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("qt")
    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handler(mode, context, message) -> None:
        level = levels.get(mode, logging.WARNING)
        category = getattr(context, "category", None) or "default"
        qt_log.log(level, "%s: %s", category, message)
        if level >= logging.CRITICAL and not verbose:
            print(f"replaydesk: Qt: {message}", file=sys.stderr)  # about to abort: say why

    qInstallMessageHandler(handler)


#: the freedesktop application id: icon file names, the .desktop entry, the AppStream metainfo
APP_ID = "io.replaydesk.ReplayDesk"


def app_icon():
    """The application icon: the PNG sizes rendered from the SVG (packaging/make_icons.py), so
    small sizes stay crisp, and the SVG for any other size. Empty if the files are missing."""
    from PySide6.QtGui import QIcon

    from ..resources import resources_dir

    icon = QIcon()
    try:
        hicolor = resources_dir() / "icons" / "hicolor"
    except FileNotFoundError:
        return icon
    for png in sorted(hicolor.glob(f"*/apps/{APP_ID}.png")):
        icon.addFile(str(png))
    svg = hicolor / "scalable" / "apps" / f"{APP_ID}.svg"
    if svg.is_file():
        icon.addFile(str(svg))
    if icon.isNull():
        log.warning("application icon not found under %s", hicolor)
    return icon


def run_gui(paths: list[str], db_path: str | Path, *, crash_dialog: bool = True, verbose: bool = False) -> int:
    problem = display_problem()
    if problem:
        print(f"replaydesk: {problem}", file=sys.stderr)
        return 2
    _prepare_environment(verbose)
    from .single_instance import ALREADY_OPEN, HANDED_OVER, hand_over

    if hand_over(db_path, [str(p) for p in paths]):  # a window is open on this store: one writer only
        print(HANDED_OVER if paths else ALREADY_OPEN)
        return 0
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    from .errors import install_error_handler
    from .main_window import MainWindow
    from .replay import register_scheme
    from .theme import apply_theme

    _route_qt_messages(verbose)
    register_scheme()  # before the QApplication exists
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ReplayDesk")
    app.setOrganizationName("ReplayDesk")
    apply_theme(app)
    app.setDesktopFileName(APP_ID)  # Wayland/X11 match the window to packaging/replaydesk.desktop
    app.setWindowIcon(app_icon())
    from .passphrase_prompt import encrypt_if_asked, unlock_store
    from .settings import Settings

    encrypt_if_asked(db_path, Settings())
    if not unlock_store(db_path):  # an encrypted store and no passphrase: nothing to show
        print(f"replaydesk: no passphrase given for the encrypted store {db_path}", file=sys.stderr)
        return 2
    window = MainWindow(db_path)
    _listen_for_other_starts(window, db_path)
    if crash_dialog:
        install_error_handler(window)
    _log_when_usable(window)
    window.show()
    age = process_age_ms()
    if age is not None:
        log.info("window shown %.0f ms after the process started", age)
    _quit_after_env(app, window, bool(paths))
    if paths:
        window.import_paths([str(p) for p in paths])
    return app.exec()


#: the log line bench/bench_startup.py waits for
USABLE_MESSAGE = "window usable: %d session rows listed, %.0f ms after the process started"


def _log_when_usable(window) -> None:
    """Log once the session list first paints its rows: the window is usable (start-up time)."""
    from PySide6.QtCore import QEvent, QObject

    viewport = window.sessions.view.viewport()

    class FirstPaint(QObject):
        def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
            if event.type() == QEvent.Type.Paint and window.isVisible():
                viewport.removeEventFilter(self)
                age = process_age_ms()
                log.info(USABLE_MESSAGE, window.sessions.model.rowCount(), -1 if age is None else age)
            return False

    window._first_paint = FirstPaint(window)
    viewport.installEventFilter(window._first_paint)


def _listen_for_other_starts(window, db_path) -> None:
    """Later ``replaydesk ARCHIVE`` starts on this store hand their archives to this window."""
    from .single_instance import InstanceServer

    server = window.instance_server = InstanceServer(db_path, window)

    def received(paths: list) -> None:
        window.showNormal() if window.isMinimized() else window.show()
        window.raise_()
        window.activateWindow()
        window.import_paths(paths)

    server.pathsReceived.connect(received)
    server.listen()


#: smoke tests (the installed wheel, the packaged build): quit this many ms after the window is
#: up and the archives given on the command line are imported (or failed) — the run then did
#: the real start-up and import work, and the store shows what it imported
QUIT_AFTER_ENV = "REPLAYDESK_QUIT_AFTER_MS"


def _quit_after_env(app, window, importing: bool) -> None:
    raw = os.environ.get(QUIT_AFTER_ENV)
    if not raw:
        return
    from PySide6.QtCore import QTimer

    try:
        ms = max(0, int(raw))
    except ValueError:
        log.warning("%s=%r is not a number of milliseconds; ignored", QUIT_AFTER_ENV, raw)
        return

    def later(*_args) -> None:
        log.info("quitting %d ms after start-up work, as %s asks", ms, QUIT_AFTER_ENV)
        QTimer.singleShot(ms, window.close)
        QTimer.singleShot(ms, app.quit)

    if importing:
        window.importer.finished.connect(later)
        window.importer.failed.connect(later)
    else:
        QTimer.singleShot(0, later)
