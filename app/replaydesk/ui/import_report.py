"""The dialog listing what an import rejected or warned about, and why.

File names, session names and reasons quote the imported files (recorded
data): every one is shown as plain text (see :mod:`.plaintext`).
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout

from ..store import ImportReport
from .plaintext import plain_label, plain_tooltip


class ImportReportDialog(QDialog):
    def __init__(self, report: ImportReport, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Import finished with problems" if report.rejected else "Import report")
        self.resize(820, 420)
        lay = QVBoxLayout(self)
        self.summary = plain_label(report.summary_line())
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        lay.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["File / session", "Problem"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        for label, reason in report.rejected:
            it = QTreeWidgetItem([label, reason])
            it.setToolTip(0, plain_tooltip(label))
            it.setToolTip(1, plain_tooltip(reason))
            it.setData(0, 256, "rejected")
            self.tree.addTopLevelItem(it)
        for label, msg in report.warnings:
            it = QTreeWidgetItem([label, "warning: " + msg])
            it.setToolTip(0, plain_tooltip(label))
            it.setToolTip(1, plain_tooltip(msg))
            self.tree.addTopLevelItem(it)
        for label, why in report.ignored:  # files and folders passed over: never silent
            it = QTreeWidgetItem([label, "ignored: " + why])
            it.setToolTip(0, plain_tooltip(label))
            it.setToolTip(1, plain_tooltip(why))
            self.tree.addTopLevelItem(it)
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, min(self.tree.columnWidth(0), 380))
        lay.addWidget(self.tree)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("Copy")
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.as_text(report)))
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    @staticmethod
    def as_text(report: ImportReport) -> str:
        lines = [report.summary_line()]
        lines += [f"rejected: {label}: {reason}" for label, reason in report.rejected]
        lines += [f"warning: {label}: {msg}" for label, msg in report.warnings]
        lines += [f"ignored: {label}: {why}" for label, why in report.ignored]
        return "\n".join(lines)
