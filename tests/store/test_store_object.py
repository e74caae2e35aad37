"""The Store object: one writer connection (migrated once), one reader per thread,
read snapshots instead of hand-written BEGIN/COMMIT."""

from __future__ import annotations

import threading

import pytest

import replaydesk.store.db as db_mod
from replaydesk.store import Store, StoreBusy, open_store, read_snapshot, store_path
from replaydesk.store.queries import all_session_ids, page_starts, session_exists, session_rowid


def _count_upgrades(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = db_mod.upgrade
    monkeypatch.setattr(db_mod, "upgrade", lambda db: (calls.append(1), real(db))[1])
    return calls


def test_writer_jobs_share_one_connection_and_one_migration_check(tmp_path, monkeypatch):
    calls = _count_upgrades(monkeypatch)
    store = Store(tmp_path / "s.db")
    seen = [store.write(lambda db: db) for _ in range(5)]
    assert all(db is seen[0] for db in seen)
    assert len(calls) == 1  # not once per write
    store.write(lambda db, n: db.conn.execute("CREATE TABLE t_probe (n INTEGER)") and
                db.conn.execute("INSERT INTO t_probe VALUES (?)", (n,)), 7)
    assert store.read(lambda db: db.conn.execute("SELECT n FROM t_probe").fetchone()[0]) == 7
    store.close_writer()
    store.write(lambda db: None)
    assert len(calls) == 2  # reopened only after an explicit close


def test_each_thread_has_its_own_read_only_reader(tmp_path):
    store = Store(tmp_path / "s.db")
    store.write(lambda db: None)  # create the file
    mine = store.reader()
    assert store.reader() is mine
    other: list = []
    t = threading.Thread(target=lambda: other.append(store.reader()))
    t.start()
    t.join()
    assert other[0] is not mine
    with pytest.raises(StoreBusy):  # read-only: "attempt to write a readonly database"
        mine.conn.execute("CREATE TABLE nope (x)")


def test_read_snapshot_sees_one_state_while_the_writer_commits(tmp_path):
    path = tmp_path / "s.db"
    writer = open_store(path)
    writer.conn.execute("CREATE TABLE n (v INTEGER)")
    writer.conn.execute("INSERT INTO n VALUES (1)")
    reader = open_store(path, readonly=True)
    with read_snapshot(reader) as conn:
        assert conn.execute("SELECT COUNT(*) FROM n").fetchone()[0] == 1
        writer.conn.execute("INSERT INTO n VALUES (2)")  # committed meanwhile
        with read_snapshot(reader):  # nested: joins the outer snapshot
            assert conn.execute("SELECT COUNT(*) FROM n").fetchone()[0] == 1
        assert conn.in_transaction
    assert not reader.conn.in_transaction
    assert reader.conn.execute("SELECT COUNT(*) FROM n").fetchone()[0] == 2


def test_read_snapshot_ends_even_when_the_body_raises(tmp_path):
    db = open_store(tmp_path / "s.db")
    with pytest.raises(RuntimeError):
        with read_snapshot(db):
            raise RuntimeError("boom")
    assert not db.conn.in_transaction


def test_store_of_a_connection_names_its_file(tmp_path):
    db = open_store(tmp_path / "s.db")
    assert store_path(db) == str(tmp_path / "s.db")
    assert Store.of(db).path == str(tmp_path / "s.db")


def test_session_lookups(seeded_db):
    ids = all_session_ids(seeded_db)
    assert len(ids) == 9
    sid = ids[0]
    assert session_exists(seeded_db, sid) and not session_exists(seeded_db, "ses_nope")
    assert session_rowid(seeded_db, sid) is not None and session_rowid(seeded_db, "ses_nope") is None
    starts = page_starts(seeded_db, sid)
    assert starts and starts == sorted(starts)


def test_shared_store_is_one_per_file_while_held(tmp_path):
    import gc
    import weakref

    path = tmp_path / "s.db"
    held = Store.shared(path)
    assert Store.shared(str(path)) is held  # the importer and the player's jobs: one writer
    assert Store.of(held.writer) is held
    gone = weakref.ref(held)
    del held
    gc.collect()
    assert gone() is None  # the registry does not keep a store (and its connections) alive
    assert Store.shared(path)._writer is None  # a fresh one, nothing opened yet
