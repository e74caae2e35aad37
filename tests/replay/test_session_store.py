"""Seeking stored sessions: checkpoints built once, stored, reused, invalidated; seeks
through the store equal a direct replay of the stored events, with bounded work."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from replaydesk.replay import CheckpointPolicy, ListEventSource, Mirror
from replaydesk.replay.codec import encode_state
from replaydesk.replay.session import (
    DEFAULT_POLICY, SessionNotFound, StoreEventSource, checkpoint_version, ensure_checkpoints, open_session_replay,
)
from replaydesk.store import Cancelled, import_paths, iter_events, open_store
from replaydesk.store.checkpoints_table import checkpoint_set_info, load_checkpoints

from .helpers import SESSION_IDS, corpus_dir, direct_replay, load_session

SMALL = CheckpointPolicy(interval_ms=2000, max_events=100)


def _db_file(db) -> Path:
    return Path(next(r[2] for r in db.conn.execute("PRAGMA database_list") if r[1] == "main"))


def _stored_events(db, sid) -> list[dict]:
    return list(iter_events(db.conn, sid))




def _same_state(got: Mirror, want: Mirror) -> None:
    assert orjson.dumps(got.serialize()) == orjson.dumps(want.serialize())
    opt = orjson.OPT_NON_STR_KEYS
    assert orjson.dumps(got.side_state(), option=opt) == orjson.dumps(want.side_state(), option=opt)
    assert encode_state(got) == encode_state(want)


class SqlLog:
    def __init__(self, conn):
        self.statements: list[str] = []
        conn.set_trace_callback(self.statements.append)

    def count(self, fragment: str) -> int:
        return sum(fragment in s for s in self.statements)


# --- cache: built once, reused, invalidated ---------------------------------------------------

def test_checkpoints_are_built_once_stored_and_reused(seeded_db):
    sid = "ses_49340e341bb8"
    assert checkpoint_set_info(seeded_db, sid) is None
    first = open_session_replay(seeded_db, sid)
    assert first.status == "built" and first.saved and first.has_checkpoints
    info = checkpoint_set_info(seeded_db, sid)
    assert info.count == len(first.checkpoints) and info.version == checkpoint_version(DEFAULT_POLICY)
    assert info.keyframes == sum(c.is_keyframe for c in first.checkpoints)

    log = SqlLog(seeded_db.conn)
    again = open_session_replay(seeded_db, sid)
    assert again.status == "cached" and not again.build_seconds
    assert log.count("INSERT INTO checkpoints") == 0 and log.count("DELETE FROM checkpoints") == 0
    assert log.count("first_index + n_events") == 0  # no event stream was read to build
    assert [c.data for c in again.checkpoints] == [c.data for c in first.checkpoints]
    assert ensure_checkpoints(seeded_db, sid) == "cached"

    # another connection (the app restarted) reuses them too
    other = open_store(_db_file(seeded_db))
    try:
        assert open_session_replay(other, sid).status == "cached"
    finally:
        other.close()


def test_ensure_checkpoints_builds_for_the_importer_hook(seeded_db):
    sid = "ses_ac59c861b05d"
    seen = []
    assert ensure_checkpoints(seeded_db, sid, progress=lambda d, n: seen.append((d, n))) == "built"
    n = seeded_db.conn.execute("SELECT event_count FROM sessions WHERE id = ?", (sid,)).fetchone()[0]
    assert seen[-1] == (n, n)
    assert ensure_checkpoints(seeded_db, sid) == "cached"
    assert open_session_replay(seeded_db, sid).status == "cached"


def test_replaced_session_drops_its_checkpoints(tmp_path, fresh_db):
    sid = "ses_6ef7552cd34d"
    work = tmp_path / sid
    shutil.copytree(corpus_dir() / sid, work, ignore=shutil.ignore_patterns("truth", "rrweb"))
    assert import_paths(fresh_db, [work]).added == [sid]
    old = open_session_replay(fresh_db, sid)
    assert old.status == "built" and checkpoint_set_info(fresh_db, sid).count == len(old.checkpoints)

    events = orjson.loads((work / "events.json").read_bytes())
    extra = dict(events[-1])
    extra["timestamp"] += 5000
    (work / "events.json").write_bytes(orjson.dumps(events + [extra]))
    assert import_paths(fresh_db, [work]).replaced == [sid]
    assert checkpoint_set_info(fresh_db, sid) is None  # the cascade removed them with the old session
    new = open_session_replay(fresh_db, sid)
    assert new.status == "built" and new.last_ts == old.last_ts + 5000
    _same_state(new.seek(new.last_ts), direct_replay(_stored_events(fresh_db, sid), new.last_ts))

    fresh_db.conn.execute("DELETE FROM sessions WHERE id = ?", (sid,))
    assert fresh_db.conn.execute("SELECT count(*) FROM checkpoints").fetchone()[0] == 0


def test_the_old_replay_notices_a_replaced_session(tmp_path, fresh_db):
    from replaydesk.store.checkpoints_table import SessionChanged

    sid = "ses_6ef7552cd34d"
    work = tmp_path / sid
    shutil.copytree(corpus_dir() / sid, work, ignore=shutil.ignore_patterns("truth", "rrweb"))
    import_paths(fresh_db, [work])
    replay = open_session_replay(fresh_db, sid)
    events = orjson.loads((work / "events.json").read_bytes())
    (work / "events.json").write_bytes(orjson.dumps(events[:-1]))
    assert import_paths(fresh_db, [work]).replaced == [sid]
    replay.source._cache.clear()
    with pytest.raises(SessionChanged):
        replay.seek(replay.last_ts)


@pytest.mark.parametrize("tamper", [
    "UPDATE checkpoints SET version = 'rdcp0.state1/old'",
    "UPDATE checkpoints SET content_hash = 'other'",
    "DELETE FROM checkpoints WHERE seq = 0",
    "UPDATE checkpoints SET keyframe_seq = seq",
])
def test_stale_or_damaged_sets_are_rebuilt(seeded_db, tamper):
    sid = "ses_46d365862838"
    built = open_session_replay(seeded_db, sid)
    seeded_db.conn.execute(tamper)
    log = SqlLog(seeded_db.conn)
    again = open_session_replay(seeded_db, sid)
    assert again.status == "rebuilt" and again.saved
    assert log.count("INSERT INTO checkpoints") == len(again.checkpoints)  # one trace line per row
    assert [c.data for c in again.checkpoints] == [c.data for c in built.checkpoints]
    assert load_checkpoints(seeded_db, sid, checkpoint_version(), built.content_hash) is not None
    assert open_session_replay(seeded_db, sid).status == "cached"


def test_another_policy_is_another_version(seeded_db):
    sid = "ses_46d365862838"
    assert open_session_replay(seeded_db, sid).status == "built"
    small = open_session_replay(seeded_db, sid, policy=SMALL)
    assert small.status == "rebuilt" and checkpoint_set_info(seeded_db, sid).version == checkpoint_version(SMALL)
    assert checkpoint_version(SMALL) != checkpoint_version(DEFAULT_POLICY)


def test_without_building_seeks_still_work(seeded_db):
    sid = "ses_5924706e4bfc"
    replay = open_session_replay(seeded_db, sid, build_if_missing=False)
    assert replay.status == "missing" and not replay.has_checkpoints
    assert checkpoint_set_info(seeded_db, sid) is None
    t = replay.first_ts + replay.duration_ms // 2
    _same_state(replay.seek(t), direct_replay(_stored_events(seeded_db, sid), t))


def test_cancel_writes_nothing_and_unknown_sessions_raise(seeded_db):
    with pytest.raises(Cancelled):
        open_session_replay(seeded_db, "ses_5924706e4bfc", cancel=lambda: True)
    assert seeded_db.conn.execute("SELECT count(*) FROM checkpoints").fetchone()[0] == 0
    assert not seeded_db.conn.in_transaction
    with pytest.raises(SessionNotFound):
        open_session_replay(seeded_db, "nope")


def test_read_only_store_builds_in_memory(seeded_db):
    path = _db_file(seeded_db)
    ro = open_store(path, readonly=True)
    try:
        replay = open_session_replay(ro, "ses_8339d0629316")
        assert replay.status == "built" and not replay.saved and replay.has_checkpoints
        t = replay.first_ts + 7000
        _same_state(replay.seek(t), direct_replay(_stored_events(seeded_db, "ses_8339d0629316"), t))
    finally:
        ro.close()
    assert seeded_db.conn.execute("SELECT count(*) FROM checkpoints").fetchone()[0] == 0


def test_building_inside_a_callers_transaction_uses_a_savepoint(seeded_db):
    conn = seeded_db.conn
    conn.execute("BEGIN IMMEDIATE")
    replay = open_session_replay(seeded_db, "ses_f69ef2c8dc31")
    assert replay.saved and conn.in_transaction
    conn.execute("ROLLBACK")
    assert checkpoint_set_info(seeded_db, "ses_f69ef2c8dc31") is None


# --- correctness and bounded work --------------------------------------------------------------

@pytest.mark.parametrize("policy", [DEFAULT_POLICY, SMALL], ids=["default", "small"])
def test_seek_at_every_truth_moment_equals_direct_replay(seeded_db, policy):
    for sid in SESSION_IDS:
        events = _stored_events(seeded_db, sid)
        assert [e["timestamp"] for e in events] == [e["timestamp"] for e in load_session(sid)]
        meta = orjson.loads((corpus_dir() / sid / "meta.json").read_bytes())
        t0 = load_session(sid)[0]["timestamp"]
        open_session_replay(seeded_db, sid, policy=policy)
        replay = open_session_replay(seeded_db, sid, policy=policy)  # cold, from the stored blobs
        assert replay.status == "cached" and replay.first_ts == t0
        src = replay.source
        moments = [t0 + s["ms"] for s in meta["truthScreenshots"]]
        moments += [t0 - 1, t0, replay.last_ts, replay.last_ts + 1]
        for t in moments:
            served, decoded = src.events_served, src.events_decoded
            got = replay.seek(t)
            _same_state(got, direct_replay(events, t))
            # work per seek: at most one checkpoint interval applied, and only the chunks
            # overlapping it decoded
            assert src.events_served - served <= policy.max_events
            assert src.events_decoded - decoded <= policy.max_events + 2 * src.max_chunk_events
            assert replay.pointer_at(got, t) == replay.planner.pointer_at(got, t)


def test_work_per_seek_is_bounded_on_every_event_time(seeded_db):
    sid = "ses_eca6cdfc6b65"
    replay = open_session_replay(seeded_db, sid, policy=SMALL)
    src = replay.source
    events = _stored_events(seeded_db, sid)
    worst = 0
    for t in sorted({e["timestamp"] for e in events})[::3]:
        served = src.events_served
        m = replay.seek(t)
        applied = src.events_served - served
        worst = max(worst, applied)
        assert applied <= SMALL.max_events
        shown = max(t, replay.first_snapshot_ts)  # before the first snapshot: the first snapshot
        assert m.event_index == max(k for k, e in enumerate(events) if e["timestamp"] <= shown)
    assert worst > 0


def test_store_source_matches_a_list_source(seeded_db):
    sid = "ses_49340e341bb8"
    events = _stored_events(seeded_db, sid)
    ref = ListEventSource(events)
    src = StoreEventSource(seeded_db, sid)
    assert len(src) == len(events) and len(src.chunks) > 1
    ts = [e["timestamp"] for e in events]
    cases = [(-1, ts[0] - 1), (-1, ts[-1]), (len(events) - 1, ts[-1] + 10), (len(events) + 5, ts[-1])]
    for k in range(-1, len(events), 37):
        for dt in (-1000, 0, 1, 700, 12_000):
            cases.append((k, ts[max(k, 0)] + dt))
    for after, t in cases:
        assert list(src.events_between(after, t)) == list(ref.events_between(after, t)), (after, t)
    # walking forward through one chunk reuses the cached decode
    src2 = StoreEventSource(seeded_db, sid)
    first = src2.chunks[0]
    for k in range(-1, first.n_events - 1):
        list(src2.events_between(k, ts[k + 1]))
    assert src2.chunks_decoded == 1


# --- property: random seek sequences --------------------------------------------------------------

_ops = st.lists(
    st.one_of(
        st.tuples(st.just("to"), st.integers(-2000, 70_000)),
        st.tuples(st.just("fwd"), st.integers(0, 4000)),
        st.tuples(st.just("back"), st.integers(1, 20_000)),
        st.tuples(st.just("same"), st.just(0)),
    ),
    min_size=1, max_size=8,
)


@pytest.fixture(scope="module")
def property_store(seeded_db_path, tmp_path_factory):
    p = tmp_path_factory.mktemp("prop") / "store.db"
    shutil.copy(seeded_db_path, p)
    db = open_store(p)
    sid = "ses_49340e341bb8"
    open_session_replay(db, sid, policy=SMALL)
    events = _stored_events(db, sid)
    yield db, sid, events, {}
    db.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=_ops, reuse=st.lists(st.booleans(), min_size=8, max_size=8))
def test_random_seek_sequences_agree_with_direct_replay(property_store, ops, reuse):
    db, sid, events, memo = property_store
    replay = open_session_replay(db, sid, policy=SMALL)
    assert replay.status == "cached"
    t0 = replay.first_ts
    t, m = t0, None
    for (op, arg), keep in zip(ops, reuse):
        t = t0 + arg if op == "to" else t + arg if op == "fwd" else t - arg if op == "back" else t
        served = replay.source.events_served
        m = replay.seek(t, current=m if keep else None)
        assert replay.source.events_served - served <= SMALL.max_events
        count = sum(1 for e in events if e["timestamp"] <= max(t, replay.first_snapshot_ts))
        if count not in memo:
            memo[count] = encode_state(direct_replay(events, t))
        assert encode_state(m) == memo[count]
        assert m.event_index == count - 1


def test_a_store_from_before_checkpoints_is_upgraded_in_place(db_path):
    import sqlite3

    from sqlite_utils import Database

    from replaydesk.store.schema import migrations

    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    old = Database(conn)
    migrations.apply(old, stop_before="m002_checkpoints")
    assert "checkpoints" not in old.table_names()
    assert import_paths(old, [corpus_dir() / "ses_6ef7552cd34d"]).added == ["ses_6ef7552cd34d"]
    conn.close()

    db = open_store(db_path)
    try:
        assert "checkpoints" in db.table_names() and migrations.pending(db) == []
        assert open_session_replay(db, "ses_6ef7552cd34d").status == "built"
        assert open_session_replay(db, "ses_6ef7552cd34d").status == "cached"
    finally:
        db.close()
