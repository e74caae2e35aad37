"""Per-session facts gathered in one streaming pass over its events.

What the session list and filters need (duration, active time, pages, clicks
with their scroll offset and viewport, console errors) is computed while the
events stream past during import, so listing 100,000 sessions never decodes
events again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..rrweb import (
    MAX_CONSOLE_TEXT, TAP_WINDOW_MS, TOUCH_KINDS, USER_ACTIVITY_SOURCES, EventType, Source, console_message, is_click,
    is_tap,
)

#: IncrementalSnapshot sources that mean "the user did something" (rrweb's
#: skip-inactive rule plus TouchMove, see ``replaydesk.rrweb``)
USER_SOURCES = USER_ACTIVITY_SOURCES
#: a pause longer than this between two user actions is inactivity (rrweb's
#: inactivePeriodThreshold)
INACTIVITY_MS = 10_000
CONSOLE_LEVELS = frozenset({"error", "warn", "assert"})
KNOWN_TYPES = frozenset(EventType)
KNOWN_SOURCES = frozenset(Source)
MAX_MESSAGE = MAX_CONSOLE_TEXT

__all__ = ["INACTIVITY_MS", "TAP_WINDOW_MS", "USER_SOURCES", "Page", "SessionSummary"]


@dataclass
class Page:
    seq: int
    url: str
    t_enter: int
    t_leave: int
    width: int | None
    height: int | None


@dataclass
class SessionSummary:
    first_ts: int | None = None
    last_ts: int | None = None
    event_count: int = 0
    full_snapshots: int = 0
    active_ms: int = 0
    pages: list[Page] = field(default_factory=list)
    clicks: list[tuple] = field(default_factory=list)
    console: list[tuple] = field(default_factory=list)
    unknown: dict[str, int] = field(default_factory=dict)
    backwards: int = 0
    touches: int = 0
    first_viewport: tuple[int, int] | None = None
    # running state
    _width: int | None = None
    _height: int | None = None
    _doc_id: int | None = None
    _scroll: tuple[int, int] = (0, 0)
    _last_activity: int | None = None
    _last_touch: int | None = None
    _url: str | None = None

    @property
    def error_count(self) -> int:
        return sum(1 for c in self.console if c[1] == "error")

    @property
    def duration_ms(self) -> int:
        return (self.last_ts - self.first_ts) if self.first_ts is not None else 0

    def add(self, e: dict) -> None:
        """Account for one clean event (timestamps in ms, envelope valid)."""
        ts = e["timestamp"]
        if self.last_ts is not None and ts < self.last_ts:
            self.backwards += 1
        if self.first_ts is None:
            self.first_ts = ts
        self.last_ts = ts if self.last_ts is None else max(ts, self.last_ts)
        self.event_count += 1
        t = e["type"]
        if t == EventType.INCREMENTAL:
            d = e["data"]
            src = d["source"]
            if src in USER_SOURCES:
                self._activity(ts)
            if src == Source.MOUSE_INTERACTION:
                self._interaction(ts, e)
            elif src == Source.SCROLL:
                if d.get("id") == self._doc_id:
                    self._scroll = (_num(d.get("x")), _num(d.get("y")))
            elif src == Source.VIEWPORT_RESIZE:
                w, h = _dim(d.get("width")), _dim(d.get("height"))
                if w and h:
                    self._width, self._height = w, h
            elif src == Source.LOG:
                self._log(ts, e)
            elif src not in KNOWN_SOURCES:
                self._unknown(f"3.{src}")
        elif t == EventType.META:
            self._meta(ts, e["data"])
        elif t == EventType.FULL_SNAPSHOT:
            self.full_snapshots += 1
            d = e["data"]
            self._doc_id = d["node"].get("id")
            off = d.get("initialOffset")
            off = off if isinstance(off, dict) else {}
            self._scroll = (_num(off.get("left")), _num(off.get("top")))
        elif t == EventType.PLUGIN:
            self._log(ts, e)
        elif t not in KNOWN_TYPES:
            self._unknown(str(t))
        if self.pages:
            self.pages[-1].t_leave = self.last_ts

    def _unknown(self, key: str) -> None:
        self.unknown[key] = self.unknown.get(key, 0) + 1

    def _activity(self, ts: int) -> None:
        last = self._last_activity
        if last is not None and 0 <= ts - last <= INACTIVITY_MS:
            self.active_ms += ts - last
        self._last_activity = ts

    def _meta(self, ts: int, d: dict) -> None:
        href = d.get("href")
        w, h = _dim(d.get("width")), _dim(d.get("height"))
        if w and h:
            self._width, self._height = w, h
            if self.first_viewport is None:
                self.first_viewport = (self._width, self._height)
        url = href if isinstance(href, str) else ""
        self._url = url
        self.pages.append(Page(len(self.pages), url, ts, ts, self._width, self._height))
        self._scroll = (0, 0)

    def _interaction(self, ts: int, e: dict) -> None:
        d = e["data"]
        if d.get("type") in TOUCH_KINDS:  # TouchStart / TouchEnd
            self._last_touch = ts
            self.touches += 1
            return
        if not is_click(e):  # only Click rows; taps arrive as synthetic clicks
            return
        target = d.get("id") if isinstance(d.get("id"), int) else None
        self.clicks.append(
            (
                ts,
                "tap" if is_tap(e, self._last_touch) else "click",
                float(d["x"]),
                float(d["y"]),
                self._scroll[0],
                self._scroll[1],
                self._url,
                self._width,
                self._height,
                target,
                len(self.pages) - 1 if self.pages else None,
            )
        )

    def _log(self, ts: int, e: dict) -> None:
        msg = console_message(e, MAX_MESSAGE)
        if msg is None or msg.level not in CONSOLE_LEVELS:
            return
        frame = msg.trace[0] if msg.trace else None
        self.console.append((ts, msg.level, msg.text, frame, self._url))


def _num(v) -> int:
    """A coordinate or offset; anything absurd (NaN, 1e300, bool) counts as 0."""
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v or abs(v) > 1e9:
        return 0
    return int(v)


def _dim(v) -> int | None:
    """A viewport dimension in CSS px, or None when it is not a plausible one."""
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v or not 0 < v < 100_000:
        return None
    return int(v)
