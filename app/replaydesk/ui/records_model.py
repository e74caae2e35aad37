"""A read-only table model over a list of records (dicts), plus its proxy.

Used for the Pages and Errors tabs: small per-session lists that still get a
real model (sorting, filtering, selection) instead of a hand-filled widget.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt

from .plaintext import plain_tooltip

RECORD_ROLE = Qt.ItemDataRole.UserRole + 10
TIME_ROLE = Qt.ItemDataRole.UserRole + 11


class RecordTableModel(QAbstractTableModel):
    """``columns`` = [(header, record -> text)]; ``time_of(record)`` = ms.

    Records hold recorded text: cells are drawn as plain text by the view and
    the tooltip text is escaped here (see :mod:`.plaintext`).
    """

    def __init__(self, columns: list[tuple[str, Callable[[dict], str]]], time_of: Callable[[dict], int] | None = None, parent=None):
        super().__init__(parent)
        self._columns = columns
        self._time_of = time_of
        self._rows: list[dict] = []
        self._tooltip: Callable[[dict], str] | None = None
        self._foreground: Callable[[dict, int], object] | None = None

    def set_tooltip(self, fn: Callable[[dict], str]) -> None:
        self._tooltip = fn

    def set_foreground(self, fn: Callable[[dict, int], object]) -> None:
        """``fn(record, column)`` -> a text colour for that cell, or None for the default."""
        self._foreground = fn

    def set_records(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def records(self) -> list[dict]:
        return self._rows

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section][0]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        rec = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[index.column()][1](rec)
        if role == RECORD_ROLE:
            return rec
        if role == TIME_ROLE and self._time_of is not None:
            return self._time_of(rec)
        if role == Qt.ItemDataRole.ForegroundRole and self._foreground is not None:
            return self._foreground(rec, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and self._tooltip is not None:
            return plain_tooltip(self._tooltip(rec))
        return None


def text_filter_proxy(model: QAbstractTableModel, parent=None) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setFilterKeyColumn(-1)
    return proxy
