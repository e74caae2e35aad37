"""File > Preferences… (issue 15): every option edits the same setting its menu uses, OK applies
it to the open window, Cancel changes nothing, and the store location is used at the next start."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialogButtonBox

from replaydesk.state.privacy import display_text
from replaydesk.ui.actions import ActionId
from replaydesk.ui.main_window import MainWindow
from replaydesk.ui.settings import Settings, configured_store_path, use_settings_file
from replaydesk.ui.signal_settings_dialog import SignalSettingsDialog
from replaydesk.ui.theme import is_dark, set_theme_mode, theme_mode

pytestmark = pytest.mark.qt


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.delenv("REPLAYDESK_THEME", raising=False)
    use_settings_file(str(tmp_path / "settings.ini"))
    w = MainWindow(tmp_path / "store.db")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()
    display_text.set_mask_emails(False)
    set_theme_mode("system")
    use_settings_file(None)


def _open(w):
    act = w.actions_by_id[ActionId.PREFERENCES]
    assert QKeySequence("Ctrl+,") in act.shortcuts()
    act.trigger()
    dlg = w.preferences_dialog
    assert dlg.isVisible()
    return dlg


def _change_everything(dlg, tmp_path):
    dlg.store_edit.setText(str(tmp_path / "elsewhere" / "team.db"))
    dlg.theme_combo.setCurrentIndex(dlg.theme_combo.findData("dark"))
    dlg.web_assets_check.setChecked(True)
    dlg.privacy_combo.setCurrentIndex(dlg.privacy_combo.findData("mask-text"))
    dlg.mask_emails_check.setChecked(True)
    dlg.fps_spin.setValue(24)
    dlg.width_combo.setCurrentIndex(dlg.width_combo.findData("1280"))
    dlg.format_combo.setCurrentIndex(dlg.format_combo.findData("webm"))


def test_defaults_shown(window):
    dlg = _open(window)
    v = dlg.values()
    assert (v.store_path, v.theme, v.web_assets, v.privacy, v.mask_emails) == ("", "system", False, "as-recorded", False)
    assert (v.export_fps, v.export_width, v.export_format) == (15, "recorded", "mp4")
    from PySide6.QtWidgets import QLabel

    label = dlg.findChild(QLabel, "storeNote")
    note = label.text()
    assert str(window.db_path) in note and "next time ReplayDesk starts" in note
    assert label.height() >= label.sizeHint().height()  # both lines shown, none clipped
    dlg.reject()


def test_ok_writes_settings_and_updates_the_window(window, tmp_path, monkeypatch):
    w = window
    dlg = _open(w)
    _change_everything(dlg, tmp_path)
    dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not dlg.isVisible()

    s = Settings()
    assert s.get("view/theme") == "dark"
    assert s.get("replay/web_assets") is True
    assert s.get("view/privacy") == "mask-text"
    assert s.get("view/mask_emails") is True
    assert s.get("store/path") == str(tmp_path / "elsewhere" / "team.db")
    assert (s.get("export/fps"), s.get("export/width"), s.get("export/format")) == (24, "1280", "webm")

    # the open window follows, and so do the menus that show the same settings
    assert theme_mode() == "dark" and is_dark()
    assert w.actions_by_id[ActionId.THEME_DARK].isChecked()
    assert w.player.view.allowWebAssets is True
    assert w.actions_by_id[ActionId.WEB_ASSETS].isChecked()
    assert w.player.view.privacy_mode == "mask-text"
    assert w.privacy_menu.mode_actions["mask-text"].isChecked()
    assert w.privacy_menu.mask_emails_action.isChecked()
    assert display_text.mask_emails
    # the store applies at the next start: this window keeps its store
    assert w.db_path == tmp_path / "store.db"
    monkeypatch.delenv("REPLAYDESK_DB")
    assert configured_store_path() == tmp_path / "elsewhere" / "team.db"

    # reopened, the dialog shows what was chosen; an empty store field goes back to the default
    dlg = _open(w)
    assert dlg.values().theme == "dark" and dlg.values().export_fps == 24
    dlg.store_edit.clear()
    dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert configured_store_path() is None


def test_cancel_changes_nothing(window, tmp_path):
    w = window
    before = {k: Settings().get(k) for k in ("view/theme", "replay/web_assets", "view/privacy", "view/mask_emails",
                                              "store/path", "export/fps", "export/width", "export/format")}
    dlg = _open(w)
    _change_everything(dlg, tmp_path)
    dlg.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    after = {k: Settings().get(k) for k in before}
    assert after == before
    assert theme_mode() == "system"
    assert w.player.view.allowWebAssets is False
    assert w.player.view.privacy_mode == "as-recorded"
    assert not w.privacy_menu.mask_emails_action.isChecked()


def test_menu_changes_show_in_the_dialog(window):
    w = window
    w.actions_by_id[ActionId.THEME_LIGHT].trigger()
    w.actions_by_id[ActionId.WEB_ASSETS].setChecked(True)
    w.privacy_menu.set_mode("mask-inputs")
    v = _open(w).values()
    assert (v.theme, v.web_assets, v.privacy) == ("light", True, "mask-inputs")


def test_thresholds_button_opens_the_thresholds_dialog(window, qtbot):
    dlg = _open(window)
    dlg.thresholds_button.click()
    thr = window.signal_settings_dialog
    assert isinstance(thr, SignalSettingsDialog) and thr.isVisible()
    thr.reject()
    dlg.reject()


def test_an_odd_width_disables_ok(window):
    dlg = _open(window)
    dlg.width_combo.setEditText("1001 px")
    assert not dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    dlg.width_combo.setEditText("1000 px")
    assert dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert dlg.values().export_width == "1000"
    dlg.reject()


def test_the_chosen_store_is_opened_at_the_next_start(tmp_path):
    """`replaydesk` without --db or $REPLAYDESK_DB opens the store chosen in Preferences."""
    import os
    import subprocess
    import sys

    chosen = tmp_path / "chosen" / "team.db"
    (tmp_path / "config" / "ReplayDesk").mkdir(parents=True)
    (tmp_path / "config" / "ReplayDesk" / "ReplayDesk.ini").write_text(f"[store]\npath={chosen}\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QTWEBENGINE_DISABLE_SANDBOX="1", REPLAYDESK_QUIT_AFTER_MS="0",
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_STATE_HOME=str(tmp_path / "state"),
               XDG_DATA_HOME=str(tmp_path / "data"))
    env.pop("REPLAYDESK_DB", None)
    r = subprocess.run([sys.executable, "-m", "replaydesk"], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert chosen.is_file()
    assert not (tmp_path / "data" / "ReplayDesk" / "replaydesk.db").exists()
