"""The one look of the window's record lists (sessions, events, pages, errors).

Read-only rows selected whole, one at a time, no grid, no wrapping, no row
numbers, rows of one fixed height: analysts scan these lists, so every one
behaves the same under the keyboard and the mouse.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget


def record_table(model, *, row_height: int = 22, alternate: bool = True, parent: QWidget | None = None) -> QTableView:
    v = QTableView(parent)
    v.setModel(model)
    v.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    v.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    v.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    v.setAlternatingRowColors(alternate)
    v.setShowGrid(False)
    v.setWordWrap(False)
    v.verticalHeader().setVisible(False)
    v.verticalHeader().setDefaultSectionSize(row_height)
    return v
