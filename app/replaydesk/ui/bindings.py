"""One way for a Qt object to follow a Qt-free state object (``state/``).

    bind(self, state, "time_changed", self._on_state_time_changed)

State objects may outlive the widgets that show them (the player's state outlives
a timeline it replaces), so a widget's callbacks must go when the widget goes:
``bind`` connects, and disconnects when ``owner`` is destroyed. It returns the
disconnecting callable too, for an owner that stops following earlier
(``detach``); calling it twice is harmless. Unknown event names raise
``ValueError`` (``Observable.EVENTS``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from ..state.observable import Observable


def bind(owner: QObject, state: Observable, event: str, slot: Callable[..., None]) -> Callable[[], None]:
    """``state.connect(event, slot)`` until ``owner`` is destroyed; returns the disconnect."""
    off = state.connect(event, slot)
    owner.destroyed.connect(lambda *_a, off=off: off())
    return off


def bind_all(owner: QObject, state: Observable, slots: dict[str, Callable[..., None]]) -> list[Callable[[], None]]:
    """:func:`bind` for each ``event: slot``; returns the disconnects (in order)."""
    return [bind(owner, state, event, slot) for event, slot in slots.items()]
