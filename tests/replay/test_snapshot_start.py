"""Seeks before the checkpoints exist start at the page visit's FullSnapshot
(:mod:`replaydesk.replay.snapshot_start`): the same frame as the checkpoint path, with
at most one page visit of events replayed."""

from __future__ import annotations

import dataclasses

import orjson
import pytest

from bench.generate import load_corpus
from replaydesk.replay.frame import frame_from_mirror
from replaydesk.replay.seek import is_full_snapshot
from replaydesk.replay.session import open_session_replay
from replaydesk.store import import_paths, iter_events

from .helpers import SESSION_IDS

OPT = orjson.OPT_NON_STR_KEYS


def _frame_bytes(replay, m, t: int) -> bytes:
    f = frame_from_mirror(m, t, replay.pointer_at(m, t))
    return orjson.dumps(None if f is None else dataclasses.asdict(f), option=OPT)


def _moments(events: list[dict]) -> list[int]:
    """Evenly spread moments plus every FullSnapshot's time, just before and just after it."""
    t0, t1 = events[0]["timestamp"], events[-1]["timestamp"]
    out = {t0 - 1000, t0, t1, t1 + 1000}
    out.update(t0 + (t1 - t0) * k // 60 for k in range(61))
    for e in events:
        if e["type"] in (2, 4):
            out.update((e["timestamp"] - 1, e["timestamp"], e["timestamp"] + 1))
    return sorted(out)


def _compare(db, sid: str) -> tuple[int, int]:
    """Seek both ways at many moments; returns (seeks, events served by the snapshot path)."""
    events = list(iter_events(db.conn, sid))
    fast = open_session_replay(db, sid, build_if_missing=False)
    assert fast.status == "missing" and fast.planner.snapshot_starts is not None
    full = open_session_replay(db, sid)
    assert full.has_checkpoints
    moments = _moments(events)
    current = None
    for i, t in enumerate(moments):
        want = full.seek(t)
        got = fast.seek(t)
        assert orjson.dumps(got.serialize()) == orjson.dumps(want.serialize()), (sid, t)
        assert orjson.dumps(got.side_state(), option=OPT) == orjson.dumps(want.side_state(), option=OPT), (sid, t)
        assert _frame_bytes(fast, got, t) == _frame_bytes(full, want, t), (sid, t)
        # playing/dragging: advancing the previous mirror in place gives the same state
        current = fast.seek(t, current=current if i % 3 else None)
        assert orjson.dumps(current.side_state(), option=OPT) == orjson.dumps(want.side_state(), option=OPT)
    return len(moments), fast.source.events_served


@pytest.mark.parametrize("sid", SESSION_IDS)
def test_snapshot_start_equals_checkpoint_path_on_the_corpus(seeded_db, sid):
    _compare(seeded_db, sid)


def _multi_page_session(tmp_path) -> list[dict]:
    """All nine corpus sessions back to back, twice (22 page visits, adopted sheets sent
    before a snapshot), with one visit's Meta dropped and a resize just before a snapshot,
    so that URL and viewport must come from an earlier visit or from between visits."""
    out: list[dict] = []
    t = 1_790_000_000_000
    for _ in range(2):
        for _sid, events, _meta in load_corpus():
            events = sorted(events, key=lambda e: e["timestamp"])
            shift = t - events[0]["timestamp"]
            out.extend(dict(e, timestamp=e["timestamp"] + shift) for e in events)
            t = out[-1]["timestamp"] + 1500
    metas = [i for i, e in enumerate(out) if e["type"] == 4]
    del out[metas[7]]  # an eighth visit without a Meta: its URL/viewport are the previous ones
    snaps = [i for i, e in enumerate(out) if is_full_snapshot(e)]
    resize = {"type": 3, "timestamp": out[snaps[12]]["timestamp"],
              "data": {"source": 4, "width": 777, "height": 555}}
    out.insert(snaps[12], resize)
    return out


def test_snapshot_start_equals_checkpoint_path_on_a_generated_multi_page_session(fresh_db, tmp_path):
    events = _multi_page_session(tmp_path)
    d = tmp_path / "multi"
    d.mkdir()
    (d / "events.json").write_bytes(orjson.dumps(events))
    report = import_paths(fresh_db, [d])
    (sid,) = report.added
    stored = list(iter_events(fresh_db.conn, sid))
    n_snaps = sum(1 for e in stored if is_full_snapshot(e))
    assert n_snaps >= 20
    # bounded work: a seek to the last moment replays from the last visit's snapshot (the
    # events before it are only decoded to prime URL, viewport and carried sheets)
    fast = open_session_replay(fresh_db, sid, build_if_missing=False)
    last = max(i for i, e in enumerate(stored) if is_full_snapshot(e))
    fast.seek(stored[-1]["timestamp"])
    assert fast.planner.snapshot_starts.start_index(stored[-1]["timestamp"]) == last
    applied = len(stored) - last
    assert fast.source.events_served < applied + 2 * max_visit(stored)
    assert fast.source.events_served < len(stored) // 4
    # what the player asks before seeking without checkpoints: the events from that snapshot
    tail = max(c.n_events for c in fast.source.chunks)
    assert len(stored) - last <= fast.replay_span(stored[-1]["timestamp"]) <= len(stored) - last + tail
    first = min(i for i, e in enumerate(stored) if is_full_snapshot(e))
    assert fast.replay_span(stored[0]["timestamp"]) <= tail + 1 and first <= tail
    _compare(fresh_db, sid)


def max_visit(events: list[dict]) -> int:
    snaps = [i for i, e in enumerate(events) if is_full_snapshot(e)] + [len(events)]
    return max(b - a for a, b in zip(snaps, snaps[1:]))
