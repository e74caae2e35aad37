"""Reading a session's events leaves none of them mapped (issue 16, memory).

Every store connection maps the file (``mmap_size``, for fast session lists), and the pages a
read touches stay in the process's RSS until the connection closes: the first open's checkpoint
scan (on the writer connection) and the player's seeks (on the window's connection) left the
whole 60-minute benchmark session mapped twice, ~40 MB. The scan now reads without mmap
(``store.streaming_reads``) and the player seeks through a connection of its own that never
maps (``store.replay_connection``). Measured here as what the kernel counts: the resident
pages of the store file's mappings in ``/proc/self/smaps``.
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from bench.generate import load_corpus, scaled_session
from replaydesk.replay.session import build_session_checkpoints, ensure_checkpoints, open_session_replay
from replaydesk.store import close_replay_connection, import_paths, iter_events, open_store, replay_connection

pytestmark = [
    pytest.mark.skipif(not os.path.exists("/proc/self/smaps"), reason="needs Linux's /proc/self/smaps"),
    # SQLCipher never maps an encrypted file (every page is decrypted into the cache): nothing to
    # measure there (test_store_suite_encrypted runs this folder on encrypted stores)
    pytest.mark.skipif(bool(os.environ.get("REPLAYDESK_ENCRYPTED_SUITE")), reason="encrypted stores are never mapped"),
]


def mapped_bytes(path: Path) -> int:
    """Resident bytes of this process's mappings of ``path``."""
    total, inside = 0, False
    with open("/proc/self/smaps") as f:
        for line in f:
            head = line.split(None, 5)
            if "-" in head[0] and not head[0].endswith(":"):
                inside = len(head) == 6 and head[5].strip() == str(path)
            elif inside and head[0] == "Rss:":
                total += int(head[1]) * 1024
    return total


@pytest.fixture(scope="module")
def long_store(tmp_path_factory):
    """A store file with a ~10-minute session of a few MB of stored chunks."""
    tmp = tmp_path_factory.mktemp("mapped")
    base = max(load_corpus(), key=lambda s: len(s[1]))  # the dashboard session
    d = tmp / "long"
    d.mkdir()
    (d / "events.json").write_bytes(orjson.dumps(scaled_session(base[1], 12, 1_790_000_000_000)))
    path = tmp / "store.db"
    db = open_store(path)
    try:
        (sid,) = import_paths(db, [d]).added
        stored = db.conn.execute("SELECT sum(length(data)) FROM event_chunks WHERE session_id = ?", (sid,)).fetchone()[0]
        ensure_checkpoints(db, sid)
    finally:
        db.conn.close()
    assert stored > 1_000_000
    return path.resolve(), sid, stored


def test_reading_the_events_through_a_mapping_is_measured(long_store):
    """The control: a plain read on a window connection maps the events it reads."""
    path, sid, stored = long_store
    db = open_store(path)
    try:
        before = mapped_bytes(path)
        assert sum(1 for _ in iter_events(db.conn, sid)) > 0
        assert mapped_bytes(path) - before > stored * 0.8
    finally:
        db.conn.close()


def test_the_checkpoint_scan_leaves_the_session_unmapped(long_store):
    path, sid, stored = long_store
    db = open_store(path)  # the writer connection: mmap on, as every store connection
    try:
        before = mapped_bytes(path)  # what opening it read (the schema)
        res = build_session_checkpoints(db, sid, save=False)
        assert res.events > 0
        grown = mapped_bytes(path) - before
        assert grown < stored * 0.1, f"{grown / 1e6:.2f} MB of {stored / 1e6:.2f} MB mapped"
        assert db.conn.execute("PRAGMA mmap_size").fetchone()[0] > 0  # the session list's mmap is back
    finally:
        db.conn.close()


def test_the_players_seeks_leave_the_session_unmapped(long_store):
    """Seeks reading every chunk of the session, through the player's connection."""
    path, sid, stored = long_store
    db = open_store(path)
    reader = replay_connection(db)
    try:
        assert reader is not db
        before = mapped_bytes(path)
        replay = open_session_replay(reader, sid, build_if_missing=False)
        assert replay.status == "cached"
        for pos, chunk in enumerate(replay.source.chunks):
            replay.seek(chunk.t_end)
            replay.source.chunk_events(pos)  # every chunk read once, whichever checkpoint a seek took
        assert replay.source.chunks_decoded >= len(replay.source.chunks)
        grown = mapped_bytes(path) - before
        assert grown < stored * 0.1, f"{grown / 1e6:.2f} MB of {stored / 1e6:.2f} MB mapped"
    finally:
        close_replay_connection(reader, db)
        db.conn.close()


def test_an_in_memory_store_replays_on_its_own_connection():
    db = open_store(":memory:")
    try:
        assert replay_connection(db) is db  # nothing to open again; closing it is the owner's
        close_replay_connection(db, db)
        assert db.conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        db.conn.close()
