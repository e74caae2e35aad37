"""Deeply nested pages import, store, checkpoint and replay (issue 9, "Nesting").

Before: a 124-level FullSnapshot was rejected with "internal error: TypeError:
Recursion limit reached", the same depth built by mutations imported but could not
be checkpointed or rendered, and a 20,000-level snapshot was rejected as "no
FullSnapshot (type 2) event".
"""

from __future__ import annotations

import pytest

from replaydesk.formats.limits import MAX_DEPTH
from replaydesk.replay.session import ensure_checkpoints, open_session_replay
from replaydesk.replay.codec import decode_state, encode_state
from replaydesk.replay.tree import depth_of
from replaydesk.store import import_paths, iter_events
from tests.formats.builders import deep_json, deep_mutation_events, deep_snapshot_events


def _deepest(mirror) -> int:
    return max(depth_of(n) for n in mirror.tree.nodes.values())


def _import(db, tmp_path, name, events):
    path = tmp_path / f"{name}.json"
    path.write_bytes(deep_json(events))
    report = import_paths(db, [path])
    assert not report.rejected, report.rejected
    (sid,) = report.added
    return sid, report


@pytest.mark.parametrize("depth", [130, 1000, 20_000])  # 130: the "124 levels", past orjson's 255 once in a chunk
def test_deep_snapshot_imports_checkpoints_and_replays(fresh_db, tmp_path, depth):
    sid, report = _import(fresh_db, tmp_path, f"deep{depth}", deep_snapshot_events(depth))
    warnings = [w for _, w in report.warnings]
    if depth > MAX_DEPTH:
        assert any(f"{depth + 1} levels deep" in w and str(MAX_DEPTH) in w for w in warnings), warnings
    else:
        assert not warnings
    stored = list(iter_events(fresh_db.conn, sid))
    assert [e["type"] for e in stored] == [4, 2, 3]
    assert ensure_checkpoints(fresh_db, sid) == "built"
    replay = open_session_replay(fresh_db, sid)
    mirror = replay.seek(replay.first_ts + 2000)
    assert _deepest(mirror) == min(depth + 1, MAX_DEPTH)
    assert "exception" not in mirror.anomalies.to_json()["counts"]
    again = decode_state(encode_state(mirror))  # the checkpoint codec, deep
    assert _deepest(again) == _deepest(mirror) and len(again) == len(mirror)


def test_1000_deep_page_built_by_mutations(fresh_db, tmp_path):
    sid, report = _import(fresh_db, tmp_path, "mut1000", deep_mutation_events(1000))
    assert not report.warnings
    ensure_checkpoints(fresh_db, sid)
    replay = open_session_replay(fresh_db, sid)
    mirror = replay.seek(replay.last_ts)
    assert _deepest(mirror) == 1001  # 1000 levels of elements, then the text at the bottom
    assert mirror.anomalies.to_json()["counts"] == {}
    assert mirror.serialize() is not None


def test_page_grown_past_the_limit_by_mutations_stops_at_the_limit(fresh_db, tmp_path):
    sid, _ = _import(fresh_db, tmp_path, "mut3000", deep_mutation_events(MAX_DEPTH + 500))
    replay = open_session_replay(fresh_db, sid)
    mirror = replay.seek(replay.last_ts)
    assert _deepest(mirror) == MAX_DEPTH
    counts = mirror.anomalies.to_json()["counts"]
    assert counts.get("too_deep") and "exception" not in counts


def test_renderer_depth_limit_matches_the_python_one():
    from pathlib import Path

    js = (Path(__file__).resolve().parents[2] / "resources" / "replay" / "apply.js").read_text()
    assert f"const MAX_DEPTH = {MAX_DEPTH};" in js
