"""Read side of the store: the filtered session list and one session's detail.

Filters and sorting happen in SQL (indexed columns; "URL contains" matched
against the distinct URLs, user search through trigram FTS5) so the list stays fast with 100,000 sessions; the
GUI model asks for ids in order and fetches rows lazily by id.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timezone

import numpy as np
import orjson
from sqlite_utils import Database

from ..formats import deepjson
from .db import connection_of
from .signals import SIGNAL_COLUMN, SIGNAL_COLUMNS

#: columns the list can sort by (public name -> SQL expression)
SORT_COLUMNS = {
    "started_at": "s.started_at",
    "duration_ms": "s.duration_ms",
    "active_ms": "s.active_ms",
    "user": "COALESCE(s.user_email, s.user_id, '')",
    "entry_url": "s.entry_url",
    "page_count": "s.page_count",
    "click_count": "s.click_count",
    "error_count": "s.error_count",
    "device": "s.device",
    "viewport_width": "s.viewport_width",
    "signals": "s.sig_total",
    "id": "s.id",
}

LIST_COLUMNS = (
    "rowid AS rowid, id, started_at, ended_at, duration_ms, active_ms, user_id, user_email, user_name, browser, os, device,"
    " viewport_width, viewport_height, page_count, entry_url, exit_url, event_count, click_count, error_count, "
    + ", ".join(SIGNAL_COLUMNS)
)


@dataclass(frozen=True)
class SessionFilter:
    """What the analyst asked for; every field None means "no constraint".

    Qt-free so the CLI, the GUI filter bar and tests share one definition.
    Times are epoch ms; durations in ms.
    """

    since: int | None = None
    until: int | None = None
    min_duration_ms: int | None = None
    max_duration_ms: int | None = None
    url: str | None = None
    user: str | None = None
    device: str | None = None
    min_viewport_width: int | None = None
    max_viewport_width: int | None = None
    has_errors: bool | None = None
    min_clicks: int | None = None
    #: frustration signal kinds (store.signals.SIGNAL_KINDS names): the session has at
    #: least one finding of EACH listed kind
    signals: tuple[str, ...] = ()

    def with_(self, **changes) -> "SessionFilter":
        return replace(self, **changes)

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) in (None, "", ()) for f in fields(self))

    def to_sql(self) -> tuple[str, list]:
        """A WHERE clause (without the keyword) and its parameters."""
        where: list[str] = []
        args: list = []
        if self.since is not None:
            where.append("s.started_at >= ?")
            args.append(self.since)
        if self.until is not None:
            where.append("s.started_at < ?")
            args.append(self.until)
        if self.min_duration_ms is not None:
            where.append("s.duration_ms >= ?")
            args.append(self.min_duration_ms)
        if self.max_duration_ms is not None:
            where.append("s.duration_ms <= ?")
            args.append(self.max_duration_ms)
        if self.device:
            where.append("s.device = ?")
            args.append(self.device)
        if self.min_viewport_width is not None:
            where.append("s.viewport_width >= ?")
            args.append(self.min_viewport_width)
        if self.max_viewport_width is not None:
            where.append("s.viewport_width <= ?")
            args.append(self.max_viewport_width)
        if self.has_errors is True:
            where.append("s.error_count > 0")
        elif self.has_errors is False:
            where.append("s.error_count = 0")
        if self.min_clicks is not None:
            where.append("s.click_count >= ?")
            args.append(self.min_clicks)
        for kind in self.signals or ():
            col = SIGNAL_COLUMN.get(kind)
            if col is None:
                raise ValueError(f"unknown signal kind {kind!r}; choose from {', '.join(SIGNAL_COLUMN)}")
            where.append(f"s.{col} > 0")
        if self.url:
            where.append(
                "+s.rowid IN (SELECT su.session_rowid FROM urls u JOIN session_urls su ON su.url_id = u.id"
                " WHERE instr(lower(u.url), lower(?)) > 0)"
            )
            args.append(self.url)
        if self.user:
            # instr, not LIKE: the same ASCII-caseless "contains", with no pattern to escape and no
            # limit (SQLite refuses LIKE patterns over 50,000 bytes: a pasted blob was a traceback)
            where.append("+s.rowid IN (SELECT rowid FROM session_search WHERE instr(lower(people), lower(?)) > 0)")
            args.append(self.user)
        return (" AND ".join(where) or "1"), args


def _order(sort: str, descending: bool) -> str:
    expr = SORT_COLUMNS.get(sort)
    if expr is None:
        raise ValueError(f"cannot sort by {sort!r}; choose one of {', '.join(SORT_COLUMNS)}")
    d = "DESC" if descending else "ASC"
    return f"{expr} {d}, s.rowid {d}"


def session_ids(db: Database, flt: SessionFilter = SessionFilter(), sort: str = "started_at", descending: bool = True) -> list[str]:
    """Ids of matching sessions in display order (cheap: one indexed query)."""
    where, args = flt.to_sql()
    q = f"SELECT s.id FROM sessions s WHERE {where} ORDER BY {_order(sort, descending)}"
    return [r[0] for r in db.conn.execute(q, args)]


def session_rowids(db: Database, flt: SessionFilter = SessionFilter(), sort: str = "started_at", descending: bool = True) -> list[int]:
    """Rowids of matching sessions in display order: what list models hold.

    Fetched as one comma-joined string (the ordered subquery feeds the
    aggregate in order) and parsed by numpy: a third faster than stepping
    100,000 Python tuples, which matters for filter-as-you-type.
    """
    where, args = flt.to_sql()
    q = f"SELECT group_concat(rowid) FROM (SELECT s.rowid FROM sessions s WHERE {where} ORDER BY {_order(sort, descending)})"
    text = db.conn.execute(q, args).fetchone()[0]
    if not text:
        return []
    return np.fromstring(text, dtype=np.int64, sep=",").tolist()


def sessions_by_rowid(db: Database, rowids: list[int]) -> dict[int, dict]:
    out: dict[int, dict] = {}
    for i in range(0, len(rowids), 500):
        part = rowids[i : i + 500]
        q = f"SELECT {LIST_COLUMNS} FROM sessions s WHERE s.rowid IN ({','.join('?' * len(part))})"
        for row in _rows(db.conn.execute(q, part)):
            out[row["rowid"]] = row
    return out


def count_sessions(db: Database, flt: SessionFilter = SessionFilter()) -> int:
    where, args = flt.to_sql()
    return db.conn.execute(f"SELECT count(*) FROM sessions s WHERE {where}", args).fetchone()[0]


def _rows(cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor]


def list_sessions(
    db: Database,
    flt: SessionFilter = SessionFilter(),
    sort: str = "started_at",
    descending: bool = True,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict]:
    where, args = flt.to_sql()
    q = f"SELECT {LIST_COLUMNS} FROM sessions s WHERE {where} ORDER BY {_order(sort, descending)}"
    if limit is not None:
        q += " LIMIT ? OFFSET ?"
        args = [*args, limit, offset]
    return _rows(db.conn.execute(q, args))


def session_info(db: Database, session_id: str) -> dict | None:
    """One session with its pages, clicks and console errors."""
    rows = _rows(
        db.conn.execute(
            "SELECT s.*, d.source, d.user_agent, d.warnings, d.meta FROM sessions s"
            " JOIN session_details d ON d.id = s.id WHERE s.id = ?",
            (session_id,),
        )
    )
    if not rows:
        return None
    s = rows[0]
    s["warnings"] = orjson.loads(s["warnings"]) if s["warnings"] else []
    s["meta"] = deepjson.loads(s["meta"]) if s["meta"] else None
    s["pages"] = _rows(
        db.conn.execute(
            "SELECT seq, url, t_enter, t_leave, viewport_width, viewport_height FROM pages WHERE session_id = ? ORDER BY seq",
            (session_id,),
        )
    )
    s["clicks"] = _rows(
        db.conn.execute(
            "SELECT t, kind, x, y, scroll_x, scroll_y, url, viewport_width, viewport_height, target_id, page_seq"
            " FROM interactions WHERE session_id = ? ORDER BY t",
            (session_id,),
        )
    )
    s["errors"] = _rows(
        db.conn.execute("SELECT t, level, message, trace, url FROM console WHERE session_id = ? ORDER BY t", (session_id,))
    )
    return s


def parse_date(text: str, *, end: bool = False) -> int:
    """``YYYY-MM-DD`` or an ISO datetime -> epoch ms (UTC). ``end`` = the next day."""
    try:
        if len(text) == 10:
            d = date.fromisoformat(text)
            dt = datetime.combine(d, time(0), tzinfo=timezone.utc)
            if end:
                dt = dt.replace(day=d.day) + (datetime(2000, 1, 2) - datetime(2000, 1, 1))
        else:
            dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=timezone.utc)
    except ValueError:
        raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD or an ISO date-time)") from None
    return int(dt.timestamp() * 1000)


def session_exists(db, session_id: str) -> bool:
    return connection_of(db).execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is not None


def session_rowid(db, session_id: str) -> int | None:
    """The session's rowid (the list model's key), or None when it is not stored."""
    row = connection_of(db).execute("SELECT rowid FROM sessions WHERE id = ?", (session_id,)).fetchone()
    return row[0] if row else None


def all_session_ids(db) -> list[str]:
    """Every stored session id, in import order."""
    return [r[0] for r in connection_of(db).execute("SELECT id FROM sessions ORDER BY rowid")]


def page_starts(db, session_id: str) -> list[int]:
    """Absolute ms at which each of the session's pages was entered (page order)."""
    return [r[0] for r in connection_of(db).execute(
        "SELECT t_enter FROM pages WHERE session_id = ? ORDER BY seq", (session_id,))]


def newest_session(db, session_ids: list[str]) -> str | None:
    """The session of ``session_ids`` that started last (the top row of the default sort)."""
    conn = connection_of(db)
    best: tuple[int, str] | None = None
    for i in range(0, len(session_ids), 500):
        chunk = session_ids[i : i + 500]
        row = conn.execute(
            f"SELECT started_at, id FROM sessions WHERE id IN ({','.join('?' * len(chunk))}) ORDER BY started_at DESC LIMIT 1",
            chunk,
        ).fetchone()
        if row is not None and (best is None or tuple(row) > best):
            best = (row[0], row[1])
    return best[1] if best else None
