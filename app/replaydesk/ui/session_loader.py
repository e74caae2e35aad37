"""The player's background jobs for one open session, and which session they belong to.

Opening a session starts a new *generation*: the previous session's jobs are
cancelled, and their results (which may still arrive: a job cannot be stopped
mid-statement) are recognised as stale by their generation number and dropped by
the caller. The jobs themselves are Qt-free functions of
:mod:`replaydesk.analysis.indexing` and :mod:`replaydesk.store`, run through
:func:`~replaydesk.ui.tasks.op` with the :class:`~replaydesk.store.Store`'s
connections: the writer connection for writes (one, reused: no reopening or
migration check per write), a thread's reader for reads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import contextmanager

from ..analysis.indexing import index_session, load_or_build_views, store_views
from ..analysis.views import load_views
from ..store import Store
from ..store.signals import session_findings
from .tasks import TaskHandle, op


#: the scan never waits longer than this for one pause (a safety net: pauses are short)
SCAN_PAUSE_MAX_S = 2.0


class ScanGate:
    """Lets the open session's checkpoint scan (writer thread) step aside while the user
    waits on something else: a seek replayed on the GUI thread before the checkpoints exist,
    or the cached views being read. Both are Python work competing with the scan for the
    GIL, which halves their speed (a 40k-event seek: ~0.5 s alone, ~1 s beside the scan);
    the scan waits at its next cancel check (every few hundred events) while any pause is
    held, releasing the GIL. Thread-safe; pauses nest."""

    def __init__(self):
        self._cond = threading.Condition()
        self._held = 0

    @contextmanager
    def paused(self):
        with self._cond:
            self._held += 1
        try:
            yield
        finally:
            with self._cond:
                self._held -= 1
                self._cond.notify_all()

    def wait(self) -> None:
        """Scan side: return once no pause is held (or after ``SCAN_PAUSE_MAX_S``)."""
        with self._cond:
            if self._held:
                self._cond.wait_for(lambda: not self._held, SCAN_PAUSE_MAX_S)


class SessionLoader:
    """Runs and cancels the open session's jobs; ``generation`` names the open session."""

    def __init__(self, store: Store):
        self.store = store
        self.generation = 0
        self.jobs: list[TaskHandle] = []
        #: the scan pauses while this is held (``with loader.gate.paused(): ...``)
        self.gate = ScanGate()

    def start(self) -> int:
        """A new session opens: cancel the previous one's jobs. Returns its generation."""
        self.cancel()
        self.jobs = []
        self.generation += 1
        return self.generation

    def current(self, gen: int) -> bool:
        return gen == self.generation

    def cancel(self) -> None:
        for job in self.jobs:
            job.cancel()

    def _keep(self, handle: TaskHandle) -> TaskHandle:
        self.jobs.append(handle)
        return handle

    def load_views(self, sid: str, done: Callable, failed: Callable) -> TaskHandle:
        """Pool: the stored views, else built from the events -> ``done((views, hash))``."""
        store = self.store

        def job(task):
            db = store.reader()
            with self.gate.paused():  # stored views load in ~0.1-0.5 s alone, seconds beside the scan
                views = load_views(db, sid)
            if views is not None:
                return views, None
            return load_or_build_views(db, sid, task.token)  # a build does not hold the scan

        return self._keep(op(job).on_success(done).on_failure(failed).run())

    def index(self, sid: str, with_views: bool, progress: Callable, done: Callable, failed: Callable) -> TaskHandle:
        """Writer: checkpoints (+ views) and named signals in one scan -> ``done(views | None)``."""
        store = self.store

        def job(task):
            return store.write(index_session, sid, with_views=with_views, token=task.token,
                               progress=lambda d, t: task.progress((d, t)), wait=self.gate.wait)

        return self._keep(op(job).on_writer().on_progress(progress).on_success(done).on_failure(failed).run())

    def load_findings(self, sid: str, done: Callable, failed: Callable) -> TaskHandle:
        """Pool: the session's stored frustration signals (one indexed read)."""
        store = self.store
        return self._keep(op(lambda: store.read(session_findings, sid)).on_success(done).on_failure(failed).run())

    def store_views(self, sid: str, content_hash: str, views) -> TaskHandle:
        """Writer: keep views built on the pool for the next open (not cancelled with the session)."""
        store = self.store
        return op(lambda: store.write(store_views, sid, content_hash, views)).on_writer().run()
