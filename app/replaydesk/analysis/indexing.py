"""Indexing one stored session for the player: checkpoints, views and named signals.

Qt-free; the GUI runs these as jobs (``ui/session_loader.py``): :func:`index_session`
on the single writer with the :class:`~replaydesk.store.Store`'s writer connection,
:func:`load_or_build_views` on the pool with a thread's reader.

The first open of a session scans its events *once*: the checkpoint builder's
mirror feeds the views (timeline and inspector rows) and the frustration-signal
attribution (the mirror names the clicked elements; the import's pass could not),
so nothing replays the session a second time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ..replay.session import SessionNotFound, build_session_checkpoints
from ..store import StoreBusy, iter_events, read_snapshot
from ..store.checkpoints_table import session_content_hash
from ..store.chunks import SessionChanged
from ..work import CancelToken
from .signals_store import MirrorSignals
from .views import ViewsBuilder, build_views, load_views, save_views

log = logging.getLogger(__name__)


def load_or_build_views(db, session_id: str, token: CancelToken | None = None):
    """The session's stored views, else built by replaying its events.

    Returns ``(views, content_hash)``; the hash is set only when the views were
    built here and should be stored (by the writer: :func:`store_views`)."""
    views = load_views(db, session_id)
    if views is not None:
        return views, None
    with read_snapshot(db):  # the hash and the events belong together
        content_hash = session_content_hash(db, session_id)
        if content_hash is None:
            raise SessionNotFound(session_id)
        check = token.check if token is not None else None
        views = build_views(iter_events(db.conn, session_id), session_id, check=check)
    return views, content_hash


def index_session(db, session_id: str, *, with_views: bool, token: CancelToken | None = None,
                  progress: Callable[[int, int], None] | None = None, wait: Callable[[], None] | None = None,
                  cancelled: Callable[[], bool] | None = None):
    """Writer: build and store the session's checkpoints and, in the same scan, its
    views (``with_views``) and its attributed frustration signals. Returns the views
    or ``None``. A session replaced while it is read is scanned again (three tries).

    ``wait()`` is called at the scan's cancel checks (every few hundred events) and may
    block: the player pauses the scan there while the user waits on a seek replayed
    without checkpoints (``ui/session_loader.py: ScanGate``). ``cancelled()`` (the
    import's predicate) stops the scan like ``token``."""
    def cancel() -> bool:
        if wait is not None:
            wait()
        return (token is not None and token.cancelled) or (cancelled is not None and cancelled())
    for _ in range(3):
        views = ViewsBuilder(session_id) if with_views else None
        signals = MirrorSignals()

        def observe(event, mirror, views=views, signals=signals):
            signals.feed(event, mirror)
            if views is not None:
                views.feed(event, mirror)

        res = build_session_checkpoints(db, session_id, cancel=cancel, observe=observe, progress=progress)
        if session_content_hash(db, session_id) != res.content_hash:
            continue  # replaced while we read it: scan the new content
        try:
            signals.save(db, session_id, res.content_hash)
        except StoreBusy as exc:  # read-only or busy: the import's findings stay
            log.warning("could not store the named signals of %s: %s", session_id, exc)
        if views is None:
            return None
        built = views.finish()
        store_views(db, session_id, res.content_hash, built)
        return built
    raise SessionChanged(f"session {session_id!r} keeps changing while it is indexed")


def store_views(db, session_id: str, content_hash: str, views) -> None:
    """Writer: keep views for the next open (a read-only or busy store: rebuilt next time)."""
    try:
        save_views(db, session_id, content_hash, views)
    except StoreBusy as exc:
        log.warning("could not cache the views of %s: %s", session_id, exc)
