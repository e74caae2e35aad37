"""The session list's filter and sort, observable and serialisable.

The filter bar edits this object; the session model listens and re-queries.
Saved filters are stored by name as JSON so they survive restarts.
"""

from __future__ import annotations

from dataclasses import asdict, fields

import orjson

from ..analysis.signals import SIGNAL_KINDS
from ..store.queries import SORT_COLUMNS, SessionFilter
from .observable import Observable


def filter_to_json(f: SessionFilter) -> str:
    return orjson.dumps({k: v for k, v in asdict(f).items() if v not in (None, "", ())}).decode()


def filter_from_json(text: str) -> SessionFilter:
    try:
        data = orjson.loads(text) if text else {}
    except orjson.JSONDecodeError:
        return SessionFilter()
    if not isinstance(data, dict):
        return SessionFilter()
    names = {f.name for f in fields(SessionFilter)}
    values = {k: v for k, v in data.items() if k in names}
    if "signals" in values:  # JSON has lists; the filter (frozen, compared) holds a tuple
        values["signals"] = signal_kinds(values["signals"])
    return SessionFilter(**values)


def signal_kinds(value) -> tuple[str, ...]:
    """The "has signal" kinds of a filter, known kinds only, in store order (a saved filter
    from a newer version may name a kind this one does not detect)."""
    wanted = set(value) if isinstance(value, (list, tuple)) else set()
    return tuple(k for k in SIGNAL_KINDS if k in wanted)


class ListState(Observable):
    """Events: ``filter_changed(SessionFilter)``, ``sort_changed(col, desc)``,
    ``saved_changed(names)``."""

    EVENTS = frozenset({"filter_changed", "sort_changed", "saved_changed"})

    def __init__(self, flt: SessionFilter | None = None, sort: str = "started_at", descending: bool = True, saved: dict[str, SessionFilter] | None = None):
        super().__init__()
        self.filter = flt or SessionFilter()
        self.sort = sort if sort in SORT_COLUMNS else "started_at"
        self.descending = descending
        self.saved: dict[str, SessionFilter] = dict(saved or {})

    def set_filter(self, flt: SessionFilter) -> None:
        if flt != self.filter:
            self.filter = flt
            self._emit("filter_changed", flt)

    def update(self, **changes) -> None:
        self.set_filter(self.filter.with_(**changes))

    def clear(self) -> None:
        self.set_filter(SessionFilter())

    def set_sort(self, column: str, descending: bool) -> None:
        if column not in SORT_COLUMNS:
            raise ValueError(column)
        if (column, descending) != (self.sort, self.descending):
            self.sort, self.descending = column, descending
            self._emit("sort_changed", column, descending)

    def save_as(self, name: str) -> None:
        name = name.strip()
        if not name:
            raise ValueError("a saved filter needs a name")
        self.saved[name] = self.filter
        self._emit("saved_changed", sorted(self.saved))

    def apply_saved(self, name: str) -> None:
        self.set_filter(self.saved[name])

    def delete_saved(self, name: str) -> None:
        if self.saved.pop(name, None) is not None:
            self._emit("saved_changed", sorted(self.saved))

    def saved_json(self) -> str:
        return orjson.dumps({k: orjson.loads(filter_to_json(v)) for k, v in self.saved.items()}).decode()

    @staticmethod
    def saved_from_json(text: str) -> dict[str, SessionFilter]:
        try:
            data = orjson.loads(text) if text else {}
        except orjson.JSONDecodeError:
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(k): filter_from_json(orjson.dumps(v).decode()) for k, v in data.items() if isinstance(v, dict)}
