"""The Heatmap window (issue 12): one page across sessions - clicks, scroll depth, moves.

Reading the store (clicks, page views, their scroll and move events) runs off the GUI
thread (``ui.tasks.op``, with progress and Cancel); the inputs are kept while the analyst
changes the overlay, width or opacity, so those redraw at once. The background page is
drawn by the offscreen replay renderer, which lives on the GUI thread but waits in a local
event loop, so the window stays responsive. The Pages tab lists every URL pattern with
its exits; a double-click opens that page's heatmap.

Inputs, backgrounds and drawn maps are cached per (page, device, filter[, width, snapshot])
until the store's insight generation moves (sessions land or leave, clicks are attributed;
``analysis.heatmap_cache``): going back to a page, width or overlay seen before draws at once.
Selecting a row of the ranked table outlines its element on the map; its context menu lists
the sessions that clicked it, and each entry asks the main window to play that click
(``clickJumpRequested``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QLabel, QMenu, QProgressBar, QPushButton, QScrollArea, QSlider,
    QSpinBox, QSplitter, QTableView, QTabWidget, QVBoxLayout, QWidget,
)

from ..analysis.heatmap import ElementRow
from ..analysis.heatmap_cache import ResultCache
from ..analysis.heatmap_report import KINDS, HeatmapInputs, load_inputs, write_elements_csv
from ..store import open_store
from ..store.click_cache import generation
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
NEAR_MISS_HEADERS = ["Element", "Near-misses", "Taps", "Rate", "Avg distance (px)", "Direction", "Sessions"]
#: sessions listed in a ranked row's context menu
MENU_SESSIONS = 25


def _fmt_ms(ms: int) -> str:
    s = max(0, int(ms)) // 1000
    return f"{s // 60}:{s % 60:02d}"
PAGE_HEADERS = ["URL pattern", "Views", "Sessions", "Exits", "Exit rate", "Avg time (s)", "Signals"]


class HeatmapWindow(QWidget):
    """``filter_getter``: the session list's current filter (used when "list filter" is on)."""

    #: play this click: (session id, ms from the session's start) - the main window seeks its player
    clickJumpRequested = Signal(str, int)

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
        # per store generation: (selection, kind) -> inputs; (.., width, snapshot) -> Background / result
        self._inputs_cache = ResultCache()
        self._backgrounds = ResultCache()
        self._results = ResultCache()
        self._result = None
        self._base_image = None  # the drawn map without the selected row's outline

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
        self.near_misses = QCheckBox("Near-misses", checked=True)
        self.near_misses.setToolTip("Taps just beside an element, retried on it within 2 s: a dot where the tap "
                                    "landed and an arrow to the element")
        self.snapshot = QComboBox()
        self.snapshot.setToolTip("The recorded page view the background is drawn from")
        self.snapshot.setMinimumWidth(200)
        self.snapshot.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.update_btn = QPushButton("Show")
        self.cancel_btn = QPushButton("Cancel", enabled=False)
        self.progress = QProgressBar(maximum=1000, textVisible=False)
        self.progress.setFixedWidth(140)
        self.progress.hide()
        bar = QHBoxLayout()
        for w in (QLabel("Page"), self.pattern, self.device, self.use_filter, self.width_box, QLabel("Map"), self.kind,
                  QLabel("Opacity"), self.opacity, self.outlines, self.near_misses, self.update_btn, self.cancel_btn,
                  self.progress):
            bar.addWidget(w)
        bar.addStretch(1)
        bar2 = QHBoxLayout()
        bar2.addWidget(QLabel("Snapshot"))
        bar2.addWidget(self.snapshot)
        bar2.addStretch(1)

        self.image = QLabel(alignment=Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = self.scroll = QScrollArea(widgetResizable=False)
        scroll.setWidget(self.image)
        self.status = QLabel("Choose a page and press Show.")
        self.status.setWordWrap(True)
        self.elements = _Table(ELEMENT_HEADERS, self)
        self.element_view = QTableView()
        self.element_view.setModel(self.elements)
        self.element_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.element_view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.element_view.horizontalHeader().setStretchLastSection(True)
        self.element_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.near = _Table(NEAR_MISS_HEADERS, self)
        self.near_view = QTableView()
        self.near_view.setModel(self.near)
        self.near_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.near_view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.near_view.horizontalHeader().setStretchLastSection(True)
        self.side_tabs = QTabWidget()
        self.side_tabs.addTab(self.element_view, "Elements")
        self.side_tabs.addTab(self.near_view, "Near-misses")
        csv_btn = QPushButton("Export table (CSV)…")
        png_btn = QPushButton("Export heatmap (PNG)…")
        side = QWidget()
        sl = QVBoxLayout(side)
        sl.addWidget(self.status)
        sl.addWidget(self.side_tabs, 1)
        row = QHBoxLayout()
        row.addWidget(csv_btn)
        row.addWidget(png_btn)
        sl.addLayout(row)
        split = QSplitter()
        split.addWidget(scroll)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([1000, 440])  # the map gets the room; the tables a third at most
        split.setChildrenCollapsible(False)
        self.split = split
        heat = QWidget()
        hl = QVBoxLayout(heat)
        hl.addLayout(bar)
        hl.addLayout(bar2)
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
        self.near_misses.toggled.connect(lambda _v: self.redraw())
        self.snapshot.activated.connect(lambda _i: self.redraw())
        self.element_view.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._highlight_row(cur.row()))
        self.near_view.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._highlight_near(cur.row()))
        self.element_view.customContextMenuRequested.connect(self._element_menu_at)
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

    def store_generation(self) -> int:
        """The store's insight generation now (one tiny read; -1 when the store is away)."""
        try:
            db = open_store(self.db_path, readonly=True)
        except (OSError, ValueError):
            return -1
        try:
            return generation(db)
        finally:
            db.conn.close()

    def refresh(self) -> None:
        """Draw the selection: from the cache when nothing landed since it was read, else
        read its inputs in the background, then draw."""
        self.cancel()
        sel, kind = self.selection(), self.kind.currentText()
        cached = self._inputs_cache.get((sel, kind), self.store_generation())
        if cached is not None:
            self._loaded(cached)
            return
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
        from .heatmap_render import snapshot_candidates

        self._handle = None
        self._inputs_cache.put((inputs.selection, inputs.kind), inputs.generation, inputs)
        fresh = self._inputs is None or self._inputs.views != inputs.views
        self._inputs = inputs
        if fresh:  # another page or selection: offer its snapshots, the most common layout first
            self.snapshot.clear()
            self.snapshot.addItem("Most common layout at the shown width", None)
            for label, view in snapshot_candidates(inputs.views):
                self.snapshot.addItem(label, view)
        self._busy(False, "")
        self.redraw()

    # ------------------------------------------------------------------ drawing

    def _view(self, width: int):
        from .heatmap_render import choose_view

        chosen = self.snapshot.currentData()
        return tuple(chosen) if chosen else choose_view(self._inputs.views, width)

    def _background(self, width: int, view):
        from .heatmap_render import render_background
        from .replay.headless import FrameRenderer, RenderError

        inp = self._inputs
        sel = inp.selection
        key = (sel.pattern, sel.device, sel.filter, width, view, tuple(inp.clicks.selectors) if inp.clicks else ())
        if key in self._backgrounds and self._backgrounds.generation == inp.generation:
            return self._backgrounds.get(key, inp.generation)
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
        self._backgrounds.put(key, inp.generation, bg)
        return bg

    def redraw(self) -> None:
        from .heatmap_render import default_width, draw_heatmap

        if self._inputs is None:
            return
        inp = self._inputs
        width = self.width_box.value() or default_width(inp.views, inp.selection.device)
        view = self._view(width)
        key = (inp.selection, inp.kind, width, view, self.opacity.value(), self.outlines.isChecked(),
               self.near_misses.isChecked())
        res = self._results.get(key, inp.generation)
        if res is None:
            self.status.setText("Drawing the page…")
            bg = self._background(width, view)
            res = draw_heatmap(inp, width, bg, opacity=self.opacity.value() / 100, outline=self.outlines.isChecked(),
                               near_misses=self.near_misses.isChecked())
            self._results.put(key, inp.generation, res)
        self._result = res
        self._base_image = res.image
        self._show_image(res.image)
        self.status.setText("\n".join(line for line in res.summary if line and not line.startswith("  ")))
        self.elements.set_rows([_element_row(e) for e in res.elements])
        acc = inp.taps
        self.near.set_rows([(r.selector, r.near_misses, r.taps, r.rate, f"{r.distance:.1f}", r.direction, r.sessions)
                            for r in (acc.rows if acc is not None else [])])

    def _show_image(self, image) -> None:
        self.image.setPixmap(QPixmap.fromImage(image))
        self.image.resize(image.size())

    # ------------------------------------------------------------------ the ranked tables

    def element_box(self, selector: str):
        """Where ``selector`` is on the drawn map (page px), or None."""
        if self._result is None:
            return None
        box = next((e.box for e in self._result.elements if e.selector == selector and e.box), None)
        if box is None and self._result.background is not None:
            box = self._result.background.boxes.get(selector)
        return box

    def highlight_selector(self, selector: str | None) -> None:
        """Outline ``selector``'s element on the map (None: no outline) and scroll to it."""
        from .heatmap_render import highlighted

        if self._base_image is None:
            return
        box = self.element_box(selector) if selector else None
        self.highlighted = selector if box is not None else None
        self._show_image(highlighted(self._base_image, box))
        if box is not None:
            x, y, w, h = box
            self.scroll.ensureVisible(int(x + w / 2), int(y + h / 2), int(w / 2) + 80, int(h / 2) + 80)

    highlighted: str | None = None

    def _highlight_row(self, row: int) -> None:
        rows = self.elements.rows
        self.highlight_selector(rows[row][0] if 0 <= row < len(rows) else None)

    def _highlight_near(self, row: int) -> None:
        rows = self.near.rows
        self.highlight_selector(rows[row][0] if 0 <= row < len(rows) else None)

    def session_clicks(self, selector: str) -> list[tuple[str, int, int]]:
        """Sessions with clicks on ``selector`` in this map: ``(session id, first click's ms
        from the session start, clicks)``, most clicks first."""
        clicks = self._inputs.clicks if self._inputs is not None else None
        if clicks is None or not len(clicks) or selector not in clicks.selectors or clicks.t is None:
            return []
        import numpy as np

        on = np.nonzero(clicks.sel == clicks.selectors.index(selector))[0]
        first: dict[int, tuple[int, int]] = {}
        for s, t in zip(clicks.session[on].tolist(), clicks.t[on].tolist()):
            f, n = first.get(s, (t, 0))
            first[s] = (min(f, t), n + 1)
        ranked = sorted(first.items(), key=lambda kv: (-kv[1][1], kv[1][0]))[:MENU_SESSIONS]
        ids = [clicks.session_ids[s] for s, _ in ranked]
        db = open_store(self.db_path, readonly=True)
        try:
            q = f"SELECT id, started_at FROM sessions WHERE id IN ({','.join('?' * len(ids))})"
            starts = dict(db.conn.execute(q, ids)) if ids else {}
        finally:
            db.conn.close()
        return [(clicks.session_ids[s], int(t - starts[clicks.session_ids[s]]), n) for s, (t, n) in ranked
                if clicks.session_ids[s] in starts]

    def element_menu(self, row: int) -> QMenu | None:
        """The ranked row's context menu: the sessions with clicks on its element, each
        entry playing that session's first click on it in the main window."""
        if not 0 <= row < len(self.elements.rows):
            return None
        selector = self.elements.rows[row][0]
        menu = QMenu(self)
        head = menu.addAction(f"Sessions with clicks on {selector[:60]}")
        head.setEnabled(False)
        menu.addSeparator()
        entries = self.session_clicks(selector)
        for sid, at_ms, n in entries:
            act = menu.addAction(f"{sid} — {n} click{'s' if n != 1 else ''}, first at {_fmt_ms(at_ms)}")
            act.setData((sid, at_ms))
            act.setToolTip(f"Play {sid} at {_fmt_ms(at_ms)} in the main window")
            act.triggered.connect(lambda _c=False, s=sid, t=at_ms: self.clickJumpRequested.emit(s, t))
        if not entries:
            menu.addAction("No session clicks here").setEnabled(False)
        return menu

    def _element_menu_at(self, pos) -> None:
        idx = self.element_view.indexAt(pos)
        if idx.isValid():
            self.element_view.selectRow(idx.row())
            menu = self.element_menu(idx.row())
            if menu is not None:
                menu.exec(self.element_view.viewport().mapToGlobal(pos))

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

