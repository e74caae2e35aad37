"""The import the app runs: the store's ingest plus the analysis passes that ride on it.

``store.import_paths`` cannot know about analysis (layering: store/ sits below
analysis/), so it takes generic per-session observers; this is where the app's
observers are chosen. The CLI and the GUI import through :func:`import_paths` so that
every session lands with its frustration signals (see :mod:`.signals_store`).

A session with a long run of events without a FullSnapshot (a single-page recording
of an hour: hundreds of thousands of events on one document) is also indexed here,
right after it is stored (checkpoints, views and named signals: the scan the player
would run on its first open, :func:`~.indexing.index_session`). Why: before its
checkpoints exist a seek replays from the page visit's FullSnapshot
(``replay/snapshot_start.py``), which is fast for every session except those; without
this, a far seek in one waited for the whole scan on the first open (10-17 s for
300k events). Only those sessions pay it (4-5x their import time; issue 16 bench
notes); for the others one query on the chunk directory decides, and they import
as before.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from ..replay.snapshot_start import SEEK_MAX_EVENTS
from ..store import ImportReport, StoreBusy
from ..store import import_paths as store_import_paths
from ..store.chunks import SessionChanged, chunk_directory, snapshot_chunk_seqs
from .indexing import index_session
from .signals import SignalSettings
from .signals_store import import_observer

log = logging.getLogger(__name__)


def longest_snapshot_run(db, session_id: str) -> int:
    """The most events a seek without checkpoints can replay in the stored session: from a
    chunk holding a FullSnapshot to the end of the chunk holding the next one (or of the
    session), the bound ``SessionReplay.replay_span`` reaches. Read from the chunk directory
    (no event decoded), so the import pays nothing per event for it."""
    chunks = chunk_directory(db, session_id)
    flagged = set(snapshot_chunk_seqs(db, session_id))
    starts = [c for c in chunks if c.seq in flagged]
    if not chunks:
        return 0
    total = chunks[-1].first_index + chunks[-1].n_events
    ends = [b.first_index + b.n_events for b in starts[1:]] + [total]
    return max((end - a.first_index for a, end in zip(starts, ends)), default=total)


def import_paths(db, paths: list, *, signal_settings: SignalSettings | None = None, observers=(),
                 on_session=None, cancel=None, progress=None, index_long_runs: bool = True,
                 **kwargs) -> ImportReport:
    """``store.import_paths`` with the signals observer (thresholds: ``signal_settings``,
    default those the store's findings were last computed with), indexing the sessions
    whose :func:`longest_snapshot_run` is over ``SEEK_MAX_EVENTS`` (``index_long_runs``;
    see the module docstring) before ``on_session`` hears of them. Other keyword
    arguments (limits, policy...) pass through. While a session is indexed, ``progress``
    hears the last file position again with a ``note`` ("indexing for fast seeks 40%"):
    the scan takes seconds for an hour of events, and a bar that stood still would look
    hung."""
    last: list = [None]

    def reported(p) -> None:
        last[0] = p
        if progress is not None:
            progress(p)

    def landed(sid: str) -> None:
        if index_long_runs and longest_snapshot_run(db, sid) > SEEK_MAX_EVENTS:
            _index(db, sid, cancel, _index_progress(progress, last[0]))
        if on_session is not None:
            on_session(sid)

    return store_import_paths(db, paths, observers=(import_observer(db, signal_settings), *observers),
                              on_session=landed, cancel=cancel, progress=reported, **kwargs)


def _index_progress(progress, at):
    """``progress(events_done, events_total)`` of the scan, as the import's progress at ``at``."""
    if progress is None or at is None:
        return None

    def report(done: int, total: int) -> None:
        progress(replace(at, note=f"indexing for fast seeks {100 * done // max(total, 1)}%"))
    return report


def _index(db, sid: str, cancel, progress=None) -> None:
    """The player's first-open scan, now (a cancelled import stops it: ``Cancelled``)."""
    try:
        index_session(db, sid, with_views=True, cancelled=cancel, progress=progress)
    except (*StoreBusy, SessionChanged) as exc:  # the session is stored: its first open indexes it
        log.warning("could not index %s at import: %s", sid, exc)
