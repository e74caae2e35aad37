"""Issue 14: Preferences > Privacy > "Delete sessions older than N days" - off by default,
applied when set, at every start and after every import, on the writer (ui/retention_runner.py)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time

import pytest

from replaydesk.store import list_sessions, open_store
from replaydesk.store.notes import add_note, list_notes
from replaydesk.ui.preferences_dialog import Preferences
from replaydesk.ui.retention_runner import SETTING, retention_message
from replaydesk.ui.settings import OPTIONS
from replaydesk.ui.tasks import writer_pool
from tests.gui.conftest import shown_main_window
from tests.replay.builders import document, el, full, inc, meta, text

pytestmark = pytest.mark.qt

DAY = 86_400_000
OLD = ["ses_46d365862838", "ses_49340e341bb8", "ses_5924706e4bfc"]  # 40 days old; the other six: 2 days


@pytest.fixture
def aged_store(tmp_path, seeded_db_path):
    """The nine corpus sessions, three of them started 40 days ago and six 2 days ago; a note
    on an old one (notes are keyed by session id, not deleted by a cascade)."""
    p = tmp_path / "aged.db"
    shutil.copy(seeded_db_path, p)
    now = int(time.time() * 1000)
    db = open_store(p)
    ids = [s["id"] for s in list_sessions(db)]
    assert len(ids) == 9 and set(OLD) <= set(ids)
    with db.conn:
        for sid in ids:
            age = 40 if sid in OLD else 2
            db.conn.execute("UPDATE sessions SET started_at = ? WHERE id = ?", (now - age * DAY, sid))
    add_note(db, OLD[0], 1000, text="the card was typed here")
    db.conn.close()
    return p


def _listed(w) -> set[str]:
    m = w.sessions.model
    return {m.session_id(r) for r in range(m.rowCount())}


def _settle(qtbot) -> None:
    writer_pool().waitForDone(30_000)
    qtbot.wait(50)  # the task's result reaches the GUI thread


def test_retention_is_off_by_default_and_deletes_nothing(qtbot, tmp_path, aged_store):
    assert OPTIONS[SETTING].default == 0
    with shown_main_window(qtbot, tmp_path, aged_store) as w:
        _settle(qtbot)
        assert len(_listed(w)) == 9
        assert "Retention" not in w.statusBar().currentMessage()
        assert Preferences.from_settings(w.settings).retention_days == 0
        dlg = w.show_preferences()
        assert dlg.retention_spin.value() == 0 and dlg.retention_spin.text() == "Off (keep every session)"
        dlg.accept()  # OK without a change: still nothing deleted
        _settle(qtbot)
        assert len(_listed(w)) == 9
    db = open_store(aged_store)
    assert len(list_sessions(db)) == 9 and list_notes(db, OLD[0])
    db.conn.close()


def test_setting_retention_deletes_older_sessions_and_their_notes(qtbot, tmp_path, aged_store):
    with shown_main_window(qtbot, tmp_path, aged_store) as w:
        w.sessions.select_session(OLD[0])
        dlg = w.show_preferences()
        dlg.retention_spin.setValue(30)
        dlg.accept()
        qtbot.waitUntil(lambda: len(_listed(w)) == 6, timeout=30_000)
        assert not _listed(w) & set(OLD)
        assert w.statusBar().currentMessage() == "Retention: deleted 3 sessions older than 30 days"
        assert w.settings.get(SETTING) == 30 and w.sessions.current_session() is None
    db = open_store(aged_store)
    assert len(list_sessions(db)) == 6 and not {s["id"] for s in list_sessions(db)} & set(OLD)
    assert list_notes(db, OLD[0]) == []  # its note went with it
    db.conn.close()
    raw = b"".join(f.read_bytes() for f in tmp_path.glob("aged.db*"))  # WAL included
    assert b"the card was typed here" not in raw  # compacted, as prune does


def _old_session(folder, sid: str, age_days: int) -> None:
    t0 = int(time.time() * 1000) - age_days * DAY
    doc = document(el(10, "button", {"id": "b"}, [text(11, "Go")]))
    events = [meta(t0, href="http://old.test/", width=800, height=600), full(doc, t0),
              inc(2, t0 + 1000, type=2, id=10, x=5, y=5)]
    d = folder / sid
    d.mkdir()
    (d / "events.json").write_text(json.dumps(events))
    (d / "meta.json").write_text(json.dumps({"sessionId": sid, "viewport": {"width": 800, "height": 600}}))


def test_retention_runs_at_start_and_after_each_import(qtbot, tmp_path, aged_store):
    from replaydesk.ui.settings import Settings, use_settings_file

    use_settings_file(str(tmp_path / "settings.ini"))  # the file shown_main_window uses
    s = Settings()
    s.set(SETTING, 30)
    s.sync()
    with shown_main_window(qtbot, tmp_path, aged_store) as w:
        qtbot.waitUntil(lambda: len(_listed(w)) == 6, timeout=30_000)  # at start
        assert w.statusBar().currentMessage() == retention_message(3, 30)
        _old_session(tmp_path, "ses_old_import", 45)
        _old_session(tmp_path, "ses_new_import", 1)
        shown = []  # the player's "Indexing…" notes share the status bar: keep every message
        w.statusBar().messageChanged.connect(shown.append)
        w.import_paths([str(tmp_path / "ses_old_import"), str(tmp_path / "ses_new_import")])
        qtbot.waitUntil(lambda: any(m.endswith(retention_message(1, 30)) for m in shown), timeout=60_000)
        assert "ses_new_import" in _listed(w) and "ses_old_import" not in _listed(w)
        assert len(_listed(w)) == 7
    conn = sqlite3.connect(aged_store)
    assert conn.execute("SELECT count(*) FROM sessions WHERE id = 'ses_old_import'").fetchone() == (0,)
    conn.close()


def test_retention_message_counts():
    assert retention_message(1, 1) == "Retention: deleted 1 session older than 1 day"
    assert retention_message(12, 90) == "Retention: deleted 12 sessions older than 90 days"


def test_a_session_deleted_while_it_is_indexed_shows_a_note_not_a_crash(qtbot, tmp_path, aged_store):
    """Retention, forget or Session > Delete can remove the session the player is indexing;
    when its checkpoints are announced the player says so instead of raising SessionNotFound."""
    with shown_main_window(qtbot, tmp_path, aged_store) as w:
        p = w.player
        gen = p.loader.start()  # a session being opened, whose row is already gone
        p._on_checkpoints_ready(gen, "ses_deleted_meanwhile")
        assert p.stack.currentWidget() is p.hint
        assert "no longer in the store" in p.hint.text()
