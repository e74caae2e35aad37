"""The Heatmap window (issue 12): one page across sessions - clicks, scroll depth, moves.

Reading the store (clicks, page views, their scroll and move events) runs off the GUI
thread (``ui.tasks.op``, with progress and Cancel); the inputs are kept while the analyst
changes the overlay, width or opacity, so those redraw at once. The background page is
drawn by the offscreen replay renderer, which lives on the GUI thread but waits in a local
event loop, so the window stays responsive. The Pages tab lists every URL pattern with
its exits; a double-click opens that page's heatmap.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QScrollArea, QSlider,
    QSpinBox, QSplitter, QTableView, QTabWidget, QVBoxLayout, QWidget,
)

from ..analysis.heatmap import ElementRow
from ..analysis.heatmap_report import KINDS, HeatmapInputs, load_inputs, write_elements_csv
from ..store import open_store
from ..store.insights import DEVICE_BANDS, Selection, pages_overview, url_pattern
from ..store.queries import SessionFilter
from ..work import Cancelled
from .tasks import op

log = logging.getLogger(__name__)


def _load(db_path: str, selection: Selection, kind: str, task) -> HeatmapInputs:
    db = open_store(db_path, readonly=True)
    try:
        return load_inputs(db, selection, kind, cancel=task.token,
                           progress=lambda done, total, _label: task.progress((done, total)))
    finally:
        db.conn.close()


def _pages(db_path: str, flt: SessionFilter | None) -> list[dict]:
    db = open_store(db_path, readonly=True)
    try:
        return pages_overview(db, flt)
    finally:
        db.conn.close()


class _Table(QAbstractTableModel):
    """A read-only table of rows (tuples) under fixed headers."""

    def __init__(self, headers: list[str], parent=None):
        super().__init__(parent)
        self.headers = headers
        self.rows: list[tuple] = []

    def set_rows(self, rows: list[tuple]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        v = self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{v:.0%}" if isinstance(v, float) else str(v)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(v, (int, float)):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


ELEMENT_HEADERS = ["Element", "Clicks", "Share", "Rage", "Dead", "Error", "Sessions"]
PAGE_HEADERS = ["URL pattern", "Views", "Sessions", "Exits", "Exit rate", "Avg time (s)", "Signals"]


class HeatmapWindow(QWidget):
    """``filter_getter``: the session list's current filter (used when "list filter" is on)."""

    def __init__(self, db_path: str | Path, filter_getter=None, *, allow_web_assets: bool = False, parent=None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Heatmaps — ReplayDesk")
        self.resize(1400, 900)
        self.db_path = str(db_path)
        self._filter_getter = filter_getter or (lambda: None)
        self._allow_web_assets = allow_web_assets
        self._renderer = None
        self._handle = None
        self._inputs: HeatmapInputs | None = None
        self._backgrounds: dict[tuple, object] = {}  # (pattern, device, width, filter) -> Background
        self._result = None

        self.pattern = QComboBox(editable=True)
        self.pattern.setMinimumWidth(260)
        self.device = QComboBox()
        self.device.addItems(["any device", *DEVICE_BANDS])
        self.use_filter = QCheckBox("Sessions in the list filter")
        self.width_box = QSpinBox(minimum=0, maximum=4000, singleStep=10, specialValueText="auto width", suffix=" px")
        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        self.opacity = QSlider(Qt.Orientation.Horizontal, minimum=10, maximum=100, value=60)
        self.opacity.setFixedWidth(120)
        self.outlines = QCheckBox("Outline elements", checked=True)
        self.update_btn = QPushButton("Show")
        self.cancel_btn = QPushButton("Cancel", enabled=False)
        self.progress = QProgressBar(maximum=1000, textVisible=False)
        self.progress.setFixedWidth(140)
        self.progress.hide()
        bar = QHBoxLayout()
        for w in (QLabel("Page"), self.pattern, self.device, self.use_filter, self.width_box, QLabel("Map"), self.kind,
                  QLabel("Opacity"), self.opacity, self.outlines, self.update_btn, self.cancel_btn, self.progress):
            bar.addWidget(w)
        bar.addStretch(1)

        self.image = QLabel(alignment=Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea(widgetResizable=False)
        scroll.setWidget(self.image)
        self.status = QLabel("Choose a page and press Show.")
        self.status.setWordWrap(True)
        self.elements = _Table(ELEMENT_HEADERS, self)
        self.element_view = QTableView()
        self.element_view.setModel(self.elements)
        self.element_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.element_view.horizontalHeader().setStretchLastSection(True)
        csv_btn = QPushButton("Export table (CSV)…")
        png_btn = QPushButton("Export heatmap (PNG)…")
        side = QWidget()
        sl = QVBoxLayout(side)
        sl.addWidget(self.status)
        sl.addWidget(self.element_view, 1)
        row = QHBoxLayout()
        row.addWidget(csv_btn)
        row.addWidget(png_btn)
        sl.addLayout(row)
        split = QSplitter()
        split.addWidget(scroll)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        heat = QWidget()
        hl = QVBoxLayout(heat)
        hl.addLayout(bar)
        hl.addWidget(split, 1)

        self.pages = _Table(PAGE_HEADERS, self)
        self.pages_view = QTableView()
        self.pages_view.setModel(self.pages)
        self.pages_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.pages_view.horizontalHeader().setStretchLastSection(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(heat, "Heatmap")
        self.tabs.addTab(self.pages_view, "Pages")
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)

        self.update_btn.clicked.connect(self.refresh)
        self.cancel_btn.clicked.connect(self.cancel)
        self.kind.currentTextChanged.connect(lambda _k: self.refresh())
        self.opacity.valueChanged.connect(lambda _v: self.redraw())
        self.outlines.toggled.connect(lambda _v: self.redraw())
        self.width_box.editingFinished.connect(self.redraw)
        csv_btn.clicked.connect(self.export_csv)
        png_btn.clicked.connect(self.export_png)
        self.pages_view.doubleClicked.connect(self._open_page)
        self.load_pages()

    # ------------------------------------------------------------------ selection

    def selection(self) -> Selection:
        dev = self.device.currentText()
        flt = self._filter_getter() if self.use_filter.isChecked() else None
        return Selection(url_pattern(self.pattern.currentText().strip() or "/"),
                         device=None if dev == "any device" else dev, filter=flt)

    def load_pages(self) -> None:
        op(_pages, self.db_path, None).on_success(self._show_pages).run()

    def _show_pages(self, rows: list[dict]) -> None:
        current = self.pattern.currentText()
        self.pattern.clear()
        self.pattern.addItems([r["pattern"] for r in rows])
        if current:
            self.pattern.setCurrentText(current)
        self.pages.set_rows([(r["pattern"], r["views"], r["sessions"], r["exits"], r["exit_rate"],
                              round(r["avg_time_s"], 1),
                              ", ".join(f"{k} {v}" for k, v in sorted(r["signals"].items())))
                             for r in rows])

    def _open_page(self, index) -> None:
        self.pattern.setCurrentText(self.pages.rows[index.row()][0])
        self.tabs.setCurrentIndex(0)
        self.refresh()

    # ------------------------------------------------------------------ background work

    def refresh(self) -> None:
        """Read the selection's inputs in the background, then draw."""
        self.cancel()
        sel, kind = self.selection(), self.kind.currentText()
        self._busy(True, f"Reading {sel.pattern}…")
        self._handle = (op(_load, self.db_path, sel, kind)
                        .on_progress(self._on_progress)
                        .on_success(self._loaded)
                        .on_failure(self._failed)
                        .on_cancelled(lambda: self._busy(False, "Cancelled."))
                        .run())

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _on_progress(self, p) -> None:
        done, total = p
        if total:
            self.progress.setValue(int(1000 * done / total))

    def _busy(self, on: bool, text: str) -> None:
        self.progress.setVisible(on)
        self.progress.setValue(0)
        self.cancel_btn.setEnabled(on)
        self.update_btn.setEnabled(not on)
        self.status.setText(text)

    def _failed(self, exc: BaseException) -> None:
        self._handle = None
        if isinstance(exc, Cancelled):
            self._busy(False, "Cancelled.")
            return
        self._busy(False, str(exc) if isinstance(exc, ValueError) else f"The heatmap failed: {exc}")
        if not isinstance(exc, ValueError):
            log.error("heatmap failed", exc_info=exc)

    def _loaded(self, inputs: HeatmapInputs) -> None:
        self._handle = None
        self._inputs = inputs
        self._busy(False, "")
        self.redraw()

    # ------------------------------------------------------------------ drawing

    def _background(self, width: int):
        from .heatmap_render import choose_view, render_background
        from .replay.headless import FrameRenderer, RenderError

        inp = self._inputs
        sel = inp.selection
        key = (sel.pattern, sel.device, sel.filter, width, tuple(inp.clicks.selectors) if inp.clicks else ())
        if key in self._backgrounds:
            return self._backgrounds[key]
        view = choose_view(inp.views, width)
        if view is None:
            return None
        try:
            if self._renderer is None:
                self._renderer = FrameRenderer(allow_web_assets=self._allow_web_assets)
                v = self._renderer.view  # drawn offscreen, never a second window on the desktop
                v.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
                v.hide()
                v.show()
            db = open_store(self.db_path, readonly=True)
            try:
                bg = render_background(db, view, width, inp.clicks.selectors if inp.clicks else [], self._renderer)
            finally:
                db.conn.close()
        except RenderError as exc:
            self.status.setText(f"The page could not be drawn ({exc}); showing the map on white.")
            bg = None
        self._backgrounds[key] = bg
        return bg

    def redraw(self) -> None:
        from .heatmap_render import default_width, draw_heatmap

        if self._inputs is None:
            return
        inp = self._inputs
        width = self.width_box.value() or default_width(inp.views, inp.selection.device)
        self.status.setText("Drawing the page…")
        bg = self._background(width)
        res = draw_heatmap(inp, width, bg, opacity=self.opacity.value() / 100, outline=self.outlines.isChecked())
        self._result = res
        self.image.setPixmap(QPixmap.fromImage(res.image))
        self.image.resize(res.image.size())
        self.status.setText("\n".join(line for line in res.summary if line and not line.startswith("  ")))
        self.elements.set_rows([_element_row(e) for e in res.elements])

    # ------------------------------------------------------------------ exports

    def export_png(self) -> None:
        if self._result is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export heatmap", "heatmap.png", "PNG images (*.png)")
        if path and not self._result.image.save(path, "PNG"):
            self.status.setText(f"Cannot write {path}")

    def export_csv(self) -> None:
        if self._result is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export elements", "elements.csv", "CSV files (*.csv)")
        if path:
            try:
                write_elements_csv(path, self._result.elements)
            except OSError as exc:
                self.status.setText(f"Cannot write {path}: {exc.strerror}")

    def closeEvent(self, event) -> None:  # noqa: N802
        self.cancel()
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
        super().closeEvent(event)


def _element_row(e: ElementRow) -> tuple:
    return (e.selector, e.clicks, e.share, e.rage, e.dead, e.error, e.sessions)

