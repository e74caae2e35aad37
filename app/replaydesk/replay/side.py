"""Non-DOM page state the mirror tracks next to the tree ("side state").

These are the things a browser keeps as *properties*, not attributes, and that a
renderer applies after building the DOM from :meth:`Mirror.serialize`: scroll
offsets, live form values, the pointer, the hovered/focused element, the text
selection, media playback, canvas pixels and fonts. rrweb's own replayer applies
them once per element at the end of a fast-forward (docs/rrweb-format.md §4); we keep the
latest value per node so any moment can be handed to a renderer directly.

All per-node maps are keyed by node id and pruned when nodes leave the document,
so checkpoints stay proportional to the live page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .constants import MediaInteraction, MouseInteraction, NodeType

if TYPE_CHECKING:  # pragma: no cover
    from .mirror import Mirror
    from .tree import Node

_POINTER_TYPES = frozenset((MouseInteraction.MOUSE_UP, MouseInteraction.MOUSE_DOWN, MouseInteraction.CLICK,
                            MouseInteraction.CONTEXT_MENU, MouseInteraction.DBL_CLICK,
                            MouseInteraction.TOUCH_START, MouseInteraction.TOUCH_END,
                            MouseInteraction.TOUCH_CANCEL))
_MEDIA_FIELDS = ("currentTime", "volume", "muted", "loop", "playbackRate")


#: a focus this soon after a pointer press is pointer focus (Chromium's :focus-visible rule)
POINTER_FOCUS_MS = 1000


def _num(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


class SideState:
    """Plain containers; the handlers below fill them."""

    PER_NODE = ("scrolls", "inputs", "canvas", "media")

    def __init__(self) -> None:
        self.href: str | None = None
        self.viewport: dict | None = None          # {"width", "height"}
        self.scrolls: dict[int, dict] = {}         # id -> {"x", "y"}
        self.inputs: dict[int, dict] = {}          # id -> {"value", "isChecked"}
        self.mouse: dict | None = None             # {"x", "y", "id"}
        self.mouse_ts: float = 0                   # real time of the pointer sample in ``mouse``
        self.hover: int | None = None
        self.focus: int | None = None
        #: the focus came from a pointer press (Chromium then shows no focus ring
        #: on buttons and links, only on text fields)
        self.focus_pointer = False
        self.press_ts: float = -1e18               # last pointer press / release / click
        self.touch_active = False
        self.selection: list | None = None         # rrweb ranges
        self.canvas: dict[int, dict] = {}          # id -> {"image", "mutations": [...]}
        self.media: dict[int, dict] = {}           # id -> playback state
        self.fonts: list[dict] = []

    def reset_document(self) -> None:
        """A FullSnapshot rebuilds the document: everything but URL and viewport goes."""
        href, viewport = self.href, self.viewport
        self.__init__()
        self.href, self.viewport = href, viewport

    def forget(self, nid: int) -> None:
        self.scrolls.pop(nid, None)
        self.inputs.pop(nid, None)
        self.canvas.pop(nid, None)
        self.media.pop(nid, None)
        if self.hover == nid:
            self.hover = None
        if self.focus == nid:
            self.focus = None

    def to_json(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if k not in self.PER_NODE}
        for k in self.PER_NODE:
            d[k] = [[nid, v] for nid, v in getattr(self, k).items()]
        return d

    @classmethod
    def from_json(cls, data: dict) -> "SideState":
        s = cls()
        for k, v in data.items():
            if k in cls.PER_NODE:
                setattr(s, k, {nid: val for nid, val in v})
            elif hasattr(s, k):
                setattr(s, k, v)
        return s


# --- initial state carried by snapshot attributes ------------------------------------------

def init_from_attributes(m: "Mirror", node: "Node") -> None:
    """rr_* attributes of a (snapshot or added) element seed its side state."""
    if node.type != NodeType.ELEMENT:
        return
    a = node.attrs
    if "rr_scrollLeft" in a or "rr_scrollTop" in a:
        m.side.scrolls[node.id] = {"x": _num(a.get("rr_scrollLeft")) or 0, "y": _num(a.get("rr_scrollTop")) or 0}
    if node.tag == "canvas" and isinstance(a.get("rr_dataURL"), str):
        m.side.canvas[node.id] = {"image": a["rr_dataURL"], "mutations": []}
    if "rr_mediaState" in a:
        m.side.media[node.id] = {
            "paused": a.get("rr_mediaState") != "played",
            "currentTime": _num(a.get("rr_mediaCurrentTime")) or 0,
            "playbackRate": _num(a.get("rr_mediaPlaybackRate")) or 1,
            "volume": _num(a.get("rr_mediaVolume")) if _num(a.get("rr_mediaVolume")) is not None else 1,
            "muted": bool(a.get("rr_mediaMuted", False)),
            "loop": bool(a.get("rr_mediaLoop", False)),
            "at": m.timestamp,
        }


def attribute_changed(m: "Mirror", node: "Node", name: str) -> None:
    if name == "rr_dataURL" and node.tag == "canvas":
        url = node.attrs.get("rr_dataURL")
        m.side.canvas[node.id] = {"image": url if isinstance(url, str) else None, "mutations": []}
    elif name.startswith("rr_media") or name.startswith("rr_scroll"):
        init_from_attributes(m, node)


# --- incremental handlers -----------------------------------------------------------------

def on_positions(m: "Mirror", data: dict) -> None:
    """MouseMove / TouchMove / Drag: the cursor follows the last point whose target is
    known (rrweb drops points on unknown ids); hover = that target. Points are timed
    ``timestamp + timeOffset`` and points older than the current pointer sample (e.g.
    before a click already applied) are ignored."""
    positions = data.get("positions")
    if not isinstance(positions, list):
        m.anomalies.add("bad_event", "positions missing")
        return
    nodes = m.tree.nodes
    side = m.side
    for p in positions:
        if not isinstance(p, dict):
            continue
        nid = p.get("id")
        if nid not in nodes:
            continue
        # a batch is flushed up to 500 ms after its points; a click applied earlier
        # may be newer than some of them, so never move the pointer back in time
        at = m.timestamp + (_num(p.get("timeOffset")) or 0)
        if at < side.mouse_ts:
            continue
        side.mouse_ts = at
        side.mouse = {"x": p.get("x"), "y": p.get("y"), "id": nid}
        side.hover = nid


def on_mouse_interaction(m: "Mirror", data: dict) -> None:
    kind = data.get("type")
    nid = data.get("id")
    if nid == -1 or nid is None:
        return
    if not isinstance(kind, int):
        m.anomalies.add("bad_event", f"interaction type {kind!r}")
        return
    side = m.side
    if nid not in m.tree.nodes:
        m.anomalies.add("interaction_missing", f"id {nid}")
        return
    if kind == MouseInteraction.FOCUS:
        side.focus = nid
        side.focus_pointer = m.timestamp - side.press_ts <= POINTER_FOCUS_MS
    elif kind == MouseInteraction.BLUR:
        if side.focus == nid:
            side.focus = None
    elif kind in _POINTER_TYPES:
        if kind != MouseInteraction.TOUCH_CANCEL:
            side.press_ts = m.timestamp
        if kind == MouseInteraction.TOUCH_START:
            side.touch_active = True
        elif kind in (MouseInteraction.TOUCH_END, MouseInteraction.TOUCH_CANCEL):
            side.touch_active = False
        if _num(data.get("x")) is not None and _num(data.get("y")) is not None:
            side.mouse = {"x": data["x"], "y": data["y"], "id": nid}
            side.mouse_ts = m.timestamp
        side.hover = nid


def on_scroll(m: "Mirror", data: dict) -> None:
    nid = data.get("id")
    if nid not in m.tree.nodes:
        m.anomalies.add("scroll_missing", f"id {nid}")
        return
    m.side.scrolls[nid] = {"x": _num(data.get("x")) or 0, "y": _num(data.get("y")) or 0}


def on_input(m: "Mirror", data: dict) -> None:
    """Input: whole current value + checked state. Checking a radio unchecks the rest
    of its group (same ``name``, same form owner, same document), as the browser does;
    the recorder usually also emits those un-checks, but not always (rr-ignore,
    programmatic changes, recorder options)."""
    nid = data.get("id")
    if nid == -1 or nid is None:
        return
    node = m.tree.nodes.get(nid)
    if node is None:
        m.anomalies.add("input_missing", f"id {nid}")
        return
    text = data.get("text")
    checked = bool(data.get("isChecked", False))
    m.side.inputs[nid] = {"value": text if isinstance(text, str) else "", "isChecked": checked}
    if checked and node.type == NodeType.ELEMENT and str(node.attrs.get("type", "")).lower() == "radio":
        _uncheck_group(m, node)


def _form_owner(node: "Node"):
    n = node.parent
    while n is not None and n.type == NodeType.ELEMENT:
        if n.tag == "form":
            return n
        n = n.parent
    return n  # document (or shadow host's nearest document-ish root)


def _uncheck_group(m: "Mirror", radio: "Node") -> None:
    name = radio.attrs.get("name")
    if not name:
        return
    owner = _form_owner(radio)
    for other in m.tree.nodes.values():
        if (other is radio or other.type != NodeType.ELEMENT or other.tag != "input"
                or other.attrs.get("name") != name or str(other.attrs.get("type", "")).lower() != "radio"):
            continue
        if _form_owner(other) is not owner:
            continue
        cur = m.side.inputs.get(other.id)
        checked = cur["isChecked"] if cur else other.attrs.get("checked") not in (None, False)
        if checked:
            value = cur["value"] if cur else other.attrs.get("value", "")
            m.side.inputs[other.id] = {"value": value if isinstance(value, str) else "", "isChecked": False}


def on_media(m: "Mirror", data: dict) -> None:
    nid = data.get("id")
    if nid not in m.tree.nodes:
        m.anomalies.add("media_missing", f"id {nid}")
        return
    st = m.side.media.get(nid) or {"paused": True, "currentTime": 0, "playbackRate": 1,
                                   "volume": 1, "muted": False, "loop": False, "at": m.timestamp}
    st = dict(st)
    kind = data.get("type")
    if kind == MediaInteraction.PLAY:
        st["paused"] = False
    elif kind == MediaInteraction.PAUSE:
        st["paused"] = True
    for f in _MEDIA_FIELDS:
        if f in data and data[f] is not None:
            st[f] = data[f]
    st["at"] = m.timestamp
    m.side.media[nid] = st


def on_canvas(m: "Mirror", data: dict) -> None:
    """Keep the latest image plus every command batch since, so a renderer can redraw.

    FPS-mode frames (``clearRect`` then ``drawImage`` of a whole bitmap) are
    self-contained, so such a frame replaces the list instead of growing it."""
    nid = data.get("id")
    node = m.tree.nodes.get(nid)
    if node is None:
        m.anomalies.add("canvas_missing", f"id {nid}")
        return
    commands = data.get("commands")
    if not isinstance(commands, list):
        if "property" in data:
            commands = [{k: data[k] for k in ("property", "args", "setter") if k in data}]
        else:
            m.anomalies.add("bad_event", "canvas mutation without commands")
            return
    entry = {"type": data.get("type", 0), "commands": commands}
    st = m.side.canvas.get(nid)
    if st is None:
        st = m.side.canvas[nid] = {"image": None, "mutations": []}
    if (len(commands) >= 2 and isinstance(commands[0], dict) and isinstance(commands[1], dict)
            and commands[0].get("property") == "clearRect" and commands[1].get("property") == "drawImage"):
        st["mutations"] = [entry]
    else:
        st["mutations"].append(entry)


def on_selection(m: "Mirror", data: dict) -> None:
    ranges = data.get("ranges")
    m.side.selection = ranges if isinstance(ranges, list) else None


def on_font(m: "Mirror", data: dict) -> None:
    m.side.fonts.append({k: data.get(k) for k in ("family", "fontSource", "buffer", "descriptors")})


def on_viewport(m: "Mirror", data: dict) -> None:
    w, h = _num(data.get("width")), _num(data.get("height"))
    if w is None or h is None:
        m.anomalies.add("bad_event", "viewport without size")
        return
    m.side.viewport = {"width": w, "height": h}
