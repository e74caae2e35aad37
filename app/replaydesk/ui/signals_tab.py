"""The inspector's Signals tab: the open session's frustration signals, ranked.

Ranked by what hurts most (:data:`signals_style.SEVERITY`: error clicks first), then by
time; "By time" lists them in the order they happened. A click (or Enter) on a row
emits ``findingActivated(finding)``: the player seeks to it and outlines its element.
Evidence and element labels come from the recording: cells are plain text and the
tooltip (the rule with its numbers, the evidence) goes through ``plain_tooltip``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from . import formatting as fmt
from . import signals_style as ss
from .records_model import RECORD_ROLE, RecordTableModel
from .tables import record_table


class SignalsTab(QWidget):
    findingActivated = Signal(dict)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = RecordTableModel(
            [
                ("Signal", lambda f: ss.style(str(f.get("kind"))).name + (f" ×{f['count']}" if (f.get("count") or 1) > 1 else "")),
                ("At", lambda f: fmt.clock(int(f.get("t_ms") or 0))),
                ("Element", ss.element_text),
                ("Evidence", lambda f: str(f.get("evidence") or "")),
            ],
            time_of=lambda f: int(f.get("t_ms") or 0),
        )
        self.model.set_tooltip(ss.describe_finding)
        self.model.set_foreground(lambda f, col: ss.color(str(f.get("kind")), self.palette()) if col == 0 else None)
        self.order = QComboBox(objectName="signalOrder")
        self.order.addItem("Most serious first", "severity")
        self.order.addItem("In time order", "time")
        self.order.setToolTip("Error clicks, rage clicks and dead clicks first; or the order they happened in")
        self.summary = QLabel(objectName="signalSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.view = record_table(self.model)
        self.view.setObjectName("signalsTable")
        h = self.view.horizontalHeader()
        h.setStretchLastSection(True)
        h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.empty = QLabel("No frustration signals in this session.", objectName="signalsEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: palette(placeholder-text);")
        # the selected finding explained in full: the rule with its numbers, the evidence
        self.detail = QPlainTextEdit(objectName="signalDetail")
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("Select a signal to see the rule that found it and its evidence")
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.view)
        self.split.addWidget(self.detail)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 1)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.summary, 1)
        top.addWidget(self.order)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        lay.addLayout(top)
        lay.addWidget(self.split, 1)
        lay.addWidget(self.empty, 1)
        self._findings: list[dict] = []
        self.order.currentIndexChanged.connect(lambda _i: self._fill())
        self.view.clicked.connect(self._on_view_activated)
        self.view.activated.connect(self._on_view_activated)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.model.modelReset.connect(self.detail.clear)
        self.set_findings([])

    def set_findings(self, findings: list[dict]) -> None:
        self._findings = list(findings)
        self._fill()

    def findings(self) -> list[dict]:
        """The rows as shown (ranked)."""
        return self.model.records()

    def _fill(self) -> None:
        by_time = self.order.currentData() == "time"
        rows = sorted(self._findings, key=(lambda f: int(f.get("t_ms") or 0)) if by_time else ss.rank_key)
        self.model.set_records(rows)
        counts: dict[str, int] = {}
        for f in rows:
            counts[f["kind"]] = counts.get(f["kind"], 0) + 1
        ordered = [(k, counts[k]) for k in ss.STYLES if k in counts]
        self.summary.setText(", ".join(f"{n} {ss.style(k).plural if n != 1 else ss.style(k).name.lower()}" for k, n in ordered)
                             or "No signals")
        self.split.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        if rows:
            self.view.resizeColumnToContents(0)
            self.view.resizeColumnToContents(1)
            self.view.setColumnWidth(2, min(220, max(80, self.view.sizeHintForColumn(2))))

    def _on_current_changed(self, current, _previous) -> None:
        rec = current.data(RECORD_ROLE) if current.isValid() else None
        self.detail.setPlainText(ss.describe_finding(rec) if rec else "")

    def _on_view_activated(self, index) -> None:
        rec = index.data(RECORD_ROLE)
        if rec:
            self.findingActivated.emit(dict(rec))
