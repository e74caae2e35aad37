"""The side panel: Events, Signals, Pages, Errors and Details of the open session.

Each tab is a view over a model; clicking a row asks for a seek
(``seekRequested`` with ms since the session start). The Events tab (the
event inspector) is supplied by its own module and added by the window.

Everything shown here comes from the recording (URLs, messages, stacks, user
and meta fields), so it is drawn as plain text: table cells, ``QLabel``s set to
``Qt.PlainText``, ``QPlainTextEdit`` and tooltips through
:func:`plaintext.plain_tooltip`. The panel must stay usable at 290 px wide:
tabs elide instead of scrolling, the Errors message column wraps instead of
pushing the time and level out of view, and the Details summary is a form
whose values wrap.
"""

from __future__ import annotations

import orjson
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QTableView,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..state.privacy import display_text
from . import formatting as fmt
from .plaintext import plain_label, plain_tooltip
from .records_model import RECORD_ROLE, TIME_ROLE, RecordTableModel, text_filter_proxy
from .signals_tab import SignalsTab
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
        self.lay = lay = QVBoxLayout(self)
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


class _ErrorsTab(_ListTab):
    """Console errors: time, level, then the whole message wrapped to the pane's width (no
    horizontal scrolling, so a click never scrolls the time and level away); the selected
    error's message and stack trace below, selectable."""

    def __init__(self, model: RecordTableModel, parent=None):
        super().__init__(model, "Filter console errors…", parent)
        v = self.view
        v.setWordWrap(True)
        v.setTextElideMode(Qt.TextElideMode.ElideNone)
        v.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        v.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        v.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        h = v.horizontalHeader()
        h.setStretchLastSection(False)
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.detail = QPlainTextEdit()
        self.detail.setObjectName("errorDetail")
        self.detail.setReadOnly(True)
        self.detail.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.detail.setPlaceholderText("Select an error to see its message and stack trace")
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setChildrenCollapsible(False)
        self.lay.removeWidget(v)
        self.split.addWidget(v)
        self.split.addWidget(self.detail)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.lay.addWidget(self.split)
        v.selectionModel().currentRowChanged.connect(self._on_current_changed)
        model.modelReset.connect(self.detail.clear)

    def _on_current_changed(self, current, _previous) -> None:
        rec = current.data(RECORD_ROLE) if current.isValid() else None
        self.detail.setPlainText(error_detail_text(rec) if rec else "")


def error_detail_text(e: dict) -> str:
    parts = [f"{e.get('level', '')}: {e.get('message') or ''}".strip()]
    if e.get("url"):
        parts.append(f"on {e['url']}")
    if e.get("trace"):
        parts.append("Stack trace:\n" + str(e["trace"]))
    return "\n\n".join(parts)


class _DetailsTab(QScrollArea):
    """A readable summary of the session and, folded below it, every stored field and the
    raw meta.json."""

    SUMMARY = ("User", "Device", "Browser and OS", "Viewport", "Started", "Duration", "Pages", "Clicks", "Errors", "Source file", "Session")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.setSpacing(8)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setHorizontalSpacing(10)
        self.values: dict[str, object] = {}
        for key in self.SUMMARY:
            value = plain_label()
            value.setWordWrap(True)
            # never wider than the pane: a long unbroken value (an e-mail, a path) is clipped
            # at the edge (full text in its tooltip) instead of pushing the column out of view
            value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setObjectName("detail_" + key.lower().replace(" ", "_"))
            caption = plain_label(key)
            caption.setObjectName("detailCaption")
            form.addRow(caption, value)
            self.values[key] = value
        lay.addLayout(form)
        self.raw_toggle = QToolButton(text="Raw metadata", checkable=True)
        self.raw_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.raw_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.raw_toggle.setAutoRaise(True)
        self.raw_toggle.toggled.connect(self._toggle_raw)
        lay.addWidget(self.raw_toggle)
        self.raw = QTreeWidget()
        self.raw.setHeaderLabels(["Field", "Value"])
        self.raw.setRootIsDecorated(True)
        self.raw.setAlternatingRowColors(True)
        self.raw.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.raw.header().setStretchLastSection(True)
        self.raw.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.raw.setMinimumHeight(260)
        self.raw.setVisible(False)
        lay.addWidget(self.raw)
        lay.addStretch(1)
        self.setWidget(body)

    def _toggle_raw(self, on: bool) -> None:
        self.raw.setVisible(on)
        self.raw_toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    def clear(self) -> None:
        for label in self.values.values():
            label.setText("")
            label.setToolTip("")
        self.raw.clear()

    def show_info(self, info: dict) -> None:
        user = " ".join(
            x
            for x in (
                info["user_name"],
                info["user_email"] and f"<{info['user_email']}>",
                info["user_id"] and f"[{info['user_id']}]",
            )
            if x
        )
        browser = " on ".join(x for x in (info["browser"], info["os"]) if x)
        pages = info["pages"]
        summary = {
            "User": user or "—",
            "Device": info["device"] or "—",
            "Browser and OS": browser or "—",
            "Viewport": f"{info['viewport_width']} × {info['viewport_height']} px" if info["viewport_width"] else "—",
            "Started": fmt.local_time(info["started_at"]),
            "Duration": f"{fmt.duration(info['duration_ms'])} ({fmt.duration(info['active_ms'])} active)",
            "Pages": f"{info['page_count']}" + (f": {fmt.url_path(pages[0]['url'])} → {fmt.url_path(pages[-1]['url'])}" if pages else ""),
            "Clicks": str(info["click_count"]),
            "Errors": str(info["error_count"]),
            "Source file": info["source"] or "—",
            "Session": info["id"],
        }
        for key, text in summary.items():
            text = display_text(text)  # e-mail masking for demos (View > Privacy)
            self.values[key].setText(text)
            self.values[key].setToolTip(plain_tooltip(text))
        self._fill_raw(info)

    def _fill_raw(self, info: dict) -> None:
        d = self.raw
        d.clear()

        def add(label, value, parent=None):
            text = display_text("" if value is None else str(value))
            it = QTreeWidgetItem([label, text])
            it.setToolTip(1, plain_tooltip(text))
            (parent.addChild(it) if parent else d.addTopLevelItem(it))
            return it

        for key in (
            "id", "started_at", "ended_at", "duration_ms", "active_ms", "user_id", "user_email", "user_name",
            "browser", "os", "device", "viewport_width", "viewport_height", "user_agent", "page_count",
            "event_count", "click_count", "error_count", "entry_url", "exit_url", "source", "imported_at",
            "content_hash",
        ):
            if key in info:
                add(key, info[key])
        for w in info["warnings"]:
            add("import warning", w)
        meta = info.get("meta")
        if meta:
            root = add("meta.json", "")
            for k, v in meta.items():
                text = v if isinstance(v, str) else orjson.dumps(v).decode()
                add(str(k), text if len(text) < 300 else text[:297] + "…", root)
            root.setExpanded(True)
        d.setColumnWidth(0, max(120, min(200, d.sizeHintForColumn(0) + 8)))


class SessionPanel(QTabWidget):
    """Tabs for one session. ``show_session(info)`` with :func:`session_info`."""

    seekRequested = Signal(int)
    #: a row of the Signals tab was picked: seek to it and outline its element
    findingActivated = Signal(dict)

    def __init__(self, parent=None):
        super().__init__(parent)
        # titles stay whole: six elided titles read "E…", "Si…", "P…" on a real display; the
        # pane widens to show them all when the window has room (pane_layout), and a narrow
        # pane scrolls its tab bar instead
        self.setUsesScrollButtons(True)
        self.setElideMode(Qt.TextElideMode.ElideNone)
        self.setDocumentMode(True)
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
                ("Message", lambda e: e["message"] or ""),
            ],
            time_of=lambda e: e["t"] - self._t0,
        )
        self.errors_model.set_tooltip(lambda e: e["url"] or "")
        self.pages_tab = _ListTab(self.pages_model, "Filter pages…")
        self.errors_tab = _ErrorsTab(self.errors_model)
        self.details = _DetailsTab()
        self.signals_tab = SignalsTab()
        self.signals_tab.findingActivated.connect(self.findingActivated)
        self.events_index = -1
        self.addTab(self.signals_tab, "Signals")
        self.addTab(self.pages_tab, "Pages")
        self.addTab(self.errors_tab, "Errors")
        self.addTab(self.details, "Details")
        for tab in (self.pages_tab, self.errors_tab):
            tab.seekRequested.connect(self.seekRequested)

    def add_events_tab(self, widget: QWidget) -> None:
        self.events_index = self.insertTab(0, widget, "Events")
        self.setCurrentIndex(0)

    def show_signals(self, findings: list[dict]) -> None:
        """The open session's findings (from the player, once read from the store)."""
        self.signals_tab.set_findings(findings)
        n = len(findings)
        self.setTabText(self.indexOf(self.signals_tab), f"Signals ({n})" if n else "Signals")

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
        self.pages_tab.view.resizeColumnsToContents()
        self.details.show_info(info)
