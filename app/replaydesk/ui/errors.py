"""One excepthook, one dialog, one log.

Unexpected exceptions (on the GUI thread or reported by background tasks) are
logged with their traceback to the log file and shown in a non-modal dialog:
the one-line message, where the log file is, the traceback folded away under
"Show Details...", and a "Copy details" button that puts a plain-text report
(version, platform, message, log path, traceback) on the clipboard for a bug
report. The app keeps running: a bug in one pane is not a silent exit.
"""

from __future__ import annotations

import logging
import platform
import sys
import traceback

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from .. import __version__
from ..logsetup import log_path
from .plaintext import make_plain
from .tasks import set_error_handler

log = logging.getLogger("replaydesk.errors")

_FRIENDLY = {
    "database or disk is full": "The disk is full: free some space and try again.",
    "Permission denied": "Permission denied: ReplayDesk cannot read or write that file.",
    "readonly database": "The store is read-only: check the file's permissions.",
}

COPY_LABEL = "Copy details"


def friendly(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    for needle, message in _FRIENDLY.items():
        if needle in text:
            return message
    return text.splitlines()[0]


def headline(exc: BaseException) -> str:
    """The dialog's first line: the friendly message for a known cause; otherwise the exception
    type as well (``KeyError: 'viewport'`` says more than ``'viewport'``)."""
    text = friendly(exc)
    known = text in _FRIENDLY.values()
    return text if known or isinstance(exc, OSError) else f"{type(exc).__name__}: {text}"


def details_text(exc: BaseException) -> str:
    """The plain-text report "Copy details" puts on the clipboard."""
    try:
        from PySide6 import __version__ as pyside
        from PySide6.QtCore import qVersion

        qt = f"PySide6 {pyside}, Qt {qVersion()}"
    except ImportError:  # pragma: no cover - this module imports Qt
        qt = "Qt unknown"
    return "\n".join([
        f"ReplayDesk {__version__}",
        f"Python {platform.python_version()}, {qt}, {platform.platform()}",
        "",
        f"Error: {headline(exc)}",
        f"Log file: {log_path()}",
        "",
        "".join(traceback.format_exception(exc)).rstrip(),
    ])


def error_dialog(exc: BaseException, parent=None) -> QMessageBox:
    """The dialog for one unexpected error (not shown yet)."""
    # The message can quote recorded data (a file name, a page's text):
    # plain text, never HTML that Qt would render and fetch images for.
    box = make_plain(QMessageBox(QMessageBox.Icon.Critical, "Something went wrong", headline(exc), parent=parent))
    box.setInformativeText(
        f"ReplayDesk ran into a problem it did not expect and kept running.\n"
        f"The details are in the log file:\n{log_path()}"
    )
    box.setDetailedText("".join(traceback.format_exception(exc)))
    # wide enough for the log path on one line (QMessageBox sizes itself from its labels)
    box.setStyleSheet("QLabel#qt_msgbox_label, QLabel#qt_msgbox_informativelabel { min-width: 30em; }")
    report = details_text(exc)
    copy = box.addButton(COPY_LABEL, QMessageBox.ButtonRole.ActionRole)
    # every QMessageBox button closes the box; copying must not: drop the box's own handler
    copy.clicked.disconnect()

    def on_copy() -> None:
        QGuiApplication.clipboard().setText(report)
        copy.setText("Copied")

    copy.clicked.connect(on_copy)
    box.addButton(QMessageBox.StandardButton.Close)
    box.setModal(False)
    box._details = report  # what the button copies (tests, bug reports)
    return box


def install_error_handler(parent) -> None:
    def show(exc: BaseException) -> None:
        log.error("unexpected error", exc_info=exc)
        try:
            box = error_dialog(exc, parent)
            box.show()
            parent._last_error_box = box
        except Exception:  # noqa: BLE001 - the handler of last resort must not raise
            log.exception("could not show the error dialog")

    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        show(exc.with_traceback(tb))

    sys.excepthook = hook
    set_error_handler(show)
