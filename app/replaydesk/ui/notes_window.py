"""The window's side of notes: the Notes tab, the timeline layer, the Edit and Session menus'
actions and the dialogs (split from :mod:`.main_window`, house rule: modules under ~600 lines).

``MainWindow`` creates one :class:`NotesUi` after its panes and calls :meth:`NotesUi.open_session`
whenever a session opens. Everything a note change writes goes through
:class:`~.notes_controller.NotesController` (undo stack, writer pool).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProxyStyle, QStyle

from ..store.notes import Note, list_notes, restore_note
from ..store.retention import erase_sessions
from .actions import ActionId
from .note_overlay import NoteOverlay  # noqa: F401 - re-exported for tests
from .notes_controller import NotesController, _on_writer
from .notes_tab import NoteDialog, NotesTab
from .tasks import op
from .timeline_notes import TimelineNotes

log = logging.getLogger(__name__)

NOTES_FILTER = "ReplayDesk notes (*.json);;All files (*)"


def delete_session(db, session_id: str, keep_notes: bool) -> int:
    """Writer thread: erase the session (no byte of it left); its notes go too unless kept."""
    notes = list_notes(db, session_id) if keep_notes else []
    erase_sessions(db, [session_id])
    for n in notes:
        restore_note(db, n)
    return len(notes)


class _TightTabs(QProxyStyle):
    def pixelMetric(self, metric, option=None, widget=None) -> int:  # noqa: N802 - Qt API
        if metric == QStyle.PixelMetric.PM_TabBarTabHSpace:
            return min(16, super().pixelMetric(metric, option, widget))
        return super().pixelMetric(metric, option, widget)


class NotesUi(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        player = window.player
        self.ctl = NotesController(window.db, window.db_path, player, self)
        self.state = self.ctl.state
        self.overlay = self.ctl.overlay
        self.tab = NotesTab(self.state)
        panel = window.panel
        panel.insertTab(panel.indexOf(panel.errors_tab), self.tab, "Notes")
        # a sixth tab: 8 px instead of 12 each side keeps every tab whole at the Inspector's
        # minimum width (270 px), so the replay keeps its share of a 1280 px window
        self._tab_style = _TightTabs()
        panel.tabBar().setStyle(self._tab_style)
        self.timeline = TimelineNotes(player.timeline, self.state, player.state, self)
        self.dialog: NoteDialog | None = None
        self.tab.seekRequested.connect(player.seek_relative)
        self.tab.addRequested.connect(self.add_note)
        self.tab.editRequested.connect(self.edit_note)
        self.tab.deleteRequested.connect(self.ctl.delete_note)
        self.tab.clipRequested.connect(lambda n: window.export_clip(note_id=n.id))
        self.timeline.noteClicked.connect(lambda n: self.tab.select_note(n.id))
        self.ctl.failed.connect(self._show_failure)
        self.ctl.statusMessage.connect(lambda text: window.statusBar().showMessage(text, 15_000))
        self._off = [self.state.connect("notes_changed", self._on_notes_changed)]

    # -- menus -------------------------------------------------------------
    def build_menus(self, menubar, before) -> None:
        """Edit (Undo / Redo) before the ``before`` menu action; Session after it."""
        a = self.w.actions_by_id
        edit = menubar.addMenu("&Edit")
        menubar.insertMenu(before, edit)
        edit.addAction(a[ActionId.UNDO])
        edit.addAction(a[ActionId.REDO])
        session = self.session_menu = menubar.addMenu("&Session")
        session.addAction(a[ActionId.ADD_NOTE])
        session.addSeparator()
        session.addAction(a[ActionId.EXPORT_NOTES])
        session.addAction(a[ActionId.IMPORT_NOTES])
        session.addSeparator()
        session.addAction(a[ActionId.DELETE_SESSION])
        stack = self.ctl.undo_stack
        undo, redo = a[ActionId.UNDO], a[ActionId.REDO]
        undo.triggered.connect(stack.undo)
        redo.triggered.connect(stack.redo)
        stack.canUndoChanged.connect(undo.setEnabled)
        stack.canRedoChanged.connect(redo.setEnabled)
        stack.undoTextChanged.connect(lambda t: undo.setText(f"&Undo {t}" if t else "&Undo"))
        stack.redoTextChanged.connect(lambda t: redo.setText(f"&Redo {t}" if t else "&Redo"))
        undo.setEnabled(False)
        redo.setEnabled(False)
        # M is a bare key: it belongs to the player (and the Notes tab), never to the lists
        add = a[ActionId.ADD_NOTE]
        add.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.w.player.addAction(add)
        self.tab.addAction(add)
        add.triggered.connect(self.add_note)
        a[ActionId.EXPORT_NOTES].triggered.connect(self.export_dialog)
        a[ActionId.IMPORT_NOTES].triggered.connect(self.import_dialog)
        a[ActionId.DELETE_SESSION].triggered.connect(self.delete_session_dialog)
        self._enable(False)

    def _enable(self, on: bool) -> None:
        a = self.w.actions_by_id
        for aid in (ActionId.ADD_NOTE, ActionId.EXPORT_NOTES, ActionId.IMPORT_NOTES, ActionId.DELETE_SESSION):
            if aid in a:
                a[aid].setEnabled(on)
        self.tab.add_btn.setEnabled(on)

    # -- session -----------------------------------------------------------
    def open_session(self, session_id: str | None) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.ctl.open_session(session_id)
        self._enable(session_id is not None)

    def _on_notes_changed(self, notes: list[Note]) -> None:
        panel = self.w.panel
        n = len(notes)
        panel.setTabText(panel.indexOf(self.tab), f"Notes ({n})" if n else "Notes")

    # -- add / edit --------------------------------------------------------
    def add_note(self) -> NoteDialog | None:
        """Session > Add Note… (M): a dialog for a note at the playhead, or over the marked range."""
        sid = self.state.session_id
        if sid is None:
            return None
        ps = self.w.player.state
        ps.pause()
        start, end = int(ps.time), None
        if ps.range_in is not None and ps.range_out is not None and ps.range_out > ps.range_in:
            start, end = int(ps.range_in), int(ps.range_out)
        note = Note(0, "", sid, start, start if end is None else end, "")
        dlg = self._dialog(note, editing=False)
        dlg.accepted.connect(lambda: self._added(dlg))
        dlg.open()
        return dlg

    def _added(self, dlg: NoteDialog) -> None:
        n = dlg.note()
        self.ctl.new_note(n.start_ms, n.end_ms, n.text, n.tag, n.highlight)

    def edit_note(self, note: Note) -> NoteDialog:
        dlg = self._dialog(note, editing=True)
        dlg.accepted.connect(lambda: self.ctl.edit_note(note, dlg.note()))
        dlg.open()
        return dlg

    def _dialog(self, note: Note, *, editing: bool) -> NoteDialog:
        if self.dialog is not None:
            self.dialog.reject()
        dlg = self.dialog = NoteDialog(note, int(self.w.player.state.duration), editing=editing, parent=self.w)
        dlg.drawRequested.connect(lambda kind: self._draw(dlg, kind))
        dlg.finished.connect(lambda _r: self.overlay.cancel_drawing())
        return dlg

    def _draw(self, dlg: NoteDialog, kind: str) -> None:
        """Hide the dialog while the analyst draws on the replay pane; back with the result."""
        dlg.hide()
        offs = []

        def back(h) -> None:
            for off in offs:
                off()
            if h is not None:
                dlg.set_highlight(h)
            if self.dialog is dlg:
                dlg.show()
                dlg.raise_()

        def drawn(h) -> None:
            if h is None or kind != "element":  # the element comes with elementPicked
                back(h)

        self.overlay.drawn.connect(drawn)
        self.ctl.elementPicked.connect(back)
        offs.append(lambda: self.overlay.drawn.disconnect(drawn))
        offs.append(lambda: self.ctl.elementPicked.disconnect(back))
        self.overlay.start_drawing(kind)

    # -- sharing -----------------------------------------------------------
    def export_dialog(self) -> None:
        sid = self.state.session_id
        if sid is None:
            return
        start = str(Path(self.w.settings.get("files/last_dir") or Path.home()) / f"{sid}-notes.json")
        path, _ = QFileDialog.getSaveFileName(self.w, "Export notes", start, NOTES_FILTER)
        if not path:
            return
        try:
            n = self.ctl.export_to(path)
        except OSError as exc:
            self._show_failure(f"Cannot write {path}: {exc.strerror or exc}")
            return
        self.w.statusBar().showMessage(f"{n} note{'s' if n != 1 else ''} exported to {path}", 15_000)

    def import_dialog(self) -> None:
        if self.state.session_id is None:
            return
        path, _ = QFileDialog.getOpenFileName(self.w, "Import notes", self.w.settings.get("files/last_dir"), NOTES_FILTER)
        if path:
            self.ctl.import_from(path)

    def _show_failure(self, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Notes", message, QMessageBox.StandardButton.Ok, self.w)
        box.setTextFormat(Qt.TextFormat.PlainText)  # it quotes file names and file content
        box.open()
        self.last_failure = box

    # -- deleting the session ------------------------------------------------
    def delete_session_dialog(self) -> None:
        """Session > Delete Session…: asks, and asks again about the notes when it has any."""
        sid = self.state.session_id
        if sid is None:
            return
        n = self.ctl.count(sid)
        box = QMessageBox(QMessageBox.Icon.Question, "Delete session",
                          f"Delete the session {sid} from the store? This cannot be undone.", parent=self.w)
        box.setTextFormat(Qt.TextFormat.PlainText)
        if n:
            box.setInformativeText(f"Also delete its {n} note{'s' if n != 1 else ''}? "
                                   "Kept notes show again if the session is imported again.")
            yes = box.addButton("Delete with Notes", QMessageBox.ButtonRole.DestructiveRole)
            keep = box.addButton("Delete, Keep Notes", QMessageBox.ButtonRole.AcceptRole)
        else:
            yes = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
            keep = None
        box.addButton(QMessageBox.StandardButton.Cancel)
        self.delete_box = box
        box.buttonClicked.connect(lambda b: b in (yes, keep) and self.delete_session(sid, keep_notes=b is keep))
        box.open()

    def delete_session(self, sid: str, *, keep_notes: bool) -> None:
        def done(_kept: int) -> None:
            w = self.w
            w.sessions.model.refresh()
            w._update_empty_state()
            if self.state.session_id == sid:
                self.open_session(None)
                w.player.set_empty_hint("The session was deleted. Select another session to replay it.")
            w.statusBar().showMessage(f"Deleted {sid}" + (" (its notes are kept)" if keep_notes else ""), 15_000)

        self.w.player.state.pause()
        op(_on_writer, str(self.w.db_path), delete_session, sid, keep_notes).on_writer().on_success(done) \
            .on_failure(lambda exc: self._show_failure(f"The session could not be deleted: {exc}")).run()
