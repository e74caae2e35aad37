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

from collections.abc import Callable

from ..analysis.indexing import index_session, load_or_build_views, store_views
from ..store import Store
from ..store.signals import session_findings
from .tasks import TaskHandle, op


class SessionLoader:
    """Runs and cancels the open session's jobs; ``generation`` names the open session."""

    def __init__(self, store: Store):
        self.store = store
        self.generation = 0
        self.jobs: list[TaskHandle] = []

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
            return load_or_build_views(store.reader(), sid, task.token)

        return self._keep(op(job).on_success(done).on_failure(failed).run())

    def index(self, sid: str, with_views: bool, progress: Callable, done: Callable, failed: Callable) -> TaskHandle:
        """Writer: checkpoints (+ views) and named signals in one scan -> ``done(views | None)``."""
        store = self.store

        def job(task):
            return store.write(index_session, sid, with_views=with_views, token=task.token,
                               progress=lambda d, t: task.progress((d, t)))

        return self._keep(op(job).on_writer().on_progress(progress).on_success(done).on_failure(failed).run())

    def load_findings(self, sid: str, done: Callable, failed: Callable) -> TaskHandle:
        """Pool: the session's stored frustration signals (one indexed read)."""
        store = self.store
        return self._keep(op(lambda: store.read(session_findings, sid)).on_success(done).on_failure(failed).run())

    def store_views(self, sid: str, content_hash: str, views) -> TaskHandle:
        """Writer: keep views built on the pool for the next open (not cancelled with the session)."""
        store = self.store
        return op(lambda: store.write(store_views, sid, content_hash, views)).on_writer().run()
