"""Qt window tests: ``replaydesk://`` is registered before pytest-qt creates the
QApplication (the Qt environment variables are set in tests/conftest.py)."""

from replaydesk.ui.replay.scheme import register_scheme

register_scheme()


from contextlib import contextmanager  # noqa: E402


@contextmanager
def shown_main_window(qtbot, tmp_path, db_path, size=(1600, 960)):
    """A shown MainWindow on ``db_path`` with its own settings file, closed afterwards."""
    from replaydesk.ui.main_window import MainWindow
    from replaydesk.ui.settings import use_settings_file

    use_settings_file(str(tmp_path / "settings.ini"))
    w = MainWindow(db_path)
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    try:
        yield w
    finally:
        w.close()
        use_settings_file(None)
