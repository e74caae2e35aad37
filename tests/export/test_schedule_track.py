"""The clip's clock and its pointer track (Qt-free)."""

from __future__ import annotations

import pytest

from replaydesk.export.spec import CARD_SECONDS, ClipError, ClipSpec, schedule
from replaydesk.export.track import build_track


@pytest.mark.parametrize("fps,speed,ms", [(15, 1, 6000), (15, 2, 6000), (10, 4, 60_000), (24, 1, 1000), (15, 1, 1001)])
def test_frame_count_is_range_times_fps_over_speed(fps, speed, ms):
    spec = ClipSpec("s", 500, 500 + ms, fps=fps, speed=speed)
    frames = schedule(spec).frames
    assert abs(len(frames) - ms / 1000 * fps / speed) < 1
    assert frames[0].t_ms == 500
    step = 1000 * speed / fps
    assert all(abs(f.t_ms - (500 + f.index * step)) <= 0.5 for f in frames)
    assert frames[-1].t_ms < 500 + ms


def test_skipping_jumps_over_inactive_spans_and_shows_the_card():
    spec = ClipSpec("s", 0, 30_000, fps=10, skip_inactivity=True)
    sched = schedule(spec, [(5_000, 19_000), (40_000, 60_000)])
    times = [f.t_ms for f in sched.frames]
    assert sched.skipped == [(5_000, 19_000)]
    assert not any(5_000 < t < 19_000 for t in times)
    assert len(sched.frames) == 50 + 110  # 0-5 s and 19-30 s at 10 fps
    carded = [f for f in sched.frames if f.skipped_ms]
    assert len(carded) == round(CARD_SECONDS * 10) and carded[0].t_ms == 19_000
    assert all(f.skipped_ms == 14_000 for f in carded)


def test_bad_options_are_one_line_errors():
    for bad in (dict(fps=0), dict(format="avi"), dict(width=3), dict(speed=0)):
        with pytest.raises(ClipError):
            ClipSpec("s", 0, 1000, **bad).validate()
    with pytest.raises(ClipError):
        ClipSpec("s", 1000, 1000).validate()


def test_track_positions_follow_batched_samples_and_presses():
    t0 = 1_700_000_000_000
    events = [
        {"type": 4, "timestamp": t0, "data": {"href": "https://a.test/x", "width": 800, "height": 600}},
        # a batch flushed at +500 ms holding samples from +100 and +300 ms
        {"type": 3, "timestamp": t0 + 500, "data": {"source": 1, "positions": [
            {"x": 10, "y": 20, "id": 1, "timeOffset": -400}, {"x": 30, "y": 40, "id": 1, "timeOffset": -200}]}},
        {"type": 3, "timestamp": t0 + 600, "data": {"source": 2, "type": 2, "id": 5, "x": 35, "y": 45}},
        {"type": 4, "timestamp": t0 + 900, "data": {"href": "https://a.test/y", "width": 800, "height": 600}},
    ]
    tr = build_track(events, {"x": 1, "y": 2}, t0)
    assert tr.position(t0 + 50) == (1, 2)
    assert tr.position(t0 + 150) == (10, 20)
    assert tr.position(t0 + 350) == (30, 40)
    assert tr.position(t0 + 650) == (35, 45)
    assert [(p.x, p.y, p.kind) for p in tr.presses] == [(35, 45, "click")]
    assert tr.trail(t0 + 350, 300) == [(10, 20), (30, 40)]
    assert tr.href(t0 + 10) == "https://a.test/x" and tr.href(t0 + 950) == "https://a.test/y"


def test_a_clip_over_a_stray_timestamp_s_gap_is_refused_not_listed():
    """A session stretched by one timestamp 30 days on (accepted at import) made `clip` list and
    render billions of frames: memory passed 6 GB before the first frame."""
    from replaydesk.export.spec import MAX_FRAMES

    month = 30 * 86_400_000
    with pytest.raises(ClipError, match=r"would have 38,880,000 frames .*--skip-inactivity"):
        ClipSpec("s", 0, month, fps=15).validate()
    ok = ClipSpec("s", 0, MAX_FRAMES * 1000 // 15, fps=15).validate()
    assert ok.frame_count == MAX_FRAMES
    # skipping the gap leaves a short clip; a range that stays active past the cap is refused
    sched = schedule(ClipSpec("s", 0, month, fps=15, skip_inactivity=True).validate(), [(10_000, month - 5_000)])
    assert abs(len(sched.frames) - (150 + 75)) <= 2  # 10 s before the gap, 5 s after it, at 15 fps
    assert len(sched.skipped) == 1 and sched.skipped[0][1] == month - 5_000
    with pytest.raises(ClipError, match="would have"):
        schedule(ClipSpec("s", 0, month, fps=15, skip_inactivity=True).validate(), [])
