"""Whether a frame can be shown by patching the page already shown, and what to send.

Why: a build costs the same on every seek (``replay/diff.py``), and on a page with live
canvases most of a build's time is the canvases' (decoding their images, replaying their
drawing commands). A patch keeps every node it can; this module extends the tree patch to the
frame's side state, so that it looks exactly as a build of the frame would:

* typed values and scroll offsets the frame wanted does not restore, and canvases whose drawing
  differs, are not kept: their nodes are replaced by fresh copies (built as a build builds them),
  and only the replaced canvases get their image and commands again. A canvas drawn the same in
  both frames keeps its pixels, so a seek on a page of charts redraws only what changed;
* the focus shown is cleared first (a build has none; the frame's own focus is replayed after);
  adopted stylesheets are sent again when the same roots adopt them (a root that would keep
  sheets the frame does not adopt rebuilds);
* another visit of the same address (rrweb renumbers the nodes) restarts the page clock, and a
  recorded resize of the same page sets the viewport before the patch;
* selection, media playback, stylesheet preludes and anything unknown rebuild.

Qt-free: ``ReplayView.show_frame`` asks :func:`page_patch`, then sends
:meth:`PagePatch.payload`, :attr:`PagePatch.state` and :attr:`PagePatch.events` in place of
the build, the frame's state and its events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..rrweb import EventType, MouseInteraction, Source
from .diff import TreePatch, tree_patch

_FOCUS_REPLAY = (MouseInteraction.MOUSE_DOWN, MouseInteraction.FOCUS)
#: a frame of more nodes gets one comparison of trees per seek: no second pass with fresh
#: copies, no try against a parked page (``replay/pages.py``). Each comparison walks both
#: trees (0.3 s for 85,000 nodes), and a failed one only delays the build
SECOND_TRY_NODES = 20_000


@dataclass
class PagePatch:
    """What :meth:`ReplayView.show_frame` sends instead of a build (``RD.patchPage``), then
    ``state`` and ``events`` in place of the frame's."""
    tree: TreePatch
    #: the page clock's origin for a patch onto another visit of the page (a build would
    #: reset it): the visit's start; ``None`` within the visit shown
    rebase: int | None
    timestamp: int  # the mutation's time: the page start, what a fresh build gives its nodes
    state: dict | None  # the frame's setState payload, canvases only for the replaced ones
    events: list[dict]  # the frame's events: its focus, the replaced canvases' drawing, adoptions
    #: the node focused on the page shown (its id there): a build has no focus, so the patch
    #: clears it first; the frame's own focus is among ``events``
    blur: int | None = None
    #: the frame's viewport when the page shown has another one (a recorded resize)
    viewport: tuple[int, int] | None = None

    def payload(self) -> dict:
        """The argument of ``RD.patchPage``: the blur, removes, renames (flat old/new id pairs),
        the clock origin, the viewport, then the rest of the mutation as one rrweb event."""
        out: dict[str, Any] = {
            "removes": self.tree.removes,
            "renames": [i for pair in self.tree.renames.items() for i in pair],
            "event": {"type": EventType.INCREMENTAL, "timestamp": self.timestamp,
                      "data": self.tree.mutation(removes=False)},
        }
        if self.rebase is not None:
            out["rebase"] = self.rebase
        if self.blur is not None:
            out["blur"] = self.blur
        if self.viewport is not None:
            out["viewport"] = {"width": self.viewport[0], "height": self.viewport[1]}
        return out

    def event(self) -> dict | None:
        """The patch as one rrweb Mutation event, when it renames, blurs and resizes nothing
        (tests, headless)."""
        if self.tree.renames or self.blur is not None or self.viewport is not None:
            return None
        return {"type": EventType.INCREMENTAL, "timestamp": self.timestamp, "data": self.tree.mutation()}


@dataclass
class _Replayed:
    """A frame's replayed events, by kind."""
    focus: list[dict]
    canvas: dict[int, list[dict]]  # canvas id -> its drawing batches, in order
    adopted: dict[int, dict]  # document / shadow host id -> its adoption event
    other: bool  # anything else (media playback, unknown): rebuild


def _split(events: list[dict]) -> _Replayed:
    out = _Replayed([], {}, {}, False)
    for e in events:
        d = e.get("data") or {}
        src = d.get("source")
        if e.get("type") != EventType.INCREMENTAL:
            out.other = True
        elif src == Source.MOUSE_INTERACTION and d.get("type") in _FOCUS_REPLAY:
            out.focus.append(e)
        elif src == Source.CANVAS_MUTATION and isinstance(d.get("id"), int):
            out.canvas.setdefault(d["id"], []).append(e)
        elif src == Source.ADOPTED_STYLE_SHEET and isinstance(d.get("id"), int) and d["id"] not in out.adopted:
            out.adopted[d["id"]] = e
        else:
            out.other = True
    return out


def _drawing(state: dict, replayed: _Replayed, nid: int) -> tuple:
    """What a canvas shows: its restored image and the commands drawn on top (ids and times
    left out: they differ between frames that show the same pixels)."""
    image = (state.get("canvases") or {}).get(str(nid))
    batches = [(e["data"].get("type"), e["data"].get("commands")) for e in replayed.canvas.get(nid, ())]
    return image, batches


def _uncovered(old: dict, new: dict, renames: dict[int, int]) -> set[int]:
    """The nodes (ids shown) whose typed value or scroll offset ``old`` restored and ``new``
    does not restore again (under its new id when it was renamed): kept as they are, they would
    show the old value."""
    out = set()
    for key in ("inputs", "scrolls"):
        wanted = {str(k) for k in (new or {}).get(key) or {}}
        for k in (old or {}).get(key) or {}:
            try:
                nid = int(k)
            except (TypeError, ValueError):
                out.add(-1)
                continue
            if str(renames.get(nid, nid)) not in wanted:
                out.add(nid)
    return out


def _redrawn(a: dict, ra: _Replayed, b: dict, rb: _Replayed, renames: dict[int, int]) -> set[int]:
    """The canvases shown (their ids there) whose drawing differs from the frame wanted's."""
    back = {new: old for old, new in renames.items()}
    ids_a = _canvas_ids(a) | set(ra.canvas)
    ids_b = _canvas_ids(b) | set(rb.canvas)
    out = {old for old in ids_a if renames.get(old, old) not in ids_b}  # drawn before, blank now
    for nid in ids_b:
        old = back.get(nid, nid)
        if _drawing(a, ra, old) != _drawing(b, rb, nid):
            out.add(old)
    return out


def _int(k) -> int | None:
    try:
        return int(k)
    except (TypeError, ValueError):
        return None


def _canvas_ids(state: dict) -> set[int]:
    """The canvases a frame's state restores an image for (keys are id strings)."""
    return {i for i in map(_int, state.get("canvases") or {}) if i is not None}


def _added_ids(tree: TreePatch) -> set[int]:
    return {add["node"]["id"] for add in tree.adds}


def page_patch(shown, frame, shown_page_ts: int | None, page_ts: int | None) -> PagePatch | None:
    """The :class:`PagePatch` that turns the page showing ``shown`` (a
    :class:`~replaydesk.replay.frame.Frame` built in full, then patched) into ``frame``, or
    ``None``: rebuild. Both must be of one address, with no stylesheet preludes. The mutation
    is stamped with the page start, the time a fresh build gives its nodes (animation phases).
    Recorded values nested deeper than Python compares (hostile canvas arguments, selections)
    also rebuild."""
    try:
        return _page_patch(shown, frame, shown_page_ts, page_ts)
    except RecursionError:
        return None


def _page_patch(shown, frame, shown_page_ts: int | None, page_ts: int | None) -> PagePatch | None:
    if shown is None or frame is None or shown.href != frame.href or shown.preludes or frame.preludes:
        return None
    ra, rb = _split(shown.events), _split(frame.events)
    if ra.other or rb.other:
        return None
    a, b = shown.state or {}, frame.state or {}
    if a.get("selection") is not None and b.get("selection") != a.get("selection"):
        return None
    if a.get("hover") is not None and b.get("hover") is None:  # a new hover replaces the old chain
        return None
    tree = tree_patch(shown.node, frame.node, total=shown.size)
    if tree is None:
        return None
    # nodes that must not be kept: typed values or offsets not restored again, canvases drawn
    # otherwise; found with the renames of the first pass, then the page is diffed without them
    fresh: set[int] = set()
    for _ in range(3):
        more = (_uncovered(a, b, tree.renames) | _redrawn(a, ra, b, rb, tree.renames)) - fresh
        if not more:
            break
        if shown.node.get("id") in more or -1 in more or not 0 < frame.size <= SECOND_TRY_NODES:
            return None  # the document's own scroll; or a page too big for another pass
        fresh |= more
        tree = tree_patch(shown.node, frame.node, fresh=frozenset(fresh), total=shown.size)
        if tree is None:
            return None
    else:
        return None
    added = _added_ids(tree)
    if a.get("selection") is not None and tree.renames:
        return None
    # adoptions: the same roots (by their new ids) adopt again; a root left adopting would keep them
    if {tree.renames.get(t, t) for t in ra.adopted} != set(rb.adopted):
        return None
    # the canvases to draw: the fresh copies (every canvas kept draws as the frame wants: the loop
    # above ends only when none of the kept ones is drawn otherwise)
    drawn = (_canvas_ids(b) | set(rb.canvas)) & added
    state = dict(b)
    state["canvases"] = {k: v for k, v in (b.get("canvases") or {}).items() if _int(k) in drawn}
    events = [e for e in frame.events if _sent_again(e, drawn)]
    ts = int(page_ts if page_ts is not None else frame.timestamp)
    # the focus shown is always cleared first (by its id shown): the frame's own focus, if any,
    # is replayed after, as on a fresh build; a focused node that goes must not leave its
    # ancestors marked :focus-within
    blur = _focused(ra.focus)
    return PagePatch(tree, None if shown_page_ts == page_ts else ts, ts, state, events, blur,
                     None if shown.viewport == frame.viewport else tuple(frame.viewport))


def _sent_again(e: dict, drawn: set[int]) -> bool:
    d = e.get("data") or {}
    if d.get("source") == Source.CANVAS_MUTATION:
        return d.get("id") in drawn
    return True  # focus, adoptions


def _focused(events: list[dict]) -> int | None:
    """The node the replayed focus of ``events`` left focused."""
    out = None
    for e in events:
        d = e.get("data") or {}
        if d.get("type") == MouseInteraction.FOCUS and isinstance(d.get("id"), int):
            out = d["id"]
    return out
