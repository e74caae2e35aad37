"""A seek before the first full snapshot shows the first page (as rrweb does).

rrweb records Meta (and DomContentLoaded/Load) a few ms before the first FullSnapshot,
so "0 ms into the session" had no page: the player stayed blank or kept the previous
session's page, and ``render --at 0`` failed. The replay layer now answers any time
before the first snapshot with the state right after it, for every caller.
"""

from __future__ import annotations

import orjson
import pytest

from replaydesk.replay import ListEventSource, Mirror
from replaydesk.replay.frame import frame_from_mirror
from replaydesk.replay.seek import SeekPlanner, first_snapshot_time
from replaydesk.replay.session import open_session_replay

from .builders import T0, document, el, full, meta, mutation, text
from .helpers import SESSION_IDS


def _events(first_full_at: int = 50) -> list[dict]:
    return [
        {"type": 0, "data": {}, "timestamp": T0},
        meta(T0 + 10),
        full(document(el(10, "p", {}, [text(11, "hello")])), ts=T0 + first_full_at),
        mutation(T0 + first_full_at + 100, texts=[{"id": 11, "value": "later"}]),
    ]


def _state(m: Mirror) -> bytes:
    return orjson.dumps(m.serialize())


def test_a_seek_before_the_first_snapshot_shows_the_first_page():
    evs = _events()
    planner = SeekPlanner([], ListEventSource(evs))
    assert planner.first_snapshot_ts == T0 + 50
    for t in (T0 - 1000, T0, T0 + 10, T0 + 49):
        m = planner.seek(t)
        assert m.serialize() is not None, t
        assert _state(m) == _state(planner.seek(T0 + 50))
        assert "hello" in m.serialize()["childNodes"][1]["childNodes"][1]["childNodes"][0]["childNodes"][0]["textContent"]
        frame = frame_from_mirror(m, t)
        assert frame is not None and frame.timestamp == T0 + 50  # stamped with what it shows
    assert planner.effective_time(T0 + 200) == T0 + 200  # later times are untouched


def test_seeking_back_to_the_start_from_later_state_restores_the_first_page():
    evs = _events()
    planner = SeekPlanner([], ListEventSource(evs))
    late = planner.seek(T0 + 500)
    back = planner.seek(T0, current=late)
    assert back is not late and _state(back) == _state(planner.seek(T0 + 50))
    assert b"later" in _state(late) and b"later" not in _state(back)


def test_malformed_snapshots_do_not_count_and_a_session_without_one_shows_nothing():
    bad = {"type": 2, "data": {"node": {"type": 2, "tagName": "div"}}, "timestamp": T0 + 5}
    evs = [meta(T0), bad] + _events(80)[2:]
    assert first_snapshot_time(ListEventSource(evs)) == T0 + 80
    none = [meta(T0), bad]
    planner = SeekPlanner([], ListEventSource(none))
    assert planner.first_snapshot_ts is None
    assert frame_from_mirror(planner.seek(T0), T0) is None  # the player shows a hint for it


@pytest.mark.parametrize("sid", SESSION_IDS)
def test_every_corpus_session_has_a_frame_at_0_ms_through_the_store(seeded_db, sid):
    for build in (False, True):  # before the checkpoints exist, and with them
        replay = open_session_replay(seeded_db, sid, build_if_missing=build)
        assert replay.first_snapshot_ts is not None and replay.first_snapshot_ts > replay.first_ts
        m = replay.seek(replay.first_ts)
        frame = frame_from_mirror(m, replay.first_ts)
        assert frame is not None
        assert frame.timestamp == replay.first_snapshot_ts == replay.effective_time(replay.first_ts)
        assert _state(m) == _state(replay.seek(replay.first_snapshot_ts))
