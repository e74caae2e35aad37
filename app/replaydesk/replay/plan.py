"""Which events make up the frame at time *t*: a whole-session list cut at *t*.

Why: rendering a moment means "the page load that is on screen at t, rebuilt from its FullSnapshot,
plus every incremental change up to t". rrweb batches mouse positions and flushes them up to
500 ms later, so a move that happened before *t* can sit in an event stamped after *t*; we split
batches into single positions at their real times (``timestamp + timeOffset``) before cutting at
*t* (docs/rrweb-format.md §3, "Mouse and touch positions"). Times are ms after the first event, like
corpus truth file names.

Used by the headless renderer and the standalone viewer (``python -m replaydesk.ui.replay``), which
hold a session's events in memory; the player seeks through checkpoints instead (:mod:`.seek`).
Qt-free (it lived in ``ui/replay/timeline.py`` before).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..rrweb import EventType, MouseInteraction, Source

Event = dict[str, Any]

META, FULL, INCR = EventType.META, EventType.FULL_SNAPSHOT, EventType.INCREMENTAL
#: sources whose ``positions`` batches carry pointer samples (also read by :mod:`.seek`)
POINTER_SOURCES = frozenset((Source.MOUSE_MOVE, Source.TOUCH_MOVE, Source.DRAG))
MOVE_SOURCES = POINTER_SOURCES
_TOUCH_POINTER = frozenset((MouseInteraction.TOUCH_START, MouseInteraction.TOUCH_END, MouseInteraction.TOUCH_CANCEL))
MAX_FLUSH_LAG_MS = 1000  # batches are flushed <= 500 ms after their first point; keep margin


@dataclass
class FramePlan:
    """Everything the renderer needs to show one moment."""

    snapshot: Event  # the FullSnapshot event (type 2)
    meta: Event | None  # the Meta (type 4) preceding it, if any
    viewport: tuple[int, int]  # viewport at the snapshot
    final_viewport: tuple[int, int]  # viewport at t (after ViewportResize events)
    incrementals: list[Event] = field(default_factory=list)  # type-3 events to apply, time ordered
    preludes: list[Event] = field(default_factory=list)  # stylesheet definitions sent before Meta
    pointer: dict[str, Any] | None = None  # last pointer position before this page load
    target_ts: int = 0


def sort_events(events: list[Event]) -> list[Event]:
    """Stable sort by timestamp (Meta must stay before its FullSnapshot)."""
    return sorted((e for e in events if isinstance(e, dict) and "timestamp" in e), key=lambda e: e["timestamp"])


def _pointer_of(ev: Event, limit_ts: int) -> dict[str, Any] | None:
    d = ev.get("data") or {}
    if ev.get("type") != INCR:
        return None
    if d.get("source") in MOVE_SOURCES:
        best = None
        for p in d.get("positions") or []:
            t = ev["timestamp"] + (p.get("timeOffset") or 0)
            if t <= limit_ts:
                best = (t, {"x": p.get("x", 0), "y": p.get("y", 0), "touch": d.get("source") == Source.TOUCH_MOVE})
        return best[1] | {"t": best[0]} if best else None
    if d.get("source") == Source.MOUSE_INTERACTION and isinstance(d.get("x"), (int, float)) and ev["timestamp"] <= limit_ts:
        return {"x": d["x"], "y": d.get("y", 0), "t": ev["timestamp"], "touch": d.get("type") in _TOUCH_POINTER}
    return None


def plan_frame(events: list[Event], at_ms: float) -> FramePlan:
    """Plan the frame ``at_ms`` after the first event. Raises ValueError without a FullSnapshot."""
    evs = sort_events(events)
    if not evs:
        raise ValueError("no events")
    target = evs[0]["timestamp"] + at_ms
    snap_idx = None
    for i, e in enumerate(evs):
        if e["timestamp"] > target:
            break
        if e.get("type") == FULL:
            snap_idx = i
    if snap_idx is None:
        raise ValueError(f"no FullSnapshot at or before {at_ms} ms")
    meta_idx = None
    for i in range(snap_idx - 1, -1, -1):
        if evs[i].get("type") == META:
            meta_idx = i
            break
        if evs[i].get("type") == FULL:
            break
    meta = evs[meta_idx] if meta_idx is not None else None
    md = (meta or {}).get("data") or {}
    viewport = (int(md.get("width") or 1024), int(md.get("height") or 768))

    # AdoptedStyleSheet definitions the recorder emits just before Meta (id -1, lab page quirk).
    preludes: list[Event] = []
    j = (meta_idx if meta_idx is not None else snap_idx) - 1
    while j >= 0 and evs[j].get("type") in (EventType.DOM_CONTENT_LOADED, EventType.LOAD, INCR):
        d = evs[j].get("data") or {}
        if evs[j].get("type") == INCR:
            if d.get("source") == Source.ADOPTED_STYLE_SHEET:
                preludes.insert(0, {"type": INCR, "timestamp": evs[j]["timestamp"], "data": {**d, "id": -1}})
            else:
                break
        j -= 1

    # Pointer position carried over from before this page load (hover after navigation).
    pointer = None
    snap_ts = evs[snap_idx]["timestamp"]
    for e in evs[:snap_idx]:
        p = _pointer_of(e, snap_ts)
        if p:
            pointer = p
    for e in evs[snap_idx + 1 :]:  # late-flushed batches holding points from before the load
        if e["timestamp"] > snap_ts + MAX_FLUSH_LAG_MS:
            break
        d = e.get("data") or {}
        if e.get("type") == INCR and d.get("source") in MOVE_SOURCES:
            for p in d.get("positions") or []:
                t = e["timestamp"] + (p.get("timeOffset") or 0)
                if t < snap_ts and (pointer is None or t >= pointer.get("t", 0)):
                    pointer = {"x": p.get("x", 0), "y": p.get("y", 0), "t": t, "touch": d.get("source") == Source.TOUCH_MOVE}

    timed: list[tuple[float, int, Event]] = []
    final_vp = viewport
    seq = 0
    for e in evs[snap_idx + 1 :]:
        ts = e["timestamp"]
        if ts > target + MAX_FLUSH_LAG_MS:
            break
        t = e.get("type")
        d = e.get("data") or {}
        if t == META and ts <= target:
            final_vp = (int(d.get("width") or final_vp[0]), int(d.get("height") or final_vp[1]))
            timed.append((ts, seq, {"type": INCR, "timestamp": ts, "data": {"source": Source.VIEWPORT_RESIZE, "width": final_vp[0], "height": final_vp[1]}}))
            seq += 1
            continue
        if t != INCR:
            continue
        if d.get("source") in MOVE_SOURCES:
            for p in d.get("positions") or []:
                pt = ts + (p.get("timeOffset") or 0)
                if pt >= snap_ts and pt <= target:
                    timed.append((pt, seq, {"type": INCR, "timestamp": pt, "data": {"source": d["source"], "positions": [{**p, "timeOffset": 0}]}}))
                    seq += 1
            continue
        if ts > target:
            continue
        if d.get("source") == Source.VIEWPORT_RESIZE:
            final_vp = (int(d.get("width") or final_vp[0]), int(d.get("height") or final_vp[1]))
        timed.append((ts, seq, e))
        seq += 1
    timed.sort(key=lambda x: (x[0], x[1]))
    return FramePlan(
        snapshot=evs[snap_idx],
        meta=meta,
        viewport=viewport,
        final_viewport=final_vp,
        incrementals=[x[2] for x in timed],
        preludes=preludes,
        pointer=pointer,
        target_ts=int(target),
    )
