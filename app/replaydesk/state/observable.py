"""A minimal observable: named change events with plain callbacks.

Why not Qt signals: state objects must work (and be tested) without Qt, and
the CLI uses them too. Widgets connect in one place and must disconnect (or
be owned by something that outlives them) — ``connect`` returns a callable
that removes the subscription.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

Callback = Callable[..., None]


class Observable:
    """Mixin: ``connect("changed", cb)`` and ``_emit("changed", value)``."""

    def __init__(self) -> None:
        self._subscribers: dict[str, list[Callback]] = defaultdict(list)

    def connect(self, event: str, callback: Callback) -> Callable[[], None]:
        self._subscribers[event].append(callback)

        def disconnect() -> None:
            try:
                self._subscribers[event].remove(callback)
            except ValueError:
                pass

        return disconnect

    def _emit(self, event: str, *args: Any) -> None:
        for cb in list(self._subscribers.get(event, ())):
            cb(*args)
