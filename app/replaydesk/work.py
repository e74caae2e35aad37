"""One contract for long-running work: how it is cancelled and how it reports progress.

Import, index builds, signal recomputation, heatmaps and export all run on workers and
all need the same two things from their caller. Before this module each had its own:
``store.ingest.Cancelled``, ``ui.tasks.TaskCancelled`` and ``InterruptedError``, and
callbacks called ``cancel``, ``check`` and ``should_stop``; a cancelled index build
reached the failure handler as an error because only one of the three was recognised.

The contract (bottom layer: imports nothing from ``replaydesk``, no Qt):

* work that can be stopped takes a :class:`CancelToken` (or anything with ``check()``)
  and calls ``check()`` at safe points; ``check()`` raises :class:`Cancelled`, the one
  cancellation exception. Callers catch ``Cancelled`` and treat it as "stopped on
  request", never as a failure.
* work that reports progress takes a :data:`ProgressFn`, called as
  ``progress(done, total, label)``; ``total`` is ``None`` when unknown. Wrap it in
  :class:`Throttle` so a loop may report every item while the receiver (usually a
  queued signal to the GUI thread) sees at most one call per interval.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

__all__ = ["CancelToken", "Cancelled", "Progress", "ProgressFn", "Throttle", "check_every"]


class Cancelled(Exception):
    """The work was stopped because its caller asked (see :meth:`CancelToken.cancel`)."""


class CancelToken:
    """A thread-safe "please stop" flag shared by the caller and the worker.

    The caller (GUI thread) calls :meth:`cancel`; the worker calls :meth:`check` at safe
    points, or reads :attr:`cancelled` where it must clean up before stopping.
    """

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if :meth:`cancel` was called."""
        if self._event.is_set():
            raise Cancelled()

    def as_predicate(self) -> Callable[[], bool]:
        """``lambda: token.cancelled``, for older APIs that take a ``cancel()`` predicate."""
        return lambda: self._event.is_set()


class Progress(Protocol):
    """What a progress receiver looks like: ``progress(done, total, label)``."""

    def __call__(self, done: int, total: int | None, label: str = "") -> None: ...


ProgressFn = Callable[[int, "int | None", str], None]


class Throttle:
    """Forward progress to ``fn`` at most once per ``interval`` seconds.

    The first call and every call with ``done == total`` (the end) always go through, so
    the receiver sees the start and the finish; ``force=True`` sends any call. ``clock`` is
    injectable for tests.
    """

    __slots__ = ("_fn", "_interval", "_clock", "_last")

    def __init__(self, fn: ProgressFn, interval: float = 0.1, clock: Callable[[], float] = time.monotonic):
        self._fn = fn
        self._interval = interval
        self._clock = clock
        self._last: float | None = None

    def __call__(self, done: int, total: int | None, label: str = "", *, force: bool = False) -> None:
        now = self._clock()
        end = total is not None and done >= total
        if force or end or self._last is None or now - self._last >= self._interval:
            self._last = now
            self._fn(done, total, label)


def check_every(token: CancelToken | None, n: int, every: int = 1024) -> None:
    """``token.check()`` on every ``every``-th item of a loop (cheap enough per item)."""
    if token is not None and n % every == 0:
        token.check()
