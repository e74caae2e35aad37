"""The side panel: Events, Pages, Errors and Details of the open session.

Each tab is a view over a model; clicking a row asks for a seek
(``seekRequested`` with ms since the session start). The Events tab (the
event inspector) is supplied by its own module and added by the window.
"""

from __future__ import annotations

import orjson
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLineEdit,
    QTabWidget,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from . import formatting as fmt
from .records_model import TIME_ROLE, RecordTableModel, text_filter_proxy
from .tables import record_table


def make_table(model) -> QTableView:
    v = record_table(model)
    v.horizontalHeader().setStretchLastSection(True)
    v.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return v


class _ListTab(QWidget):
    seekRequested = Signal(int)

    def __init__(self, model: RecordTableModel, placeholder: str, parent=None):
        super().__init__(parent)
        self.model = model
        self.proxy = text_filter_proxy(model, self)
        self.search = QLineEdit(placeholderText=placeholder, clearButtonEnabled=True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = make_table(self.proxy)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        lay.addWidget(self.search)
        lay.addWidget(self.view)
        self.view.clicked.connect(self._on_view_clicked)
        self.view.activated.connect(self._on_view_clicked)

    def _on_view_clicked(self, index) -> None:
        t = index.data(TIME_ROLE)
        if t is not None:
            self.seekRequested.emit(int(t))


class SessionPanel(QTabWidget):
    """Tabs for one session. ``show_session(info)`` with :func:`session_info`."""

    seekRequested = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._t0 = 0
        rel = lambda t: fmt.clock(t - self._t0)  # noqa: E731
        self.pages_model = RecordTableModel(
            [
                ("At", lambda p: rel(p["t_enter"])),
                ("Time on page", lambda p: fmt.duration(p["t_leave"] - p["t_enter"])),
                ("Page", lambda p: fmt.url_path(p["url"])),
                ("Viewport", lambda p: f"{p['viewport_width']}×{p['viewport_height']}" if p["viewport_width"] else ""),
            ],
            time_of=lambda p: p["t_enter"] - self._t0,
        )
        self.pages_model.set_tooltip(lambda p: p["url"])
        self.errors_model = RecordTableModel(
            [
                ("At", lambda e: rel(e["t"])),
                ("Level", lambda e: e["level"]),
                ("Message", lambda e: e["message"].splitlines()[0] if e["message"] else ""),
                ("Page", lambda e: fmt.url_path(e["url"])),
            ],
            time_of=lambda e: e["t"] - self._t0,
        )
        self.errors_model.set_tooltip(lambda e: e["message"] + (f"\n{e['trace']}" if e.get("trace") else ""))
        self.pages_tab = _ListTab(self.pages_model, "Filter pages…")
        self.errors_tab = _ListTab(self.errors_model, "Filter console errors…")
        self.details = QTreeWidget()
        self.details.setHeaderLabels(["Field", "Value"])
        self.details.setRootIsDecorated(True)
        self.details.setAlternatingRowColors(True)
        self.details.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.events_index = -1
        self.addTab(self.pages_tab, "Pages")
        self.addTab(self.errors_tab, "Errors")
        self.addTab(self.details, "Details")
        for tab in (self.pages_tab, self.errors_tab):
            tab.seekRequested.connect(self.seekRequested)

    def add_events_tab(self, widget: QWidget) -> None:
        self.events_index = self.insertTab(0, widget, "Events")
        self.setCurrentIndex(0)

    def show_session(self, info: dict | None) -> None:
        if info is None:
            self.pages_model.set_records([])
            self.errors_model.set_records([])
            self.details.clear()
            self.setTabText(self.indexOf(self.errors_tab), "Errors")
            return
        self._t0 = info["started_at"]
        self.pages_model.set_records(info["pages"])
        self.errors_model.set_records(info["errors"])
        n_err = sum(1 for e in info["errors"] if e["level"] == "error")
        self.setTabText(self.indexOf(self.errors_tab), f"Errors ({n_err})" if n_err else "Errors")
        for v in (self.pages_tab.view, self.errors_tab.view):
            v.resizeColumnsToContents()
        self._fill_details(info)

    def _fill_details(self, info: dict) -> None:
        d = self.details
        d.clear()

        def add(label, value, parent=None):
            it = QTreeWidgetItem([label, "" if value is None else str(value)])
            it.setToolTip(1, "" if value is None else str(value))
            (parent.addChild(it) if parent else d.addTopLevelItem(it))
            return it

        add("Session", info["id"])
        add("Started", fmt.local_time(info["started_at"]))
        add("Duration", fmt.duration(info["duration_ms"]))
        add("Active time", fmt.duration(info["active_ms"]))
        add("User", " ".join(x for x in (info["user_name"], info["user_email"] and f"<{info['user_email']}>", info["user_id"] and f"[{info['user_id']}]") if x) or "—")
        add("Device", info["device"])
        add("Browser", " ".join(x for x in (info["browser"], info["os"] and f"on {info['os']}") if x) or "—")
        add("Viewport", f"{info['viewport_width']}×{info['viewport_height']}" if info["viewport_width"] else "—")
        add("User agent", info["user_agent"] or "—")
        add("Pages", info["page_count"])
        add("Events", info["event_count"])
        add("Clicks", info["click_count"])
        add("Console errors", info["error_count"])
        add("Entry", info["entry_url"])
        add("Exit", info["exit_url"])
        add("Source", info["source"])
        add("Imported", info["imported_at"])
        for w in info["warnings"]:
            add("Import warning", w)
        meta = info.get("meta")
        if meta:
            root = add("meta.json", "")
            for k, v in meta.items():
                text = v if isinstance(v, str) else orjson.dumps(v).decode()
                add(k, text if len(text) < 300 else text[:297] + "…", root)
        d.expandToDepth(0)
        d.resizeColumnToContents(0)



