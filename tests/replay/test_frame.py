"""The renderer payload of a paused moment (``frame_from_mirror``)."""

from __future__ import annotations

from replaydesk.replay import Mirror
from replaydesk.replay.frame import frame_from_mirror

from .builders import T0, document, el, full, inc, meta


def _cmd(prop, *args, setter=False):
    c = {"property": prop, "args": list(args)}
    if setter:
        c["setter"] = True
    return c


def test_canvas_batches_since_the_image_become_one_ordered_batch_per_type():
    m = Mirror()
    evs = [meta(), full(document(el(10, "canvas", {"width": "10", "height": "10", "rr_dataURL": "data:image/png;base64,AAAA"})))]
    evs += [
        inc(9, T0 + 10, id=10, type=0, commands=[_cmd("fillStyle", "red", setter=True), _cmd("fillRect", 0, 0, 5, 5)]),
        inc(9, T0 + 20, id=10, property="fillRect", args=[5, 5, 5, 5]),  # legacy single command
        inc(9, T0 + 30, id=10, type=1, commands=[_cmd("clear", 0)]),  # a WebGL batch splits the run
        inc(9, T0 + 40, id=10, type=0, commands=[_cmd("strokeRect", 1, 1, 2, 2)]),
        inc(9, T0 + 50, id=10, type=0, commands=[_cmd("fillRect", 2, 2, 1, 1)]),
    ]
    for e in evs:
        m.apply(e)
    frame = frame_from_mirror(m, T0 + 60)
    assert frame.state["canvases"] == {"10": "data:image/png;base64,AAAA"}
    canvas = [e["data"] for e in frame.events if e["data"]["source"] == 9]
    assert [(d["id"], d["type"], [c["property"] for c in d["commands"]]) for d in canvas] == [
        (10, 0, ["fillStyle", "fillRect", "fillRect"]),
        (10, 1, ["clear"]),
        (10, 0, ["strokeRect", "fillRect"]),
    ]
    assert canvas[0]["commands"][2]["args"] == [5, 5, 5, 5]
    # the mirror's own state is untouched by building the payload
    assert len(m.side_state()["canvas"][10]["mutations"]) == 5
    assert len(frame_from_mirror(m, T0 + 60).events) == len(frame.events)
