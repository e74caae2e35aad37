"""Seeking before a session's checkpoints exist: start from the page visit's FullSnapshot.

Why: a first open of an hour-long session has no checkpoints until one scan of all its
events ends (10+ s for 300k events), and a seek without them replayed every event from
the start. A FullSnapshot is a complete document, so the state at ``t`` is that of the
last buildable FullSnapshot ``S`` at or before ``t`` plus the events after it up to
``t``: at most one page visit of events, wherever ``t`` is.

Exactly the same state, not an approximation: :meth:`Mirror._full_snapshot` resets the
tree, the side state and the style state, and only three things survive it: the URL and
the viewport (``SideState.reset_document``) and the constructed sheets an
AdoptedStyleSheet event with ``id: -1`` registered since the previous buildable snapshot
``P`` (``StyleState.carry``, which rule edits by ``styleId`` may have changed). So a fresh
mirror is primed with the events of ``(P, S)`` that can set them (Meta, ViewportResize,
AdoptedStyleSheet, StyleSheetRule, StyleDeclaration: on an empty tree the node-keyed ones
change nothing the snapshot keeps) and then gets ``S..t`` as usual. The previous page
visit is only decoded, not replayed; the URL or viewport set before ``P`` is found by
walking further back only when ``(P, S)`` did not set it. The mirror's anomaly counts
cover the events applied, so they differ from a replay from the start (they are
diagnostics, not part of the frame).

The chunks holding a FullSnapshot are flagged in the store (``event_chunks.full_snapshot``),
so finding ``S`` decodes one chunk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..store.chunks import snapshot_chunk_seqs
from .constants import EventType, Source
from .mirror import Mirror
from .seek import is_full_snapshot

if TYPE_CHECKING:  # pragma: no cover
    from .session import StoreEventSource

#: the most events (:meth:`SessionReplay.replay_span`) a seek without checkpoints may replay
#: on the GUI thread; beyond it the player waits for the checkpoints. About 0.5 s at the
#: mirror's 80-90k events/s with the player's scan paused meanwhile (issue 16 bench notes), so
#: a far seek on a first open shows within 1 s. A session where a seek could replay more (a
#: long run of events without a FullSnapshot) is indexed at import (``analysis/importing.py``).
SEEK_MAX_EVENTS = 45_000

#: incremental sources whose effect can outlive a FullSnapshot (see the module docstring)
_CARRY_SOURCES = frozenset((Source.VIEWPORT_RESIZE, Source.ADOPTED_STYLE_SHEET, Source.STYLE_SHEET_RULE,
                            Source.STYLE_DECLARATION))


def _carries(ev: dict) -> bool:
    etype = ev.get("type") if isinstance(ev, dict) else None
    if etype == EventType.META:
        return True
    data = ev.get("data") if etype == EventType.INCREMENTAL else None
    return isinstance(data, dict) and data.get("source") in _CARRY_SOURCES


class SnapshotStarts:
    """Start mirrors for seeks over a :class:`~replaydesk.replay.session.StoreEventSource`
    without checkpoints. Single-threaded, like the source."""

    def __init__(self, source: "StoreEventSource"):
        self.source = source
        pos_of = {c.seq: pos for pos, c in enumerate(source.chunks)}
        #: positions (in ``source.chunks``) of the chunks holding a FullSnapshot
        self.flagged = [pos_of[s] for s in snapshot_chunk_seqs(source.conn, source.session_id) if s in pos_of]
        self._found: dict[int, list[tuple[int, int]]] = {}  # chunk position -> [(index, ts)] of buildable snapshots

    def _snapshots_in(self, pos: int) -> list[tuple[int, int]]:
        got = self._found.get(pos)
        if got is None:
            first = self.source.chunks[pos].first_index
            got = self._found[pos] = [(first + k, ev["timestamp"]) for k, ev in
                                      enumerate(self.source.chunk_events(pos)) if is_full_snapshot(ev)]
        return got

    def snapshot_before(self, t: int | None = None, index: int | None = None) -> int:
        """Event index of the last buildable FullSnapshot with ``timestamp <= t`` (or with
        an event index ``< index``); -1 when there is none."""
        chunks = self.source.chunks
        for pos in reversed(self.flagged):
            if t is not None and chunks[pos].t_start > t:
                continue
            if index is not None and chunks[pos].first_index >= index:
                continue
            for i, ts in reversed(self._snapshots_in(pos)):
                if (t is None or ts <= t) and (index is None or i < index):
                    return i
        return -1

    def start_index(self, t: int) -> int:
        """Index of the FullSnapshot a seek to ``t`` starts from (-1: none, replay from the start)."""
        return self.snapshot_before(t=t)

    def start(self, t: int) -> Mirror | None:
        """A mirror holding exactly the state just before the last buildable FullSnapshot at
        or before ``t`` (``event_index`` = that snapshot's index - 1), or None if there is none."""
        s = self.start_index(t)
        if s < 0:
            return None
        m = Mirror()
        end, need_href, need_viewport = s, True, True
        while True:
            p = self.snapshot_before(index=end)
            # the setters of URL and viewport in (p, end); the carried sheets only from (P, S)
            href, viewport = self._prime(m if end == s else None, p, end)
            if end != s:  # an older visit: only a URL/viewport still unknown is taken from it
                if need_href and href is not None:
                    m.side.href = href
                if need_viewport and viewport is not None:
                    m.side.viewport = viewport
            need_href = need_href and m.side.href is None and href is None
            need_viewport = need_viewport and m.side.viewport is None and viewport is None
            if p < 0 or not (need_href or need_viewport):
                break
            end = p
        m.event_index = s - 1
        return m

    def _prime(self, m: Mirror | None, p: int, end: int) -> tuple[str | None, dict | None]:
        """Apply the carrying events of ``(p, end)`` to ``m``; or, without ``m``, the last
        URL and viewport they set (applied to a scratch mirror)."""
        target = m if m is not None else Mirror()
        k = p
        for ev in self.source.events_between(p, 1 << 62):
            k += 1
            if k >= end:
                break
            if _carries(ev):
                target.apply(ev, k)
        return target.side.href, target.side.viewport
