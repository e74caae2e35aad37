"""A minimal observable: named change events with plain callbacks.

Why not Qt signals: state objects must work (and be tested) without Qt, and
the CLI uses them too. Widgets connect in one place and must disconnect (or
be owned by something that outlives them) — ``connect`` returns a callable
that removes the subscription; ``replaydesk.ui.bindings.bind`` calls it when
the widget is destroyed.

Every subclass declares its events in ``EVENTS``; ``connect`` and ``_emit``
reject any other name, so a typo raises at once instead of never firing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, ClassVar

Callback = Callable[..., None]


class Observable:
    """Mixin: ``connect("changed", cb)`` and ``_emit("changed", value)``, for the
    names in the class's ``EVENTS``."""

    #: the event names this class emits (subclasses declare theirs)
    EVENTS: ClassVar[frozenset[str]] = frozenset()

    def __init__(self) -> None:
        self._subscribers: dict[str, list[Callback]] = defaultdict(list)

    def _known(self, event: str) -> None:
        if event not in self.EVENTS:
            raise ValueError(f"{type(self).__name__} has no event {event!r} (it has: {', '.join(sorted(self.EVENTS))})")

    def connect(self, event: str, callback: Callback) -> Callable[[], None]:
        """Call ``callback(*args)`` on every ``event``; returns the disconnecting callable
        (safe to call twice). Raises ``ValueError`` for a name not in ``EVENTS``."""
        self._known(event)
        self._subscribers[event].append(callback)

        def disconnect() -> None:
            try:
                self._subscribers[event].remove(callback)
            except ValueError:
                pass

        return disconnect

    def _emit(self, event: str, *args: Any) -> None:
        self._known(event)
        for cb in list(self._subscribers.get(event, ())):
            cb(*args)
