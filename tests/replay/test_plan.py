"""Qt-free tests of frame planning (which events make up the frame at t)."""

from __future__ import annotations

import pytest

from replaydesk.replay.plan import plan_frame

T0 = 1_000_000


def ev(t, type_, data):
    return {"type": type_, "data": data, "timestamp": T0 + t}


def recording():
    return [
        ev(0, 3, {"source": 15, "id": -1, "styleIds": [1], "styles": [{"styleId": 1, "rules": []}]}),
        ev(1, 0, {}),
        ev(2, 1, {}),
        ev(3, 4, {"href": "a", "width": 800, "height": 600}),
        ev(4, 2, {"node": {"type": 0, "id": 1, "childNodes": []}, "initialOffset": {"top": 0, "left": 0}}),
        ev(100, 3, {"source": 3, "id": 1, "x": 0, "y": 50}),
        # batch flushed at 1000 holding points from 550 and 950
        ev(1000, 3, {"source": 1, "positions": [{"x": 1, "y": 1, "id": 1, "timeOffset": -450},
                                               {"x": 2, "y": 2, "id": 1, "timeOffset": -50}]}),
        ev(1200, 3, {"source": 4, "width": 700, "height": 500}),
        ev(5000, 4, {"href": "b", "width": 390, "height": 844}),
        ev(5001, 2, {"node": {"type": 0, "id": 1, "childNodes": []}, "initialOffset": {"top": 0, "left": 0}}),
        ev(5400, 3, {"source": 1, "positions": [{"x": 9, "y": 9, "id": 1, "timeOffset": -300}]}),
    ]


def test_first_load_and_prelude():
    p = plan_frame(recording(), 120)
    assert p.snapshot["timestamp"] == T0 + 4
    assert p.viewport == (800, 600)
    assert [e["data"]["source"] for e in p.preludes] == [15]
    assert [e["data"]["source"] for e in p.incrementals] == [3]


def test_mouse_batches_are_split_at_real_times():
    p = plan_frame(recording(), 600)
    moves = [e for e in p.incrementals if e["data"]["source"] == 1]
    assert [m["data"]["positions"][0]["x"] for m in moves] == [1]  # the 950 ms point is still in the future
    assert moves[0]["timestamp"] == T0 + 550


def test_viewport_resize_is_final_viewport():
    p = plan_frame(recording(), 2000)
    assert p.final_viewport == (700, 500)
    assert p.viewport == (800, 600)


def test_second_page_load_and_carried_pointer():
    p = plan_frame(recording(), 5050)
    assert p.snapshot["timestamp"] == T0 + 5001
    assert p.viewport == (390, 844)
    assert p.preludes == []
    assert p.pointer and (p.pointer["x"], p.pointer["y"]) == (2, 2)
    assert plan_frame(recording(), 5200).incrementals[0]["data"]["positions"][0]["x"] == 9


def test_no_snapshot_yet():
    with pytest.raises(ValueError):
        plan_frame(recording(), 3)
