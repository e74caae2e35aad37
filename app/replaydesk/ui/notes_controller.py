"""Notes of the open session in the window: state, undo stack, writes on the writer, overlay.

The window owns one :class:`NotesController`. It reads a session's notes when the session
opens, runs every change as an undoable command (:mod:`.note_commands`) whose store write
goes to the single writer pool (``tasks.op(...).on_writer()``, as the signal thresholds
are written), keeps :class:`~replaydesk.state.notes.NotesState` current, and feeds the
notes at the playhead to the replay pane's :class:`~.note_overlay.NoteOverlay`.
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from ..state.notes import NotesState
from ..store import Store
from ..store.notes import Highlight, Note, NotesFileError, count_notes, export_notes, import_notes, list_notes
from .bindings import bind_all
from .note_commands import AddNoteCommand, DeleteNoteCommand, EditNoteCommand
from .note_overlay import NoteOverlay
from .tasks import op

log = logging.getLogger(__name__)

#: asks the page which recorded element is at (x, y) CSS px of the recorded viewport (nested
#: frames followed): its mirror id and box, from the trusted outer page only
_PICK_JS = """(function (x, y) {
  const top = RD.topDocument();
  if (!top) return null;
  let doc = top, ox = 0, oy = 0, el = doc.elementFromPoint(x, y);
  while (el && (el.tagName === 'IFRAME' || el.tagName === 'FRAME')) {
    let inner = null;
    try { inner = el.contentDocument; } catch (e) {}
    if (!inner) break;
    const fr = el.getBoundingClientRect();
    ox += fr.left + el.clientLeft; oy += fr.top + el.clientTop;
    doc = inner; el = doc.elementFromPoint(x - ox, y - oy);
  }
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return JSON.stringify({id: RD.mirror.idOf(el), x: r.left + ox, y: r.top + oy, w: r.width, h: r.height});
})(%s, %s)"""


def _on_writer(db_path: str, fn, *args):
    """Writer thread: ``fn(writer_db, *args)`` through the store's one writer connection."""
    return Store.shared(db_path).write(fn, *args)


class NotesController(QObject):
    #: a write or a notes file failed: one line for the user
    failed = Signal(str)
    #: a short status bar message
    statusMessage = Signal(str)
    #: element picked in the replay pane: a Highlight (or None when nothing was there)
    elementPicked = Signal(object)

    def __init__(self, db, db_path, player, parent=None):
        super().__init__(parent)
        self.db = db
        self.db_path = str(db_path)
        self.player = player
        self.state = NotesState()
        self.undo_stack = QUndoStack(self)
        self.overlay = NoteOverlay(player.view)
        self.overlay.pointPicked.connect(self._pick_at)
        self._pending = 0
        self._off = bind_all(self, player.state, {"time_changed": self.state.set_time})
        self._off += bind_all(self, self.state, {"active_changed": self.overlay.set_notes})

    # -- session -----------------------------------------------------------
    def open_session(self, session_id: str | None) -> None:
        """Show ``session_id``'s notes (a small indexed read on the GUI thread)."""
        self.undo_stack.clear()
        notes = list_notes(self.db, session_id) if session_id else []
        self.state.set_session(session_id, notes)
        self.state.set_time(self.player.state.time)

    def reload(self) -> None:
        sid = self.state.session_id
        self.state.set_session(sid, list_notes(self.db, sid) if sid else [])

    def count(self, session_id: str) -> int:
        return count_notes(self.db, session_id)

    # -- writes ------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """A note write is queued or running on the writer."""
        return self._pending > 0

    def write(self, fn, *args, done=None) -> None:
        """Run ``fn(writer_db, *args)`` on the writer pool; ``done(result)`` on the GUI thread."""
        self._pending += 1

        def ok(result):
            self._pending -= 1
            if done is not None:
                done(result)

        def fail(exc: BaseException):
            self._pending -= 1
            log.error("writing a note failed", exc_info=exc)
            self.failed.emit(f"The note could not be saved: {exc}")
            self.reload()

        op(_on_writer, self.db_path, fn, *args).on_writer().on_success(ok).on_failure(fail).run()

    def new_note(self, start_ms: int, end_ms: int | None, text: str, tag: str | None = None,
                 highlight: Highlight | None = None) -> Note:
        """Add a note to the open session (undoable); returns it (its id arrives with the write)."""
        sid = self.state.session_id
        if sid is None:
            raise ValueError("no session is open")
        start = int(start_ms)
        note = Note(0, uuid.uuid4().hex, sid, start, start if end_ms is None else int(end_ms), text, tag, highlight)
        self.undo_stack.push(AddNoteCommand(self, note))
        return note

    def edit_note(self, before: Note, after: Note) -> None:
        if before != after:
            self.undo_stack.push(EditNoteCommand(self, before, after))

    def delete_note(self, note: Note) -> None:
        self.undo_stack.push(DeleteNoteCommand(self, note))

    # -- sharing -----------------------------------------------------------
    def export_to(self, path: str | os.PathLike) -> int:
        """Write the open session's notes to ``path`` (whole or not at all). Returns the count."""
        sid = self.state.session_id
        path = Path(path)
        data = export_notes(self.db, sid)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".notes-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return len(self.state.notes)

    def import_from(self, path: str | os.PathLike) -> None:
        """Add the notes of an exported file on the writer; the result (or one line naming the
        file and its problem) arrives as ``statusMessage`` / ``failed``."""
        sid = self.state.session_id
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.failed.emit(f"Cannot read {path}: {exc.strerror or exc}")
            return

        def done(res) -> None:
            if isinstance(res, str):
                self.failed.emit(f"{path}: {res}")
                return
            self.reload()
            self.statusMessage.emit(f"Notes imported from {path.name}: {res.summary()}")

        self.write(_import_checked, sid, data, done=done)

    # -- element picking -----------------------------------------------------
    def _pick_at(self, x: float, y: float) -> None:
        self.player.view.run_javascript(_PICK_JS % (float(x), float(y)), self._on_picked)

    def _on_picked(self, result) -> None:
        import json

        try:
            d = json.loads(result) if isinstance(result, str) else None
        except ValueError:
            d = None
        if not d or not all(isinstance(d.get(k), (int, float)) for k in ("x", "y", "w", "h")):
            self.elementPicked.emit(None)
            return
        nid = d.get("id") if isinstance(d.get("id"), int) and d.get("id") >= 0 else None
        self.elementPicked.emit(Highlight("element", round(d["x"], 1), round(d["y"], 1), round(d["w"], 1),
                                          round(d["h"], 1), selector=self._selector(nid), node_id=nid))
        # the page was asked something: draw the current moment again (run_javascript drops
        # the "page already shows this frame" shortcut)
        self.player.state.seek(self.player.state.time)

    def _selector(self, node_id: int | None) -> str | None:
        """The element's CSS selector from the player's DOM mirror at this moment, if it has it."""
        mirror = getattr(self.player, "_mirror", None)
        if node_id is None or mirror is None:
            return None
        try:
            from ..replay.selectors import css_selector

            node = mirror.tree.nodes.get(node_id)
            return css_selector(node) if node is not None else None
        except Exception:  # noqa: BLE001 - a selector is a nicety; the box and id are kept
            log.debug("no selector for node %s", node_id, exc_info=True)
            return None


def _import_checked(db, session_id: str, data: bytes):
    """Writer thread: import, or the file's problem as text (not an error: the user's file)."""
    try:
        return import_notes(db, session_id, data)
    except NotesFileError as exc:
        return str(exc)
