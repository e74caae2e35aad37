"""PlaybackState.refine: the same session, better known, without losing the playhead (issue 16).

The player shows a session's seekable span from its stored row at open and the built
timeline (spans, markers) when the views arrive, seconds later on a first open; the user
may have sought, set a range or started playing meanwhile."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from replaydesk.state.playback import PlaybackState

from .test_playback import Recorder


def opened(duration=600_000) -> PlaybackState:
    s = PlaybackState()
    s.load(duration, page_times=[0, 300_000])  # what the session row knows
    return s


def test_refine_keeps_time_range_and_playing_and_replaces_the_navigation():
    s = opened()
    s.seek(540_000)
    s.set_range_in(500_000)
    s.play()
    rec = Recorder(s)
    s.refine(600_000, inactive_spans=[(100_000, 200_000)], event_times=[10_000, 550_000], page_times=[0, 300_000])
    assert s.time == 540_000 and s.playing and s.range_in == 500_000
    assert rec.of("session_changed") == [()]
    assert not rec.of("seek_requested") and not rec.of("playing_changed")  # no rewind, no pause
    assert s.inactive_spans == ((100_000, 200_000),) and s.event_times == (10_000, 550_000)
    s.advance(1_000)  # the clock goes on from where it was
    assert s.time == 541_000
    s.pause()
    assert s.next_event() == 550_000  # the refined navigation is used


def test_refine_clamps_a_time_past_a_shorter_duration_with_a_seek():
    s = opened()
    s.seek(590_000)
    s.set_range_out(595_000)
    rec = Recorder(s)
    s.refine(580_000)
    assert s.time == 580_000 and s.duration == 580_000
    assert rec.of("seek_requested") == [(580_000,)]  # the renderer must show the new end
    assert s.range_out == 580_000


def test_load_timeline_keep_time_refines_and_plain_load_rewinds():
    tl = SimpleNamespace(duration=600_000, inactive_spans=((0, 20_000),), event_times=np.array([30_000]),
                         page_times=np.array([0]))
    s = opened()
    s.seek(540_000)
    s.load_timeline(tl, keep_time=True)
    assert s.time == 540_000 and s.inactive_spans == ((0, 20_000),)
    s.load_timeline(tl)  # another session: rewinds, as before
    assert s.time == 0
