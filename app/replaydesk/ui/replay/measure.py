"""Where on its element each click landed: boxes from the renderer's layout, in batches.

Click attribution (issue 11) names a click's target from the DOM mirror (Qt-free, at
import or in a mirror pass); the target's *box* needs a layout, which only the renderer
has. Rendering one frame per click would cost a page build per click, so clicks are
measured in batches per page state: consecutive clicks of a session share one rendered
state as long as the page did not respond in between (the stored signal facts know each
click's first response: DOM mutation, scroll, input, navigation...), because then the
layout is the same. One frame is built per batch, at the first click's moment, and one
JavaScript call returns the boxes of every target in the batch.

Stored per click (interactions, m004): the box in page coordinates (CSS px of the recorded
viewport, scroll included) and the click's relative position in it (``rx``, ``ry`` in
0..1 when inside). Where no box can be measured (the node is gone, not an element, has no
size, or the frame could not be built) the box stays empty, ``box_note`` says why, and the
page coordinates (x + scroll_x, y + scroll_y) remain what heatmaps use.

Runs on the GUI thread (the renderer is a Qt widget); the GUI calls
:func:`measure_sessions` as a background job after import, ``replaydesk insights
--measure`` from the command line.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import replace

from ...analysis.signals import decode_facts
from ...replay.budgets import clamp_viewport
from ...replay.frame import frame_from_mirror
from ...replay.session import open_session_replay
from ...store.signals import click_rows, load_facts, set_click_boxes
from ...work import CancelToken
from .headless import FrameRenderer, RenderError

log = logging.getLogger(__name__)

#: one call for a batch: each id's box relative to the recorded top document's viewport
#: (nested frame offsets added, as the highlight does) and that document's scroll
_BOXES_JS = """(function (ids) {
  const top = RD.topDocument();
  const win = top && top.defaultView;
  const sx = win ? win.scrollX : 0, sy = win ? win.scrollY : 0;
  const out = {};
  for (const id of ids) {
    let el = RD.mirror.get(id);
    if (el && el.nodeType === 3) el = el.parentElement;
    let r = null;
    try { r = el && el.nodeType === 1 && el.isConnected ? el.getBoundingClientRect() : null; } catch (e) {}
    if (!r) { out[id] = el ? 'not an element on the page' : 'not on the page'; continue; }
    if (r.width === 0 && r.height === 0) { out[id] = 'no size (hidden)'; continue; }
    let x = r.left, y = r.top, d = el.ownerDocument;
    while (d && d !== top) {
      const fe = d.defaultView && d.defaultView.frameElement;
      if (!fe) break;
      const fr = fe.getBoundingClientRect();
      x += fr.left + fe.clientLeft; y += fr.top + fe.clientTop;
      d = fe.ownerDocument;
    }
    out[id] = [x, y, r.width, r.height];
  }
  return JSON.stringify({sx: sx, sy: sy, boxes: out});
})(%s)"""


def batches(clicks: list[dict], responses: dict[int, int | None]) -> list[list[dict]]:
    """Split a session's clicks (time order) into runs sharing one page state: a run ends
    at a click the page responded to before the next click (``responses``: absolute click
    time -> absolute first response time, None for none) or at a new page visit. Clicks
    at the same moment (a label's click and the one it forwards to its input) share one."""
    out: list[list[dict]] = []
    run: list[dict] = []
    for c in clicks:
        if run:
            prev = run[-1]
            resp = responses.get(prev["t"], -1)  # unknown: assume it changed
            same_page = prev["page_seq"] == c["page_seq"]
            if c["t"] != prev["t"] and (not same_page or resp == -1 or (resp is not None and resp <= c["t"])):
                out.append(run)
                run = []
        run.append(c)
    if run:
        out.append(run)
    return out


def _responses(db, session_id: str) -> dict[int, int | None]:
    stored = load_facts(db, session_id)
    if stored is None:
        return {}
    try:
        facts = decode_facts(stored[2])
    except ValueError:
        return {}
    return {facts.t0 + c.t: (facts.t0 + c.response_t if c.response_t is not None else None) for c in facts.clicks}


def _run_js(renderer: FrameRenderer, code: str):
    box: list = []
    renderer.view.run_javascript(code, lambda result: box.append(result))
    renderer._wait(lambda: bool(box), "the renderer did not answer the box measurement")
    return box[0]


def measure_session(renderer: FrameRenderer, db, session_id: str) -> tuple[list[tuple], int]:
    """Boxes of one session's clicks: ``(rows for set_click_boxes, frames rendered)``."""
    clicks = [c for c in click_rows(db, session_id)]
    if not clicks:
        return [], 0
    replay = open_session_replay(db, session_id)
    rows: list[tuple] = []
    frames = 0
    for run in batches(clicks, _responses(db, session_id)):
        t_abs = run[0]["t"]
        ids = sorted({c["target_id"] for c in run if c["target_id"] is not None})
        note = None
        result = None
        if ids:
            try:
                mirror = replay.seek(t_abs)
                frame = frame_from_mirror(mirror, t_abs, replay.pointer_at(mirror, t_abs))
                if frame is None:
                    raise RenderError("no page to show at that moment")
                w, h, _ = clamp_viewport(*frame.viewport)
                v = renderer.view
                v.resize(max(w, 1), h + 1)
                v.show_frame(replace(frame, viewport=(w, h)))
                renderer.capture(at_ts=frame.timestamp)  # the layout is done once the frame is painted
                frames += 1
                result = json.loads(_run_js(renderer, _BOXES_JS % json.dumps(ids)))
            except (RenderError, ValueError, TypeError) as exc:
                note = f"no box: the frame could not be built ({exc})"
        for c in run:
            rows.append(_row(c, result, note))
    return rows, frames


def _row(c: dict, result: dict | None, note: str | None) -> tuple:
    cid = c["click_id"]
    if c["target_id"] is None:
        return (cid, None, None, None, None, None, None, "no box: the click has no target element")
    if result is None:
        return (cid, None, None, None, None, None, None, note or "no box: not measured")
    b = result["boxes"].get(str(c["target_id"]))
    if not isinstance(b, list):
        return (cid, None, None, None, None, None, None, f"no box: target {b or 'not measured'}")
    x, y, w, h = b
    sx, sy = result["sx"], result["sy"]
    rx = (c["x"] - x) / w if w else None
    ry = (c["y"] - y) / h if h else None
    return (cid, x + sx, y + sy, w, h, rx, ry, None)


def measure_sessions(db, session_ids: list[str], *, renderer: FrameRenderer | None = None,
                     cancel: CancelToken | None = None,
                     progress: Callable[[int, int | None, str], None] | None = None) -> tuple[int, int]:
    """Measure and store the click boxes of these sessions (single writer: the store is
    written once per session). Returns ``(clicks measured, clicks kept without a box)``."""
    own = renderer is None
    renderer = renderer or FrameRenderer()
    measured = unmeasured = 0
    try:
        for i, sid in enumerate(session_ids):
            if cancel is not None:
                cancel.check()
            if progress is not None:
                progress(i, len(session_ids), sid)
            try:
                rows, _ = measure_session(renderer, db, sid)
            except Exception:  # noqa: BLE001 - one session the renderer cannot show must not stop the rest
                log.exception("cannot measure the clicks of %s", sid)
                continue
            set_click_boxes(db, rows)
            for r in rows:
                if r[1] is None:
                    unmeasured += 1
                else:
                    measured += 1
    finally:
        if own:
            renderer.close()
    return measured, unmeasured
