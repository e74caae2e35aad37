"""Start the GUI: one QApplication, the theme, the error handler, the window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

log = logging.getLogger(__name__)


def _prepare_environment() -> None:
    import os

    # QtWebEngine refuses to start its sandboxed renderer as root; the replay
    # frame is protected by its own sandbox attribute, CSP and request filter.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


def run_gui(paths: list[str], db_path: str | Path, *, crash_dialog: bool = True) -> int:
    _prepare_environment()
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    from .errors import install_error_handler
    from .main_window import MainWindow
    from .replay import register_scheme
    from .theme import apply_theme

    register_scheme()  # before the QApplication exists
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ReplayDesk")
    app.setOrganizationName("ReplayDesk")
    apply_theme(app)
    window = MainWindow(db_path)
    if crash_dialog:
        install_error_handler(window)
    window.show()
    if paths:
        window.import_paths([str(p) for p in paths])
    return app.exec()
