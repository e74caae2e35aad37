"""Frames patched with their side state (issue 16, ``replay/patch.py``): canvases drawn the same
are kept without drawing them again, canvases drawn otherwise are replaced by fresh copies that
get their image and commands, typed values not restored again go with their node.

The pixels of such patches are compared with rebuilds in ``tests/ui/test_seek_patch.py``; here
the decisions are checked on the widgets lab (live canvases, a same-origin frame, a shadow root
adopting a stylesheet)."""

from __future__ import annotations

import copy

from replaydesk.replay.frame import frame_from_mirror
from replaydesk.replay.patch import page_patch

from .helpers import direct_replay, load_session

LAB = "ses_ac59c861b05d"


def _frame(events, ms):
    t = events[0]["timestamp"] + ms
    return frame_from_mirror(direct_replay(events, t), t)


def _canvas_events(frame):
    return {e["data"]["id"] for e in frame.events if e["data"].get("source") == 9}


def test_a_canvas_drawn_the_same_is_kept_and_not_drawn_again():
    events = load_session(LAB)
    a, b = _frame(events, 25_000), _frame(events, 30_000)
    t0 = events[0]["timestamp"]
    patch = page_patch(a, b, t0, t0)
    assert patch is not None
    assert _canvas_events(b)  # the frame wanted draws its canvases ...
    assert not _canvas_events(patch) and not patch.state["canvases"]  # ... the patch keeps them
    assert {e["data"]["source"] for e in patch.events} <= {2, 15}  # focus, adopted sheets again


def test_a_canvas_drawn_otherwise_is_replaced_and_drawn_again():
    events = load_session(LAB)
    t0 = events[0]["timestamp"]
    a, b = _frame(events, 25_000), _frame(events, 30_000)
    changed = copy.deepcopy(b)
    canvas = next(iter(_canvas_events(b)))
    for e in changed.events:
        if e["data"].get("source") == 9 and e["data"]["id"] == canvas:
            e["data"]["commands"] = e["data"]["commands"][:-1]  # one command fewer: other pixels
    patch = page_patch(a, changed, t0, t0)
    assert patch is not None
    assert any(r["id"] == canvas for r in patch.tree.removes)  # the shown canvas goes ...
    assert any(add["node"]["id"] == canvas for add in patch.tree.adds)  # ... a fresh one is built
    assert _canvas_events(patch) == {canvas}  # and only it is drawn again
    restored = {int(k) for k in (changed.state.get("canvases") or {})}
    assert set(map(int, patch.state["canvases"])) == restored & {canvas}


def test_adopted_sheets_left_on_a_root_rebuild():
    events = load_session(LAB)
    t0 = events[0]["timestamp"]
    a, b = _frame(events, 25_000), _frame(events, 30_000)
    unadopted = copy.deepcopy(b)
    unadopted.events = [e for e in b.events if e["data"].get("source") != 15]
    assert page_patch(a, unadopted, t0, t0) is None  # the shadow root would keep its sheets
    assert page_patch(unadopted, b, t0, t0) is None  # nothing adopted shown: a new adoption rebuilds too


def test_drawing_nested_deeper_than_python_compares_rebuilds():
    """Hostile canvas arguments nested thousands deep: comparing two drawings raises
    RecursionError in Python; the seek builds instead."""
    events = load_session(LAB)
    t0 = events[0]["timestamp"]
    a, b = _frame(events, 25_000), _frame(events, 30_000)
    for frame in (a, b):
        for e in frame.events:
            if e["data"].get("source") == 9:
                nested: list = []  # built afresh for each: two equal objects, compared level by level
                for _ in range(5000):
                    nested = [nested]
                e["data"]["commands"] = [{"property": "fillRect", "args": nested}]
    assert page_patch(a, b, t0, t0) is None
