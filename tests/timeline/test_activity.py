"""SessionTimeline: activity, inactivity and markers from one streaming pass (no Qt)."""

from __future__ import annotations

import time
from collections import Counter

import numpy as np
import orjson
import pytest

from replaydesk.analysis import Marker, build_timeline, timeline_for_session
from replaydesk.analysis.activity import INACTIVITY_MS

from .conftest import IDLE, LAB, PHONE

T0 = 1_700_000_000_000


def ev(t, typ, **data):
    return {"type": typ, "timestamp": T0 + t, "data": data}


def move(t, *offsets, source=1):
    return ev(t, 3, source=source, positions=[{"x": 1, "y": 2, "id": 1, "timeOffset": o} for o in offsets])


def click(t, kind=2, x=10, y=20):
    return ev(t, 3, source=2, type=kind, id=5, x=x, y=y)


def meta(t, href="http://h/p.html"):
    return ev(t, 4, href=href, width=800, height=600)


def test_idle_session_has_one_inactive_span_over_the_idle_gap(idle_timeline):
    assert len(idle_timeline.inactive_spans) == 1
    start, end = idle_timeline.inactive_spans[0]
    # answer key: idle from 15458 ms to 28536 ms (last mouse point / first one after)
    assert 15_000 <= start <= 15_800
    assert 28_300 <= end <= 28_700
    assert idle_timeline.activity[16:28].sum() == 0
    assert idle_timeline.inactive_ms == end - start


@pytest.mark.parametrize("sid", [IDLE, LAB, PHONE, "ses_46d365862838", "ses_f69ef2c8dc31", "ses_6ef7552cd34d"])
def test_markers_agree_with_the_store(corpus_timelines, sid):
    tl, info = corpus_timelines[sid]
    kinds = Counter(m.kind for m in tl.markers)
    assert kinds["click"] + kinds["tap"] == info["click_count"]
    assert kinds["navigation"] == info["page_count"]
    assert kinds["console_error"] == info["error_count"]
    assert (tl.t0, tl.t1) == (info["started_at"], info["ended_at"])
    assert [int(t) for t in tl.page_times] == [p["t_enter"] - tl.t0 for p in info["pages"]]
    assert [m.t for m in tl.markers_of("click", "tap")] == [c["t"] - tl.t0 for c in info["clicks"]]
    urls = [m.detail["url"] for m in tl.markers_of("navigation")]
    assert urls == [p["url"] for p in info["pages"]]
    assert tl.activity.size == tl.duration // 1000 + 1
    assert list(tl.markers) == sorted(tl.markers, key=lambda m: m.t)


def test_taps_on_the_phone_and_errors_in_the_lab(corpus_timelines):
    phone, _ = corpus_timelines[PHONE]
    assert {m.kind for m in phone.markers_of("click", "tap")} == {"tap"}
    lab, _ = corpus_timelines[LAB]
    errors = lab.markers_of("console_error")
    assert len(errors) == 2
    assert all("sketchExporter" in m.detail["message"] for m in errors)
    assert not errors[0].label.startswith('"')  # console args are unquoted
    # error markers sit where the answer key says (20655 ms / 22539 ms after start)
    assert abs(errors[0].t - 20_655) < 500 and abs(errors[1].t - 22_539) < 500


def test_no_session_in_the_corpus_except_the_idle_one_has_inactivity(corpus_timelines):
    with_spans = {sid for sid, (tl, _i) in corpus_timelines.items() if tl.inactive_spans}
    assert with_spans == {IDLE}


def test_mouse_positions_are_counted_at_their_real_time():
    events = [meta(0), move(2_100, -300, -200, -100, 0), click(2_500)]
    tl = build_timeline(iter(events))
    # 1800, 1900 -> second 1; 2000, 2100, click 2500 -> second 2
    assert tl.activity.tolist() == [0, 2, 3]


def test_gaps_over_ten_seconds_are_inactive_including_the_edges():
    events = [
        meta(0),
        click(12_000),  # 12 s quiet at the start
        move(13_000, -100, 0),
        click(30_000),  # gap from 13_000 to 30_000
        ev(55_000, 3, source=0, adds=[], removes=[], texts=[], attributes=[]),  # mutations are not input
    ]
    tl = build_timeline(events)
    assert tl.inactive_spans == ((0, 12_000), (13_000, 30_000), (30_000, 55_000))


def test_touch_move_is_activity_for_the_timeline_and_the_store_alike():
    """One rule (rrweb.USER_ACTIVITY_SOURCES): a swipe breaks an idle gap in the timeline's
    inactive spans exactly as it counts in the store's active time (they used to disagree)."""
    from replaydesk.store.summary import SessionSummary

    def both(events):
        s = SessionSummary()
        for e in events:
            s.add(e)
        return build_timeline(events), s.active_ms

    swiped = [meta(0), click(1_000), move(5_500, -100, 0, source=6), click(12_500)]
    tl, active_ms = both(swiped)
    assert tl.inactive_spans == ()
    assert tl.activity[5] == 2
    assert active_ms == 11_500

    still = [meta(0), click(1_000), click(12_500)]
    tl, active_ms = both(still)
    assert tl.inactive_spans == ((1_000, 12_500),)
    assert active_ms == 0


def test_exactly_ten_seconds_is_still_active():
    tl = build_timeline([meta(0), click(0), click(INACTIVITY_MS), click(INACTIVITY_MS * 2 + 1)])
    assert tl.inactive_spans == ((INACTIVITY_MS, INACTIVITY_MS * 2 + 1),)


def test_event_times_skip_mouse_moves_and_bursts():
    events = [
        meta(0),
        move(500, -100, 0),
        click(1_000),
        ev(1_100, 3, source=3, id=1, x=0, y=10),
        ev(1_200, 3, source=3, id=1, x=0, y=20),  # same scroll burst
        ev(2_000, 3, source=5, id=7, text="a"),
        ev(2_100, 3, source=5, id=7, text="ab"),  # same typing burst
        ev(6_000, 6, plugin="rrweb/console@1", payload={"level": "error", "payload": ['"boom"'], "trace": []}),
        ev(7_000, 5, tag="add_to_cart", payload={"qty": 1}),
        meta(9_000, "http://h/next.html"),
    ]
    tl = build_timeline(events)
    # 1000 (click) and 1100 (scroll start) are one moment; 0 is the first page
    assert tl.event_times.tolist() == [0, 1_000, 2_000, 6_000, 7_000, 9_000]
    assert tl.page_times.tolist() == [0, 9_000]
    labels = [(m.kind, m.label) for m in tl.markers if m.kind != "click"]
    assert labels == [
        ("navigation", "/p.html"),
        ("console_error", "boom"),
        ("custom", "add_to_cart"),
        ("navigation", "/next.html"),
    ]


def test_taps_follow_the_store_rule():
    events = [meta(0), click(1_000, kind=7), click(1_080), click(5_000)]
    kinds = [m.kind for m in build_timeline(events).markers_of("click", "tap")]
    assert kinds == ["tap", "click"]


def test_with_markers_adds_analysis_results_and_navigation_targets(idle_timeline):
    extra = [Marker(20_000, "annotation", "customer hesitates"), Marker(4_139, "rage_click", "Rage click")]
    tl = idle_timeline.with_markers(extra)
    assert len(tl.markers) == len(idle_timeline.markers) + 2
    assert 20_000 in tl.event_times.tolist()
    assert tl.markers_of("annotation")[0].label == "customer hesitates"
    assert idle_timeline.markers_of("annotation") == []  # the original is untouched


def test_empty_input_gives_an_empty_timeline():
    tl = build_timeline([])
    assert tl.duration == 0 and tl.markers == () and tl.activity.size == 0


def test_unknown_session_is_none(fresh_db):
    assert timeline_for_session(fresh_db, "nope") is None


def test_300k_events_stream_in_well_under_a_second(corpus):
    base = orjson.loads((corpus / "ses_49340e341bb8" / "events.json").read_bytes())
    span = base[-1]["timestamp"] - base[0]["timestamp"] + 1_000
    reps = 300_000 // len(base) + 1

    def stream():  # a generator: the builder must not need a list
        for k in range(reps):
            shift = k * span
            for e in base:
                yield {"type": e["type"], "data": e["data"], "timestamp": e["timestamp"] + shift}

    started = time.perf_counter()
    tl = build_timeline(stream())
    elapsed = time.perf_counter() - started
    assert len(tl.markers_of("click")) == 22 * reps
    assert tl.activity.dtype == np.int32
    assert elapsed < 1.5, f"{elapsed:.2f} s"


def test_a_stray_timestamp_years_away_keeps_the_histogram_bounded():
    """One event 10^13 ms (317 years) on asked for 10^10 one-second bins: a MemoryError
    traceback from `clip --skip-inactivity`, and the same in the window's timeline. A move
    batch whose offsets reach that far looped over every bin."""
    from replaydesk.analysis.activity import MAX_BINS

    far = 10**13
    events = [meta(0), click(1_000), move(3_000, -100, 0), click(far), move(5_000, 0, far)]
    events.sort(key=lambda e: e["timestamp"])
    start = time.perf_counter()
    tl = build_timeline(events)
    assert time.perf_counter() - start < 30
    assert tl.activity.size == MAX_BINS and tl.t1 - tl.t0 == far
    assert int(tl.activity.sum()) == 6  # every input is counted: the far ones in the last bin
    assert tl.activity[1] == 1 and tl.activity[-1] == 2
    assert max(m.t for m in tl.markers) == far  # markers keep their real times
    gap = build_timeline([meta(0), click(1_000), click(far)])
    assert gap.inactive_spans == ((1_000, far),) and gap.activity.size == MAX_BINS
