"""Edge tests of each frustration rule on generated sessions (issue 11 checks)."""

from __future__ import annotations

import pytest

from replaydesk.analysis.signals import (
    SignalSettings, decode_facts, detect, detect_events, encode_facts,
)

from .gen import (
    BUTTON, EMAIL, FORM, LABEL_SPAN, LIST, NAME, PARA, SELECT, SEND, change, click, console, moves, page,
    scroll_path, session, tail, typed,
)


def kinds(events, settings=None, kind=None, with_mirror=True):
    found, _ = detect_events(events, settings, with_mirror=with_mirror)
    return [f for f in found if kind is None or f.kind == kind]


def clicks_at(times, xs=None, nid=BUTTON, respond=True):
    """Clicks at ``times`` (ms); each answered by a DOM change unless ``respond`` is False."""
    xs = xs or [100] * len(times)
    out = []
    for t, x in zip(times, xs):
        out += click(t, x=x, nid=nid)
        if respond:
            out.append(change(t + 5))
    return out


# --- rage -----------------------------------------------------------------------------------

def test_rage_needs_three_clicks():
    two = session(page(), clicks_at([1000, 1300]), tail(9000))
    three = session(page(), clicks_at([1000, 1300, 1600]), tail(9000))
    assert kinds(two, kind="rage_click") == []
    [f] = kinds(three, kind="rage_click")
    assert f.t_ms == 1000 and f.count == 3 and f.end_ms == 1600
    assert f.selector == "button#go"
    assert f.evidence == "3 clicks within 0.6 s within 0 px on button#go 'Go'"
    assert f.params == {"min_clicks": 3, "window_ms": 1000, "radius_px": 30.0}


def test_rage_radius_29_vs_31_px():
    near = session(page(), clicks_at([1000, 1200, 1400], xs=[100, 129, 110]), tail(9000))
    far = session(page(), clicks_at([1000, 1200, 1400], xs=[100, 131, 110]), tail(9000))
    assert len(kinds(near, kind="rage_click")) == 1
    assert kinds(far, kind="rage_click") == []
    assert len(kinds(far, SignalSettings(rage_radius_px=31), kind="rage_click")) == 1


def test_rage_window_0_9_vs_1_1_s():
    fast = session(page(), clicks_at([1000, 1450, 1900]), tail(9000))
    slow = session(page(), clicks_at([1000, 1550, 2100]), tail(9000))
    assert len(kinds(fast, kind="rage_click")) == 1
    assert kinds(slow, kind="rage_click") == []


def test_rage_threshold_change_makes_it_appear_and_disappear():
    events = session(page(), clicks_at([1000, 1300, 1600]), tail(9000))
    assert len(kinds(events, kind="rage_click")) == 1
    assert kinds(events, SignalSettings(rage_min_clicks=4), kind="rage_click") == []
    two = session(page(), clicks_at([1000, 1300]), tail(9000))
    assert len(kinds(two, SignalSettings(rage_min_clicks=2), kind="rage_click")) == 1


def test_a_long_burst_is_one_finding_and_taps_count():
    events = session(page(), *[click(1000 + 200 * k, touch=True) for k in range(8)], tail(9000))
    [f] = kinds(events, kind="rage_click")
    assert f.count == 8 and f.evidence.startswith("8 taps within 1.4 s")


def test_triple_click_selecting_text_is_not_rage():
    from tests.replay.builders import inc, T0

    sel = inc(14, T0 + 1450, ranges=[{"start": 13, "startOffset": 0, "end": 13, "endOffset": 10}])
    events = session(page(), clicks_at([1000, 1150, 1300], nid=PARA, respond=False), sel, tail(9000))
    assert kinds(events, kind="rage_click") == []
    assert kinds(events, kind="dead_click") == []  # the selection answered the clicks


# --- dead -----------------------------------------------------------------------------------

@pytest.mark.parametrize("delay, dead", [(2400, False), (2600, True)])
def test_dead_click_window_2_4_vs_2_6_s(delay, dead):
    events = session(page(), click(1000), change(1000 + delay), tail(9000))
    found = kinds(events, kind="dead_click")
    assert bool(found) is dead
    if dead:
        assert found[0].t_ms == 1000 and found[0].selector == "button#go"
        assert "nothing changed for 2.5 s; first response after 2.6 s" in found[0].evidence
        assert kinds(events, SignalSettings(dead_window_ms=3000), kind="dead_click") == []


def test_response_between_press_and_click_counts():
    from tests.replay.builders import inc, T0

    events = session(page(), inc(2, T0 + 900, type=1, id=BUTTON, x=1, y=1), change(950),
                     inc(2, T0 + 1000, type=2, id=BUTTON, x=1, y=1), tail(9000))
    assert kinds(events, kind="dead_click") == []


@pytest.mark.parametrize("nid", [NAME, EMAIL, SELECT, LABEL_SPAN, 5])  # text fields, select, label text, body
def test_fields_labels_and_background_are_not_dead_click_candidates(nid):
    events = session(page(), click(1000, nid=nid), tail(9000))
    assert kinds(events, kind="dead_click") == []


def test_plain_text_click_without_selection_is_dead():
    events = session(page(), click(1000, nid=PARA), tail(9000))
    [f] = kinds(events, kind="dead_click")
    assert f.selector == "p.plain"


@pytest.mark.parametrize("response", [
    console(2000, "log", "hi"),
    scroll_path(2000, [0, 300], 10)[1],
    typed(2000, NAME, "x"),
    page("http://example.test/next", at=2000)[1],
])
def test_each_kind_of_response_answers_a_click(response):
    events = session(page(), click(1000), response, tail(9000))
    assert kinds(events, kind="dead_click") == []


def test_click_too_close_to_the_end_is_not_judged():
    assert kinds(session(page(), click(1000), tail(2000)), kind="dead_click") == []


def test_rage_burst_clicks_are_not_also_dead_clicks():
    events = session(page(), clicks_at([1000, 1200, 1400], respond=False), tail(9000))
    assert [f.kind for f in kinds(events)] == ["rage_click"]


# --- error ----------------------------------------------------------------------------------

@pytest.mark.parametrize("delay, found", [(900, True), (1100, False)])
def test_error_click_within_one_second(delay, found):
    events = session(page(), click(1000), console(1000 + delay), tail(9000))
    res = kinds(events, kind="error_click")
    assert bool(res) is found
    if found:
        assert res[0].t_ms == 1000 and "Uncaught TypeError: boom" in res[0].evidence
        assert kinds(events, SignalSettings(error_window_ms=800), kind="error_click") == []


def test_error_goes_to_the_last_click_and_warnings_do_not_count():
    events = session(page(), click(1000), click(1500, nid=PARA), console(1600), tail(9000))
    [f] = kinds(events, kind="error_click")
    assert f.t_ms == 1500 and f.selector == "p.plain"
    warn = session(page(), click(1000), console(1100, "warn", "careful"), tail(9000))
    assert kinds(warn, kind="error_click") == []


# --- quick back -----------------------------------------------------------------------------

@pytest.mark.parametrize("stay, found", [(6900, True), (7100, False)])
def test_quick_back_within_seven_seconds(stay, found):
    events = session(page("http://s.test/a"), page("http://s.test/b", at=2000),
                     page("http://s.test/a#top", at=2000 + stay), tail(20000))
    res = kinds(events, kind="quick_back")
    assert bool(res) is found
    if found:
        assert res[0].t_ms == 2000 + stay
        assert res[0].evidence == f"left /a for /b and came back after {stay / 1000:.1f} s"


def test_going_on_to_a_third_page_or_reloading_is_not_quick_back():
    onward = session(page("http://s.test/a"), page("http://s.test/b", at=2000), page("http://s.test/c", at=3000),
                     tail(9000))
    reload_ = session(page("http://s.test/a"), page("http://s.test/a", at=2000), page("http://s.test/a", at=3000),
                      tail(9000))
    assert kinds(onward, kind="quick_back") == [] and kinds(reload_, kind="quick_back") == []


# --- excessive scrolling ------------------------------------------------------------------

def _updown(cycles: int, start: int = 1000, step: int = 100, top: int = 0, bottom: int = 1200):
    ys = [top]
    for _ in range(cycles):
        ys += [bottom // 2, bottom, bottom // 2, top]
    return scroll_path(start, ys, step)


def test_excessive_scrolling_needs_three_cycles():
    assert kinds(session(page(), _updown(2), tail(20000)), kind="excessive_scroll") == []
    [f] = kinds(session(page(), _updown(3), tail(20000)), kind="excessive_scroll")
    assert f.t_ms == 1000 and f.count == 3 and "the page" in f.evidence
    assert kinds(session(page(), _updown(3), tail(20000)), SignalSettings(scroll_min_cycles=4),
                 kind="excessive_scroll") == []


def test_scrolling_with_a_click_or_moving_on_is_not_excessive():
    with_click = session(page(), _updown(3), clicks_at([1500]), tail(20000))
    assert kinds(with_click, kind="excessive_scroll") == []
    # reading down with short look-backs: the bands do not overlap
    reading = scroll_path(1000, [0, 800, 700, 1600, 1500, 2400, 2300, 3200], 300)
    assert kinds(session(page(), reading, tail(20000)), kind="excessive_scroll") == []
    slow = _updown(3, step=900)  # 12 segments x 0.9 s > 10 s
    assert kinds(session(page(), slow, tail(30000)), kind="excessive_scroll") == []


def test_scrolling_an_element_names_it():
    [f] = kinds(session(page(), scroll_path(1000, [0, 600, 0, 600, 0, 600, 0], 200, nid=LIST), tail(20000)),
                kind="excessive_scroll")
    assert f.selector == "div#list" and f.node_id == LIST


# --- thrashed cursor ----------------------------------------------------------------------

def _zigzag(turns: int, amplitude: float, step_ms: int = 100):
    xs = [500 + (amplitude if k % 2 else 0) for k in range(turns + 2)]
    return moves(1000, [(x, 300) for x in xs], step_ms)


def test_thrash_needs_four_reversals():
    assert kinds(session(page(), _zigzag(3, 120), tail(9000)), kind="thrashed_cursor") == []
    [f] = kinds(session(page(), _zigzag(4, 120), tail(9000)), kind="thrashed_cursor")
    assert f.count == 4 and f.t_ms == 1100


def test_thrash_distance_180_vs_210_px():
    # 4 reversals have 3 swings between the first and the last one
    assert kinds(session(page(), _zigzag(4, 60), tail(9000)), kind="thrashed_cursor") == []
    assert len(kinds(session(page(), _zigzag(4, 70), tail(9000)), kind="thrashed_cursor")) == 1
    assert len(kinds(session(page(), _zigzag(4, 60), tail(9000)), SignalSettings(thrash_min_distance_px=150),
                     kind="thrashed_cursor")) == 1


def test_slow_back_and_forth_is_not_thrash():
    assert kinds(session(page(), _zigzag(4, 120, step_ms=400), tail(9000)), kind="thrashed_cursor") == []


# --- form abandonment -----------------------------------------------------------------------

def _fill(at: int = 1000):
    return [*click(at, nid=NAME), typed(at + 100, NAME, "Ada"), *click(at + 500, nid=EMAIL),
            typed(at + 600, EMAIL, "ada@example.test")]


def test_form_filled_then_left_is_abandoned():
    events = session(page(), _fill(), click(4000, nid=PARA), page("http://example.test/elsewhere", at=5000),
                     tail(9000))
    [f] = kinds(events, kind="form_abandonment")
    assert f.selector == "form#signup" and f.node_id == FORM and f.count == 2
    assert "input#name, input#email" in f.evidence and "the page was left" in f.evidence
    assert kinds(events, SignalSettings(form_min_fields=3), kind="form_abandonment") == []


def test_form_submitted_or_sent_with_enter_is_not_abandoned():
    submitted = session(page(), _fill(), click(3000, nid=SEND), page("http://example.test/thanks", at=4000),
                        tail(9000))
    assert kinds(submitted, kind="form_abandonment") == []
    enter = session(page(), _fill(), page("http://example.test/thanks", at=2500), tail(9000))
    assert kinds(enter, kind="form_abandonment") == []


def test_form_abandoned_when_the_recording_ends():
    [f] = kinds(session(page(), _fill(), tail(9000)), kind="form_abandonment")
    assert "the recording ended" in f.evidence and f.t_ms == 9000


def test_edits_after_a_failed_submit_count_again():
    events = session(page(), _fill(), click(3000, nid=SEND), change(3010), typed(4000, NAME, "Ada L"),
                     typed(4500, EMAIL, "ada@l.test"), click(6000, nid=PARA), tail(9000))
    assert len(kinds(events, kind="form_abandonment")) == 1
    cleared = session(page(), _fill(), click(3000, nid=SEND), typed(3010, NAME, ""), tail(9000))
    assert kinds(cleared, kind="form_abandonment") == []


# --- settings and stored facts --------------------------------------------------------------

def test_settings_round_trip_and_tolerate_bad_input():
    s = SignalSettings(rage_min_clicks=5, dead_window_ms=7000, rage_radius_px=12.5)
    assert SignalSettings.from_json(s.to_json()) == s
    assert SignalSettings.from_json('{"rage_min_clicks": "x", "dead_window_ms": -1, "future_key": 3}') == SignalSettings()
    assert SignalSettings.from_json("not json") == SignalSettings()
    assert SignalSettings.from_json("[1, 2]") == SignalSettings()


def test_stored_facts_give_the_same_findings():
    events = session(page(), _fill(), clicks_at([5000, 5200, 5400], respond=False), click(7000, nid=PARA),
                     console(7100), tail(20000))
    found, facts = detect_events(events)
    back = decode_facts(encode_facts(facts))
    assert detect(back) == found
    assert {f.kind for f in found} == {"rage_click", "error_click", "form_abandonment"}
    assert [f.kind for f in detect(back, SignalSettings(rage_min_clicks=4))].count("rage_click") == 0
    with pytest.raises(ValueError):
        decode_facts(b"garbage")


def test_without_a_mirror_rules_still_run():
    events = session(page(), clicks_at([1000, 1200, 1400]), click(3000, nid=NAME), tail(9000))
    found = kinds(events, with_mirror=False)
    assert [f.kind for f in found] == ["rage_click", "dead_click"]  # unknown targets are candidates
    assert found[0].selector is None and found[0].evidence.endswith("on node 10")


def test_malformed_events_are_skipped():
    junk = [None, 3, {"type": 3}, {"type": 3, "timestamp": "x", "data": {}},
            {"type": 4, "timestamp": float("inf"), "data": {}}, {"type": 4, "timestamp": float("nan"), "data": {}},
            {"type": 3, "timestamp": 1.7e12, "data": {"source": 2, "type": 2, "x": float("nan"), "y": 1}},
            {"type": 3, "timestamp": 1.7e12, "data": {"source": 1, "positions": [None, {"x": "a"}]}},
            {"type": 6, "timestamp": 1.7e12, "data": {"plugin": "rrweb/console@1", "payload": "x"}}]
    found, facts = detect_events(junk)
    assert found == [] and facts.clicks == []


def test_a_cancelled_pass_raises_the_one_cancelled():
    from replaydesk.work import CancelToken, Cancelled

    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        detect_events(session(page(), click(1000), tail(9000)), cancel=token)
