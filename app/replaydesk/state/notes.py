"""The open session's notes and which of them show now (Qt-free, observable).

The Notes tab, the timeline's note marks and the replay pane's caption overlay all show
the same list; this object holds it so that an add, an edit, an undo or an import updates
every view at once, and so that "which notes cover the playhead" is decided once (and
tested without Qt). Store writes are not made here: the window runs them on the writer and
hands the result back with :meth:`put` / :meth:`remove` / :meth:`set_session`.

Events (``connect(name, callback)``):

* ``notes_changed(notes)`` - the list changed (session opened, note added, edited, removed);
* ``active_changed(notes)`` - the notes covering the current time changed (``start <= t <
  end``; a moment shows for ``MOMENT_SPAN_MS``), in start order.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..store.notes import Note
from .observable import Observable


class NotesState(Observable):
    EVENTS = frozenset({"notes_changed", "active_changed"})

    def __init__(self) -> None:
        super().__init__()
        self._sid: str | None = None
        self._notes: list[Note] = []
        self._time = 0.0
        self._active: list[Note] = []

    @property
    def session_id(self) -> str | None:
        return self._sid

    @property
    def notes(self) -> list[Note]:
        """The session's notes by start, then id."""
        return list(self._notes)

    @property
    def active(self) -> list[Note]:
        return list(self._active)

    def note(self, note_id: int) -> Note | None:
        return next((n for n in self._notes if n.id == note_id), None)

    def set_session(self, session_id: str | None, notes: Iterable[Note] = ()) -> None:
        """Another session (or its notes read again): replaces the whole list."""
        self._sid = session_id
        self._set([n for n in notes if n.session_id == session_id])

    def put(self, note: Note) -> None:
        """A note added or edited (by id); notes of another session are ignored."""
        if note.session_id != self._sid:
            return
        self._set([n for n in self._notes if n.id != note.id] + [note])

    def remove(self, note_id: int) -> None:
        if any(n.id == note_id for n in self._notes):
            self._set([n for n in self._notes if n.id != note_id])

    def remove_uid(self, uid: str) -> None:
        if any(n.uid == uid for n in self._notes):
            self._set([n for n in self._notes if n.uid != uid])

    def set_time(self, t_ms: float) -> None:
        """The playhead moved: update :attr:`active`."""
        self._time = t_ms
        self._update_active()

    def _set(self, notes: list[Note]) -> None:
        self._notes = sorted(notes, key=lambda n: (n.start_ms, n.id))
        self._emit("notes_changed", self.notes)
        self._update_active()

    def _update_active(self) -> None:
        active = [n for n in self._notes if n.covers(self._time)]
        if active != self._active:
            self._active = active
            self._emit("active_changed", self.active)
