"""Events stored as time-ordered, zstd-compressed chunks.

A chunk holds a few seconds or a few thousand events (whichever comes first), with its time range and first event index, so
any time range of any session is read by decompressing only the chunks that
overlap it. Chunks are compressed with a per-store zstd level chosen for
speed: at level 3 zstd runs ~10x faster than gzip -6 and compresses rrweb JSON
at least as well.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from typing import NamedTuple

import orjson
import zstandard

from ..formats import deepjson

CODEC = "zstd"
LEVEL = 3
MAX_EVENTS = 5000
MAX_SPAN_MS = 10_000


class ChunkWriter:
    """Accumulates a session's events (in time order) and writes chunks.

    The chunk is serialised with one ``orjson.dumps`` call when it closes
    (event by event, deep-safe, when a page nested past orjson's limit is in it).
    """

    def __init__(self, conn: sqlite3.Connection, session_id: str | None):
        self.conn = conn
        #: None until the importer knows the id (it may come from the first full
        #: snapshot): closed chunks wait in memory, compressed, until :meth:`name`
        self.session_id = session_id
        self._pending: list[tuple] = []
        self.seq = 0
        self.index = 0
        self.raw_total = 0
        self.stored_total = 0
        self._parts: list[dict] = []
        self._t0: int | None = None
        self._t1 = 0
        self._full = 0
        self._cctx = zstandard.ZstdCompressor(level=LEVEL)

    def add(self, event: dict) -> None:
        ts = event["timestamp"]
        if self._parts:
            if len(self._parts) >= MAX_EVENTS or ts - self._t0 >= MAX_SPAN_MS:
                self.flush()
        if not self._parts:
            self._t0 = ts
        self._parts.append(event)
        self._t1 = ts
        if event["type"] == 2:
            self._full = 1

    def name(self, session_id: str) -> None:
        """Set the session id and write the chunks that waited for it."""
        self.session_id = session_id
        pending, self._pending = self._pending, []
        self._insert(pending)

    def _insert(self, rows: list[tuple]) -> None:
        self.conn.executemany(
            "INSERT INTO event_chunks (session_id, seq, t_start, t_end, first_index, n_events, full_snapshot, raw_bytes, codec, data)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(self.session_id, *r) for r in rows],
        )

    def flush(self) -> None:
        if not self._parts:
            return
        try:
            body = orjson.dumps(self._parts)
        except TypeError as exc:
            if not deepjson.too_deep(exc):
                raise
            body = b"[" + b",".join(deepjson.dumps(e) for e in self._parts) + b"]"
        data = self._cctx.compress(body)
        row = (self.seq, self._t0, self._t1, self.index, len(self._parts), self._full, len(body), CODEC, data)
        if self.session_id is None:
            self._pending.append(row)
        else:
            self._insert([row])
        self.seq += 1
        self.index += len(self._parts)
        self.raw_total += len(body)
        self.stored_total += len(data)
        self._parts = []
        self._t0 = None
        self._full = 0


_local = threading.local()


def decode_chunk(codec: str, data: bytes) -> list[dict]:
    if codec != CODEC:
        raise ValueError(f"unknown chunk codec {codec!r}")
    # one decompressor per thread: zstd contexts must not be shared between
    # threads (the GUI, the writer and the pool all read chunks)
    dctx = getattr(_local, "dctx", None)
    if dctx is None:
        dctx = _local.dctx = zstandard.ZstdDecompressor()
    return deepjson.loads(dctx.decompress(data))


def iter_events(conn: sqlite3.Connection, session_id: str, t_from: int | None = None, t_to: int | None = None) -> Iterator[dict]:
    """Events of ``session_id`` with ``t_from <= timestamp <= t_to`` (absolute ms).

    Only the chunks overlapping the range are read and decompressed.
    """
    q = "SELECT codec, data FROM event_chunks WHERE session_id = ?"
    args: list = [session_id]
    if t_to is not None:
        q += " AND t_start <= ?"
        args.append(t_to)
    if t_from is not None:
        q += " AND t_end >= ?"
        args.append(t_from)
    q += " ORDER BY seq"
    for codec, data in conn.execute(q, args):
        for e in decode_chunk(codec, data):
            ts = e["timestamp"]
            if t_from is not None and ts < t_from:
                continue
            if t_to is not None and ts > t_to:
                return
            yield e


def iter_events_from_index(conn: sqlite3.Connection, session_id: str, first_index: int = 0) -> Iterator[tuple[int, dict]]:
    """``(index, event)`` pairs from event number ``first_index`` on."""
    q = (
        "SELECT first_index, codec, data FROM event_chunks WHERE session_id = ?"
        " AND first_index + n_events > ? ORDER BY seq"
    )
    for start, codec, data in conn.execute(q, (session_id, first_index)):
        for k, e in enumerate(decode_chunk(codec, data)):
            i = start + k
            if i >= first_index:
                yield i, e


# --- reading events for seeks ---------------------------------------------------------------

class SessionChanged(Exception):
    """The session was replaced or deleted while it was being read."""


class ChunkInfo(NamedTuple):
    seq: int
    first_index: int
    n_events: int
    t_start: int
    t_end: int
    stored_bytes: int


def chunk_directory(db, session_id: str) -> list[ChunkInfo]:
    """Metadata of every event chunk of ``session_id`` in order (no blobs read)."""
    return [
        ChunkInfo(*r)
        for r in getattr(db, 'conn', db).execute(
            "SELECT seq, first_index, n_events, t_start, t_end, LENGTH(data) FROM event_chunks"
            " WHERE session_id = ? ORDER BY seq",
            (session_id,),
        )
    ]


def snapshot_chunk_seqs(db, session_id: str) -> list[int]:
    """``seq`` of every chunk of ``session_id`` holding a FullSnapshot (type 2) event, in
    order: where a seek without checkpoints can start a page visit (no blobs read)."""
    return [r[0] for r in getattr(db, 'conn', db).execute(
        "SELECT seq FROM event_chunks WHERE session_id = ? AND full_snapshot = 1 ORDER BY seq", (session_id,))]


def read_chunk(db, session_id: str, seq: int, content_hash: str | None = None) -> list[dict]:
    """Decoded events of chunk ``seq``; raises :class:`SessionChanged` when the chunk is
    gone or (given ``content_hash``) the session now has other content."""
    if content_hash is None:
        row = getattr(db, 'conn', db).execute(
            "SELECT codec, data FROM event_chunks WHERE session_id = ? AND seq = ?", (session_id, seq)
        ).fetchone()
    else:
        row = getattr(db, 'conn', db).execute(
            "SELECT c.codec, c.data FROM event_chunks c JOIN sessions s ON s.id = c.session_id"
            " WHERE c.session_id = ? AND c.seq = ? AND s.content_hash = ?",
            (session_id, seq, content_hash),
        ).fetchone()
    if row is None:
        raise SessionChanged(f"session {session_id!r} changed or was deleted while open")
    return decode_chunk(row[0], row[1])
