"""PlaybackState: the clock, skipping, jumps, speed and range (no Qt)."""

from __future__ import annotations

import random

import pytest

from replaydesk.state.playback import SPEEDS, PlaybackState


class Recorder:
    """Collects (event, args) from a PlaybackState."""

    NAMES = ("time_changed", "seek_requested", "playing_changed", "speed_changed", "range_changed", "skipped",
             "skip_inactivity_changed", "scrubbing_changed", "session_changed")

    def __init__(self, state: PlaybackState):
        self.log: list[tuple] = []
        for name in self.NAMES:
            state.connect(name, lambda *a, name=name: self.log.append((name, *a)))

    def of(self, name: str) -> list[tuple]:
        return [e[1:] for e in self.log if e[0] == name]


def make(duration=120_000, **kw) -> PlaybackState:
    return PlaybackState(duration, **kw)


def test_sixty_seconds_of_uneven_integer_ticks_land_exactly():
    s = make()
    s.play()
    rng = random.Random(7)
    left = 60_000
    while left:
        dt = min(left, rng.randint(1, 40))
        s.advance(dt)
        left -= dt
    assert s.time == 60_000
    assert s.playing


def test_fractional_ticks_do_not_drift():
    s = make()
    s.play()
    rng = random.Random(3)
    steps = [rng.uniform(0.5, 33.4) for _ in range(3000)]
    total = sum(steps)
    for dt in steps:
        s.advance(dt)
    assert s.time == pytest.approx(total, abs=1e-6)
    # the classic drift case: 60,000 ticks of 1/60 s must make exactly 1,000 s
    s2 = make(duration=10_000_000)
    s2.play()
    for _ in range(60_000):
        s2.advance(1000 / 60)
    assert s2.time == pytest.approx(1_000_000, abs=1e-6)


def test_double_speed_doubles_and_speed_changes_keep_position():
    s = make()
    s.set_speed(2)
    s.play()
    for _ in range(1000):
        s.advance(10)
    assert s.time == 20_000
    s.set_speed(0.5)
    for _ in range(1000):
        s.advance(10)
    assert s.time == 25_000


def test_paused_clock_does_not_move():
    s = make()
    s.advance(1000)
    assert s.time == 0


def test_stops_at_the_end_and_replays_from_the_start():
    s = make(duration=1_000)
    rec = Recorder(s)
    s.play()
    s.advance(600)
    s.advance(600)
    assert s.time == 1_000 and not s.playing and s.at_end
    assert rec.of("playing_changed") == [(True,), (False,)]
    s.play()
    assert s.time == 0 and s.playing


def test_skip_inactivity_jumps_over_the_span_instead_of_fast_playing():
    s = make(duration=60_000, inactive_spans=[(15_000, 28_000)])
    s.set_skip_inactivity(True)
    rec = Recorder(s)
    s.seek(14_990)
    s.play()
    s.advance(16)  # crosses 15_000 by 6 ms
    assert s.time == 28_006
    assert rec.of("skipped") == [(15_000, 28_000)]
    assert rec.of("seek_requested")[-1] == (28_000,)
    times = [t for (t,) in rec.of("time_changed")]
    assert not any(15_000 < t < 28_000 for t in times)  # never shown a frame inside
    s.advance(1000)
    assert s.time == 29_006  # normal speed afterwards


def test_without_skip_the_span_plays_normally():
    s = make(duration=60_000, inactive_spans=[(15_000, 28_000)])
    s.seek(14_990)
    s.play()
    s.advance(16)
    assert s.time == 15_006


def test_skip_on_the_idle_corpus_session(idle_timeline):
    s = PlaybackState()
    s.load_timeline(idle_timeline)
    s.set_skip_inactivity(True)
    start, end = idle_timeline.inactive_spans[0]
    s.play()
    seen = []
    s.connect("time_changed", seen.append)
    wall = 0
    while s.playing:
        s.advance(16)
        wall += 16
    assert s.time == idle_timeline.duration
    assert not any(start < t < end for t in seen)
    # played wall time = duration minus the skipped span (within one tick)
    assert abs(wall - (idle_timeline.duration - (end - start))) <= 16


def test_starting_inside_a_span_jumps_on_the_first_tick_and_trailing_span_ends_playback():
    s = make(duration=50_000, inactive_spans=[(0, 12_000), (30_000, 50_000)])
    s.set_skip_inactivity(True)
    s.play()
    s.advance(10)
    assert s.time == 12_010
    s.seek(29_000)
    s.advance(2_000)
    assert s.time == 50_000 and not s.playing


def test_seek_clamps_and_announces_the_jump_first():
    s = make(duration=10_000)
    rec = Recorder(s)
    assert s.seek(-5) == 0
    assert s.seek(99_999) == 10_000
    assert [e[0] for e in rec.log] == ["seek_requested", "time_changed", "seek_requested", "time_changed"]


def test_step_clamps_at_both_ends():
    s = make(duration=12_000)
    s.step(-5_000)
    assert s.time == 0
    s.step(5_000)
    s.step(5_000)
    s.step(5_000)
    assert s.time == 12_000
    s.go_to_start()
    assert s.time == 0
    s.go_to_end()
    assert s.time == 12_000


def test_next_and_previous_event_walk_and_clamp():
    s = make(duration=20_000, event_times=[1_000, 5_000, 9_000])
    assert s.next_event() == 1_000
    assert s.next_event() == 5_000
    assert s.next_event() == 9_000
    assert s.next_event() == 20_000  # no more: the end
    assert s.prev_event() == 9_000
    assert s.prev_event() == 5_000
    s.seek(5_300)  # just past an event: previous skips it
    assert s.prev_event() == 1_000
    assert s.prev_event() == 0  # no more: the start
    assert s.prev_event() == 0


def test_next_and_previous_page():
    s = make(duration=30_000, page_times=[0, 10_000, 20_000])
    assert s.next_page() == 10_000
    s.seek(15_000)
    assert s.prev_page() == 10_000
    assert s.prev_page() == 0
    s.seek(25_000)
    assert s.next_page() == 30_000


def test_speed_steps_through_the_ladder_and_stops_at_its_ends():
    s = make()
    seen = []
    s.connect("speed_changed", seen.append)
    for _ in range(10):
        s.speed_up()
    assert s.speed == 16
    for _ in range(10):
        s.speed_down()
    assert s.speed == 0.5
    assert seen == [2, 4, 8, 16, 8, 4, 2, 1, 0.5]
    assert SPEEDS == (0.5, 1, 2, 4, 8, 16)
    with pytest.raises(ValueError):
        s.set_speed(0)


def test_range_in_and_out():
    s = make(duration=60_000)
    rec = Recorder(s)
    s.seek(10_000)
    s.set_range_in()
    s.seek(20_000)
    s.set_range_out()
    assert (s.range_in, s.range_out) == (10_000, 20_000)
    assert s.range() == (10_000, 20_000)
    s.seek(30_000)
    s.set_range_in()  # after the out point: the out point goes
    assert (s.range_in, s.range_out) == (30_000, None)
    assert s.range() == (30_000, 60_000)
    s.set_range_out(5_000)  # before the in point: the in point goes
    assert (s.range_in, s.range_out) == (None, 5_000)
    s.clear_range()
    assert s.range() is None
    assert rec.of("range_changed") == [(10_000, None), (10_000, 20_000), (30_000, None), (None, 5_000), (None, None)]


def test_scrubbing_pauses_and_resumes():
    s = make()
    s.play()
    s.begin_scrub()
    assert s.scrubbing and not s.playing
    s.seek(40_000)
    s.end_scrub()
    assert s.playing and not s.scrubbing and s.time == 40_000
    s.pause()
    s.begin_scrub()
    s.end_scrub()
    assert not s.playing


def test_load_resets_time_and_range_but_keeps_preferences():
    s = make()
    s.set_speed(4)
    s.set_skip_inactivity(True)
    s.seek(50_000)
    s.set_range_in()
    s.play()
    rec = Recorder(s)
    s.load(10_000, page_times=[0, 5_000])
    assert (s.time, s.playing, s.range(), s.speed, s.skip_inactivity) == (0, False, None, 4, True)
    assert ("session_changed",) in rec.log
    assert s.page_times == (0, 5_000)


def test_zero_length_session_cannot_play():
    s = PlaybackState()
    s.play()
    assert not s.playing and s.time == 0
