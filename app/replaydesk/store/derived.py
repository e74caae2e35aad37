"""Cached results derived from a session's events (the ``derived`` table, m003).

Why: some per-session results take a full pass over the events to compute
(the replay pane's timeline and inspector rows: ~7 s for a 60-minute,
300,000-event session) but only milliseconds to load. The layer that computes
them stores an opaque blob here; the store only guarantees that a reader gets
a blob built by the same ``version`` of that code from the session's current
content, or ``None``:

* a blob is written only if the session still has the ``content_hash`` it was
  built from, in one short write transaction (the single writer's job);
* replacing the session changes its hash (stale blobs are ignored, then
  overwritten) and deleting it removes them (foreign key cascade).
"""

from __future__ import annotations


from .db import connection_of, delete_where, write_transaction


def load_derived(db, session_id: str, kind: str, version: str, content_hash: str | None = None) -> bytes | None:
    """The stored blob of ``kind`` if it was built by ``version`` from ``content_hash``
    (default: the session's current content hash), else ``None``."""
    row = connection_of(db).execute(
        "SELECT d.version, d.content_hash, d.data, s.content_hash FROM derived d"
        " JOIN sessions s ON s.id = d.session_id WHERE d.session_id = ? AND d.kind = ?",
        (session_id, kind),
    ).fetchone()
    if row is None:
        return None
    ver, chash, data, current = row
    if ver != version or chash != (content_hash if content_hash is not None else current):
        return None
    return bytes(data)


def has_derived(db, session_id: str, kind: str, version: str) -> bool:
    """Whether a current blob of ``kind`` is stored (without reading it)."""
    row = connection_of(db).execute(
        "SELECT 1 FROM derived d JOIN sessions s ON s.id = d.session_id"
        " WHERE d.session_id = ? AND d.kind = ? AND d.version = ? AND d.content_hash = s.content_hash",
        (session_id, kind, version),
    ).fetchone()
    return row is not None


def save_derived(db, session_id: str, kind: str, version: str, content_hash: str, data: bytes) -> bool:
    """Store ``data`` as the session's ``kind`` blob, replacing any older one.

    Returns ``False`` (and writes nothing) when the session is gone or no longer has
    ``content_hash``. Inside a caller's transaction a savepoint is used instead.
    """
    with write_transaction(connection_of(db), "rd_derived") as conn:
        row = conn.execute("SELECT content_hash FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None or row[0] != content_hash:
            return False
        conn.execute(
            "INSERT OR REPLACE INTO derived (session_id, kind, version, content_hash, data) VALUES (?,?,?,?,?)",
            (session_id, kind, version, content_hash, data),
        )
        return True


def delete_derived(db, session_id: str | None = None, kind: str | None = None) -> int:
    """Delete cached blobs (of one session and/or one kind; all when both are None)."""
    return delete_where(connection_of(db), "derived", ("session_id = ?", session_id), ("kind = ?", kind))
