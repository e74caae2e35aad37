"""Columnar click cache for page insights (issue 12): one packed blob per (pattern, session).

Why: a heatmap over 1,000,000 clicks read row by row from ``interactions`` spends seconds
turning ~10 million SQLite values into Python objects. Here each session's clicks on one URL
pattern are packed once into a numpy record array (:data:`RECORD`) stored as a BLOB in
``insights_clicks`` (migration m006); a heatmap then reads ~one blob per session with one
query and turns them into columns with one ``np.frombuffer`` over the joined bytes.

Kept correct by the schema, not by callers: triggers drop a session's rows when its
interactions are inserted, changed (attribution, measured boxes) or deleted, and the
foreign key drops them with the session. Sessions without a row for the pattern (new
imports, changed ones) are built on the next read - only those, so the cache grows
incrementally as sessions land. A session with no clicks on the page gets an empty row, so
it is not looked at again. The per-click triggers act only on sessions that have cache
rows, so a read that could not write its rows (below) is not invalidated by later
attribution of those sessions - the next read builds the rows anyway. A read-only connection still gets its answer: the rows are
then written through a short-lived writable connection, or not at all when the store is
busy or read-only (the next read tries again).
"""

from __future__ import annotations

import logging

import numpy as np

from .db import connect_file
from .db import connection_of as _conn
from .store import StoreBusy, StoreError

log = logging.getLogger(__name__)

#: bump when RECORD or what goes in it changes: rows of another version are rebuilt
VERSION = 1

#: one click: interned selector id (-1: not attributed), page position, measured box and
#: relative position (NaN: not measured), recorded viewport width, time (epoch ms), tap flag
RECORD = np.dtype([
    ("sel", "<i4"), ("px", "<f4"), ("py", "<f4"), ("bx", "<f4"), ("by", "<f4"), ("bw", "<f4"), ("bh", "<f4"),
    ("rx", "<f4"), ("ry", "<f4"), ("vw", "<i4"), ("t", "<i8"), ("tap", "u1"),
])

#: more missing sessions than this: one scan of the pattern's clicks instead of per-session probes
_SCAN_ABOVE = 200


def generation(db) -> int:
    """A number that moves whenever sessions land or leave or click attribution changes
    (``insights_state.gen``): cached insight results are valid while it stays."""
    try:
        row = _conn(db).execute("SELECT gen FROM insights_state WHERE id = 0").fetchone()
    except StoreBusy:
        return -1
    return int(row[0]) if row else -1


def _in(values) -> str:
    return ",".join("?" * len(values))


def _missing(conn, pattern: str) -> list[str]:
    # fast path (the usual case, every session built): two counts over small indexes
    n_cached = conn.execute("SELECT count(*) FROM insights_clicks INDEXED BY insights_clicks_pattern"
                            " WHERE pattern = ? AND version = ?", (pattern, VERSION)).fetchone()[0]
    if n_cached == conn.execute("SELECT count(*) FROM sessions").fetchone()[0]:
        return []  # rows of deleted sessions go with them (cascade): equal counts, all built
    return [s for (s,) in conn.execute(
        "SELECT s.id FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM insights_clicks c"
        " WHERE c.pattern = ? AND c.session_id = s.id AND c.version = ?)", (pattern, VERSION))]


def _intern(w, names: set[str]) -> dict[str, int]:
    """Selector -> id, adding the unknown ones (``w``: a connection in a write transaction)."""
    if not names:
        return {}
    w.executemany("INSERT OR IGNORE INTO insights_selectors (selector) VALUES (?)", [(n,) for n in names])
    if len(names) > 900:
        return dict(w.execute("SELECT selector, id FROM insights_selectors"))
    return dict(w.execute(f"SELECT selector, id FROM insights_selectors WHERE selector IN ({_in(names)})",
                          list(names)))


def _pack(rows: list[tuple], ids: dict[str, int]) -> bytes:
    """``rows``: (selector, px, py, bx, by, bw, bh, rx, ry, vw, t, tap) of one session."""
    a = np.empty(len(rows), dtype=RECORD)
    if rows:
        cols = list(zip(*rows))
        a["sel"] = [ids.get(v, -1) if v is not None else -1 for v in cols[0]]
        for k, name in enumerate(("px", "py", "bx", "by", "bw", "bh", "rx", "ry"), start=1):
            a[name] = np.array(cols[k], dtype=np.float64)  # None -> nan
        a["vw"] = cols[9]
        a["t"] = cols[10]
        a["tap"] = cols[11]
    return a.tobytes()


_COLS = ("i.session_id, i.selector, i.x + i.scroll_x, i.y + i.scroll_y, i.box_x, i.box_y, i.box_w, i.box_h, i.rx, i.ry,"
         " COALESCE(i.viewport_width, 0), i.t, i.kind = 'tap'")


def _attempt(w, fn) -> None:
    w.execute("BEGIN IMMEDIATE")
    try:
        fn(w)
        w.execute("COMMIT")
    except BaseException:
        w.execute("ROLLBACK")
        raise


def _with_writer(conn, fn) -> bool:
    """Run ``fn(wconn)`` in one write transaction: on ``conn``, or - when ``conn`` is
    read-only - on a short-lived writable connection to the same file. False when the
    store is busy, read-only, or ``conn`` is inside another transaction."""
    if conn.in_transaction:
        return False
    try:
        _attempt(conn, fn)
        return True
    except StoreBusy as exc:
        if "readonly" not in str(exc) and "read-only" not in str(exc):
            log.info("click cache not written: %s", exc)
            return False
    path = next((r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"), "")
    if not path:
        return False
    try:
        w = connect_file(path, timeout=2)
    except StoreError:
        return False
    try:
        w.execute("PRAGMA foreign_keys = ON")
        _attempt(w, fn)
        return True
    except StoreError as exc:
        log.info("click cache not written: %s", exc)
        return False
    finally:
        w.close()


def build_missing(db, pattern: str, urls: list[str]) -> int | None:
    """Pack the clicks on ``urls`` (the pattern's URLs) of every session that has no
    current row for ``pattern``. Returns the sessions built (0: all were cached), or None
    when the rows could not be written (store busy or read-only: read the rows instead)."""
    conn = _conn(db)
    try:
        if not _missing(conn, pattern):
            return 0
    except StoreBusy:  # a store from before m006 opened read-only: no cache tables
        return None
    built: list[int] = []

    def write(w) -> None:
        # read and write in one write transaction: no writer can change a session between
        missing = _missing(w, pattern)
        per: dict[str, list[tuple]] = {s: [] for s in missing}
        kinds = ("click", "tap")
        if urls and missing:
            if len(missing) > _SCAN_ABOVE:
                cur = w.execute(f"SELECT {_COLS} FROM interactions i WHERE +i.url IN ({_in(urls)})"
                                f" AND i.kind IN ({_in(kinds)})", [*urls, *kinds])
            else:
                cur = w.execute(f"SELECT {_COLS} FROM interactions i WHERE i.session_id IN ({_in(missing)})"
                                f" AND +i.url IN ({_in(urls)}) AND i.kind IN ({_in(kinds)})", [*missing, *urls, *kinds])
            for r in cur:
                rows = per.get(r[0])
                if rows is not None:
                    rows.append(r[1:])
        ids = _intern(w, {r[0] for rows in per.values() for r in rows if r[0] is not None})
        w.executemany(
            "INSERT OR REPLACE INTO insights_clicks (pattern, session_id, version, n, data) VALUES (?,?,?,?,?)",
            [(pattern, s, VERSION, len(rows), _pack(rows, ids)) for s, rows in per.items()])
        built.append(len(missing))

    if not _with_writer(conn, write):
        return None
    return built[0]


def read_clicks(db, pattern: str, session_where: str, session_args: list) -> tuple[np.ndarray, list[str], np.ndarray,
                                                                                     dict[int, str]]:
    """The cached clicks of the sessions matching ``session_where`` (on ``sessions s``):
    ``(records, session ids, clicks per session, selector id -> text)``."""
    conn = _conn(db)
    rows = conn.execute(
        "SELECT c.session_id, c.n, c.data FROM insights_clicks c WHERE c.pattern = ? AND c.version = ? AND c.n > 0"
        f" AND c.session_id IN (SELECT s.id FROM sessions s WHERE {session_where})",
        [pattern, VERSION, *session_args]).fetchall()
    if not rows:
        return np.zeros(0, dtype=RECORD), [], np.zeros(0, np.int64), {}
    sids, counts, blobs = zip(*rows)
    rec = np.frombuffer(b"".join(blobs), dtype=RECORD)
    sel = np.ascontiguousarray(rec["sel"])
    ok = sel[sel >= 0]
    used = np.nonzero(np.bincount(ok))[0] if len(ok) else np.zeros(0, np.int64)  # linear: no sort
    names: dict[int, str] = {}
    ul = used.tolist()
    for k in range(0, len(ul), 900):
        part = ul[k:k + 900]
        names.update(conn.execute(f"SELECT id, selector FROM insights_selectors WHERE id IN ({_in(part)})", part))
    return rec, list(sids), np.asarray(counts, dtype=np.int64), names
