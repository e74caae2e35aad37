"""``replaydesk://`` is registered before pytest-qt creates the QApplication (the crash tests
open the window). Imported lazily by pytest; the wheel and logging tests do not need Qt."""

from replaydesk.ui.replay.scheme import register_scheme

register_scheme()
