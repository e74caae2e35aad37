"""Notes in the store (issue 13): CRUD, kept across re-imports, JSON export / import,
erasures take them, and bad files are refused with one line."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest

from replaydesk.store import Store, import_paths, open_store
from replaydesk.store.notes import (
    TAGS,
    Highlight,
    NotesFileError,
    add_note,
    count_notes,
    delete_note,
    export_notes,
    get_note,
    import_notes,
    list_notes,
    restore_note,
    update_note,
)

SID = "ses_6ef7552cd34d"
BOX = Highlight("element", 10.5, 20, 120, 32, selector="form > button.pay", node_id=42)


@pytest.fixture
def one(tmp_path, corpus):
    """A store holding one corpus session, imported from a copy we can change."""
    work = tmp_path / SID
    shutil.copytree(corpus / SID, work, ignore=shutil.ignore_patterns("truth", "rrweb"))
    db = open_store(tmp_path / "n.db")
    assert import_paths(db, [work]).added == [SID]
    yield db, work
    db.conn.close()


def test_crud_and_order(fresh_db):
    assert TAGS == ("issue", "design", "bug", "note")
    b = add_note(fresh_db, SID, 5000, 9000, "user fails at the card field", tag="bug", highlight=BOX)
    a = add_note(fresh_db, SID, 1200, None, "moment")
    add_note(fresh_db, "other", 0, 0, "elsewhere")
    assert [n.id for n in list_notes(fresh_db, SID)] == [a.id, b.id]  # by start
    got = get_note(fresh_db, b.id)
    assert got == b and got.highlight == BOX and got.is_range and not a.is_range and a.end_ms == a.start_ms == 1200
    assert get_note(fresh_db, str(b.id)) == b and get_note(fresh_db, "x") is None and get_note(fresh_db, 999) is None
    assert got.created_at and got.updated_at == got.created_at and len(got.uid) == 32
    edited = update_note(fresh_db, got.__class__(**{**got.__dict__, "text": "edited", "tag": None, "highlight": None}))
    again = get_note(fresh_db, b.id)
    assert again.text == "edited" and again.tag is None and again.highlight is None and again.updated_at == edited.updated_at
    assert delete_note(fresh_db, b.id) and not delete_note(fresh_db, b.id)
    assert get_note(fresh_db, b.id) is None and count_notes(fresh_db, SID) == 1
    # undoing a delete brings the very same note back (same id and uid)
    assert restore_note(fresh_db, b) == b and get_note(fresh_db, b.id) == b


@pytest.mark.parametrize("start,end,text,tag", [(-1, None, "x", None), (10, 5, "x", None), (0, 0, "  ", None),
                                                (0, 0, "x", "todo")])
def test_bad_notes_are_refused(fresh_db, start, end, text, tag):
    with pytest.raises(ValueError):
        add_note(fresh_db, SID, start, end, text, tag=tag)
    assert list_notes(fresh_db, SID) == []


def test_writes_go_through_the_store_writer(tmp_path):
    store = Store(tmp_path / "w.db")
    n = store.write(add_note, SID, 100, 200, "via the writer")
    assert store.read(list_notes, SID) == [n]
    store.close_writer()


def test_notes_survive_reimport_and_replace(one):
    db, work = one
    n = add_note(db, SID, 1000, 4000, "keep me", tag="issue")
    assert import_paths(db, [work]).skipped == [SID]
    events = orjson.loads((work / "events.json").read_bytes())
    extra = dict(events[-1])
    extra["timestamp"] += 5000
    events.append(extra)
    (work / "events.json").write_bytes(orjson.dumps(events))
    assert import_paths(db, [work]).replaced == [SID]  # the session's rows are new...
    assert list_notes(db, SID) == [n]  # ...its notes are the same


def test_export_import_round_trip_into_a_fresh_store(one, tmp_path, corpus):
    db, work = one
    add_note(db, SID, 1000, 4000, "range with a box", tag="design", highlight=BOX)
    add_note(db, SID, 7000, None, "moment with an arrow",
             highlight=Highlight("arrow", 5, 6, 100, -40))
    data = export_notes(db, SID)
    doc = orjson.loads(data)
    assert doc["format"] == "replaydesk-notes" and doc["session_id"] == SID and len(doc["notes"]) == 2

    other = open_store(tmp_path / "colleague.db")
    import_paths(other, [work])
    res = import_notes(other, SID, data)
    assert (res.added, res.updated, res.skipped) == (2, 0, 0)
    strip = lambda ns: [(n.uid, n.start_ms, n.end_ms, n.text, n.tag, n.highlight, n.created_at) for n in ns]  # noqa: E731
    assert strip(list_notes(other, SID)) == strip(list_notes(db, SID))
    again = import_notes(other, SID, data)  # deduped by uid
    assert (again.added, again.skipped) == (0, 2) and count_notes(other, SID) == 2
    other.conn.close()


@pytest.mark.parametrize("data,message", [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "not a ReplayDesk notes file"),
    (orjson.dumps({"format": "replaydesk-notes", "version": 1, "session_id": "ses_other", "notes": []}),
     "for session 'ses_other', not 'ses_6ef7552cd34d'"),
    (orjson.dumps({"format": "replaydesk-notes", "version": 1, "session_id": SID,
                   "notes": [{"uid": "a", "start_ms": 0, "end_ms": 0, "text": "ok"},
                             {"uid": "b", "start_ms": "soon", "text": "bad"}]}), "note 2: start_ms"),
    (orjson.dumps({"format": "replaydesk-notes", "version": 1, "session_id": SID,
                   "notes": [{"uid": "a", "start_ms": 0, "text": "x", "highlight": {"kind": "svg"}}]}), "highlight kind"),
])
def test_malformed_import_is_refused_whole(fresh_db, data, message):
    with pytest.raises(NotesFileError, match=message.replace("(", r"\(").replace(")", r"\)")) as exc:
        import_notes(fresh_db, SID, data)
    assert "\n" not in str(exc.value)
    assert list_notes(fresh_db, SID) == []  # the good first note of a bad file is not kept


def test_erasure_takes_the_notes_and_leaves_no_byte(tmp_path, corpus):
    from replaydesk.cli import main

    p = tmp_path / "e.db"
    db = open_store(p)
    import_paths(db, [corpus / "archive-demo.zip"])
    uid = db.conn.execute("SELECT user_id FROM sessions WHERE id = 'ses_f69ef2c8dc31'").fetchone()[0]
    secret = "ZQXJ-unique-analyst-remark"
    add_note(db, "ses_f69ef2c8dc31", 0, 100, secret)
    keep = add_note(db, SID, 0, 0, "another session's note")
    db.conn.close()
    assert main(["forget", "--user", uid, "--db", str(p)]) == 0
    db = open_store(p)
    assert list_notes(db, "ses_f69ef2c8dc31") == [] and list_notes(db, SID) == [keep]
    starts = max(r[0] for r in db.conn.execute("SELECT started_at FROM sessions"))
    db.conn.close()
    raw = b"".join(Path(f"{p}{s}").read_bytes() for s in ("", "-wal") if Path(f"{p}{s}").exists())
    assert secret.encode() not in raw
    assert starts > 0 and main(["prune", "--older-than", "0", "--db", str(p)]) == 0
    db = open_store(p)
    assert db.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
    db.conn.close()
