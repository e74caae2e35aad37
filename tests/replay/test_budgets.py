"""The Qt-free budget helpers (replay/budgets.py) that ReplayView applies before sending."""

from __future__ import annotations

from replaydesk.replay import budgets


def test_viewport_is_clamped_with_a_reason():
    assert budgets.clamp_viewport(1280, 720) == (1280, 720, None)
    w, h, why = budgets.clamp_viewport(1_000_000_000, 1)
    assert (w, h) == (budgets.MAX_VIEWPORT_SIDE, 1) and "1000000000x1 px viewport" in why
    assert budgets.clamp_viewport(0, -5)[:2] == (1, 1)
    assert budgets.clamp_viewport("x", None)[2].startswith("an invalid viewport")


def test_long_strings_are_dropped_deep_in_a_payload():
    deep = node = {"type": 2, "attributes": {}, "childNodes": []}
    for _ in range(5000):  # no recursion: real pages nest thousands of levels
        child = {"type": 2, "attributes": {}, "childNodes": []}
        node["childNodes"].append(child)
        node = child
    node["attributes"]["title"] = "x" * (budgets.MAX_ATTRIBUTE_CHARS + 1)
    node["attributes"]["src"] = "data:image/png;base64," + "A" * (budgets.MAX_ATTRIBUTE_CHARS + 1)
    out, reasons = budgets.clip_payload({"node": deep})
    assert node["attributes"]["title"] == "" and reasons == ["a recorded value of 2 MB"]
    assert len(node["attributes"]["src"]) > budgets.MAX_ATTRIBUTE_CHARS  # data: URLs have a bigger cap


def test_canvas_commands_are_capped_per_frame_keeping_the_first():
    cmd = {"property": "fillRect", "args": [0, 0, 1, 1]}
    events = [{"type": 3, "data": {"source": 9, "id": 5, "type": 0, "commands": [cmd] * 60_000}},
              {"type": 3, "data": {"source": 3, "id": 1, "x": 0, "y": 9}},
              {"type": 3, "data": {"source": 9, "id": 6, "type": 0, "commands": [cmd] * 60_000}},
              {"type": 3, "data": {"source": 9, "id": 7, "type": 0, "commands": [cmd]}}]
    out, why = budgets.clip_canvas_commands(events)
    assert "120001 canvas commands" in why
    assert [len(e["data"].get("commands", [])) for e in out] == [60_000, 0, 40_000]
    assert len(events[2]["data"]["commands"]) == 60_000  # the caller's events are not changed
    assert budgets.clip_canvas_commands(events[:2]) == (events[:2], None)
