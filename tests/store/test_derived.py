"""The ``derived`` cache: a blob comes back only for the same code version and session content."""

from __future__ import annotations

from replaydesk.store import import_paths
from replaydesk.store.checkpoints_table import session_content_hash
from replaydesk.store.derived import has_derived, load_derived, save_derived

from tests.formats.builders import dumps, tiny_events


def _one_session(db, tmp_path, name="a", n_moves=3):
    f = tmp_path / f"{name}.json"
    f.write_bytes(dumps(tiny_events(n_moves=n_moves)))
    report = import_paths(db, [f])
    return (report.added or report.replaced)[0]


def test_round_trip_version_and_content(seeded_db):
    sid = seeded_db.conn.execute("SELECT id FROM sessions LIMIT 1").fetchone()[0]
    chash = session_content_hash(seeded_db, sid)
    assert load_derived(seeded_db, sid, "views", "v1") is None and not has_derived(seeded_db, sid, "views", "v1")
    assert save_derived(seeded_db, sid, "views", "v1", chash, b"blob-1")
    assert load_derived(seeded_db, sid, "views", "v1") == b"blob-1"
    assert has_derived(seeded_db, sid, "views", "v1")
    assert load_derived(seeded_db, sid, "views", "v2") is None  # other code version: rebuild
    assert load_derived(seeded_db, sid, "other", "v1") is None
    assert save_derived(seeded_db, sid, "views", "v1", chash, b"blob-2")  # replaces
    assert load_derived(seeded_db, sid, "views", "v1") == b"blob-2"
    assert seeded_db.conn.execute("SELECT COUNT(*) FROM derived").fetchone()[0] == 1


def test_stale_content_is_neither_written_nor_read(seeded_db):
    sid = seeded_db.conn.execute("SELECT id FROM sessions LIMIT 1").fetchone()[0]
    chash = session_content_hash(seeded_db, sid)
    assert not save_derived(seeded_db, sid, "views", "v1", "not-the-hash", b"x")
    assert not save_derived(seeded_db, "no-such-session", "views", "v1", chash, b"x")
    assert seeded_db.conn.execute("SELECT COUNT(*) FROM derived").fetchone()[0] == 0
    save_derived(seeded_db, sid, "views", "v1", chash, b"x")
    seeded_db.conn.execute("UPDATE sessions SET content_hash = 'changed' WHERE id = ?", (sid,))
    assert load_derived(seeded_db, sid, "views", "v1") is None
    assert not has_derived(seeded_db, sid, "views", "v1")


def test_replacing_or_deleting_the_session_drops_its_blobs(fresh_db, tmp_path):
    db = fresh_db
    sid = _one_session(db, tmp_path)
    save_derived(db, sid, "views", "v1", session_content_hash(db, sid), b"x")
    assert _one_session(db, tmp_path, n_moves=5) == sid  # same id, new content
    assert load_derived(db, sid, "views", "v1") is None
    save_derived(db, sid, "views", "v1", session_content_hash(db, sid), b"y")
    with db.conn:
        db.conn.execute("DELETE FROM sessions WHERE id = ?", (sid,))
    assert db.conn.execute("SELECT COUNT(*) FROM derived").fetchone()[0] == 0


def test_a_failed_write_inside_a_transaction_rolls_back_only_itself(seeded_db):
    sid = seeded_db.conn.execute("SELECT id FROM sessions LIMIT 1").fetchone()[0]
    chash = session_content_hash(seeded_db, sid)
    conn = seeded_db.conn
    conn.execute("BEGIN")
    assert save_derived(conn, sid, "a", "v1", chash, b"kept")
    try:
        save_derived(conn, sid, "b", "v1", chash, None)  # NOT NULL: fails inside its savepoint
    except Exception:  # noqa: BLE001
        pass
    conn.execute("COMMIT")
    assert load_derived(conn, sid, "a", "v1") == b"kept" and load_derived(conn, sid, "b", "v1") is None


def test_delete_by_session_and_kind(seeded_db):
    from replaydesk.store.derived import delete_derived

    sids = [r[0] for r in seeded_db.conn.execute("SELECT id FROM sessions ORDER BY id LIMIT 2")]
    for sid in sids:
        for kind in ("a", "b"):
            save_derived(seeded_db, sid, kind, "v1", session_content_hash(seeded_db, sid), b"x")
    count = lambda: seeded_db.conn.execute("SELECT COUNT(*) FROM derived").fetchone()[0]  # noqa: E731
    assert delete_derived(seeded_db, sids[0], "a") == 1 and count() == 3
    assert delete_derived(seeded_db, kind="b") == 2 and count() == 1
    assert load_derived(seeded_db, sids[1], "a", "v1") == b"x"
    assert delete_derived(seeded_db) == 1 and count() == 0
