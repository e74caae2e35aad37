"""The event inspector: the session's events as one-line summaries.

A model over :class:`analysis.events.EventRow` lists, a proxy that filters by
event type and text, and a view that follows the playhead (the row of the
latest event at or before the current time is selected and scrolled to)
unless the analyst is browsing it. Clicking a row asks for a seek there.
"""

from __future__ import annotations

from bisect import bisect_right

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLineEdit, QMenu, QToolButton, QVBoxLayout, QWidget

from ..analysis.events import DEFAULT_HIDDEN, KINDS, EventRow
from . import formatting as fmt
from .plaintext import plain_tooltip
from ..state.privacy import display_text
from .tables import record_table

_KIND_LABEL = {
    "click": "Click", "tap": "Tap", "input": "Input", "navigation": "Navigate", "scroll": "Scroll",
    "resize": "Resize", "console": "Console", "custom": "Custom", "selection": "Selection",
    "focus": "Focus", "mutation": "DOM", "mouse": "Pointer",
}
_KIND_COLOR = {"click": "#3b7ddd", "tap": "#3b7ddd", "navigation": "#7b5cd6", "console": "#d1453b", "custom": "#c47f12", "input": "#2c9a6a"}
TIME_ROLE = Qt.ItemDataRole.UserRole + 20
KIND_ROLE = Qt.ItemDataRole.UserRole + 21


class EventListModel(QAbstractTableModel):
    HEADERS = ("Time", "Type", "Event")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[EventRow] = []
        self._times: list[int] = []

    def set_rows(self, rows: list[EventRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._times = [r.t for r in self._rows]
        self.endResetModel()

    def rows(self) -> list[EventRow]:
        return self._rows

    def row_at_time(self, t: float) -> int:
        """Index of the last row at or before ``t`` (-1 before the first)."""
        return bisect_right(self._times, t) - 1

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 3

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        c = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if c == 0:
                return fmt.clock(r.t)
            if c == 1:
                return _KIND_LABEL.get(r.kind, r.kind)
            return display_text(r.summary)
        if role == Qt.ItemDataRole.ToolTipRole and c == 2:
            return plain_tooltip(display_text(r.summary))
        if role == Qt.ItemDataRole.ForegroundRole and c == 1 and r.kind in _KIND_COLOR:
            return QColor(_KIND_COLOR[r.kind])
        if role == TIME_ROLE:
            return r.t
        if role == KIND_ROLE:
            return r.kind
        return None


class EventFilterProxy(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.hidden: set[str] = set(DEFAULT_HIDDEN)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(2)

    def set_hidden(self, kinds: set[str]) -> None:
        self.beginFilterChange()  # invalidateRowsFilter() is deprecated since Qt 6.10
        self.hidden = set(kinds)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row, source_parent) -> bool:  # noqa: N802 - Qt API
        # called for every row on each reset (52k rows for an hour-long session, on the GUI
        # thread as the session opens): read the row itself rather than through index() and
        # data(), and leave the text match to Qt only when there is text (1.3 s -> ~0.1 s)
        if self.sourceModel().rows()[source_row].kind in self.hidden:
            return False
        if not self.filterRegularExpression().pattern():
            return True
        return super().filterAcceptsRow(source_row, source_parent)


class EventInspector(QWidget):
    """Emits ``seekRequested(ms)`` when a row is clicked."""

    seekRequested = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = EventListModel(self)
        self.proxy = EventFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit(placeholderText="Filter events…", clearButtonEnabled=True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.types_button = QToolButton(text="Types", popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        self.types_button.setToolTip("Choose which kinds of events are listed")
        menu = QMenu(self.types_button)
        self.kind_actions: dict[str, QAction] = {}
        for kind in KINDS:
            a = menu.addAction(_KIND_LABEL[kind])
            a.setCheckable(True)
            a.setChecked(kind not in DEFAULT_HIDDEN)
            a.toggled.connect(self._on_types_changed)
            self.kind_actions[kind] = a
        self.types_button.setMenu(menu)
        self.view = v = record_table(self.proxy, alternate=False)
        v.horizontalHeader().setStretchLastSection(True)
        v.setColumnWidth(0, 64)
        v.setColumnWidth(1, 72)
        v.clicked.connect(self._on_view_clicked)
        v.activated.connect(self._on_view_clicked)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search)
        top.addWidget(self.types_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        lay.addLayout(top)
        lay.addWidget(v)
        self.follow = True

    def set_rows(self, rows: list[EventRow]) -> None:
        self.model.set_rows(rows)

    def _on_types_changed(self, _on=False) -> None:
        self.proxy.set_hidden({k for k, a in self.kind_actions.items() if not a.isChecked()})

    def _on_view_clicked(self, index) -> None:
        t = index.data(TIME_ROLE)
        if t is not None:
            self.seekRequested.emit(int(t))

    def follow_time(self, t: float) -> None:
        """Select the latest visible event at or before ``t`` (the playhead)."""
        if not self.follow or self.model.rowCount() == 0:
            return
        src = self.model.row_at_time(t)
        while src >= 0:
            p = self.proxy.mapFromSource(self.model.index(src, 0))
            if p.isValid():
                if self.view.currentIndex().row() != p.row():
                    self.view.setCurrentIndex(p)
                    self.view.scrollTo(p, QAbstractItemView.ScrollHint.PositionAtCenter)
                return
            src -= 1
        self.view.clearSelection()

    def current_row(self) -> EventRow | None:
        idx = self.view.currentIndex()
        if not idx.isValid():
            return None
        return self.model.rows()[self.proxy.mapToSource(idx).row()]
