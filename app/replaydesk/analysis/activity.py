"""A session's timeline in one streaming pass: activity per second, inactive spans, markers.

Contract: :func:`build_timeline` reads an iterable of rrweb event dicts in time order
(``iter_events`` output, absolute epoch-ms timestamps) once and keeps only aggregates, never
the events, so a 300,000-event session costs a few hundred milliseconds and little memory.

All times inside a :class:`SessionTimeline` are **ms after ``t0``** (the first event), the
clock the player, the corpus truth files and ``PlaybackState`` use; only ``t0``/``t1`` are
absolute. Rules (docs/rrweb-format.md §3, §4):

* activity = :data:`replaydesk.rrweb.USER_ACTIVITY_SOURCES` (sources 1-6, TouchMove
  included); a MouseMove/TouchMove batch counts each position at its real time
  ``timestamp + timeOffset``;
* inactivity = a gap of more than 10 s between two such events, plus the same test before
  the first and after the last one; the store's ``active_ms`` uses the same sources, so a
  session that is all swiping is active in both;
* clicks/taps follow the one tap rule (:func:`replaydesk.rrweb.is_tap`), as the store's
  summary does, so click markers match ``click_count``; console errors are read by
  :func:`replaydesk.rrweb.console_message`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..rrweb import (
    CLICK_KINDS, MAX_CONSOLE_TEXT, TOUCH_KINDS, USER_ACTIVITY_SOURCES, EventType, MouseInteraction, Source, console_message,
    is_click, is_tap,
)

# Marker kinds. The first five come from the events; the rest are filled by later analysis
# (frustration signals) or by the analyst (annotations) through SessionTimeline.with_markers.
CLICK = "click"
TAP = "tap"
NAVIGATION = "navigation"
CONSOLE_ERROR = "console_error"
CUSTOM = "custom"
RAGE_CLICK = "rage_click"
DEAD_CLICK = "dead_click"
ERROR_CLICK = "error_click"
ANNOTATION = "annotation"
MARKER_KINDS = (CLICK, TAP, NAVIGATION, CONSOLE_ERROR, CUSTOM, RAGE_CLICK, DEAD_CLICK, ERROR_CLICK, ANNOTATION)
#: kinds whose times join previous/next-event navigation (all of them, currently)
NAVIGABLE_KINDS = frozenset(MARKER_KINDS)

# The hot loop compares plain ints: an IntEnum member costs about three times as much
# per comparison, which shows on a 300,000-event session.
ACTIVITY_SOURCES = frozenset(map(int, USER_ACTIVITY_SOURCES))
MOVE_SOURCES = frozenset(map(int, (Source.MOUSE_MOVE, Source.TOUCH_MOVE)))
_TOUCH_KINDS = frozenset(map(int, TOUCH_KINDS))
#: sources whose bursts are navigable "events"
_BURST_SOURCES = tuple(map(int, (Source.SCROLL, Source.VIEWPORT_RESIZE, Source.INPUT)))
_INCREMENTAL, _META, _CUSTOM, _PLUGIN = map(int, (EventType.INCREMENTAL, EventType.META, EventType.CUSTOM, EventType.PLUGIN))
_LOG, _INTERACTION, _RESIZE = map(int, (Source.LOG, Source.MOUSE_INTERACTION, Source.VIEWPORT_RESIZE))
_TOUCH_START = int(MouseInteraction.TOUCH_START)
INACTIVITY_MS = 10_000
BIN_MS = 1_000
#: the activity histogram covers at most this many bins (31 days): a session stretched by a stray
#: timestamp far in the future (years, or 10^13 ms) would otherwise ask for gigabytes of bins;
#: what lies beyond is counted in the last bin, and the markers and spans keep their real times
MAX_BINS = 31 * 86_400
#: a new Input/Scroll/Resize after this much quiet starts a new navigable "event"
BURST_GAP_MS = 2_000
#: navigable times closer than this to the previous one are the same moment (tap + click)
MERGE_MS = 250
MAX_MESSAGE = MAX_CONSOLE_TEXT
_LAST = MAX_BINS - 1
_CLICKISH = frozenset(map(int, CLICK_KINDS))


@dataclass(frozen=True)
class Marker:
    """Something worth seeing at ``t`` (ms after the session start).

    ``label`` is short display text; ``detail`` holds kind-specific facts (``url`` for a
    navigation, ``message`` for an error, ``x``/``y`` for clicks, ``payload`` for custom).
    """

    t: int
    kind: str
    label: str = ""
    detail: Mapping[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class SessionTimeline:
    """What the timeline and the playback clock need to know about one session."""

    t0: int
    t1: int
    activity: np.ndarray  # int32 counts per BIN_MS bin; bin i covers [i*BIN_MS, (i+1)*BIN_MS)
    inactive_spans: tuple[tuple[int, int], ...]
    markers: tuple[Marker, ...]  # sorted by t
    event_times: np.ndarray  # int64, sorted, unique: previous/next event navigation
    page_times: np.ndarray  # int64, sorted: when each page load starts
    session_id: str | None = None

    @property
    def duration(self) -> int:
        return self.t1 - self.t0

    @property
    def inactive_ms(self) -> int:
        return sum(e - s for s, e in self.inactive_spans)

    @property
    def peak_activity(self) -> int:
        return int(self.activity.max()) if self.activity.size else 0

    def rel(self, absolute_ms: int) -> int:
        """An absolute epoch-ms time (store, ``session_info``) on this timeline's clock."""
        return int(absolute_ms) - self.t0

    def markers_of(self, *kinds: str) -> list[Marker]:
        return [m for m in self.markers if m.kind in kinds]

    def with_markers(self, extra: Iterable[Marker]) -> SessionTimeline:
        """A copy with ``extra`` markers merged in (rage/dead/error clicks, annotations)."""
        extra = list(extra)
        markers = sorted((*self.markers, *extra), key=lambda m: m.t)
        times = np.concatenate([self.event_times, [m.t for m in extra if m.kind in NAVIGABLE_KINDS]])
        return replace(self, markers=tuple(markers), event_times=_merge_times(times))

    @classmethod
    def empty(cls, session_id: str | None = None) -> SessionTimeline:
        z = np.zeros(0, dtype=np.int64)
        return cls(0, 0, np.zeros(0, dtype=np.int32), (), (), z, z, session_id)


def build_timeline(events: Iterable[dict], session_id: str | None = None) -> SessionTimeline:
    """One streaming pass over time-ordered events (see the module docstring for the rules)."""
    builder = TimelineBuilder(session_id)
    feed = builder.feed
    for e in events:
        feed(e)
    return builder.finish()


class TimelineBuilder:
    """:func:`build_timeline` fed one event at a time, for passes that already replay
    the session for something else (the checkpoint scan): ``feed(event)``, then
    ``finish()`` once. The loop runs as a generator so its state stays in fast locals."""

    def __init__(self, session_id: str | None = None):
        self._steps = _timeline_steps(session_id)
        next(self._steps)
        self.feed: Callable[[dict], None] = self._steps.send

    def finish(self) -> SessionTimeline:
        try:
            self._steps.send(_END)
        except StopIteration as done:
            return done.value
        raise RuntimeError("timeline builder did not finish")  # pragma: no cover


_END = object()


def _timeline_steps(session_id: str | None):
    counts: list[int] = []
    markers: list[Marker] = []
    times: list[int] = []
    spans: list[tuple[int, int]] = []
    pages: list[int] = []
    t0: int | None = None
    t1 = 0
    first_act: int | None = None  # earliest interaction (absolute)
    last_act: int | None = None  # latest interaction end so far (absolute)
    last_touch: int | None = None
    last_burst = dict.fromkeys(_BURST_SOURCES)  # source -> (time, target) of the previous one
    grow = 4096

    while True:
        e = yield
        if e is _END:
            break
        ts = e.get("timestamp")
        if not isinstance(ts, (int, float)):
            continue
        ts = int(ts)
        if t0 is None:
            t0 = t1 = ts
        elif ts > t1:
            t1 = ts
        typ = e.get("type")
        d = e.get("data")
        if not isinstance(d, dict):
            continue
        if typ == _INCREMENTAL:
            src = d.get("source")
            if src not in ACTIVITY_SOURCES:
                if src == _LOG:
                    _console_marker(markers, e, ts - t0)
                continue
            if src in MOVE_SOURCES:
                positions = d.get("positions")
                if not isinstance(positions, list) or not positions:
                    continue
                try:
                    lo = ts + int(positions[0]["timeOffset"])
                    hi = ts + int(positions[-1]["timeOffset"])
                except (KeyError, TypeError, ValueError):
                    lo, hi = _pos_time(ts, positions[0]), _pos_time(ts, positions[-1])
                if hi < lo:
                    lo, hi = hi, lo
                i0 = min((lo - t0) // BIN_MS, _LAST) if lo > t0 else 0
                i1 = min((hi - t0) // BIN_MS, _LAST) if hi > t0 else 0
                if i1 >= len(counts):
                    counts.extend([0] * (i1 - len(counts) + grow))
                if i0 == i1:  # a batch spans <= 500 ms: mostly inside one second
                    counts[i0] += len(positions)
                else:
                    _split_batch(counts, positions, ts, t0, i0, i1)
                start, end = lo, hi
            else:
                i = min((ts - t0) // BIN_MS, _LAST)
                if i >= len(counts):
                    counts.extend([0] * (i - len(counts) + grow))
                counts[i] += 1
                start = end = ts
                if src == _INTERACTION:
                    kind = d.get("type")
                    if kind in _TOUCH_KINDS:
                        last_touch = e["timestamp"]
                        if kind == _TOUCH_START:
                            times.append(ts - t0)
                    elif kind in _CLICKISH:
                        times.append(ts - t0)
                        if is_click(e):
                            tap = is_tap(e, last_touch)
                            markers.append(
                                Marker(
                                    ts - t0,
                                    TAP if tap else CLICK,
                                    "Tap" if tap else "Click",
                                    {"x": d["x"], "y": d["y"], "target_id": d.get("id")},
                                )
                            )
                else:  # scroll, resize, input: the start of each burst is an "event"
                    target = d.get("id") if src != _RESIZE else None
                    prev = last_burst[src]
                    if prev is None or ts - prev[0] > BURST_GAP_MS or prev[1] != target:
                        times.append(ts - t0)
                    last_burst[src] = (ts, target)
            if last_act is None:
                first_act = start
            elif start - last_act > INACTIVITY_MS:
                spans.append((last_act - t0, start - t0))
            if first_act is not None and start < first_act:
                first_act = start
            if last_act is None or end > last_act:
                last_act = end
        elif typ == _META:
            href = d.get("href")
            url = href if isinstance(href, str) else ""
            pages.append(ts - t0)
            markers.append(
                Marker(ts - t0, NAVIGATION, _short_url(url), {"url": url, "width": d.get("width"), "height": d.get("height")})
            )
        elif typ == _CUSTOM:
            tag = d.get("tag")
            tag = tag if isinstance(tag, str) else str(tag)
            markers.append(Marker(ts - t0, CUSTOM, tag, {"tag": tag, "payload": d.get("payload")}))
        elif typ == _PLUGIN:
            _console_marker(markers, e, ts - t0)

    if t0 is None:
        return SessionTimeline.empty(session_id)
    duration = t1 - t0
    if last_act is None:
        if duration > INACTIVITY_MS:
            spans.append((0, duration))
    else:
        if first_act - t0 > INACTIVITY_MS:
            spans.insert(0, (0, first_act - t0))
        if t1 - last_act > INACTIVITY_MS:
            spans.append((last_act - t0, duration))
    n_bins = min(duration // BIN_MS + 1, MAX_BINS)
    activity = np.zeros(n_bins, dtype=np.int32)
    used = min(n_bins, len(counts))
    activity[:used] = counts[:used]
    if len(counts) > n_bins:  # positions stamped after the last event (should not happen)
        activity[-1] += sum(counts[n_bins:])
    markers.sort(key=lambda m: m.t)
    times.extend(m.t for m in markers if m.kind in (NAVIGATION, CONSOLE_ERROR, CUSTOM))
    return SessionTimeline(
        t0=t0,
        t1=t1,
        activity=activity,
        inactive_spans=tuple(_clip_spans(spans, duration)),
        markers=tuple(markers),
        event_times=_merge_times(np.asarray(times, dtype=np.int64)),
        page_times=np.asarray(pages, dtype=np.int64),
        session_id=session_id,
    )


def timeline_for_session(db, session_id: str, check: Callable[[], None] | None = None) -> SessionTimeline | None:
    """Build the timeline of a stored session (``None`` if it is not in the store).

    Streams the session's chunks; safe to call on a worker thread with its own connection.
    ``check`` (e.g. :meth:`replaydesk.work.CancelToken.check`) is called every few thousand
    events and raises :class:`replaydesk.work.Cancelled` to stop, like ``build_views``.
    """
    from replaydesk.store import connection_of, iter_events
    from replaydesk.store.queries import session_exists

    conn = connection_of(db)
    if not session_exists(conn, session_id):
        return None
    events = iter_events(conn, session_id)
    if check is not None:
        events = _checked(events, check)
    return build_timeline(events, session_id)


def _checked(events, check: Callable[[], None]):
    for n, e in enumerate(events):
        if n % 8192 == 0:
            check()
        yield e


def _split_batch(counts: list[int], positions: list, ts: int, t0: int, i0: int, i1: int) -> None:
    """Count a batch that straddles bin edges; positions are in time order (rrweb), so a
    binary search per edge suffices. Falls back to one look per position otherwise."""
    n = len(positions)
    try:
        done = 0
        for i in range(i0, i1):
            edge = t0 + (i + 1) * BIN_MS - ts  # timeOffset of the bin's end
            k = bisect_left(positions, edge, lo=done, key=_offset)
            counts[i] += k - done
            done = k
        counts[i1] += n - done
    except (TypeError, AttributeError):
        for p in positions:
            tp = _pos_time(ts, p)
            counts[min(max((tp - t0) // BIN_MS, i0), i1)] += 1


def _offset(p) -> float:
    return p["timeOffset"] if "timeOffset" in p else 0


def _pos_time(ts: int, p) -> int:
    off = p.get("timeOffset") if isinstance(p, dict) else None
    return ts + int(off) if isinstance(off, (int, float)) else ts


def _merge_times(times: np.ndarray) -> np.ndarray:
    """Sorted unique times, dropping any within MERGE_MS of the previous kept one."""
    if times.size == 0:
        return times.astype(np.int64)
    t = np.unique(times.astype(np.int64))
    keep = [int(t[0])]
    for v in t[1:].tolist():
        if v - keep[-1] >= MERGE_MS:
            keep.append(v)
    return np.asarray(keep, dtype=np.int64)


def _clip_spans(spans: list[tuple[int, int]], duration: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        s, e = max(0, s), min(duration, e)
        if e <= s:
            continue
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _short_url(url: str) -> str:
    """``http://host:8765/cart.html?x=1`` -> ``/cart.html?x=1`` (what an analyst scans for)."""
    if "://" in url:
        rest = url.split("://", 1)[1]
        slash = rest.find("/")
        return rest[slash:] if slash >= 0 else "/"
    return url or "(no URL)"


def _console_marker(markers: list[Marker], e: dict, t: int) -> None:
    """A console-error marker for ``e`` if it records a ``console.error`` call."""
    msg = console_message(e, MAX_MESSAGE)
    if msg is not None and msg.level == "error":
        markers.append(_error_marker(t, msg.text, msg.trace[0] if msg.trace else None))


def _error_marker(t: int, message: str, frame: str | None) -> Marker:
    first_line = message.strip().splitlines()[0] if message.strip() else "console error"
    label = first_line if len(first_line) <= 120 else first_line[:119] + "…"
    return Marker(t, CONSOLE_ERROR, label, {"message": message, "level": "error", "trace": frame})


__all__ = [
    "MARKER_KINDS",
    "Marker",
    "SessionTimeline",
    "build_timeline",
    "timeline_for_session",
]
