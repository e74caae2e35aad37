"""Checkpoint policy, byte format and seek cost bounds, on the real corpus."""

from __future__ import annotations

import pytest

from replaydesk.replay import (
    Checkpoint, CheckpointBuilder, CheckpointPolicy, ListEventSource, SeekPlanner, build_checkpoints,
    restore_checkpoint, seek_state,
)
from replaydesk.replay.codec import decode_state, encode_state
from replaydesk.replay.constants import EventType

from .helpers import SESSION_IDS, direct_replay, load_session




class CountingSource(ListEventSource):
    def __init__(self, events):
        super().__init__(events)
        self.served = 0

    def events_between(self, after_index, t):
        batch = list(super().events_between(after_index, t))
        self.served += len(batch)
        return batch


@pytest.mark.parametrize("session_id", SESSION_IDS)
def test_seek_to_every_truth_moment_equals_direct_replay(session_id):
    import orjson

    from .helpers import corpus_dir

    events = load_session(session_id)
    meta = orjson.loads((corpus_dir() / session_id / "meta.json").read_bytes())
    moments = [s["ms"] for s in meta["truthScreenshots"]]
    policy = CheckpointPolicy(interval_ms=2000, max_events=100)
    checkpoints = build_checkpoints(events, policy)
    source = CountingSource(events)
    planner = SeekPlanner(checkpoints, source)
    t0 = events[0]["timestamp"]
    for ms in moments + [0, (events[-1]["timestamp"] - t0) // 2, events[-1]["timestamp"] - t0 + 1]:
        t = t0 + ms
        source.served = 0
        got = planner.seek(t)
        assert encode_state(got) == encode_state(direct_replay(events, t))
        assert source.served <= policy.max_events
        applied = [ev["timestamp"] for ev in events[got.event_index - source.served + 1: got.event_index + 1]]
        assert not applied or applied[-1] - applied[0] <= policy.interval_ms


def test_policy_checkpoints_after_each_full_snapshot_and_bounds_spans():
    events = load_session("ses_49340e341bb8")
    policy = CheckpointPolicy(interval_ms=5000, max_events=200)
    cps = build_checkpoints(events, policy)
    full = [k for k, ev in enumerate(events) if ev["type"] == EventType.FULL_SNAPSHOT]
    assert all(any(c.event_index == k and c.is_keyframe for c in cps) for k in full)
    bounds = [c.event_index for c in cps] + [len(events) - 1]
    for a, b in zip(bounds, bounds[1:]):
        span = events[a + 1: b + 1]
        assert len(span) <= policy.max_events
        if len(span) > 1:
            assert span[-1]["timestamp"] - events[a]["timestamp"] <= policy.interval_ms
    assert [c.event_index for c in cps] == sorted(c.event_index for c in cps)
    # deltas are much smaller than their keyframe
    key = next(c for c in cps if c.is_keyframe)
    deltas = [c for c in cps if not c.is_keyframe]
    assert deltas and max(len(c.data) for c in deltas) < len(key.data) * policy.keyframe_ratio + 1


def test_idle_gaps_do_not_produce_checkpoints():
    """ses_eca6cdfc6b65 has ~13 s without input: no checkpoint inside the gap."""
    events = load_session("ses_eca6cdfc6b65")
    cps = build_checkpoints(events, CheckpointPolicy(interval_ms=1000, max_events=10_000))
    stamps = [ev["timestamp"] for ev in events]
    for c in cps:
        assert c.timestamp in stamps


def test_restore_each_checkpoint_matches_state_at_its_index():
    events = load_session("ses_ac59c861b05d")
    builder = CheckpointBuilder(CheckpointPolicy(interval_ms=3000, max_events=40))
    states = {}
    for k, ev in enumerate(events):
        builder.feed(ev, k)
        states[k] = encode_state(builder.mirror)
    cps = builder.finish()
    assert any(not c.is_keyframe for c in cps) and sum(c.is_keyframe for c in cps) >= 2
    for pos, cp in enumerate(cps):
        m = restore_checkpoint(cps, pos)
        assert (m.event_index, m.timestamp) == (cp.event_index, cp.timestamp)
        assert encode_state(m) == states[cp.event_index]


def test_mirror_state_round_trip_and_another_version_is_reported():
    events = load_session("ses_ac59c861b05d")
    m = direct_replay(events, events[0]["timestamp"] + 19247)
    data = encode_state(m)
    back = decode_state(data)
    assert back.serialize() == m.serialize() and back.side_state() == m.side_state()
    assert encode_state(back) == encode_state(m)
    with pytest.raises(ValueError):
        decode_state(data.replace(b'"v":1', b'"v":99', 1))
    deltas_only = [c for c in build_checkpoints(events) if not c.is_keyframe]
    assert deltas_only
    with pytest.raises(ValueError, match="keyframe"):
        restore_checkpoint(deltas_only, 0)


def test_seek_state_one_shot_and_plain_callable_source():
    events = load_session("ses_8339d0629316")
    cps = build_checkpoints(events)
    src = ListEventSource(events)
    t = events[0]["timestamp"] + 20361
    expected = encode_state(direct_replay(events, t))
    assert encode_state(seek_state(cps, src, t)) == expected
    assert encode_state(seek_state(cps, src.events_between, t)) == expected
    assert isinstance(cps[0], Checkpoint) and cps[0].is_keyframe


def test_forward_seek_reuses_current_mirror():
    events = load_session("ses_49340e341bb8")
    cps = build_checkpoints(events)
    src = CountingSource(events)
    planner = SeekPlanner(cps, src)
    # two moments inside one checkpoint interval
    a, b = next((x, y) for x, y in zip(cps, cps[1:]) if y.timestamp - x.timestamp > 1000)
    t1, t2 = a.timestamp + 200, b.timestamp - 1
    m = planner.seek(t1)
    src.served = 0
    m2 = planner.seek(t2, current=m)
    assert m2 is m
    assert src.served == sum(1 for e in events if t1 < e["timestamp"] <= t2), "only the delta is fetched"
    assert encode_state(m2) == encode_state(direct_replay(events, t2))
    m3 = planner.seek(t1 - 1500, current=m)  # backwards: a new mirror, current untouched
    assert m3 is not m and m.timestamp > m3.timestamp
    assert encode_state(m) == encode_state(direct_replay(events, t2))


def test_pointer_at_uses_samples_flushed_after_t():
    """ses_ac59c861b05d: the move batch flushed at 30804 ms holds samples from
    ~30321 ms on; seeking to 30700 ms must not leave the pointer at the last click."""
    events = load_session("ses_ac59c861b05d")
    t0 = events[0]["timestamp"]
    batch = next(e for e in events if e["timestamp"] - t0 == 30804 and e["type"] == 3)
    t = t0 + 30700
    planner = SeekPlanner(build_checkpoints(events), ListEventSource(events))
    m = planner.seek(t)
    ptr = planner.pointer_at(m, t)
    timed = [(batch["timestamp"] + p["timeOffset"], p) for p in batch["data"]["positions"]]
    expected = max((x for x in timed if x[0] <= t), key=lambda x: x[0])[1]
    assert ptr == {"x": expected["x"], "y": expected["y"], "id": expected["id"]}
    assert ptr != m.side_state()["mouse"], "the applied events alone lag behind"
    assert encode_state(m) == encode_state(direct_replay(events, t)), "pointer_at does not touch the mirror"
