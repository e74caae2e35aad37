"""Ingest holds one session's bytes plus a bounded batch, not the parsed session."""

from __future__ import annotations

import tracemalloc

import orjson

from bench.generate import load_corpus, scaled_session
from replaydesk.store import import_paths, iter_events


def test_large_session_imports_in_bounded_memory(tmp_path, fresh_db):
    base = max(load_corpus(), key=lambda s: len(s[1]))  # the dashboard session
    events = scaled_session(base[1], 20, 1_790_000_000_000)  # ~20 min, ~17 MB
    body = orjson.dumps(events)
    d = tmp_path / "long"
    d.mkdir()
    (d / "events.json").write_bytes(body)
    del events
    tracemalloc.start()
    try:
        report = import_paths(fresh_db, [d])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (sid,) = report.added  # no id in the recording: "rec-" + a hash of its first snapshot
    assert sid.startswith("rec-"), report
    # parsing it whole would cost 3-4x its size in objects on top of its bytes
    assert peak < 2.5 * len(body), f"peak {peak / 1e6:.1f} MB for {len(body) / 1e6:.1f} MB of JSON"
    n = fresh_db.conn.execute("SELECT event_count, chunk_count FROM sessions").fetchone()
    assert n[0] == 20 * len(base[1]) and n[1] > 20
    assert sum(1 for _ in iter_events(fresh_db.conn, sid)) == n[0]
