"""The session list model: a window onto the store, not a copy of it.

It holds only the ordered rowids of the current query (filter + sort in SQL)
and fetches rows in blocks as the view asks for them, so 100,000 sessions
open instantly and scroll smoothly. New sessions landing during an import
are inserted with ``beginInsertRows`` at their sorted position; a filter or
sort change is a new query (a model reset).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from ..state.filters import ListState
from ..store.queries import SORT_COLUMNS, count_sessions, session_rowid, session_rowids, sessions_by_rowid
from . import formatting as fmt
from .bindings import bind_all
from ..state.privacy import display_text
from . import signals_style as ss
from .plaintext import plain_tooltip
from .signals_badges import SIGNALS_ROLE

SESSION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_KEY_ROLE = Qt.ItemDataRole.UserRole + 2

#: (header, sort column in the store or None, row -> display text), in the
#: default visual order, which is also the order columns give way in when the
#: pane is narrow (the rightmost visible ones are hidden first)
COLUMNS = [
    ("Started", "started_at", lambda r: short_time(r["started_at"])),
    ("User", "user", lambda r: r["user_email"] or r["user_id"] or r["user_name"] or ""),
    ("Duration", "duration_ms", lambda r: fmt.duration(r["duration_ms"])),
    ("Errors", "error_count", lambda r: str(r["error_count"]) if r["error_count"] else ""),
    ("Clicks", "click_count", lambda r: str(r["click_count"])),
    ("Device", "device", lambda r: r["device"]),
    # badges painted by signals_badges.SignalBadgeDelegate; the text ("R3 D1") is what a copy gets
    ("Signals", "signals", lambda r: ss.badge_text(ss.row_counts(r))),
    ("Pages", "page_count", lambda r: str(r["page_count"])),
    ("Entry page", "entry_url", lambda r: fmt.url_path(r["entry_url"])),
    ("Active", "active_ms", lambda r: fmt.duration(r["active_ms"])),
    ("Viewport", "viewport_width", lambda r: f"{r['viewport_width']}×{r['viewport_height']}" if r["viewport_width"] else ""),
]


def short_time(epoch_ms: int | None) -> str:
    """``27 Nov 00:18`` this year, ``2025-11-27`` before (the full time is in the tooltip):
    the list must show its counts beside it in a 1280 px window."""
    if epoch_ms is None:
        return ""
    dt = datetime.fromtimestamp(epoch_ms / 1000)
    return dt.strftime("%d %b %H:%M") if dt.year == datetime.now().year else dt.strftime("%Y-%m-%d")


NUMERIC = {"Pages", "Clicks", "Errors", "Duration", "Active"}
BLOCK = 200


class SessionTableModel(QAbstractTableModel):
    """Rows = sessions matching ``state.filter`` in ``state.sort`` order."""

    countChanged = Signal(int, int)  # matching, total

    def __init__(self, db, state: ListState, parent=None):
        super().__init__(parent)
        self._db = db
        self._state = state
        self._ids: list[int] = []  # session rowids in display order
        self._cache: dict[int, dict] = {}
        self._total = 0
        self._unsubscribe = bind_all(self, state, {
            "filter_changed": lambda _f: self.reload(),
            "sort_changed": lambda *_: self.reload(),
        })
        self.reload()

    # -- queries ---------------------------------------------------------
    def reload(self) -> None:
        """Run the current query again from scratch (filter or sort changed)."""
        self.beginResetModel()
        self._ids = session_rowids(self._db, self._state.filter, self._state.sort, self._state.descending)
        self._cache.clear()
        self.endResetModel()
        self._emit_count(total_changed=True)

    def refresh(self) -> None:
        """Pick up sessions added or replaced by an import, keeping the view.

        New ids are inserted where the query puts them (``beginInsertRows``),
        so selection and scroll position survive.
        """
        new_ids = session_rowids(self._db, self._state.filter, self._state.sort, self._state.descending)
        old = set(self._ids)
        if old - set(new_ids):  # something disappeared: no cheap diff
            self.reload()
            return
        added = [i for i, sid in enumerate(new_ids) if sid not in old]
        kept = [sid for sid in new_ids if sid in old]
        if kept != self._ids:
            self.reload()
            return
        for pos in added:  # ascending positions in the final list
            self.beginInsertRows(QModelIndex(), pos, pos)
            self._ids.insert(pos, new_ids[pos])
            self.endInsertRows()
        # replaced sessions keep their id but may have new facts
        self._cache.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1))
        self._emit_count(total_changed=True)

    def refresh_rows(self) -> None:
        """Show changed facts of the listed sessions (signal counts after a session was
        named or recomputed) without running the query: rows keep their place."""
        self._cache.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1))

    def _emit_count(self, total_changed: bool = False) -> None:
        if total_changed or not self._total:
            self._total = count_sessions(self._db)
        self.countChanged.emit(len(self._ids), self._total)

    @property
    def total(self) -> int:
        return self._total

    # -- model API -------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            if COLUMNS[section][0] == "Signals":
                return "Frustration signals per kind; sort by their total. " + ss.counts_tooltip([]).split("\n\n")[-1]
            return "Sort by " + COLUMNS[section][0].lower() if COLUMNS[section][1] else None
        return None

    def _row(self, r: int) -> dict | None:
        rid = self._ids[r]
        row = self._cache.get(rid)
        if row is None:
            if len(self._cache) > 20 * BLOCK:
                self._cache.clear()
            start = r - r % BLOCK
            self._cache.update(sessions_by_rowid(self._db, self._ids[start : start + BLOCK]))
            row = self._cache.get(rid)
        return row

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        row = self._row(index.row())
        if row is None:
            return None
        if role == SESSION_ID_ROLE:
            return row["id"]
        name, _sort, text = COLUMNS[index.column()]
        if role == SIGNALS_ROLE:
            return ss.row_counts(row) if name == "Signals" else None
        if role == Qt.ItemDataRole.DisplayRole:
            return display_text(text(row))
        if role == Qt.ItemDataRole.TextAlignmentRole and name in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(display_text(self._tooltip(name, row)))
        if role == Qt.ItemDataRole.ForegroundRole and name == "Errors" and row["error_count"]:
            return QColor("#d1453b")
        return None

    @staticmethod
    def _tooltip(name: str, row: dict) -> str | None:
        """Recorded text (URLs, user fields): shown through :func:`plain_tooltip`."""
        if name == "Entry page":
            return row["entry_url"]
        if name == "User":
            return " ".join(x for x in (row["user_name"], row["user_email"], row["user_id"]) if x)
        if name == "Started":
            return fmt.local_time(row["started_at"])
        if name == "Signals":
            return ss.counts_tooltip(ss.row_counts(row))
        if name == "Device":
            return f"{row['browser'] or ''} {('on ' + row['os']) if row['os'] else ''}".strip() or None
        return row["id"]

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][1]
        if key is None or key not in SORT_COLUMNS:
            return
        self._state.set_sort(key, order == Qt.SortOrder.DescendingOrder)

    def session_id(self, row: int) -> str:
        r = self._row(row)
        return r["id"] if r else ""

    def row_of(self, session_id: str) -> int:
        rowid = session_rowid(self._db, session_id)
        if rowid is None:
            return -1
        try:
            return self._ids.index(rowid)
        except ValueError:
            return -1

    def sort_column_index(self) -> int:
        for i, (_n, key, _t) in enumerate(COLUMNS):
            if key == self._state.sort:
                return i
        return 0

    def close(self) -> None:
        for off in self._unsubscribe:
            off()

