"""The left pane: filter bar, session count and the session table."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import QHeaderView, QMenu, QVBoxLayout, QWidget

from ..state.filters import ListState
from .filter_bar import FilterBar
from .session_model import COLUMNS, SESSION_ID_ROLE, SessionTableModel
from .tables import record_table

_WIDTHS = [138, 72, 60, 176, 170, 52, 54, 54, 60, 68, 78]
#: shown only when the analyst asks (header context menu)
HIDDEN_BY_DEFAULT = ("Active", "Signals", "Viewport")


class SessionListPane(QWidget):
    """Emits ``sessionSelected(id)`` when the analyst picks a session."""

    sessionSelected = Signal(str)

    def __init__(self, db, state: ListState, parent=None):
        super().__init__(parent)
        self.state = state
        self.model = SessionTableModel(db, state, self)
        self.filter_bar = FilterBar(state, self)
        self.view = v = record_table(self.model, row_height=24, parent=self)
        v.setSortingEnabled(True)
        v.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        h = v.horizontalHeader()
        h.setSectionsMovable(True)
        h.setHighlightSections(False)
        h.setStretchLastSection(False)
        for i, w in enumerate(_WIDTHS):
            v.setColumnWidth(i, w)
            v.setColumnHidden(i, COLUMNS[i][0] in HIDDEN_BY_DEFAULT)
        h.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        h.customContextMenuRequested.connect(self._on_header_menu_requested)
        h.setSortIndicator(
            self.model.sort_column_index(),
            Qt.SortOrder.DescendingOrder if state.descending else Qt.SortOrder.AscendingOrder,
        )
        v.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.model.countChanged.connect(self.filter_bar.show_count)
        self.filter_bar.show_count(self.model.rowCount(), self.model.total)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.filter_bar)
        lay.addWidget(v)

    def _on_header_menu_requested(self, pos) -> None:
        menu = QMenu(self)
        for i, (name, *_rest) in enumerate(COLUMNS):
            a = menu.addAction(name)
            a.setCheckable(True)
            a.setChecked(not self.view.isColumnHidden(i))
            a.toggled.connect(lambda on, col=i: self.view.setColumnHidden(col, not on))
        menu.exec(self.view.horizontalHeader().mapToGlobal(pos))

    def _on_current_row_changed(self, current, _previous) -> None:
        if current.isValid():
            self.sessionSelected.emit(current.data(SESSION_ID_ROLE))

    def select_session(self, session_id: str) -> bool:
        row = self.model.row_of(session_id)
        if row < 0:
            return False
        idx = self.model.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.view.scrollTo(idx)
        return True

    def current_session(self) -> str | None:
        idx = self.view.currentIndex()
        return idx.data(SESSION_ID_ROLE) if idx.isValid() else None
