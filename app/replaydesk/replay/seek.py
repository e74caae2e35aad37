"""Seeking: the mirror state at any time ``t`` with bounded work.

``state = restore(nearest checkpoint at or before t) + events (checkpoint, t]``.
The checkpoint policy bounds the second part to one interval (5 s / 2000 events by
default), and restoring costs one or two zstd decompressions plus a JSON parse of the
page state, so the cost does not grow with the position in the recording.

Events come from an :class:`EventSource`: anything with
``events_between(after_index, t)`` returning the events with index ``> after_index``
and ``timestamp <= t`` in order (a plain callable with that signature works too). The
store implements it over its compressed chunks; :class:`ListEventSource` serves an
in-memory list (tests, benchmarks, small imports).

Time is absolute epoch ms, like event timestamps. Events must be stably sorted by
timestamp (:func:`sorted_events`), so "index > i and timestamp <= t" is one
contiguous run.

Before the first full snapshot there is no page: rrweb records Meta/Load a few ms
before its first FullSnapshot, so "the state at 0 ms" is empty for nearly every
session. Like rrweb's Replayer (which builds the first full snapshot at once), a
seek to any time before it gives the state right after it, here, once, so the
player, ``render`` and every other caller show the same first page.
"""

from __future__ import annotations

import bisect
from typing import Callable, Iterable, Protocol, Sequence, Union, runtime_checkable

from .checkpoints import Checkpoint, KeyframeCache, restore_checkpoint
from .constants import EventType, NodeType
from .mirror import Mirror
from .plan import POINTER_SOURCES


@runtime_checkable
class EventSource(Protocol):
    def events_between(self, after_index: int, t: int) -> Iterable[dict]:
        """Events with index ``after_index + 1, after_index + 2, ...`` while ``timestamp <= t``."""
        ...


EventSourceLike = Union[EventSource, Callable[[int, int], Iterable[dict]]]


def sorted_events(events: Iterable[dict]) -> list[dict]:
    """Stable sort by timestamp (Meta must stay before its FullSnapshot; docs/rrweb-format.md §1)."""
    return sorted(events, key=lambda e: e.get("timestamp", 0))


class ListEventSource:
    """:class:`EventSource` over a stably sorted in-memory list."""

    def __init__(self, events: Sequence[dict]):
        self.events = events
        self._ts = [e.get("timestamp", 0) for e in events]

    def __len__(self) -> int:
        return len(self.events)

    def events_between(self, after_index: int, t: int) -> Iterable[dict]:
        end = bisect.bisect_right(self._ts, t)
        start = max(after_index + 1, 0)
        return self.events[start:end] if end > start else ()


def _fetch(source: EventSourceLike, after_index: int, t: int) -> Iterable[dict]:
    if callable(getattr(source, "events_between", None)):
        return source.events_between(after_index, t)
    return source(after_index, t)


#: later than any epoch-ms timestamp: "every event"
_END_OF_TIME = 1 << 62


def is_full_snapshot(ev: dict) -> bool:
    """A FullSnapshot the mirror can build (a Document node); malformed ones do not count."""
    if not isinstance(ev, dict) or ev.get("type") != EventType.FULL_SNAPSHOT:
        return False
    data = ev.get("data")
    node = data.get("node") if isinstance(data, dict) else None
    return isinstance(node, dict) and node.get("type") == NodeType.DOCUMENT


def first_snapshot_time(source: EventSourceLike) -> int | None:
    """Timestamp of the session's first buildable FullSnapshot (None: it has none).

    Reads from the start only as far as that snapshot (a few events: the recorder
    writes it right after Meta), except for a session without one, read whole once."""
    events = getattr(source, "events", None)
    it = iter(events) if isinstance(events, list) else iter(_fetch(source, -1, _END_OF_TIME))
    try:
        for ev in it:
            if is_full_snapshot(ev):
                ts = ev.get("timestamp")
                return int(ts) if isinstance(ts, (int, float)) and not isinstance(ts, bool) else None
        return None
    finally:
        close = getattr(it, "close", None)
        if close is not None:
            close()  # a store generator: finish its chunk cursor now


class SeekPlanner:
    """Reusable seeker for one session: keeps keyframes decompressed between seeks
    (scrubbing back and forth inside a page then costs one delta decompression).

    Not thread-safe; use one planner per worker thread.
    """

    def __init__(self, checkpoints: Sequence[Checkpoint], source: EventSourceLike, cache_size: int = 4):
        self.checkpoints = checkpoints
        self.source = source
        self.cache = KeyframeCache(cache_size)
        self._ts = [c.timestamp for c in checkpoints]
        self._first_snapshot: int | None | bool = False  # False: not looked up yet
        #: without checkpoints: where a seek can start instead of the session's first event
        #: (a :class:`~replaydesk.replay.snapshot_start.SnapshotStarts`, set by the session)
        self.snapshot_starts = None

    @property
    def first_snapshot_ts(self) -> int | None:
        """When the first page appears (see the module docstring); None: never."""
        if self._first_snapshot is False:
            self._first_snapshot = first_snapshot_time(self.source)
        return self._first_snapshot

    def effective_time(self, t: int) -> int:
        """The moment a seek to ``t`` shows: ``t``, or the first full snapshot's time
        for any ``t`` before it."""
        first = self.first_snapshot_ts
        return first if first is not None and t < first else t

    def checkpoint_for(self, t: int) -> int:
        """Position of the last checkpoint with ``timestamp <= t`` (-1: none)."""
        return bisect.bisect_right(self._ts, t) - 1

    def seek(self, t: int, current: Mirror | None = None) -> Mirror:
        """Mirror state after every event with ``timestamp <= t``; for a ``t`` before
        the first full snapshot, the state right after it (:meth:`effective_time`).

        If ``current`` is given, is not past ``t`` and is at or after the checkpoint
        that would be restored, it is advanced in place instead (a forward seek within
        one interval, the common case while playing); otherwise a new mirror is built
        and ``current`` is left untouched.
        """
        t = self.effective_time(t)
        pos = self.checkpoint_for(t)
        cp_index = self.checkpoints[pos].event_index if pos >= 0 else -1
        starts = self.snapshot_starts if pos < 0 else None
        if starts is not None:  # no checkpoint: the page visit's FullSnapshot is the start
            cp_index = starts.start_index(t) - 1
        if current is not None and current.timestamp <= t and current.event_index >= cp_index:
            m = current
        elif pos >= 0:
            m = restore_checkpoint(self.checkpoints, pos, self.cache)
        else:
            m = starts.start(t) if starts is not None and cp_index >= 0 else None
            if m is None:
                m = Mirror()
        k = m.event_index
        for ev in _fetch(self.source, m.event_index, t):
            k += 1
            m.apply(ev, k)
        return m


    def pointer_at(self, m: Mirror, t: int, lookahead_ms: int = 500) -> dict | None:
        """Pointer ``{x, y, id}`` at ``t`` for a mirror seeked to ``t``.

        The recorder flushes mouse/touch samples in batches up to 500 ms after they
        happen (docs/rrweb-format.md §3), so the batch holding the samples just before ``t`` usually
        has a timestamp after ``t`` and is not applied yet. This peeks at events up to
        ``t + lookahead_ms`` and takes the newest sample timed ``<= t`` on a known node.
        The mirror itself is not changed (its state stays "all events <= t").
        """
        best = dict(m.side.mouse) if m.side.mouse else None
        best_at = m.side.mouse_ts
        nodes = m.tree.nodes
        for ev in _fetch(self.source, m.event_index, t + lookahead_ms):
            if ev.get("type") == EventType.FULL_SNAPSHOT:
                break  # a new document: later samples refer to other nodes
            d = ev.get("data")
            if ev.get("type") != EventType.INCREMENTAL or not isinstance(d, dict) or d.get("source") not in POINTER_SOURCES:
                continue
            for p in d.get("positions") if isinstance(d.get("positions"), list) else ():
                if not isinstance(p, dict) or p.get("id") not in nodes:
                    continue
                at = ev.get("timestamp", 0) + (p.get("timeOffset") or 0)
                if best_at <= at <= t:
                    best, best_at = {"x": p.get("x"), "y": p.get("y"), "id": p["id"]}, at
        return best


def seek_state(checkpoints: Sequence[Checkpoint], source: EventSourceLike, t: int) -> Mirror:
    """One-shot :meth:`SeekPlanner.seek` (no keyframe cache kept between calls)."""
    return SeekPlanner(checkpoints, source, cache_size=1).seek(t)
