"""Undoable note edits (Edit > Undo / Redo): one ``QUndoCommand`` per add, edit and delete.

Why commands name notes by ``uid`` and keep the whole :class:`Note`: writes run on the
single writer thread and finish later, so an undo may be queued before its add has come
back with the new row id; the uid is known up front. Undoing a delete re-inserts the very
same note (id, uid, created time), so a clip or a colleague's notes file naming it still
finds it.

Each command only says *what* to write; :class:`~.notes_controller.NotesController` runs it
on the writer and updates the observable notes state when it is done (``ctl.write(fn,
*args, done=...)``, ``ctl.state``).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QUndoCommand

from ..store.notes import Note, delete_note, restore_note, update_note


def _short(text: str, n: int = 30) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1] + "…"


class AddNoteCommand(QUndoCommand):
    """Add ``note`` (uid chosen, id 0 until the first write returns it)."""

    def __init__(self, ctl, note: Note):
        super().__init__(f"Add Note “{_short(note.text)}”")
        self.ctl = ctl
        self.note = note

    def redo(self) -> None:
        self.ctl.write(restore_note, self.note, done=self._added)

    def _added(self, note: Note) -> None:
        self.note = note  # the id and times: a redo after an undo brings back this one
        self.ctl.state.put(note)

    def undo(self) -> None:
        uid = self.note.uid
        self.ctl.write(delete_note, None, uid, done=lambda _ok: self.ctl.state.remove_uid(uid))


class EditNoteCommand(QUndoCommand):
    """Replace ``before`` with ``after`` (same id)."""

    def __init__(self, ctl, before: Note, after: Note):
        super().__init__(f"Edit Note “{_short(after.text)}”")
        self.ctl = ctl
        self.before = before
        self.after = after

    def _save(self, note: Note) -> None:
        self.ctl.write(update_note, note, done=self.ctl.state.put)

    def redo(self) -> None:
        self._save(self.after)

    def undo(self) -> None:
        self._save(replace(self.before))


class DeleteNoteCommand(QUndoCommand):
    def __init__(self, ctl, note: Note):
        super().__init__(f"Delete Note “{_short(note.text)}”")
        self.ctl = ctl
        self.note = note

    def redo(self) -> None:
        uid = self.note.uid
        self.ctl.write(delete_note, None, uid, done=lambda _ok: self.ctl.state.remove_uid(uid))

    def undo(self) -> None:
        self.ctl.write(restore_note, self.note, done=self.ctl.state.put)
