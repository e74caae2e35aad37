"""Replaying a stored session: the facade the UI and the CLI use.

    replay = open_session_replay(db, "ses_1")          # loads or builds checkpoints
    m = replay.seek(replay.first_ts + 42_000)           # Mirror: state at that moment
    m = replay.seek(t + 16, current=m)                  # playing/dragging: advance in place
    replay.pointer_at(m, t)

Why it costs the same at minute 59 as at second 5: checkpoints (compact mirror
states, :mod:`.checkpoints`) are built once per session by streaming its events from
the store, stored in the ``checkpoints`` table (one transaction, tagged with
:func:`checkpoint_version`) and reused by every later open. A seek restores the
nearest checkpoint and applies at most one checkpoint interval of events, which
:class:`StoreEventSource` reads by decompressing only the chunks overlapping that
interval (chunk metadata is kept in memory, recently decoded chunks are cached).

Stale sets (another engine/state/policy version, or another content hash) are
rebuilt; a replaced or deleted session loses its set by foreign-key cascade.

Threading: a :class:`SessionReplay` (like the mirror) is single-threaded; run it on
one worker with its own connection. Building writes one short transaction; on a
read-only store the set is kept in memory only (``saved`` is False).
"""

from __future__ import annotations

import bisect
import gc
import time
from collections import OrderedDict
from typing import Callable, Iterator, NamedTuple, Sequence

from ..store import StoreBusy, connection_of, read_snapshot, streaming_reads
from ..store.checkpoints_table import (
    StoredCheckpoint, checkpoint_set_info, has_checkpoints, load_checkpoints, save_checkpoints, session_head, session_span,
)
from ..store.chunks import ChunkInfo, SessionChanged, chunk_directory, iter_events_from_index, read_chunk
from ..work import Cancelled
from .checkpoints import Checkpoint, CheckpointBuilder, CheckpointPolicy
from .codec import FORMAT_VERSION
from .mirror import Mirror
from .seek import SeekPlanner
from .snapshot_start import SnapshotStarts

#: Bump whenever the mirror's behaviour changes in a way that changes stored states
#: (a fix in mutation/side/styles handling, a new field...): stored sets are rebuilt.
ENGINE_VERSION = 3  # 2: focus_pointer in the side state; 3: a <style> losing its text child drops CSSOM edits

DEFAULT_POLICY = CheckpointPolicy()

ProgressFn = Callable[[int, int], None]
"""``progress(events_done, events_total)`` while checkpoints are built."""

_PROGRESS_EVERY = 4096
#: ``cancel()`` is asked this often: the player's scan also waits there while a seek
#: replays on the GUI thread (``ui/session_loader.py``), so it must yield within a few ms
_CHECK_EVERY = 512


class SessionNotFound(LookupError):
    pass


class BuildResult(NamedTuple):
    checkpoints: list[Checkpoint]
    #: the set is in the store (False: read-only store, or the session changed meanwhile)
    saved: bool
    #: content hash of the session the events were read from
    content_hash: str
    events: int
    seconds: float


def checkpoint_version(policy: CheckpointPolicy = DEFAULT_POLICY) -> str:
    """The tag stored with a checkpoint set: engine, state format and policy."""
    return (f"rdcp{ENGINE_VERSION}.state{FORMAT_VERSION}/{policy.interval_ms}ms/{policy.max_events}ev/"
            f"k{policy.keyframe_ratio:g}/z{policy.level}")


class StoreEventSource:
    """:class:`~replaydesk.replay.seek.EventSource` over a session's stored chunks.

    ``events_between(after_index, t)`` finds the chunk holding event
    ``after_index + 1`` by bisecting the in-memory chunk directory and decodes only
    the chunks it walks through, stopping at the first chunk starting after ``t``.
    The last ``cache_chunks`` decoded chunks are kept (playing and dragging reuse
    them). Counters ``events_served``, ``chunks_decoded`` and ``events_decoded``
    are for tests and benchmarks.

    With ``content_hash`` every chunk read checks that the session still has that
    content and raises :class:`~replaydesk.store.chunks.SessionChanged`
    otherwise (the session was re-imported with other events while open).
    """

    def __init__(self, db, session_id: str, *, content_hash: str | None = None, cache_chunks: int = 2):
        self.conn = connection_of(db)
        self.session_id = session_id
        self.content_hash = content_hash
        self.chunks: list[ChunkInfo] = chunk_directory(self.conn, session_id)
        self._first = [c.first_index for c in self.chunks]
        self.n_events = self.chunks[-1].first_index + self.chunks[-1].n_events if self.chunks else 0
        self.stored_bytes = sum(c.stored_bytes for c in self.chunks)
        self.max_chunk_events = max((c.n_events for c in self.chunks), default=0)
        self._cache: OrderedDict[int, list[dict]] = OrderedDict()
        self._cache_size = max(1, cache_chunks)
        self.events_served = 0
        self.chunks_decoded = 0
        self.events_decoded = 0

    def __len__(self) -> int:
        return self.n_events

    def chunk_events(self, pos: int) -> list[dict]:
        """Decoded events of ``self.chunks[pos]`` (cached like the seeks' reads); read-only."""
        return self._chunk(pos)

    def _chunk(self, pos: int) -> list[dict]:
        events = self._cache.get(pos)
        if events is not None:
            self._cache.move_to_end(pos)
            return events
        events = read_chunk(self.conn, self.session_id, self.chunks[pos].seq, self.content_hash)
        self.chunks_decoded += 1
        self.events_decoded += len(events)
        self._cache[pos] = events
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return events

    def events_between(self, after_index: int, t: int) -> Iterator[dict]:
        start = max(after_index + 1, 0)
        if start >= self.n_events:
            return iter(())
        return self._walk(start, t)

    def _walk(self, start: int, t: int) -> Iterator[dict]:
        pos = max(0, bisect.bisect_right(self._first, start) - 1)
        chunks = self.chunks
        while pos < len(chunks):
            info = chunks[pos]
            if info.t_start > t:
                return
            events = self._chunk(pos)
            for k in range(max(0, start - info.first_index), len(events)):
                ev = events[k]
                if ev["timestamp"] > t:
                    return
                self.events_served += 1
                yield ev
            pos += 1

    def iter_from(self, first_index: int = 0) -> Iterator[tuple[int, dict]]:
        """``(index, event)`` from ``first_index`` to the end, one chunk in memory at a time."""
        return iter_events_from_index(self.conn, self.session_id, first_index)


def _to_rows(checkpoints: Sequence[Checkpoint]) -> list[tuple[int, int, bool, int, bytes]]:
    """Store rows ``(timestamp, event_index, is_keyframe, keyframe_seq, data)``."""
    rows = []
    key_seq: dict[int, int] = {}  # keyframe event_index -> seq of the latest keyframe there
    for seq, cp in enumerate(checkpoints):
        if cp.is_keyframe:
            key_seq[cp.event_index] = seq
            rows.append((cp.timestamp, cp.event_index, True, seq, cp.data))
        else:
            rows.append((cp.timestamp, cp.event_index, False, key_seq[cp.keyframe_index], cp.data))
    return rows


def _from_rows(rows: Sequence[StoredCheckpoint]) -> list[Checkpoint] | None:
    cps = [Checkpoint(r.timestamp, r.event_index, bytes(r.data)) for r in rows]
    for r, cp in zip(rows, cps):  # the blobs must agree with the stored structure
        if cp.is_keyframe != r.is_keyframe or cp.keyframe_index != cps[r.keyframe_seq].event_index:
            return None
    return cps


def build_session_checkpoints(
    db,
    session_id: str,
    *,
    policy: CheckpointPolicy = DEFAULT_POLICY,
    progress: ProgressFn | None = None,
    cancel: Callable[[], bool] | None = None,
    save: bool = True,
    observe: Callable[[dict, Mirror], None] | None = None,
) -> BuildResult:
    """Scan the session's stored events once (streamed chunk by chunk, never all in
    memory) and build its checkpoints; with ``save``, store them (replacing any older
    set) in one transaction.

    ``observe(event, mirror)`` is called with every event and the builder's mirror
    *before* the event is applied, so a pass that needs the page as it was at each
    event (the inspector's summaries) rides on this scan instead of replaying the
    session a second time.

    ``saved`` in the result is False when the store is read-only or the session was
    replaced meanwhile. Raises :class:`~replaydesk.store.Cancelled`
    when ``cancel()`` turns true (nothing is written) and :class:`SessionNotFound`.
    """
    t0 = time.perf_counter()
    if cancel is not None and cancel():
        raise Cancelled()
    conn = connection_of(db)
    # read once, chunk by chunk: no mmap and a small page cache (the pages it read would
    # otherwise stay mapped on this connection, the writer's: the whole session)
    with streaming_reads(conn), read_snapshot(conn):  # the hash and the events belong together
        head = session_head(conn, session_id)
        if head is None:
            raise SessionNotFound(session_id)
        content_hash, total = head
        builder = CheckpointBuilder(policy)
        feed = builder.feed
        done = 0
        events = iter_events_from_index(conn, session_id, 0)
        try:
            mirror = builder.mirror
            for i, ev in events:
                if observe is not None:
                    observe(ev, mirror)
                feed(ev, i)
                done += 1
                if not done % _CHECK_EVERY:
                    if cancel is not None and cancel():
                        raise Cancelled()
                    if progress is not None and not done % _PROGRESS_EVERY:
                        progress(done, total)
        finally:
            events.close()  # finalizes the chunk cursor before the read transaction ends
    cps = builder.finish()
    if progress is not None:
        progress(done, total)
    saved = False
    if save:
        try:
            saved = save_checkpoints(conn, session_id, checkpoint_version(policy), content_hash, _to_rows(cps))
        except StoreBusy as exc:  # read-only store, or a writer holding the lock too long
            if "readonly" not in str(exc).replace(" ", "").lower() and "locked" not in str(exc).lower():
                raise
    return BuildResult(cps, saved, content_hash, done, time.perf_counter() - t0)


class SessionReplay:
    """One stored session ready for seeking. See the module docstring.

    Attributes: ``session_id``, ``first_ts``/``last_ts`` (absolute ms of the first and
    last event), ``event_count``, ``checkpoints``, ``source`` (:class:`StoreEventSource`),
    ``planner`` (:class:`SeekPlanner`), ``policy``, ``version``, ``status``
    (``"cached"`` loaded from the store, ``"built"`` none were stored, ``"rebuilt"``
    the stored set was stale, ``"missing"`` none stored and ``build_if_missing`` was
    False: seeks then replay from the page visit's FullSnapshot, :mod:`.snapshot_start`), ``saved`` (the built set is in the
    store) and ``build_seconds``.
    """

    def __init__(self, db, session_id: str, checkpoints: Sequence[Checkpoint], *, policy: CheckpointPolicy,
                 status: str, saved: bool = False, build_seconds: float = 0.0, info: tuple | None = None):
        conn = connection_of(db)
        if info is None:
            info = _session_row(conn, session_id)
        self.conn = conn
        self.session_id = session_id
        self.first_ts, self.last_ts, self.event_count, self.content_hash = info
        self.checkpoints = list(checkpoints)
        self.policy = policy
        self.version = checkpoint_version(policy)
        self.status = status
        self.saved = saved
        self.build_seconds = build_seconds
        self.source = StoreEventSource(conn, session_id, content_hash=self.content_hash)
        self.planner = SeekPlanner(self.checkpoints, self.source)
        if not self.checkpoints:  # "missing": seeks start at the page visit's FullSnapshot
            self.planner.snapshot_starts = SnapshotStarts(self.source)
        #: pause the cyclic garbage collector during a seek (see :meth:`seek`)
        self.pause_gc = True

    @property
    def has_checkpoints(self) -> bool:
        return bool(self.checkpoints)

    @property
    def duration_ms(self) -> int:
        return self.last_ts - self.first_ts

    @property
    def checkpoint_bytes(self) -> int:
        return sum(len(c.data) for c in self.checkpoints)

    def seek(self, t_abs: int, current: Mirror | None = None) -> Mirror:
        """Mirror state after every event with ``timestamp <= t_abs`` (absolute ms);
        before the first full snapshot, the state right after it (the first page).

        Pass the mirror of the previous seek as ``current`` while playing or dragging:
        a forward seek within one checkpoint interval then advances it in place
        (and returns it); otherwise a new mirror is returned and ``current`` is untouched.

        A seek allocates tens of thousands of small containers (decoded events, the
        restored tree), which can trigger full cyclic-GC passes over the whole heap in
        the middle of it (the p95/max tail). With ``pause_gc`` (default True) the
        collector is paused for the seek, a bounded amount of work, and resumed after.
        """
        if not self.pause_gc or not gc.isenabled():
            return self.planner.seek(t_abs, current)
        gc.disable()
        try:
            return self.planner.seek(t_abs, current)
        finally:
            gc.enable()

    def replay_span(self, t_abs: int, current: Mirror | None = None) -> int:
        """About how many events a seek to ``t_abs`` applies (an upper bound, from the chunk
        directory): with checkpoints at most one interval; without, those from the page
        visit's FullSnapshot on (:mod:`.snapshot_start`), or from ``current`` when the seek
        would advance that mirror in place (playing, dragging forward). Lets a caller on the
        GUI thread decide whether a seek is cheap enough before the checkpoints exist."""
        t = self.effective_time(t_abs)
        pos = self.planner.checkpoint_for(t)
        if pos >= 0:
            start = self.checkpoints[pos].event_index
        elif self.planner.snapshot_starts is not None:
            start = max(self.planner.snapshot_starts.start_index(t), 0)
        else:
            start = 0
        if current is not None and current.timestamp <= t and current.event_index >= start - 1:
            start = current.event_index + 1  # SeekPlanner.seek's in-place case
        src = self.source
        k = bisect.bisect_right([c.t_start for c in src.chunks], t) - 1
        end = src.chunks[k].first_index + src.chunks[k].n_events if k >= 0 else 0
        return max(0, end - start)

    @property
    def first_snapshot_ts(self) -> int | None:
        """Absolute ms of the first full snapshot: the first page there is to show.
        A seek before it shows it (as rrweb does); None when the session has none."""
        return self.planner.first_snapshot_ts

    def effective_time(self, t_abs: int) -> int:
        """The moment a seek to ``t_abs`` shows (see :meth:`SeekPlanner.effective_time`)."""
        return self.planner.effective_time(t_abs)

    def pointer_at(self, m: Mirror, t_abs: int, lookahead_ms: int = 500) -> dict | None:
        """Pointer ``{x, y, id}`` at ``t_abs`` for a mirror seeked to ``t_abs``
        (see :meth:`SeekPlanner.pointer_at`)."""
        return self.planner.pointer_at(m, t_abs, lookahead_ms)


def _session_row(conn, session_id: str) -> tuple[int, int, int, str]:
    row = session_span(conn, session_id)
    if row is None:
        raise SessionNotFound(session_id)
    return row


def open_session_replay(
    db,
    session_id: str,
    *,
    build_if_missing: bool = True,
    progress: ProgressFn | None = None,
    cancel: Callable[[], bool] | None = None,
    policy: CheckpointPolicy = DEFAULT_POLICY,
) -> SessionReplay:
    """Open ``session_id`` for seeking: load its stored checkpoints when they are
    current (same version and content), else build and store them (see
    :func:`build_session_checkpoints`; ``progress``/``cancel`` apply to the build).

    Raises :class:`SessionNotFound` and :class:`~replaydesk.store.Cancelled`.
    """
    conn = connection_of(db)
    info = _session_row(conn, session_id)
    version = checkpoint_version(policy)
    stored = load_checkpoints(conn, session_id, version, info[3])
    cps = _from_rows(stored) if stored is not None else None
    if cps is not None:
        return SessionReplay(conn, session_id, cps, policy=policy, status="cached", info=info)
    stale = has_checkpoints(conn, session_id)
    if not build_if_missing:
        return SessionReplay(conn, session_id, [], policy=policy, status="missing", info=info)
    for _ in range(3):
        res = build_session_checkpoints(conn, session_id, policy=policy, progress=progress, cancel=cancel)
        info = _session_row(conn, session_id)  # the build read a snapshot; the source must match it
        if info[3] == res.content_hash:
            return SessionReplay(conn, session_id, res.checkpoints, policy=policy,
                                 status="rebuilt" if stale else "built", saved=res.saved,
                                 build_seconds=res.seconds, info=info)
    raise SessionChanged(f"session {session_id!r} keeps changing while its checkpoints are built")


def ensure_checkpoints(db, session_id: str, *, policy: CheckpointPolicy = DEFAULT_POLICY,
                       progress: ProgressFn | None = None, cancel: Callable[[], bool] | None = None) -> str:
    """Build and store the session's checkpoints unless a current set is stored (for
    the importer's ``on_session`` hook, "built at import"). Returns ``"cached"``,
    ``"built"`` or ``"rebuilt"``."""
    conn = connection_of(db)
    content_hash = _session_row(conn, session_id)[3]
    have = checkpoint_set_info(conn, session_id)
    if have is not None and have.version == checkpoint_version(policy) and have.content_hash == content_hash:
        return "cached"
    stale = have is not None
    build_session_checkpoints(conn, session_id, policy=policy, progress=progress, cancel=cancel)
    return "rebuilt" if stale else "built"
