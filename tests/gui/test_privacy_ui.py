"""View > Privacy (issue 14): replay masking mode and e-mail masking, persisted, applied everywhere."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from replaydesk.resources import demo_archive
from replaydesk.state.privacy import display_text
from replaydesk.ui.main_window import MainWindow
from replaydesk.ui.settings import Settings, use_settings_file

pytestmark = pytest.mark.qt
SID = "ses_46d365862838"  # Maria Keller <maria.keller@example.com>
EMAIL = "maria.keller@example.com"


@pytest.fixture
def window(qtbot, tmp_path):
    use_settings_file(str(tmp_path / "settings.ini"))
    w = MainWindow(tmp_path / "store.db")
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    with qtbot.waitSignal(w.importer.finished, timeout=60_000):
        w.import_paths([str(demo_archive())])
    yield w
    w.close()
    display_text.set_mask_emails(False)
    use_settings_file(None)


def _user_cells(w) -> list[str]:
    m = w.sessions.model
    col = next(i for i in range(m.columnCount()) if m.headerData(i, Qt.Orientation.Horizontal) == "User")
    return [m.index(r, col).data() or "" for r in range(m.rowCount())]


def test_mask_emails_everywhere_and_persisted(qtbot, window, tmp_path):
    w = window
    assert w.sessions.select_session(SID)
    qtbot.waitUntil(lambda: w.player.session_id == SID, timeout=60_000)
    assert EMAIL in _user_cells(w)
    assert EMAIL in w.panel.details.values["User"].text()

    w.privacy_menu.mask_emails_action.trigger()
    cells = _user_cells(w)
    assert "m***********@e******.com" in cells
    assert not any("@" in c and "*" not in c for c in cells)
    user = w.panel.details.values["User"].text()
    assert EMAIL not in user and "m***********@e******.com" in user
    raw = [w.panel.details.raw.topLevelItem(i).text(1) for i in range(w.panel.details.raw.topLevelItemCount())]
    assert not any(EMAIL in t for t in raw)
    assert Settings().get("view/mask_emails") is True

    w.privacy_menu.mask_emails_action.trigger()
    assert EMAIL in _user_cells(w)
    assert Settings().get("view/mask_emails") is False


def test_privacy_mode_radio_group_persists_and_reaches_the_view(qtbot, window):
    w = window
    menu = w.privacy_menu
    assert menu.mode_actions["as-recorded"].isChecked()
    assert w.player.view.privacy_mode == "as-recorded"
    menu.mode_actions["mask-text"].trigger()
    assert menu.mode_actions["mask-text"].isChecked() and not menu.mode_actions["as-recorded"].isChecked()
    assert w.player.view.privacy_mode == "mask-text"
    assert Settings().get("view/privacy") == "mask-text"
    view_menu = next(a.menu() for a in w.menuBar().actions() if a.text() == "&View")
    assert menu.menuAction() in view_menu.actions()
