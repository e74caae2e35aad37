"""One-line, human summaries of a session's events for the event inspector.

"click on button#buy 'Add to cart'", "navigate /cart.html", "input #email
(masked)", "console error: TypeError: …". Targets are described with the DOM
mirror *as it was at that moment* (the node may be gone later), so the
summariser is fed ``(event, mirror)`` pairs while a mirror replays the
session once. Mouse moves and DOM mutations are summarised per burst so the
list stays readable; scrolls are merged per target while the user keeps
scrolling.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ..rrweb import TOUCH_KINDS, EventType, MouseInteraction as MI, Source, console_message, is_tap

#: kinds shown in the inspector, in the order of its type filter
KINDS = ("click", "tap", "input", "navigation", "scroll", "resize", "console", "custom", "selection", "focus", "mutation", "mouse")
DEFAULT_HIDDEN = frozenset({"mutation", "mouse", "focus"})
_MOUSE = {MI.CLICK: "click", MI.CONTEXT_MENU: "context menu", MI.DBL_CLICK: "double click", MI.FOCUS: "focus", MI.BLUR: "blur"}
MERGE_MS = 1_000


@dataclass
class EventRow:
    t: int  # ms after the session start
    kind: str
    summary: str
    node_id: int | None = None
    count: int = 1


def _path(url: str) -> str:
    u = urlsplit(url or "")
    if not u.scheme:
        return url or ""
    return (u.path or "/") + (f"?{u.query}" if u.query else "") + (f"#{u.fragment}" if u.fragment else "")


def _short(text: str, n: int = 120) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


class EventSummarizer:
    """Feed every event with the mirror *before* it is applied; read ``rows``."""

    def __init__(self, t0: int):
        self.t0 = t0
        self.rows: list[EventRow] = []
        self._last_touch: int | None = None  # the latest TouchStart/TouchEnd (rrweb.is_tap)
        self._burst: dict[str, EventRow] = {}
        self._burst_last: dict[str, int] = {}
        self._last_of: dict[bool, EventRow] = {}

    def _add(self, row: EventRow, merge_key: str | None = None) -> None:
        """Append ``row``, or fold it into the previous row of the same burst.

        A burst continues while the same key repeats with pauses of at most
        MERGE_MS and no other row of the same visibility class (listed by
        default / hidden by default) came in between; the row keeps its
        start time and shows the latest state ("scroll to y=2400", the
        text typed so far) or a count.
        """
        if merge_key is not None:
            prev = self._burst.get(merge_key)
            last_t = self._burst_last.get(merge_key, -10**12)
            hidden = row.kind in DEFAULT_HIDDEN
            if prev is not None and self._last_of.get(hidden) is prev and row.t - last_t <= MERGE_MS:
                prev.count += 1
                if row.kind in ("mouse", "mutation"):
                    prev.summary = f"{row.summary} ×{prev.count}"
                else:
                    prev.summary = row.summary
                self._burst_last[merge_key] = row.t
                return
            self._burst[merge_key] = row
            self._burst_last[merge_key] = row.t
        self._last_of[row.kind in DEFAULT_HIDDEN] = row
        self.rows.append(row)

    def feed(self, e: dict, mirror) -> None:
        ts = e.get("timestamp", 0)
        t = int(ts - self.t0)
        typ = e.get("type")
        d = e.get("data") if isinstance(e.get("data"), dict) else {}
        if typ == EventType.META:
            self._add(EventRow(t, "navigation", f"navigate {_path(d.get('href', ''))}"))
        elif typ == EventType.CUSTOM:
            payload = d.get("payload")
            extra = ""
            if isinstance(payload, dict) and payload:
                extra = " " + _short(", ".join(f"{k}={v}" for k, v in list(payload.items())[:4]), 80)
            self._add(EventRow(t, "custom", f"{d.get('tag', 'custom event')}{extra}"))
        elif typ == EventType.PLUGIN:
            msg = console_message(e)
            if msg is not None:
                self._add(EventRow(t, "console", f"console {msg.level}: {_short(msg.text)}"))
        elif typ == EventType.INCREMENTAL:
            self._incremental(t, e, d, mirror)

    def _describe(self, mirror, nid) -> str:
        if not isinstance(nid, int) or mirror is None:
            return "the page"
        if nid == getattr(mirror, "document_id", None):
            return "the page"
        try:
            return mirror.describe(nid)
        except Exception:  # noqa: BLE001 - a description must never break the list
            return f"node {nid}"

    def _incremental(self, t: int, e: dict, d: dict, mirror) -> None:
        src = d.get("source")
        nid = d.get("id")
        if src == Source.MOUSE_INTERACTION:
            kind = d.get("type")
            if kind in TOUCH_KINDS:
                self._last_touch = e.get("timestamp", 0)
                return
            if kind in (MI.CLICK, MI.CONTEXT_MENU, MI.DBL_CLICK):
                tap = is_tap(e, self._last_touch)
                label = "tap" if tap else _MOUSE[kind]
                self._add(EventRow(t, "tap" if tap else "click", f"{label} on {self._describe(mirror, nid)}", nid))
            elif kind in (MI.FOCUS, MI.BLUR):
                self._add(EventRow(t, "focus", f"{_MOUSE[kind]} {self._describe(mirror, nid)}", nid))
        elif src == Source.INPUT:
            text = d.get("text")
            target = self._describe(mirror, nid)
            info = mirror.node(nid) if mirror is not None and isinstance(nid, int) else None
            input_type = str((info.attributes or {}).get("type", "")).lower() if info is not None else ""
            if input_type == "radio" and not d.get("isChecked"):
                return  # the browser unchecks the rest of the group: implied by the "check" row
            if input_type in ("checkbox", "radio") or (text is None and "isChecked" in d):
                summary = f"{'check' if d.get('isChecked') else 'uncheck'} {target}"
            elif info is not None and info.tag == "select":
                summary = f"choose '{_short(text or '', 60)}' in {target}"
            elif isinstance(text, str) and text and set(text) == {"*"}:
                summary = f"type in {target} (masked)"
            elif not text:
                summary = f"clear {target}"
            else:
                summary = f"type '{_short(text, 60)}' in {target}"
            self._add(EventRow(t, "input", summary, nid), merge_key=f"input:{nid}")
        elif src == Source.SCROLL:
            where = "page" if nid == getattr(mirror, "document_id", None) else self._describe(mirror, nid)
            self._add(EventRow(t, "scroll", f"scroll {where} to y={d.get('y', 0)}", nid), merge_key=f"scroll:{nid}")
        elif src == Source.VIEWPORT_RESIZE:
            self._add(EventRow(t, "resize", f"resize viewport to {d.get('width')}×{d.get('height')}"))
        elif src == Source.SELECTION:
            self._add(EventRow(t, "selection", "select text"), merge_key="selection")
        elif src == Source.MUTATION:
            n = len(d.get("adds") or []) + len(d.get("removes") or []) + len(d.get("texts") or []) + len(d.get("attributes") or [])
            self._add(EventRow(t, "mutation", f"DOM change ({n} ops)"), merge_key="mutation")
        elif src in (Source.MOUSE_MOVE, Source.TOUCH_MOVE):
            self._add(EventRow(t, "mouse", "touch move" if src == Source.TOUCH_MOVE else "mouse move"),
                      merge_key=f"mouse{int(src)}")


def summarize_events(events, mirror_factory=None) -> list[EventRow]:
    """Summaries for ``events`` (time-ordered), replaying a fresh mirror alongside."""
    from ..replay import Mirror

    events = iter(events)
    first = next(events, None)
    if first is None:
        return []
    m = (mirror_factory or Mirror)()
    s = EventSummarizer(first["timestamp"])
    for e in _chain(first, events):
        s.feed(e, m)
        m.apply(e)
    return s.rows


def _chain(first, rest):
    yield first
    yield from rest
