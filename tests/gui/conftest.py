"""Qt window tests: ``replaydesk://`` is registered before pytest-qt creates the
QApplication (the Qt environment variables are set in tests/conftest.py)."""

from replaydesk.ui.replay.scheme import register_scheme

register_scheme()
