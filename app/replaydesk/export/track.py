"""Where the pointer was, where it clicked or tapped, and which URL was open, along a clip.

Qt-free. One pass over the clip's events before any frame is made: the recorder flushes
pointer samples in batches up to 500 ms after they happen (docs/rrweb-format.md §3), so the
position at ``t`` is known only from later events; the pass reads ``lookahead_ms`` past the
clip's end for that reason. Positions are CSS px of the recorded viewport (the top document's
client coordinates), the clock is absolute epoch ms like the events'.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Iterable

from ..replay.plan import POINTER_SOURCES
from ..rrweb import EventType, MouseInteraction, Source, TapClassifier

_INTERACTION = int(Source.MOUSE_INTERACTION)
_POINTER = frozenset(map(int, POINTER_SOURCES))
_POSITIONED = frozenset(map(int, (MouseInteraction.MOUSE_DOWN, MouseInteraction.MOUSE_UP, MouseInteraction.CLICK,
                                  MouseInteraction.DBL_CLICK, MouseInteraction.TOUCH_START, MouseInteraction.TOUCH_END,
                                  MouseInteraction.CONTEXT_MENU)))


def _num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and abs(v) < 1e7


@dataclass
class Press:
    t: int  # absolute ms
    x: float
    y: float
    kind: str  # "click" or "tap"


@dataclass
class PointerTrack:
    """Samples ``(t, x, y)`` in time order, presses, and ``(t, href)`` page changes."""

    times: list[int] = field(default_factory=list)
    points: list[tuple[float, float]] = field(default_factory=list)
    presses: list[Press] = field(default_factory=list)
    hrefs: list[tuple[int, str]] = field(default_factory=list)

    def position(self, t: int) -> tuple[float, float] | None:
        """The newest sample at or before ``t`` (None before the first one)."""
        i = bisect_right(self.times, t) - 1
        return self.points[i] if i >= 0 else None

    def trail(self, t: int, window_ms: int) -> list[tuple[float, float]]:
        """Samples in ``(t - window_ms, t]``, oldest first, ending at the current position."""
        lo = bisect_right(self.times, t - window_ms)
        hi = bisect_right(self.times, t)
        return self.points[lo:hi]

    def presses_near(self, t: int, window_ms: int) -> list[tuple[Press, float]]:
        """Presses in ``(t - window_ms, t]`` with their age as a share of the window (0 = now)."""
        return [(p, (t - p.t) / window_ms) for p in self.presses if t - window_ms < p.t <= t]

    def href(self, t: int, default: str = "") -> str:
        i = bisect_right([h[0] for h in self.hrefs], t) - 1
        return self.hrefs[i][1] if i >= 0 else default


def build_track(events: Iterable[dict], start_pointer: dict | None = None, start_ts: int = 0) -> PointerTrack:
    """The track from ``events`` (time order); ``start_pointer`` ``{x, y}`` is the position at
    ``start_ts`` (the replay's own answer, :meth:`SessionReplay.pointer_at`)."""
    samples: list[tuple[int, float, float]] = []
    if start_pointer and _num(start_pointer.get("x")) and _num(start_pointer.get("y")):
        samples.append((int(start_ts), float(start_pointer["x"]), float(start_pointer["y"])))
    tr = PointerTrack()
    taps = TapClassifier()
    for ev in events:
        ts = ev.get("timestamp")
        if not _num(ts) and not isinstance(ts, int):
            continue
        kind = ev.get("type")
        if kind == EventType.META:
            href = (ev.get("data") or {}).get("href")
            if isinstance(href, str):
                tr.hrefs.append((int(ts), href))
            continue
        if kind != EventType.INCREMENTAL:
            continue
        d = ev.get("data")
        if not isinstance(d, dict):
            continue
        src = d.get("source")
        if src in _POINTER:
            for p in d.get("positions") if isinstance(d.get("positions"), list) else ():
                if isinstance(p, dict) and _num(p.get("x")) and _num(p.get("y")):
                    off = p.get("timeOffset") if _num(p.get("timeOffset")) else 0
                    samples.append((int(ts + off), float(p["x"]), float(p["y"])))
        elif src == _INTERACTION:
            press = taps.feed(ev)
            if d.get("type") in _POSITIONED and _num(d.get("x")) and _num(d.get("y")):
                samples.append((int(ts), float(d["x"]), float(d["y"])))
                if press is not None:
                    tr.presses.append(Press(int(ts), float(d["x"]), float(d["y"]), press))
    samples.sort(key=lambda s: s[0])  # stable: batch order kept for equal times
    tr.times = [s[0] for s in samples]
    tr.points = [(s[1], s[2]) for s in samples]
    return tr
