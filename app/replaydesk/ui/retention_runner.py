"""Preferences > Privacy > "Delete sessions older than N days" (issue 14), in the window.

The same deletion as ``replaydesk prune --older-than DAYS`` (store/retention.py: the
sessions, everything derived from them and their notes, then a compaction so that none of
their bytes stay in the file). Why at start and after each import, not on a timer: those
are the moments sessions can have become old or arrived old (an archive recorded months
ago), and a window left open for days picks the rule up at the next import. Why on the
single writer thread: the deletes and the ``VACUUM`` are writes, queued behind an import
like any other, and a large store's compaction takes seconds the GUI must not wait for.
Off (0 days) deletes nothing, and is the default.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, Signal

from ..store import Store
from ..store.retention import erase_sessions, sessions_older_than
from .tasks import op

log = logging.getLogger(__name__)

SETTING = "store/retention_days"
MAX_DAYS = 36_500


def prune_older_than(db, days: float, now_ms: int) -> list[str]:
    """Writer thread: erase the sessions that started more than ``days`` days before ``now_ms``."""
    ids = sessions_older_than(db.conn, days, now_ms)
    if ids:
        erase_sessions(db, ids)
    return ids


def _on_writer(db_path: str, days: float, now_ms: int) -> list[str]:
    return Store.shared(db_path).write(prune_older_than, days, now_ms)


def retention_message(n: int, days: int) -> str:
    return f"Retention: deleted {n} session{'s' if n != 1 else ''} older than {days} day{'s' if days != 1 else ''}"


def retention_days(settings) -> int:
    try:
        days = int(settings.get(SETTING) or 0)
    except (TypeError, ValueError):
        return 0
    return min(MAX_DAYS, max(0, days))


class Retention(QObject):
    """Runs the retention rule of ``window.settings`` for ``window``'s store; ``pruned(ids)``
    after a run that deleted something (the list, the player and the status bar follow)."""

    pruned = Signal(list)

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self._running = False
        self._again = False

    def run(self) -> bool:
        """Apply the rule now (in the background); False when it is off."""
        days = retention_days(self.w.settings)
        if days <= 0:
            return False
        if self._running:  # one run at a time; the rule as it is then runs once more
            self._again = True
            return True
        self._running = True
        now_ms = int(time.time() * 1000)
        self._pause_if_doomed(days, now_ms)
        op(_on_writer, str(self.w.db_path), float(days), now_ms).on_writer() \
            .on_success(lambda ids: self._done(ids, days)).on_failure(self._failed).run()
        return True

    def _pause_if_doomed(self, days: int, now_ms: int) -> None:
        """The session being watched is about to go: stop playing it, and drop the answers
        of its loading jobs (an index built just before the delete would read rows that are
        gone by the time it reaches the GUI thread), before its rows go."""
        sid = self.w.sessions.current_session()
        if sid is None:
            return
        row = self.w.db.conn.execute("SELECT started_at FROM sessions WHERE id = ?", (sid,)).fetchone()
        if row is not None and row[0] < now_ms - days * 86_400_000:
            self.w.player.state.pause()
            self.w.player.loader.start()

    def _done(self, ids: list[str], days: int) -> None:
        self._running = False
        if ids:
            w = self.w
            w.sessions.model.refresh()
            w._update_empty_state()
            if w.notes.state.session_id in ids:
                w.notes.open_session(None)
                w.player.set_empty_hint("The session was deleted by the retention rule (Preferences). "
                                        "Select another session to replay it.")
            text = retention_message(len(ids), days)
            shown = w.statusBar().currentMessage()
            if shown.startswith("Import:"):  # keep the import's summary beside it
                text = f"{shown} · {text}"
            w.statusBar().showMessage(text, 15_000)
            log.info("retention: deleted %d sessions older than %d days", len(ids), days)
            self.pruned.emit(list(ids))
        self._rerun()

    def _failed(self, exc: BaseException) -> None:
        self._running = False
        log.error("retention failed", exc_info=exc)
        self.w.statusBar().showMessage(f"Retention: deleting old sessions failed: {exc}", 15_000)
        self._rerun()

    def _rerun(self) -> None:
        if self._again:
            self._again = False
            self.run()
