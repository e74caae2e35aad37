"""Deleting sessions for good: retention (``prune``) and a user's erasure request (``forget``).

Why more than ``DELETE``: SQLite leaves deleted rows' bytes in free pages, in the
WAL, and FTS5 keeps deleted terms in its segments until they are merged. An
erasure request ("no byte of theirs left in the file") therefore needs, after the
deletes: ``secure_delete`` (freed pages are zeroed), an FTS ``optimize`` (merges
the segments, dropping deleted entries), ``VACUUM`` (rewrites the file without
free pages) and a ``wal_checkpoint(TRUNCATE)`` (the WAL, which held the old
pages, is emptied to 0 bytes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from .db import connection_of
from .ingest import _delete_session


@dataclass
class Erasure:
    sessions: list[str]
    #: the WAL could not be emptied (another connection is reading): run again when it is closed
    wal_busy: bool = False


def sessions_of_user(conn, who: str) -> list[str]:
    """Sessions whose user id is ``who`` or whose e-mail is ``who`` (case-insensitive)."""
    rows = conn.execute(
        "SELECT id FROM sessions WHERE user_id = ? OR lower(user_email) = lower(?) ORDER BY started_at", (who, who)
    ).fetchall()
    return [r[0] for r in rows]


def sessions_older_than(conn, days: float, now_ms: int | None = None) -> list[str]:
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    cutoff = now_ms - int(days * 86_400_000)
    return [r[0] for r in conn.execute("SELECT id FROM sessions WHERE started_at < ? ORDER BY started_at", (cutoff,))]


def erase_sessions(db, ids: list[str]) -> Erasure:
    """Delete ``ids`` with everything derived from them (cascade) and their notes, URLs no session
    visits any more, then compact so that none of their bytes stay in the file or WAL."""
    conn = connection_of(db)
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("BEGIN IMMEDIATE")
    try:
        for sid in ids:
            _delete_session(conn, sid)
            # notes are keyed by the session's identity, not its rows (no cascade): an
            # erasure takes them too, or the analyst's words about the user would stay
            conn.execute("DELETE FROM notes WHERE session_id = ?", (sid,))
        conn.execute("DELETE FROM urls WHERE id NOT IN (SELECT url_id FROM session_urls)")
        # FTS5 keeps deleted entries in its segments until they are merged
        conn.execute("INSERT INTO session_search(session_search) VALUES ('optimize')")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("VACUUM")
    busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return Erasure(list(ids), wal_busy=bool(busy and busy[0]))
