"""The filter bar above the session list, bound to a :class:`ListState`.

Edits go to the state (text fields debounced by 250 ms so typing does not
run a query per key); state changes (a saved filter applied, Clear) are
written back into the widgets with their signals blocked.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..state.filters import ListState
from ..store.queries import SessionFilter
from . import signals_style as ss
from .bindings import bind_all

DEVICES = [("Any device", None), ("Desktop", "desktop"), ("Tablet", "tablet"), ("Mobile", "mobile")]


def _date_to_ms(d: QDate, *, end: bool = False) -> int:
    dt = datetime.combine(d.toPython(), time(0))
    if end:
        dt += timedelta(days=1)
    return int(dt.timestamp() * 1000)


def _ms_to_date(ms: int, *, end: bool = False) -> QDate:
    dt = datetime.fromtimestamp(ms / 1000)
    if end:
        dt -= timedelta(milliseconds=1)
    return QDate(dt.year, dt.month, dt.day)


def _any_spin(maximum: int, suffix: str = "") -> QSpinBox:
    s = QSpinBox()
    s.setRange(0, maximum)
    s.setSpecialValueText("any")
    s.setSuffix(suffix)
    s.setAccelerated(True)
    s.setKeyboardTracking(False)
    return s


class FilterBar(QWidget):
    """Search fields, an expandable panel of filters, saved filters, a count."""

    filtersCleared = Signal()

    def __init__(self, state: ListState, parent=None):
        super().__init__(parent)
        self._state = state
        self._syncing = False

        self.url = QLineEdit(placeholderText="Visited URL contains…", clearButtonEnabled=True)
        self.user = QLineEdit(placeholderText="User id, e-mail or name…", clearButtonEnabled=True)
        self.more = QToolButton(text="Filters", checkable=True, toolButtonStyle=Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.more.setArrowType(Qt.ArrowType.RightArrow)
        self.clear_btn = QToolButton(text="Clear", toolTip="Remove every filter")
        self.count = QLabel()
        self.count.setObjectName("sessionCount")

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.url, 3)
        top.addWidget(self.user, 2)
        top.addWidget(self.more)
        top.addWidget(self.clear_btn)

        self.panel = QFrame()
        self.panel.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self.panel)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)

        self.since_on = QCheckBox("From")
        self.since = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.until_on = QCheckBox("to")
        self.until = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        today = QDate.currentDate()
        self.since.setDate(today.addDays(-30))
        self.until.setDate(today)
        self.min_dur = _any_spin(24 * 3600, " s")
        self.max_dur = _any_spin(24 * 3600, " s")
        self.device = QComboBox()
        for label, value in DEVICES:
            self.device.addItem(label, value)
        self.min_vw = _any_spin(10_000, " px")
        self.max_vw = _any_spin(10_000, " px")
        self.min_clicks = _any_spin(100_000)
        self.has_errors = QCheckBox("Has console errors")
        # "has rage / dead / error click / quick back": every box ticked must be present
        self.has_signal = {
            kind: QCheckBox(f"{ss.style(kind).name}s", objectName=f"has_{kind}",
                            toolTip=f"Only sessions with at least one {ss.style(kind).name.lower()}"
                            " (with other boxes ticked: with each of them)")
            for kind in ss.FILTER_KINDS
        }
        signal_row = QHBoxLayout()
        signal_row.setContentsMargins(0, 0, 0, 0)
        signal_row.setSpacing(10)
        signal_row.addWidget(QLabel("Has"))
        for box in self.has_signal.values():
            signal_row.addWidget(box)
        signal_row.addStretch(1)
        signal_box = QWidget()
        signal_box.setLayout(signal_row)

        self.saved = QComboBox()
        self.saved.setPlaceholderText("Saved filters")
        self.save_btn = QPushButton("Save…")
        self.delete_btn = QPushButton("Delete")
        rows = [
            (self.since_on, self.since, self.until_on, self.until),
            (QLabel("Duration"), self.min_dur, QLabel("to"), self.max_dur),
            (QLabel("Viewport width"), self.min_vw, QLabel("to"), self.max_vw),
            (QLabel("Device"), self.device, QLabel("Clicks ≥"), self.min_clicks),
            (self.has_errors,),
            (signal_box,),
            (QLabel("Saved"), self.saved, self.save_btn, self.delete_btn),
        ]
        for row, cells in enumerate(rows):
            if len(cells) == 1:
                grid.addWidget(cells[0], row, 0, 1, 4)
                continue
            for col, widget in enumerate(cells):
                grid.addWidget(widget, row, col)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.panel.setVisible(False)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 2)
        lay.setSpacing(4)
        lay.addLayout(top)
        lay.addWidget(self.panel)
        lay.addWidget(self.count)

        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self._push_text)
        self.url.textChanged.connect(self._debounce.start)
        self.user.textChanged.connect(self._debounce.start)
        self.url.returnPressed.connect(self._push_text)
        self.user.returnPressed.connect(self._push_text)
        for w in (self.since_on, self.until_on, self.has_errors, *self.has_signal.values()):
            w.toggled.connect(self._push)
        for w in (self.since, self.until):
            w.dateChanged.connect(self._push)
        for w in (self.min_dur, self.max_dur, self.min_vw, self.max_vw, self.min_clicks):
            w.valueChanged.connect(self._push)
        self.device.currentIndexChanged.connect(self._push)
        self.more.toggled.connect(self._toggle_panel)
        self.clear_btn.clicked.connect(self._clear)
        self.save_btn.clicked.connect(self._save)
        self.delete_btn.clicked.connect(self._delete)
        self.saved.activated.connect(self._apply_saved)

        self._off = bind_all(self, state, {"filter_changed": self._show_filter, "saved_changed": self._show_saved})
        self._show_filter(state.filter)
        self._show_saved(sorted(state.saved))

    # -- widgets -> state -----------------------------------------------
    def _push_text(self) -> None:
        self._debounce.stop()
        self._push()

    def current_filter(self) -> SessionFilter:
        n = lambda spin: spin.value() or None  # noqa: E731 - 0 means "any"
        kinds = tuple(k for k, box in self.has_signal.items() if box.isChecked())
        return SessionFilter(
            since=_date_to_ms(self.since.date()) if self.since_on.isChecked() else None,
            until=_date_to_ms(self.until.date(), end=True) if self.until_on.isChecked() else None,
            min_duration_ms=self.min_dur.value() * 1000 or None,
            max_duration_ms=self.max_dur.value() * 1000 or None,
            url=self.url.text().strip() or None,
            user=self.user.text().strip() or None,
            device=self.device.currentData(),
            min_viewport_width=n(self.min_vw),
            max_viewport_width=n(self.max_vw),
            has_errors=True if self.has_errors.isChecked() else None,
            min_clicks=n(self.min_clicks),
            signals=kinds,
        )

    def _push(self, *_):
        if not self._syncing:
            self._state.set_filter(self.current_filter())

    def _toggle_panel(self, on: bool) -> None:
        self.panel.setVisible(on)
        self.more.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    def _clear(self) -> None:
        self._state.clear()
        self.filtersCleared.emit()

    def _save(self) -> None:
        name, ok = QInputDialog.getText(self, "Save filter", "Name for the current filter:")
        if ok and name.strip():
            self._state.save_as(name)
            self.saved.setCurrentText(name.strip())

    def _delete(self) -> None:
        name = self.saved.currentText()
        if name and QMessageBox.question(self, "Delete saved filter", f"Delete the saved filter “{name}”?") == QMessageBox.StandardButton.Yes:
            self._state.delete_saved(name)

    def _apply_saved(self, index: int) -> None:
        name = self.saved.itemText(index)
        if name in self._state.saved:
            self._state.apply_saved(name)

    # -- state -> widgets -----------------------------------------------
    def _show_filter(self, f: SessionFilter) -> None:
        self._show_saved_name(f)
        if f == self.current_filter():
            return
        self._syncing = True
        try:
            self.url.setText(f.url or "")
            self.user.setText(f.user or "")
            self.since_on.setChecked(f.since is not None)
            if f.since is not None:
                self.since.setDate(_ms_to_date(f.since))
            self.until_on.setChecked(f.until is not None)
            if f.until is not None:
                self.until.setDate(_ms_to_date(f.until, end=True))
            self.min_dur.setValue((f.min_duration_ms or 0) // 1000)
            self.max_dur.setValue((f.max_duration_ms or 0) // 1000)
            self.min_vw.setValue(f.min_viewport_width or 0)
            self.max_vw.setValue(f.max_viewport_width or 0)
            self.min_clicks.setValue(f.min_clicks or 0)
            self.has_errors.setChecked(bool(f.has_errors))
            for kind, box in self.has_signal.items():
                box.setChecked(kind in f.signals)
            i = self.device.findData(f.device)
            self.device.setCurrentIndex(max(0, i))
        finally:
            self._syncing = False

    def _show_saved_name(self, f: SessionFilter) -> None:
        """The Saved box names a saved filter only while that filter is the one applied
        (after Clear or any edit it shows its placeholder again)."""
        name = self.saved.currentText()
        if name and self._state.saved.get(name) != f:
            self.saved.blockSignals(True)
            self.saved.setCurrentIndex(-1)
            self.saved.blockSignals(False)

    def _show_saved(self, names: list[str]) -> None:
        current = self.saved.currentText()
        self.saved.blockSignals(True)
        self.saved.clear()
        self.saved.addItems(names)
        self.saved.setCurrentIndex(names.index(current) if current in names else -1)
        self.saved.blockSignals(False)
        self.delete_btn.setEnabled(bool(names))
        self._show_saved_name(self._state.filter)

    def show_count(self, matching: int, total: int) -> None:
        if matching == total:
            self.count.setText(f"{total:,} session{'s' if total != 1 else ''}")
        else:
            self.count.setText(f"{matching:,} of {total:,} sessions match")

    def close_bindings(self) -> None:
        for off in self._off:
            off()
