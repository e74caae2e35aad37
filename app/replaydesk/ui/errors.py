"""One excepthook, one dialog, one log.

Unexpected exceptions (on the GUI thread or reported by background tasks)
are logged with their traceback to the log file and shown as a one-line
message in a non-modal dialog with the details folded away.
"""

from __future__ import annotations

import logging
import sys
import traceback

from PySide6.QtWidgets import QMessageBox

from .plaintext import make_plain
from .tasks import set_error_handler

log = logging.getLogger("replaydesk.errors")

_FRIENDLY = {
    "database or disk is full": "The disk is full: free some space and try again.",
    "Permission denied": "Permission denied: ReplayDesk cannot read or write that file.",
    "readonly database": "The store is read-only: check the file's permissions.",
}


def friendly(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    for needle, message in _FRIENDLY.items():
        if needle in text:
            return message
    return text.splitlines()[0]


def install_error_handler(parent) -> None:
    def show(exc: BaseException) -> None:
        log.error("unexpected error", exc_info=exc)
        # The message can quote recorded data (a file name, a page's text):
        # plain text, never HTML that Qt would render and fetch images for.
        box = make_plain(QMessageBox(QMessageBox.Icon.Critical, "Something went wrong", friendly(exc), parent=parent))
        box.setDetailedText("".join(traceback.format_exception(exc)))
        box.setModal(False)
        box.show()
        parent._last_error_box = box

    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        show(exc.with_traceback(tb))

    sys.excepthook = hook
    set_error_handler(show)
