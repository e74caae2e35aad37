"""The left pane: filter bar, session count and the session table.

Columns fit the pane instead of running off its edge: the visible columns are
laid out in their visual order and those that do not fit whole are hidden from
the right (Entry page first, then Pages, Device…) until the pane is wider
again; User and Entry page take the width that is left. Which columns the
analyst turned off (header menu), their order and widths are kept by name
(:meth:`SessionListPane.column_state`), never as absolute header bytes, so a
layout saved in a small window does not cripple a large one.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QMenu, QVBoxLayout, QWidget

from ..state.filters import ListState
from .filter_bar import FilterBar
from .session_model import COLUMNS, SESSION_ID_ROLE, SessionTableModel
from .signals_badges import SignalBadgeDelegate
from .tables import record_table

#: shown only when the analyst asks (header context menu)
HIDDEN_BY_DEFAULT = ("Active", "Viewport")
#: columns that share the width left over, (minimum, preferred) in average characters
FLEX = {"User": (10, 26), "Entry page": (11, 40)}
#: the widest text each fixed column usually shows
_SAMPLES = {
    "Started": "28 Sep 23:59",
    "Duration": "1:00:00",
    "Active": "1:00:00",
    "Errors": "999",
    "Clicks": "9999",
    "Pages": "999",
    "Device": "desktop",
    "Signals": "R9 D9",
    "Viewport": "1920×1080",
}
NAMES = [c[0] for c in COLUMNS]
#: the columns the default pane width is made for (the rest show when there is room)
CORE = ("Started", "User", "Duration", "Errors", "Clicks", "Device", "Signals")


class SessionListPane(QWidget):
    """Emits ``sessionSelected(id)`` when the analyst picks a session."""

    sessionSelected = Signal(str)

    def __init__(self, db, state: ListState, parent=None):
        super().__init__(parent)
        self.state = state
        self.model = SessionTableModel(db, state, self)
        self.filter_bar = FilterBar(state, self)
        self.view = v = record_table(self.model, row_height=24, parent=self)
        v.setItemDelegateForColumn(NAMES.index("Signals"), SignalBadgeDelegate(v))
        v.setSortingEnabled(True)
        v.setTextElideMode(Qt.TextElideMode.ElideRight)
        v.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        h = v.horizontalHeader()
        h.setSectionsMovable(True)
        h.setHighlightSections(False)
        h.setStretchLastSection(False)
        h.setMinimumSectionSize(28)
        h.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        h.customContextMenuRequested.connect(self._on_header_menu_requested)
        h.setSortIndicator(
            self.model.sort_column_index(),
            Qt.SortOrder.DescendingOrder if state.descending else Qt.SortOrder.AscendingOrder,
        )
        self._fitting = False
        self._user_hidden: set[str] = set(HIDDEN_BY_DEFAULT)
        self._auto_hidden: set[str] = set()
        self._header_widths: dict[str, int] = {}
        self._widths = self.default_widths()
        self._refit = QTimer(self, singleShot=True, interval=0)
        self._refit.timeout.connect(self.fit_columns)
        h.sectionResized.connect(self._on_section_resized)
        h.sectionMoved.connect(lambda *_a: self._refit.start())
        v.viewport().installEventFilter(self)
        v.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.model.countChanged.connect(self.filter_bar.show_count)
        self.filter_bar.show_count(self.model.rowCount(), self.model.total)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.filter_bar)
        lay.addWidget(v)
        self.fit_columns()

    # -- columns ---------------------------------------------------------
    def default_widths(self) -> dict[str, int]:
        """Widths from the font in use (so they hold at any DPI or font size)."""
        fm = self.view.fontMetrics()
        bold = QFont(self.view.horizontalHeader().font())
        bold.setWeight(QFont.Weight.DemiBold)
        hfm = QFontMetrics(bold)
        out = {}
        # with the sort arrow (only the sorted column shows one)
        self._header_widths = {name: hfm.horizontalAdvance(name) + 30 for name in NAMES}
        for name in NAMES:
            header = hfm.horizontalAdvance(name) + 16
            if name in FLEX:
                out[name] = max(header, fm.averageCharWidth() * FLEX[name][0] + 12)
            else:
                out[name] = max(header, fm.horizontalAdvance(_SAMPLES.get(name, name)) + 16)
        return out

    def _need(self, logical: int) -> int:
        name = NAMES[logical]
        if logical == self.view.horizontalHeader().sortIndicatorSection():
            return max(self._widths[name], self._header_widths[name])
        return self._widths[name]

    def preferred_width(self) -> int:
        """The pane width that shows the :data:`CORE` columns whole."""
        v = self.view
        cols = [NAMES.index(n) for n in CORE if n not in self._user_hidden]
        return sum(self._need(i) for i in cols) + 2 * v.frameWidth() + v.verticalScrollBar().sizeHint().width()

    def _preferred(self, name: str) -> int:
        fm = self.view.fontMetrics()
        return max(self._widths[name], fm.averageCharWidth() * FLEX[name][1] + 12)

    def visible_columns(self) -> list[str]:
        """Names of the columns on screen, in visual order."""
        h = self.view.horizontalHeader()
        return [NAMES[h.logicalIndex(v)] for v in range(h.count()) if not h.isSectionHidden(h.logicalIndex(v))]

    def fit_columns(self) -> None:
        """Show the analyst's columns that fit whole; flexible ones share the rest."""
        if self._fitting:
            return
        v = self.view
        h = v.horizontalHeader()
        avail = v.viewport().width()
        order = [h.logicalIndex(i) for i in range(h.count())]
        wanted = [i for i in order if NAMES[i] not in self._user_hidden]
        shown: list[int] = []
        used = 0
        for i in wanted:
            need = self._need(i)
            if shown and used + need > avail:
                break
            shown.append(i)
            used += need
        extra = max(0, avail - used)
        width = {i: self._need(i) for i in shown}
        flex = [i for i in shown if NAMES[i] in FLEX]
        for i in flex:  # up to the preferred width, left to right
            give = min(extra, max(0, self._preferred(NAMES[i]) - width[i]))
            width[i] += give
            extra -= give
        if flex:
            width[flex[-1]] += extra
        self._fitting = True
        try:
            for i in order:
                v.setColumnHidden(i, i not in width)
            for i, w in width.items():
                if h.sectionSize(i) != w:
                    h.resizeSection(i, w)
        finally:
            self._fitting = False
        self._auto_hidden = {NAMES[i] for i in wanted if i not in width}

    def _on_section_resized(self, logical: int, _old: int, new: int) -> None:
        if self._fitting or new <= 0:
            return
        self._widths[NAMES[logical]] = new  # the analyst dragged it: keep it
        self._refit.start()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if obj is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return False

    def column_state(self) -> dict:
        """Order, turned-off columns and widths, by name (JSON-able)."""
        h = self.view.horizontalHeader()
        return {
            "order": [NAMES[h.logicalIndex(v)] for v in range(h.count())],
            "hidden": sorted(self._user_hidden),
            "widths": dict(self._widths),
        }

    def restore_column_state(self, state: dict | None) -> None:
        if not isinstance(state, dict):
            return
        h = self.view.horizontalHeader()
        order = [n for n in state.get("order", []) if n in NAMES]
        order += [n for n in NAMES if n not in order]
        self._fitting = True
        try:
            for visual, name in enumerate(order):
                h.moveSection(h.visualIndex(NAMES.index(name)), visual)
        finally:
            self._fitting = False
        hidden = state.get("hidden")
        if isinstance(hidden, list):
            self._user_hidden = {n for n in hidden if n in NAMES}
        defaults = self.default_widths()
        for name, w in (state.get("widths") or {}).items():
            if name in NAMES and isinstance(w, int) and 20 <= w <= 2000:
                self._widths[name] = max(w, defaults[name] // 2)
        self.fit_columns()

    def reset_columns(self) -> None:
        """Default order, columns and widths (View > Reset Layout)."""
        self._user_hidden = set(HIDDEN_BY_DEFAULT)
        self._widths = self.default_widths()
        self.restore_column_state({"order": NAMES})

    def _on_header_menu_requested(self, pos) -> None:
        menu = self.columns_menu()
        menu.exec(self.view.horizontalHeader().mapToGlobal(pos))

    def columns_menu(self) -> QMenu:
        menu = QMenu(self)
        for name in NAMES:
            a = menu.addAction(name + (" (no room)" if name in self._auto_hidden else ""))
            a.setCheckable(True)
            a.setChecked(name not in self._user_hidden)
            a.toggled.connect(lambda on, n=name: self.set_column_wanted(n, on))
        return menu

    def set_column_wanted(self, name: str, on: bool) -> None:
        (self._user_hidden.discard if on else self._user_hidden.add)(name)
        self.fit_columns()

    # -- selection -------------------------------------------------------
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
