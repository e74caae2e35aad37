"""What the renderer needs to show a paused moment, from the mirror's state.

A seek never replays a session in the page: Python restores the nearest
checkpoint, applies the few events since (``SeekPlanner``), and this module
turns the resulting mirror into one renderer payload: the serialized tree to
build, the side state to restore (scrolls, form values, canvas images,
selection, pointer, hover) and a few synthetic events for state that is
replayed rather than set (canvas drawing since the last canvas image,
constructed stylesheets adopted by documents and shadow roots, the media
elements' position, mute and pause state as their last interaction left them).

Qt-free: the player, the headless renderer and the tests share it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..rrweb import EventType, MediaInteraction, MouseInteraction, Source

_INCREMENTAL = EventType.INCREMENTAL


@dataclass
class Frame:
    node: dict  # serialized Document (FullSnapshot data.node shape)
    viewport: tuple[int, int]
    href: str
    timestamp: int  # absolute epoch ms of the moment
    state: dict[str, Any] | None  # renderer setState payload (None: nothing to restore)
    events: list[dict] = field(default_factory=list)  # synthetic events applied after setState
    #: the snapshot's scroll offset (a recorded FullSnapshot's ``initialOffset``; mirror frames
    #: restore scrolls through ``state``)
    initial_offset: dict | None = None
    #: events applied right after the snapshot is built, before ``state`` (stylesheet
    #: definitions recorded before the snapshot's Meta)
    preludes: list[dict] = field(default_factory=list)
    #: nodes in ``node`` (0: not counted); bounds how much diffing a seek may spend on patches
    #: (``replay/pages.py``)
    size: int = 0


def page_start(page_starts: Sequence[int], t: int) -> int:
    """When the page shown at ``t`` was entered: the latest of the ascending
    ``page_starts`` at or before ``t`` (``t`` itself when none is). It anchors the
    page clock and animation phases of a frame (:meth:`ReplayView.show_frame`)."""
    i = bisect_right(page_starts, t) - 1
    return page_starts[i] if i >= 0 else t


def frame_from_mirror(mirror, t_abs: int, pointer: dict | None = None) -> Frame | None:
    """The frame for a mirror positioned at ``t_abs`` (None before any snapshot).

    A mirror already past ``t_abs`` (a seek before the first full snapshot shows
    that snapshot) stamps the frame with its own time, so animations and the page
    clock match what is shown."""
    node = mirror.serialize()
    if node is None:
        return None
    t_abs = max(int(t_abs), int(mirror.timestamp or 0))
    side = mirror.side_state()
    vp = side.get("viewport") or {}
    viewport = (int(vp.get("width") or 1024), int(vp.get("height") or 768))
    inputs = {}
    for nid, v in (side.get("inputs") or {}).items():
        entry = {}
        if "value" in v:
            entry["text"] = v["value"]
        if "isChecked" in v:
            entry["isChecked"] = v["isChecked"]
        inputs[str(nid)] = entry
    canvases = {}
    events: list[dict] = []
    for nid, c in (side.get("canvas") or {}).items():
        if c.get("image"):
            canvases[str(nid)] = c["image"]
        # one event per run of same-type batches: the page then queues, hashes and
        # awaits one batch per canvas instead of hundreds (the commands keep their order)
        batch = None
        for m in c.get("mutations") or []:
            kind = m.get("type", 0)
            if batch is None or batch["type"] != kind:
                batch = {"source": Source.CANVAS_MUTATION, "id": nid, "type": kind, "commands": []}
                events.append({"type": _INCREMENTAL, "timestamp": t_abs, "data": batch})
            batch["commands"].extend(m.get("commands") or [])
    adopted = side.get("adopted") or {}
    sheets = adopted.get("sheets") or {}
    for target, style_ids in (adopted.get("targets") or {}).items():
        styles = [
            {"styleId": sid, "rules": [{"rule": r, "index": i} for i, r in enumerate(sheets.get(sid) or sheets.get(str(sid)) or [])]}
            for sid in style_ids
        ]
        events.append({"type": _INCREMENTAL, "timestamp": t_abs,
                       "data": {"source": Source.ADOPTED_STYLE_SHEET, "id": int(target), "styleIds": list(style_ids), "styles": styles}})
    for nid, st in (side.get("media") or {}).items():
        # as the played path leaves it (the renderer's applyMedia): the last interaction's
        # values, not the snapshot's rr_media* attributes; playback itself is never started
        kind = MediaInteraction.PAUSE if st.get("paused", True) else MediaInteraction.PLAY
        data = {"source": Source.MEDIA_INTERACTION, "id": nid, "type": kind}
        data.update((f, st[f]) for f in ("currentTime", "volume", "muted", "loop", "playbackRate") if f in st)
        events.append({"type": _INCREMENTAL, "timestamp": t_abs, "data": data})
    focus = side.get("focus")
    if isinstance(focus, int):
        # replayed rather than set: the renderer decides :focus-visible from
        # whether a pointer press came just before the focus (Chromium's rule)
        if side.get("focus_pointer"):
            events.append({"type": _INCREMENTAL, "timestamp": t_abs,
                           "data": {"source": Source.MOUSE_INTERACTION, "type": MouseInteraction.MOUSE_DOWN, "id": focus}})
        events.append({"type": _INCREMENTAL, "timestamp": t_abs,
                       "data": {"source": Source.MOUSE_INTERACTION, "type": MouseInteraction.FOCUS, "id": focus}})
    mouse = pointer if pointer is not None else side.get("mouse")
    state: dict[str, Any] = {
        "scrolls": {str(k): v for k, v in (side.get("scrolls") or {}).items()},
        "inputs": inputs,
        "canvases": canvases,
        "selection": side.get("selection"),
    }
    if mouse:
        state["mouse"] = mouse
    if side.get("hover") is not None:
        state["hover"] = side["hover"]
    return Frame(node, viewport, side.get("href") or "", int(t_abs), state, events, size=len(mirror.tree.nodes))
