"""A session's id comes from the recording, never from a file name (issue 9).

Before: a plain ``events.json`` without an id was stored under its file name, so
twelve different ``events.json`` files imported one by one left ONE session
("0 added, 1 replaced" each time).
"""

from __future__ import annotations

import orjson

from replaydesk.store import import_paths, iter_events, session_info
from tests.formats import builders as B


def _recording(k: int) -> list[dict]:
    return B.tiny_events(t0=1_700_000_000_000 + k * 60_000, n_moves=3 + k)


def test_twelve_events_json_files_are_twelve_sessions(fresh_db, tmp_path):
    ids = []
    for k in range(12):
        path = B.write(tmp_path / f"export-{k}" / "events.json", orjson.dumps(_recording(k)))
        report = import_paths(fresh_db, [path])
        assert (len(report.added), report.replaced) == (1, []), report.summary_line()
        ids += report.added
    assert len(set(ids)) == 12
    assert fresh_db.conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 12
    assert all(i.startswith("rec-") for i in ids)


def test_hash_id_is_stable_and_the_display_source_is_the_file(fresh_db, tmp_path):
    evs = _recording(1)
    a = import_paths(fresh_db, [B.write(tmp_path / "a" / "events.json", orjson.dumps(evs))]).added[0]
    from replaydesk.store import open_store

    other = open_store(":memory:")
    b = import_paths(other, [B.write(tmp_path / "b.json", orjson.dumps(evs))]).added[0]
    assert a == b  # same first snapshot and start time: same id, whatever the file is called
    assert session_info(fresh_db, a)["source"].endswith("/a/events.json")


def test_a_changed_file_replaces_its_own_session(fresh_db, tmp_path):
    evs = _recording(2)
    path = B.write(tmp_path / "s" / "events.json", orjson.dumps(evs))
    (sid,) = import_paths(fresh_db, [path]).added
    evs.append({**evs[-1], "timestamp": evs[-1]["timestamp"] + 500})
    path.write_bytes(orjson.dumps(evs))
    report = import_paths(fresh_db, [path])
    assert report.replaced == [sid] and report.added == []
    assert len(list(iter_events(fresh_db.conn, sid))) == len(evs)


def test_same_id_from_another_place_is_another_session(fresh_db, tmp_path):
    evs = _recording(3)
    first = B.session_folder(tmp_path / "one", "x", orjson.dumps(evs), meta_obj={"id": "ses-1"})
    second = B.session_folder(tmp_path / "two", "x", orjson.dumps(evs[:-1]), meta_obj={"id": "ses-1"})
    assert import_paths(fresh_db, [first]).added == ["ses-1"]
    report = import_paths(fresh_db, [second])
    assert report.added == ["ses-1~2"] and report.replaced == []
    # and each is replaced only from its own place
    (second / "events.json").write_bytes(orjson.dumps(evs[:-2]))
    assert import_paths(fresh_db, [second]).replaced == ["ses-1~2"]
    assert len(list(iter_events(fresh_db.conn, "ses-1"))) == len(evs)


def test_same_file_name_different_recordings_do_not_collide(fresh_db, tmp_path):
    """Without an id, different content in the same place is a new recording."""
    path = tmp_path / "events.json"
    ids = set()
    for k in range(3):
        path.write_bytes(orjson.dumps(_recording(10 + k)))
        report = import_paths(fresh_db, [path])
        assert len(report.added) == 1 and not report.replaced
        ids.update(report.added)
    assert len(ids) == 3


def test_sentry_style_events_object_carries_its_id(fresh_db, tmp_path):
    body = orjson.dumps({"replay_id": "9f3c-replay", "events": _recording(4)})
    assert import_paths(fresh_db, [B.write(tmp_path / "attachment.json", body)]).added == ["9f3c-replay"]


def test_an_id_of_60000_characters_and_ids_that_differ_in_case_only(fresh_db, tmp_path):
    """A meta.json id over 50,000 bytes was an "internal error: OperationalError: LIKE or GLOB
    pattern too complex"; the siblings' LIKE also took "SES-1~2" for a sibling of "ses-1"."""
    long_id = "L" * 60_000
    evs = _recording(4)
    a = B.session_folder(tmp_path / "a", "x", orjson.dumps(evs), meta_obj={"id": long_id})
    b = B.session_folder(tmp_path / "b", "x", orjson.dumps(evs[:-1]), meta_obj={"id": long_id})
    assert import_paths(fresh_db, [a]).added == [long_id]
    report = import_paths(fresh_db, [b])
    assert report.added == [long_id + "~2"] and not report.rejected
    upper = B.session_folder(tmp_path / "c", "x", orjson.dumps(_recording(5)), meta_obj={"id": "SES-1~2"})
    lower = B.session_folder(tmp_path / "d", "x", orjson.dumps(_recording(6)), meta_obj={"id": "ses-1"})
    assert import_paths(fresh_db, [upper]).added == ["SES-1~2"]
    assert import_paths(fresh_db, [lower]).added == ["ses-1"]  # not "ses-1~3": ids are case-sensitive


def test_an_id_with_control_characters_is_one_a_user_can_type(fresh_db, tmp_path):
    """An id with a NUL byte imported, and then no command line could name it for `info` or
    `render`; ESC and newlines made it unreadable in the list."""
    evs = _recording(7)
    folder = B.session_folder(tmp_path / "a", "x", orjson.dumps(evs), meta_obj={"id": " ses\x00one\x1b[31m\nx "})
    assert import_paths(fresh_db, [folder]).added == ["ses_one_[31m_x"]
    blank = B.session_folder(tmp_path / "b", "x", orjson.dumps(_recording(8)), meta_obj={"id": "\x00\x00"})
    (sid,) = import_paths(fresh_db, [blank]).added
    assert sid.startswith("rec-")  # nothing usable left: the content's id, as with no id at all
