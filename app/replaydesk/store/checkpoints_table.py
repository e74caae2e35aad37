"""Stored replay checkpoints, and the chunk directory seeking reads events through.

The store keeps a session's checkpoints as opaque blobs (the replay engine makes
and reads them; the store never imports it). What the store guarantees:

* a session's checkpoint *set* is written in one transaction, replacing any older
  set, and only if the session still has the content it was built from
  (``content_hash``); a reader therefore sees a whole set or none;
* deltas are compressed against a keyframe of the same set (``keyframe_seq``), so
  sets are never merged or partially deleted;
* a set carries the ``version`` tag of the engine/policy that built it; a reader
  asking for another version gets ``None`` and rebuilds;
* replacing or deleting a session deletes its set (foreign key cascade).

Writing a set is a short write transaction besides the importer's: it waits on
``busy_timeout`` like any writer and never holds the lock while building.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from .chunks import SessionChanged  # noqa: F401 - re-exported: raised while building sets
from .db import connection_of, delete_where, write_transaction



class StoredCheckpoint(NamedTuple):
    seq: int
    timestamp: int
    event_index: int
    is_keyframe: bool
    keyframe_seq: int
    data: bytes


class CheckpointSetInfo(NamedTuple):
    version: str
    content_hash: str
    count: int
    keyframes: int
    bytes: int


def session_content_hash(db, session_id: str) -> str | None:
    row = connection_of(db).execute("SELECT content_hash FROM sessions WHERE id = ?", (session_id,)).fetchone()
    return row[0] if row else None


def session_head(db, session_id: str) -> tuple[str, int] | None:
    """``(content_hash, event_count)`` of the session, or None when it is not stored."""
    row = connection_of(db).execute("SELECT content_hash, event_count FROM sessions WHERE id = ?", (session_id,)).fetchone()
    return tuple(row) if row else None


def session_span(db, session_id: str) -> tuple[int, int, int, str] | None:
    """``(started_at, ended_at, event_count, content_hash)``, or None when it is not stored."""
    row = connection_of(db).execute(
        "SELECT started_at, ended_at, event_count, content_hash FROM sessions WHERE id = ?", (session_id,)
    ).fetchone()
    return tuple(row) if row else None


def has_checkpoints(db, session_id: str) -> bool:
    """Some checkpoint set (current or stale) is stored for the session."""
    return connection_of(db).execute(
        "SELECT 1 FROM checkpoints WHERE session_id = ? LIMIT 1", (session_id,)).fetchone() is not None


def checkpoint_set_info(db, session_id: str) -> CheckpointSetInfo | None:
    """Version, content hash, count, keyframe count and bytes of the stored set (None: no set)."""
    row = connection_of(db).execute(
        "SELECT MIN(version), MAX(version), MIN(content_hash), COUNT(*), SUM(is_keyframe), SUM(LENGTH(data))"
        " FROM checkpoints WHERE session_id = ?",
        (session_id,),
    ).fetchone()
    if not row or not row[3]:
        return None
    version = row[0] if row[0] == row[1] else "<mixed>"
    return CheckpointSetInfo(version, row[2], row[3], row[4] or 0, row[5] or 0)


def load_checkpoints(
    db, session_id: str, version: str, content_hash: str | None = None
) -> list[StoredCheckpoint] | None:
    """The stored set of ``session_id`` if it is whole, of ``version`` and (when given)
    built from ``content_hash``; otherwise ``None`` (missing or stale: rebuild it)."""
    rows = connection_of(db).execute(
        "SELECT seq, timestamp, event_index, is_keyframe, keyframe_seq, version, content_hash, data"
        " FROM checkpoints WHERE session_id = ? ORDER BY seq",
        (session_id,),
    ).fetchall()
    if not rows:
        return None
    out: list[StoredCheckpoint] = []
    for k, (seq, ts, idx, key, key_seq, ver, chash, data) in enumerate(rows):
        if ver != version or (content_hash is not None and chash != content_hash) or seq != k:
            return None
        if key:
            if key_seq != seq:
                return None
        elif not (0 <= key_seq < seq) or not out[key_seq].is_keyframe:
            return None
        out.append(StoredCheckpoint(seq, ts, idx, bool(key), key_seq, data))
    return out


def save_checkpoints(
    db,
    session_id: str,
    version: str,
    content_hash: str,
    checkpoints: Iterable[tuple[int, int, bool, int, bytes]],
) -> bool:
    """Replace the stored set of ``session_id`` by ``checkpoints`` in one transaction.

    ``checkpoints`` yields ``(timestamp, event_index, is_keyframe, keyframe_seq, data)``
    in order (``seq`` is the position). Returns ``False`` (and writes nothing) when the
    session no longer exists or no longer has ``content_hash``. Inside a caller's
    transaction a savepoint is used instead of BEGIN/COMMIT.
    """
    with write_transaction(connection_of(db), "rd_checkpoints") as conn:
        row = conn.execute("SELECT content_hash FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None or row[0] != content_hash:
            return False
        conn.execute("DELETE FROM checkpoints WHERE session_id = ?", (session_id,))
        conn.executemany(
            "INSERT INTO checkpoints (session_id, seq, timestamp, event_index, is_keyframe, keyframe_seq, version,"
            " content_hash, data) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                (session_id, seq, ts, idx, 1 if key else 0, key_seq, version, content_hash, data)
                for seq, (ts, idx, key, key_seq, data) in enumerate(checkpoints)
            ),
        )
        return True


def delete_checkpoints(db, session_id: str | None = None, *, keep_version: str | None = None) -> int:
    """Delete the set of ``session_id`` (all sessions when None); with ``keep_version``,
    only sets of other versions (e.g. to reclaim space after a policy change)."""
    return delete_where(connection_of(db), "checkpoints", ("session_id = ?", session_id), ("version != ?", keep_version))

