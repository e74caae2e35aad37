"""The one way to run work off the GUI thread.

    handle = op(fn, *args).on_success(cb).on_failure(err).on_progress(p).run()

``fn`` is a plain function of Qt-free inputs; it runs on a worker thread and
must never touch widgets. If it takes a ``task`` keyword it receives a
:class:`TaskContext` to report progress and check for cancellation.
Callbacks run on the GUI thread. Progress is throttled (at most ~10 updates a
second reach the GUI). Exceptions go to ``on_failure`` or, if none was given,
to the application's one error handler (:func:`set_error_handler`).

Cancellation follows :mod:`replaydesk.work`: ``handle.cancel()`` sets the task's
:class:`~replaydesk.work.CancelToken`; the function stops by raising
:class:`~replaydesk.work.Cancelled` (``task.check()``, or any store/replay/analysis
function handed ``task.token``). A task that ends in ``Cancelled`` goes to
``on_cancelled`` if given and never to ``on_failure`` or the error handler: being
stopped on request is not an error.

Two pools: :data:`WRITER` (one thread: every SQLite write, so writes never
race) and the global pool for everything else (parsing, rendering, encoding),
so unrelated work never queues behind an import.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ..work import CancelToken, Cancelled

log = logging.getLogger(__name__)

_error_handler: Callable[[BaseException], None] | None = None


def set_error_handler(fn: Callable[[BaseException], None] | None) -> None:
    global _error_handler
    _error_handler = fn


#: the old name of :class:`replaydesk.work.Cancelled` (one cancel exception)
TaskCancelled = Cancelled


class TaskContext:
    """What a background function may use: progress and cancellation.

    ``token`` is the task's :class:`~replaydesk.work.CancelToken`; hand it (or
    ``check``) to Qt-free code that takes one."""

    def __init__(self, emit_progress: Callable[[Any], None]):
        self.token = CancelToken()
        self._emit = emit_progress
        self._last = 0.0

    @property
    def cancelled(self) -> bool:
        return self.token.cancelled

    def check(self) -> None:
        """Raise :class:`~replaydesk.work.Cancelled` if the task was cancelled."""
        self.token.check()

    def progress(self, value: Any, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last >= 0.1:
            self._last = now
            self._emit(value)


class _Relay(QObject):
    """Lives on the GUI thread; worker emits are delivered there (queued)."""

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(object)


class TaskHandle:
    def __init__(self, ctx: TaskContext, relay: _Relay):
        self._ctx = ctx
        self._relay = relay
        self.done = False

    def cancel(self) -> None:
        self._ctx.token.cancel()

    @property
    def cancelled(self) -> bool:
        return self._ctx.cancelled


class _Runnable(QRunnable):
    def __init__(self, fn, args, kwargs, relay: _Relay, ctx: TaskContext):
        super().__init__()
        self.setAutoDelete(True)
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._relay, self._ctx = relay, ctx

    def run(self) -> None:  # worker thread
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:  # noqa: BLE001 - delivered to the GUI thread
            self._relay.failed.emit(exc)
        else:
            self._relay.succeeded.emit(result)


class op:  # noqa: N801 - reads as a verb at call sites
    """Builder for one background task."""

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any):
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        self._cancelled: Callable[[], None] | None = None
        self._progress: Callable[[Any], None] | None = None
        self._pool: QThreadPool | None = None

    def on_success(self, cb: Callable[[Any], None]) -> "op":
        self._success = cb
        return self

    def on_failure(self, cb: Callable[[BaseException], None]) -> "op":
        self._failure = cb
        return self

    def on_cancelled(self, cb: Callable[[], None]) -> "op":
        """Called instead of ``on_failure`` when the task stopped with ``Cancelled``."""
        self._cancelled = cb
        return self

    def on_progress(self, cb: Callable[[Any], None]) -> "op":
        self._progress = cb
        return self

    def on_writer(self) -> "op":
        """Queue on the single SQLite writer thread."""
        self._pool = writer_pool()
        return self

    def run(self) -> TaskHandle:
        relay = _Relay()
        ctx = TaskContext(relay.progressed.emit)
        handle = TaskHandle(ctx, relay)
        kwargs = dict(self._kwargs)
        try:
            if "task" in inspect.signature(self._fn).parameters:
                kwargs["task"] = ctx
        except (TypeError, ValueError):
            pass

        def finish(_=None):
            handle.done = True
            _live.discard(relay)

        def ok(result):
            finish()
            if self._success is not None:
                self._success(result)

        def fail(exc):
            finish()
            if isinstance(exc, Cancelled):
                if self._cancelled is not None:
                    self._cancelled()
                return
            if self._failure is not None:
                self._failure(exc)
            elif _error_handler is not None:
                _error_handler(exc)
            else:
                log.error("background task failed", exc_info=exc)

        relay.succeeded.connect(ok)
        relay.failed.connect(fail)
        if self._progress is not None:
            relay.progressed.connect(self._progress)
        _live.add(relay)  # keep the relay alive until the task reports back
        (self._pool or QThreadPool.globalInstance()).start(_Runnable(self._fn, self._args, kwargs, relay, ctx))
        return handle


_live: set[_Relay] = set()
_writer: QThreadPool | None = None


def writer_pool() -> QThreadPool:
    global _writer
    if _writer is None:
        _writer = QThreadPool()
        _writer.setMaxThreadCount(1)
        _writer.setObjectName("replaydesk-writer")
    return _writer


def wait_all(timeout_ms: int = 30_000) -> bool:
    """Block until both pools are idle (shutdown and tests)."""
    ok = QThreadPool.globalInstance().waitForDone(timeout_ms)
    if _writer is not None:
        ok = _writer.waitForDone(timeout_ms) and ok
    return ok
