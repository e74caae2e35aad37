"""What the replay pane shows beside the replay: the timeline and the inspector rows.

Both need a pass over every event, and the inspector also needs the DOM mirror as
it was at each event (to name click targets). On a 60-minute, 300,000-event
session that pass takes seconds, so:

* :class:`ViewsBuilder` is fed ``(event, mirror)`` by a pass that replays the
  session anyway (the checkpoint scan, see ``build_session_checkpoints``'s
  ``observe``), instead of replaying it a second time;
* the result is stored once per session content (:func:`save_views`, the
  store's ``derived`` table) and loaded in milliseconds on the next open
  (:func:`load_views`). ``VIEWS_VERSION`` changes whenever the rules of
  :mod:`.activity` or :mod:`.events` change what they produce, so old blobs are
  rebuilt rather than shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

import numpy as np
import orjson
import zstandard

from ..store.derived import has_derived, load_derived, save_derived
from .activity import Marker, SessionTimeline, TimelineBuilder
from .events import EventRow, EventSummarizer

#: bump when the timeline or the inspector summaries change for the same events
#: (views-2: element text separated at block elements, replay/selectors.py;
#: views-3: TouchMove ends inactivity like the store's active time, console text read by
#: rrweb.console_message, one tap rule; views-4: the activity histogram stops at 31 days of
#: bins, activity.MAX_BINS: only sessions longer than that differ)
VIEWS_VERSION = "views-4"
KIND = "player-views"
_FORMAT = 1


class SessionViews(NamedTuple):
    timeline: SessionTimeline
    rows: list[EventRow]


class ViewsBuilder:
    """Feed every event with the mirror *before* the event is applied; then ``finish()``."""

    def __init__(self, session_id: str | None = None):
        self._timeline = TimelineBuilder(session_id)
        self._summarizer: EventSummarizer | None = None

    def feed(self, event: dict, mirror) -> None:
        if self._summarizer is None:
            self._summarizer = EventSummarizer(event.get("timestamp", 0))
        self._summarizer.feed(event, mirror)
        self._timeline.feed(event)

    def finish(self) -> SessionViews:
        return SessionViews(self._timeline.finish(), self._summarizer.rows if self._summarizer else [])


def span_timeline(session_id: str, t0: int, t1: int, page_times: Iterable[int] = ()) -> SessionTimeline:
    """What the store's session row knows before the events are read: the seekable span
    (absolute ``t0``/``t1``) and the page loads (ms after ``t0``), no activity or markers.
    The player shows it at open; the views' timeline replaces it (same id and duration)."""
    pages = np.asarray(sorted(int(t) for t in page_times), dtype=np.int64)
    return SessionTimeline(int(t0), int(t1), np.zeros(0, dtype=np.int32), (), (), pages, pages, session_id)


def build_views(events: Iterable[dict], session_id: str | None = None, *,
                check: Callable[[], None] | None = None) -> SessionViews:
    """Replay ``events`` (time-ordered) through a fresh mirror, feeding a :class:`ViewsBuilder`.

    ``check`` is called every few thousand events (it raises to cancel)."""
    from ..replay import Mirror

    mirror = Mirror()
    builder = ViewsBuilder(session_id)
    for i, e in enumerate(events):
        builder.feed(e, mirror)
        mirror.apply(e)
        if check is not None and i % 2000 == 0:
            check()
    return builder.finish()


# -- storage -------------------------------------------------------------------

def encode_views(views: SessionViews) -> bytes:
    tl = views.timeline
    doc = {
        "format": _FORMAT,
        "t0": tl.t0,
        "t1": tl.t1,
        "session_id": tl.session_id,
        "activity": tl.activity.astype(np.int32).tolist(),
        "inactive": [list(s) for s in tl.inactive_spans],
        "markers": [[m.t, m.kind, m.label, dict(m.detail)] for m in tl.markers],
        "event_times": tl.event_times.astype(np.int64).tolist(),
        "page_times": tl.page_times.astype(np.int64).tolist(),
        "rows": [[r.t, r.kind, r.summary, r.node_id, r.count] for r in views.rows],
    }
    return zstandard.ZstdCompressor(level=3).compress(orjson.dumps(doc))


def decode_views(data: bytes) -> SessionViews:
    """Inverse of :func:`encode_views`; raises ``ValueError`` on a blob it cannot read."""
    # one str object per distinct kind, summary and label: JSON gives a copy per row, and the
    # 60-minute benchmark session's 51,800 rows and 6,200 markers have 154 distinct ones
    # (18.5 -> 10.5 MB of objects kept while the session is open, issue 16)
    same = {}.setdefault
    try:
        doc = orjson.loads(zstandard.ZstdDecompressor().decompress(data))
        if doc.get("format") != _FORMAT:
            raise ValueError(f"views format {doc.get('format')!r}")
        timeline = SessionTimeline(
            t0=int(doc["t0"]),
            t1=int(doc["t1"]),
            activity=np.asarray(doc["activity"], dtype=np.int32),
            inactive_spans=tuple((int(s), int(e)) for s, e in doc["inactive"]),
            markers=tuple(Marker(t, same(kind, kind), same(label, label), detail)
                          for t, kind, label, detail in doc["markers"]),
            event_times=np.asarray(doc["event_times"], dtype=np.int64),
            page_times=np.asarray(doc["page_times"], dtype=np.int64),
            session_id=doc["session_id"],
        )
        rows = [EventRow(t, same(kind, kind), same(summary, summary), node_id, count)
                for t, kind, summary, node_id, count in doc["rows"]]
    except (zstandard.ZstdError, orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"unreadable stored views: {exc}") from exc
    return SessionViews(timeline, rows)


def load_views(db, session_id: str, content_hash: str | None = None) -> SessionViews | None:
    """The stored views of the session's current content, or ``None`` (build them)."""
    data = load_derived(db, session_id, KIND, VIEWS_VERSION, content_hash)
    if data is None:
        return None
    try:
        return decode_views(data)
    except ValueError:
        return None  # a damaged blob is rebuilt and overwritten, never shown


def has_views(db, session_id: str) -> bool:
    return has_derived(db, session_id, KIND, VIEWS_VERSION)


def save_views(db, session_id: str, content_hash: str, views: SessionViews) -> bool:
    """Store ``views`` if the session still has ``content_hash`` (single writer)."""
    return save_derived(db, session_id, KIND, VIEWS_VERSION, content_hash, encode_views(views))
