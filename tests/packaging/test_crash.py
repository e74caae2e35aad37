"""Crashes are reported and survived: the error dialog, and a renderer process that dies."""

from __future__ import annotations

import os
import signal
import sys

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from replaydesk.logsetup import log_path
from replaydesk.resources import demo_archive
from replaydesk.ui import tasks
from replaydesk.ui.errors import COPY_LABEL, install_error_handler
from replaydesk.ui.main_window import MainWindow
from replaydesk.ui.player import CRASHED_MESSAGE
from replaydesk.ui.settings import use_settings_file

pytestmark = pytest.mark.qt


def _a_bug_in_a_slot():
    raise KeyError("viewport <b>x</b>")


@pytest.mark.qt_no_exception_capture
def test_uncaught_exception_shows_the_dialog_with_log_path_and_copy(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    saved = sys.excepthook
    try:
        install_error_handler(parent)
        QTimer.singleShot(0, _a_bug_in_a_slot)  # raised inside Qt's event loop, as a real bug would be
        qtbot.waitUntil(lambda: getattr(parent, "_last_error_box", None) is not None, timeout=5_000)
    finally:
        sys.excepthook = saved
        tasks.set_error_handler(None)
    box: QMessageBox = parent._last_error_box
    qtbot.addWidget(box)
    qtbot.waitUntil(box.isVisible, timeout=5_000)
    assert box.text() == "KeyError: 'viewport <b>x</b>'"  # the type says what kind of bug
    assert str(log_path()) in box.informativeText()
    assert "_a_bug_in_a_slot" in box.detailedText()

    copy = next(b for b in box.findChildren(QPushButton) if b.text() == COPY_LABEL)
    QApplication.clipboard().clear()
    copy.click()
    QApplication.processEvents()
    copied = QApplication.clipboard().text()
    assert copied == box._details
    for want in ("ReplayDesk 0.1.0", "viewport <b>x</b>", f"Log file: {log_path()}", "_a_bug_in_a_slot", "KeyError"):
        assert want in copied, want
    assert box.isVisible() and copy.text() == "Copied"  # copying does not close the dialog
    box.close()


@pytest.mark.slow
def test_renderer_crash_says_so_and_recovers(qtbot, tmp_path):
    use_settings_file(str(tmp_path / "settings.ini"))
    w = MainWindow(tmp_path / "store.db")
    qtbot.addWidget(w)
    try:
        w.resize(1280, 800)
        w.show()
        qtbot.waitExposed(w)
        with qtbot.waitSignal(w.importer.finished, timeout=60_000):
            w.import_paths([str(demo_archive())])
        sid = "ses_46d365862838"
        assert w.sessions.select_session(sid)
        player, view = w.player, w.player.view
        qtbot.waitUntil(lambda: player.ready and player.session_id == sid and player.state.duration > 0, timeout=60_000)
        with qtbot.waitSignal(player.framePainted, timeout=30_000):
            player.state.seek(3000)
        qtbot.waitUntil(lambda: player.stack.currentWidget() is view, timeout=10_000)
        pid = view.page().renderProcessPid()
        assert pid > 0 and pid != os.getpid()

        with qtbot.waitSignal(view.rendererCrashed, timeout=10_000):
            os.kill(pid, signal.SIGKILL)  # as the OOM killer or a Chromium crash would
        assert player.stack.currentWidget() is player.hint
        assert player.hint.text() == CRASHED_MESSAGE

        # it recovers by itself: a new renderer process draws the same moment again
        qtbot.waitUntil(lambda: view.is_ready and view.page().renderProcessPid() not in (0, pid), timeout=30_000)
        qtbot.waitUntil(lambda: player.stack.currentWidget() is view, timeout=30_000)
        assert player.state.time == 3000
        with qtbot.waitSignal(player.framePainted, timeout=30_000):
            player.state.seek(5000)  # and keeps working
        assert view.renderer_restarts == 1
    finally:
        w.close()
        use_settings_file(None)
