"""Schema migrations: applied once, recorded, and safe to re-run."""

from replaydesk.store import open_store
from replaydesk.store.schema import migrations


def test_fresh_store_has_schema_and_wal(db_path):
    db = open_store(db_path)
    assert {"sessions", "pages", "event_chunks", "interactions", "console", "session_search"} <= set(db.table_names())
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [m.name for m in migrations.applied(db)] == [m.name for m in migrations._migrations]
    db.conn.close()
    again = open_store(db_path)
    assert migrations.pending(again) == []
    assert again.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_corrupt_store_file_is_reported(tmp_path):
    import sqlite3

    import pytest

    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(sqlite3.DatabaseError):
        open_store(bad)
