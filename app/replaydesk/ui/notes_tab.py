"""The inspector's Notes tab and the note dialog (issue 13).

The tab lists the open session's notes (a Qt table model over
:class:`~replaydesk.state.notes.NotesState`, behind a proxy that filters by text and tag);
a click or Enter on a row asks for a seek to the note's start (``seekRequested``), a
double click edits it. Add / Edit / Delete buttons ask the window (``addRequested``,
``editRequested(note)``, ``deleteRequested(note)``), which runs them as undoable commands.

Note texts are the analyst's, but they may come from someone else's notes file: cells and
tooltips are plain text, as everywhere in the inspector.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..state.notes import NotesState
from ..store.notes import TAGS, Highlight, Note
from . import formatting as fmt
from .bindings import bind
from .plaintext import plain_tooltip
from .tables import record_table

NOTE_ROLE = Qt.ItemDataRole.UserRole + 1
START_ROLE = Qt.ItemDataRole.UserRole + 2
COLUMNS = ("At", "Tag", "Note")


def when_text(n: Note) -> str:
    return fmt.clock(n.start_ms) + (f" – {fmt.clock(n.end_ms)}" if n.is_range else "")


def highlight_text(h: Highlight | None) -> str:
    if h is None:
        return "None"
    if h.kind == "element":
        return f"Element {h.selector or ('#' + str(h.node_id) if h.node_id is not None else '')}".strip()
    if h.kind == "arrow":
        return f"Arrow from ({h.x:.0f}, {h.y:.0f}) to ({h.x + h.w:.0f}, {h.y + h.h:.0f})"
    return f"Rectangle {h.w:.0f} × {h.h:.0f} at ({h.x:.0f}, {h.y:.0f})"


class NotesModel(QAbstractTableModel):
    """The notes of a :class:`NotesState`, one row each (start order)."""

    def __init__(self, state: NotesState, parent=None):
        super().__init__(parent)
        self._notes: list[Note] = state.notes
        bind(self, state, "notes_changed", self._on_notes_changed)

    def _on_notes_changed(self, notes: list[Note]) -> None:
        self.beginResetModel()
        self._notes = list(notes)
        self.endResetModel()

    def note_at(self, row: int) -> Note | None:
        return self._notes[row] if 0 <= row < len(self._notes) else None

    def row_of(self, note_id: int) -> int:
        return next((i for i, n in enumerate(self._notes) if n.id == note_id), -1)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._notes)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        n = self.note_at(index.row()) if index.isValid() else None
        if n is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (when_text(n), n.tag or "", " ".join(n.text.split()))[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            extra = f"\nHighlight: {highlight_text(n.highlight)}" if n.highlight else ""
            return plain_tooltip(f"{when_text(n)}{'  [' + n.tag + ']' if n.tag else ''}\n{n.text}{extra}")
        if role == NOTE_ROLE:
            return n
        if role == START_ROLE:
            return n.start_ms
        return None


class NotesProxy(QSortFilterProxyModel):
    """Filters by a text (in the note, case-insensitive) and a tag ("" = every tag)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._text = ""
        self._tag = ""

    def set_text(self, text: str) -> None:
        self._text = text.casefold().strip()
        self.invalidateFilter()

    def set_tag(self, tag: str) -> None:
        self._tag = tag or ""
        self.invalidateFilter()

    def filterAcceptsRow(self, row, parent) -> bool:  # noqa: N802 - Qt API
        n = self.sourceModel().note_at(row)
        if n is None:
            return False
        if self._tag and n.tag != self._tag:
            return False
        return not self._text or self._text in n.text.casefold()


def _row_button(text: str) -> QToolButton:
    """A compact text button: four of them fit the Inspector at its minimum width (270 px),
    where push buttons' margins pushed the tab to 340 px and squeezed the replay."""
    b = QToolButton()
    b.setText(text)
    b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    return b


class NotesTab(QWidget):
    seekRequested = Signal(int)
    addRequested = Signal()
    editRequested = Signal(object)
    deleteRequested = Signal(object)
    #: "export a clip of this note's range" (the window opens the clip dialog on it)
    clipRequested = Signal(object)

    def __init__(self, state: NotesState, parent=None):
        super().__init__(parent)
        self.setObjectName("notesTab")
        self.model = NotesModel(state, self)
        self.proxy = NotesProxy(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit(placeholderText="Filter notes…", clearButtonEnabled=True)
        self.search.textChanged.connect(self.proxy.set_text)
        self.tag = QComboBox(objectName="noteTagFilter")
        self.tag.addItem("All tags", "")
        for t in TAGS:
            self.tag.addItem(t.capitalize(), t)
        self.tag.currentIndexChanged.connect(lambda _i: self.proxy.set_tag(self.tag.currentData()))
        self.view = record_table(self.proxy)
        self.view.setWordWrap(False)
        h = self.view.horizontalHeader()
        h.setStretchLastSection(True)
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.add_btn = _row_button("Add…")
        self.edit_btn = _row_button("Edit…")
        self.delete_btn = _row_button("Delete")
        self.clip_btn = _row_button("Clip…")
        self.clip_btn.setToolTip("Export a video clip of this note's range, with the note burned in")
        self.add_btn.setToolTip("Add a note at the playhead, or over the marked range (M)")
        self.empty = QLabel("No notes yet. Press M in the replay to note a moment, or mark a range with [ and ] first.")
        self.empty.setWordWrap(True)
        self.empty.setObjectName("notesEmpty")
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.tag)
        buttons = QHBoxLayout()
        for b in (self.add_btn, self.edit_btn, self.delete_btn, self.clip_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        lay.addLayout(top)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.empty)
        lay.addLayout(buttons)
        self.view.clicked.connect(self._on_activated)
        self.view.activated.connect(self._on_activated)
        self.view.doubleClicked.connect(lambda i: self._selected_do(self.editRequested, i))
        self.add_btn.clicked.connect(self.addRequested)
        self.edit_btn.clicked.connect(lambda: self._selected_do(self.editRequested))
        self.delete_btn.clicked.connect(lambda: self._selected_do(self.deleteRequested))
        self.clip_btn.clicked.connect(lambda: self._selected_do(self.clipRequested))
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.model.modelReset.connect(self._update_buttons)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    def current_note(self) -> Note | None:
        idx = self.view.currentIndex()
        return idx.data(NOTE_ROLE) if idx.isValid() else None

    def select_note(self, note_id: int) -> None:
        row = self.model.row_of(note_id)
        if row >= 0:
            self.view.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row, 0)))

    def _on_activated(self, index) -> None:
        t = index.data(START_ROLE)
        if t is not None:
            self.seekRequested.emit(int(t))

    def _selected_do(self, signal, index=None) -> None:
        n = (index.data(NOTE_ROLE) if index is not None and index.isValid() else None) or self.current_note()
        if n is not None:
            signal.emit(n)

    def _context_menu(self, pos) -> None:
        index = self.view.indexAt(pos)
        note = index.data(NOTE_ROLE) if index.isValid() else None
        if note is None:
            return
        menu = QMenu(self)
        menu.addAction("Go to Note", lambda: self._on_activated(index))
        menu.addAction("Edit…", lambda: self.editRequested.emit(note))
        menu.addAction("Export Clip of This Note…", lambda: self.clipRequested.emit(note))
        menu.addSeparator()
        menu.addAction("Delete", lambda: self.deleteRequested.emit(note))
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def _update_buttons(self) -> None:
        has = self.view.selectionModel().hasSelection() and self.current_note() is not None
        self.edit_btn.setEnabled(has)
        self.delete_btn.setEnabled(has)
        self.clip_btn.setEnabled(has)
        self.empty.setVisible(self.model.rowCount() == 0)


class NoteDialog(QDialog):
    """Add or edit one note: its moment or range, tag, text and highlight.

    The highlight buttons do not draw here: they emit ``drawRequested(kind)`` ("element",
    "rect", "arrow"); the window hides the dialog, lets the analyst draw on the replay pane
    and hands the result back with :meth:`set_highlight` before showing the dialog again."""

    drawRequested = Signal(str)

    def __init__(self, note: Note, duration_ms: int, *, editing: bool = False, parent=None):
        super().__init__(parent)
        self.setObjectName("noteDialog")
        self.setWindowTitle("Edit Note" if editing else "Add Note")
        self._note = note
        self._highlight = note.highlight
        self.start = self._seconds(note.start_ms, duration_ms)
        self.is_range = QCheckBox("Range, until")
        self.end = self._seconds(note.end_ms, duration_ms)
        self.is_range.setChecked(note.is_range)
        self.end.setEnabled(note.is_range)
        self.is_range.toggled.connect(self.end.setEnabled)
        self.tag = QComboBox(objectName="noteTag")
        self.tag.addItem("No tag", None)
        for t in TAGS:
            self.tag.addItem(t.capitalize(), t)
        self.tag.setCurrentIndex(max(0, self.tag.findData(note.tag)))
        self.text = QPlainTextEdit(note.text)
        self.text.setObjectName("noteText")
        self.text.setPlaceholderText("What happens here (shown as a caption while it plays)")
        self.text.setTabChangesFocus(True)
        self.hl_label = QLabel(highlight_text(self._highlight))
        self.hl_label.setTextFormat(Qt.TextFormat.PlainText)
        self.hl_label.setWordWrap(True)
        hl_buttons = QHBoxLayout()
        for label, kind in (("Pick Element", "element"), ("Rectangle", "rect"), ("Arrow", "arrow")):
            b = QPushButton(label)
            b.setObjectName(f"draw_{kind}")
            b.clicked.connect(lambda _c=False, k=kind: self.drawRequested.emit(k))
            hl_buttons.addWidget(b)
        clear = QPushButton("Clear")
        clear.clicked.connect(lambda: self.set_highlight(None))
        hl_buttons.addWidget(clear)
        when = QHBoxLayout()
        when.addWidget(self.start)
        when.addWidget(self.is_range)
        when.addWidget(self.end)
        form = QFormLayout()
        form.addRow("At", when)
        form.addRow("Tag", self.tag)
        form.addRow("Note", self.text)
        form.addRow("Highlight", self.hl_label)
        form.addRow("", hl_buttons)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.text.textChanged.connect(self._validate)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.buttons)
        self._validate()
        self.resize(460, self.sizeHint().height())

    @staticmethod
    def _seconds(ms: int, duration_ms: int) -> QDoubleSpinBox:
        s = QDoubleSpinBox()
        s.setDecimals(3)
        s.setSuffix(" s")
        s.setRange(0, max(ms, duration_ms) / 1000)
        s.setSingleStep(0.5)
        s.setValue(ms / 1000)
        return s

    def _validate(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.text.toPlainText().strip()))

    def set_highlight(self, h: Highlight | None) -> None:
        self._highlight = h
        self.hl_label.setText(highlight_text(h))

    def note(self) -> Note:
        """The note as entered (a range ending before its start becomes the moment at the start)."""
        start = round(self.start.value() * 1000)
        end = round(self.end.value() * 1000) if self.is_range.isChecked() else start
        return replace(self._note, start_ms=start, end_ms=max(start, end), text=self.text.toPlainText().strip(),
                       tag=self.tag.currentData(), highlight=self._highlight)
