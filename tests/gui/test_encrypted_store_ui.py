"""Encrypted stores in the window and Preferences (issue 14): the passphrase prompt,
"Encrypt the store" applied at the next start, and ``render`` reading an encrypted store.
The store side is tested in tests/store/test_encrypted_store.py."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from replaydesk.store import import_paths, list_sessions, open_store
from replaydesk.store.cipher import ENV_PASSPHRASE, is_encrypted, needs_passphrase, register_passphrase
from replaydesk.ui.passphrase_prompt import ENCRYPT_SETTING, encrypt_if_asked, unlock_store
from replaydesk.ui.preferences_dialog import Preferences, PreferencesDialog, apply_preferences
from replaydesk.ui.settings import Settings, use_settings_file

PASS = "correct horse battery staple"
SESSION = "ses_894a31ac3a8c"


@pytest.fixture(autouse=True)
def _no_known_passphrase(monkeypatch):
    monkeypatch.delenv(ENV_PASSPHRASE, raising=False)
    yield
    register_passphrase(None)


def test_window_prompt_asks_until_the_passphrase_opens_the_store(tmp_path):
    p = tmp_path / "enc.db"
    open_store(p, passphrase=PASS).conn.close()
    answers, labels = ["wrong", PASS], []

    def ask(_parent, _title, label):
        labels.append(label)
        return answers.pop(0)

    assert unlock_store(p, ask=ask)
    assert "Wrong passphrase" in labels[1] and not answers
    assert not needs_passphrase(p)  # registered for this process: the window opens it
    open_store(p).conn.close()
    register_passphrase(None, p)
    assert not unlock_store(p, ask=lambda *_: None)  # cancelled
    assert unlock_store(tmp_path / "plain.db", ask=lambda *_: pytest.fail("a plain store asks nothing"))


def test_preferences_encryption_runs_at_the_next_start(tmp_path, corpus):
    class FakeSettings(dict):
        def get(self, k):
            return dict.get(self, k, False)

        def set(self, k, v):
            self[k] = v

    p = tmp_path / "store.db"
    db = open_store(p)
    import_paths(db, [corpus / SESSION])
    db.conn.close()
    s = FakeSettings()
    assert encrypt_if_asked(p, s, ask=lambda *_: pytest.fail("not asked for: nothing to do"))
    s.set(ENCRYPT_SETTING, True)
    answers = ["a", "b", PASS, PASS]  # a mismatch first: asked again
    assert encrypt_if_asked(p, s, ask=lambda *_: answers.pop(0))
    assert is_encrypted(p) and s[ENCRYPT_SETTING] is False and not answers
    assert [x["id"] for x in list_sessions(open_store(p, passphrase=PASS))] == [SESSION]


def test_preferences_checkbox_asks_for_encryption_at_the_next_start(qtbot, tmp_path):
    use_settings_file(str(tmp_path / "settings.ini"))
    try:
        plain = tmp_path / "plain.db"
        open_store(plain).conn.close()
        s = Settings()
        dlg = PreferencesDialog(Preferences.from_settings(s), str(plain))
        qtbot.addWidget(dlg)
        dlg.set_values(Preferences.from_settings(s))
        assert dlg.encrypt_check.isEnabled() and not dlg.encrypt_check.isChecked()
        dlg.encrypt_check.setChecked(True)

        class W:  # apply_preferences touches only what changed: here, the store setting
            settings = s

        assert apply_preferences(W, dlg.values()) == ["encrypt_store"]
        assert Settings().get(ENCRYPT_SETTING) is True
        enc = tmp_path / "enc.db"
        open_store(enc, passphrase=PASS).conn.close()
        dlg2 = PreferencesDialog(Preferences.from_settings(s), str(enc))
        qtbot.addWidget(dlg2)
        dlg2.set_values(Preferences.from_settings(s))
        assert not dlg2.encrypt_check.isEnabled() and dlg2.encrypt_check.isChecked()
        assert "is encrypted" in dlg2.encrypt_check.text()
    finally:
        use_settings_file(None)


def test_render_reads_an_encrypted_store(tmp_path, corpus):
    from tests.ui.fidelity import load_png, within

    p = tmp_path / "enc.db"
    db = open_store(p, passphrase=PASS)
    assert import_paths(db, [corpus / SESSION]).added == [SESSION]
    db.conn.close()
    out = tmp_path / "frame.png"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), **{ENV_PASSPHRASE: PASS})
    r = subprocess.run([sys.executable, "-m", "replaydesk", "render", SESSION, "--at", "24075", "-o", str(out),
                        "--db", str(p)], capture_output=True, text=True, timeout=180, env=env)
    assert r.returncode == 0, r.stderr
    assert within(load_png(out), load_png(corpus / SESSION / "truth" / "24075.png")) > 0.99


def test_window_prompt_when_the_given_passphrase_is_wrong(tmp_path, monkeypatch):
    p = tmp_path / "enc.db"
    open_store(p, passphrase=PASS).conn.close()
    monkeypatch.setenv(ENV_PASSPHRASE, "stale")
    labels = []

    def ask(_parent, _title, label):
        labels.append(label)
        return PASS

    assert unlock_store(p, ask=ask)
    assert len(labels) == 1 and "does not open it" in labels[0]
    open_store(p).conn.close()  # the typed one wins over the environment's from now on


def test_the_player_replays_and_seeks_in_an_encrypted_store(qtbot, tmp_path, corpus):
    """The player reads through a connection of its own (store.replay_connection): it must
    open an encrypted store with the passphrase this process was given."""
    from replaydesk.store import session_info
    from replaydesk.ui.player import PlayerPane

    path = tmp_path / "enc.db"
    register_passphrase(PASS, path)  # as the window's prompt does (unlock_store)
    db = open_store(path)
    assert is_encrypted(path) and import_paths(db, [corpus / SESSION]).added == [SESSION]
    pane = PlayerPane(db)
    qtbot.addWidget(pane)
    try:
        pane.resize(1000, 700)
        pane.show()
        qtbot.waitUntil(lambda: pane.view.is_ready, timeout=30_000)
        with qtbot.waitSignal(pane.framePainted, timeout=60_000):
            pane.open_session(session_info(db, SESSION))
        qtbot.waitUntil(lambda: pane.ready, timeout=60_000)  # the checkpoints, read back encrypted
        with qtbot.waitSignal(pane.framePainted, timeout=30_000, check_params_cb=lambda t: t == 24_075):
            pane.state.seek(24_075)
    finally:
        pane.shutdown()
        db.conn.close()
