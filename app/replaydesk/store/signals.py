"""Stored frustration signals (m004): facts, findings, per-kind counts, click attribution.

The store does not know how signals are detected (store/ may not import analysis/):
the analysis layer hands it opaque facts blobs and finding rows, and this module keeps
them consistent with the session they belong to:

* one session's facts, findings and ``sig_*`` counts are written together
  (:func:`write_session_signals`), inside the caller's transaction when there is one -
  the import writes them in the session's own transaction, so a session is never listed
  without its signals;
* facts remember the code ``version`` and the session ``content_hash`` they were built
  from; :func:`stale_fact_sessions` lists sessions whose facts must be rebuilt from events
  (missing, older version, replaced content);
* deleting or replacing a session removes everything here by the foreign-key cascade.

The kind names are those of ``replaydesk.analysis.signals.SIGNAL_KINDS`` (a test keeps the
two equal).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

import orjson

from .db import connection_of, write_transaction

SIGNAL_KINDS = (
    "rage_click", "dead_click", "error_click", "quick_back", "excessive_scroll", "thrashed_cursor", "form_abandonment",
)
SIGNAL_COLUMN = {
    "rage_click": "sig_rage",
    "dead_click": "sig_dead",
    "error_click": "sig_error",
    "quick_back": "sig_quick_back",
    "excessive_scroll": "sig_scroll",
    "thrashed_cursor": "sig_thrash",
    "form_abandonment": "sig_form",
}
SIGNAL_LABEL = {
    "rage_click": "Rage click",
    "dead_click": "Dead click",
    "error_click": "Error click",
    "quick_back": "Quick back",
    "excessive_scroll": "Excessive scrolling",
    "thrashed_cursor": "Thrashed cursor",
    "form_abandonment": "Form abandonment",
}
#: the list's columns of per-kind counts, in SIGNAL_KINDS order, then the total
SIGNAL_COLUMNS = tuple(SIGNAL_COLUMN[k] for k in SIGNAL_KINDS) + ("sig_total",)
SETTINGS_KEY = "signals"

#: one finding row as :func:`write_session_signals` takes it (after session_id, seq)
FINDING_FIELDS = ("kind", "t_ms", "ts", "end_ms", "count", "node_id", "selector", "target_label", "rule", "params",
                  "evidence")

_INSERT_FINDING = (
    "INSERT INTO signals (session_id, seq, kind, t_ms, ts, end_ms, count, node_id, selector, target_label, rule, params,"
    " evidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_SET_COUNTS = f"UPDATE sessions SET {', '.join(c + ' = ?' for c in SIGNAL_COLUMNS)} WHERE id = ?"


def counts_of(kinds: Iterable[str]) -> tuple[int, ...]:
    """``sig_*`` values (SIGNAL_COLUMNS order) for findings of these kinds."""
    per = dict.fromkeys(SIGNAL_KINDS, 0)
    for k in kinds:
        if k in per:
            per[k] += 1
    return (*per.values(), sum(per.values()))


def _finding_rows(session_id: str, findings: Iterable[tuple]) -> list[tuple]:
    rows = []
    for seq, f in enumerate(findings):
        kind, t_ms, ts, end_ms, count, node_id, selector, label, rule, params, evidence = f
        if not isinstance(params, (str, bytes)):
            params = orjson.dumps(params).decode()
        rows.append((session_id, seq, kind, t_ms, ts, end_ms, count, node_id, selector, label, rule, params, evidence))
    return rows


def write_session_signals(db, session_id: str, *, findings: list[tuple], facts: bytes | None = None,
                          version: str | None = None, content_hash: str | None = None,
                          attributed: bool = False) -> None:
    """Replace the session's findings (tuples in :data:`FINDING_FIELDS` order, ``params``
    a dict or JSON text) and its ``sig_*`` counts; with ``facts``, also its facts blob
    (then ``version`` and ``content_hash`` are required). A savepoint inside a caller's
    transaction, else one short write transaction."""
    with write_transaction(connection_of(db), "rd_signals") as conn:
        if facts is not None:
            if version is None or content_hash is None:
                raise ValueError("facts need their version and content hash")
            conn.execute(
                "INSERT OR REPLACE INTO signal_facts (session_id, version, content_hash, attributed, data)"
                " VALUES (?,?,?,?,?)",
                (session_id, version, content_hash, int(attributed), facts),
            )
        conn.execute("DELETE FROM signals WHERE session_id = ?", (session_id,))
        conn.executemany(_INSERT_FINDING, _finding_rows(session_id, findings))
        conn.execute(_SET_COUNTS, (*counts_of(f[0] for f in findings), session_id))


def replace_all_findings(conn: sqlite3.Connection, per_session: Iterable[tuple[str, list[tuple]]]) -> int:
    """Bulk rewrite for a recompute (caller holds the write transaction): for each
    ``(session_id, findings)`` replace its rows and counts. Returns the sessions written."""
    n = 0
    for session_id, findings in per_session:
        conn.execute("DELETE FROM signals WHERE session_id = ?", (session_id,))
        if findings:
            conn.executemany(_INSERT_FINDING, _finding_rows(session_id, findings))
        conn.execute(_SET_COUNTS, (*counts_of(f[0] for f in findings), session_id))
        n += 1
    return n


def iter_facts(db, session_ids: Iterable[str] | None = None, *, version: str | None = None
               ) -> Iterator[tuple[str, int, str, bool, bytes]]:
    """``(session_id, started_at, version, attributed, blob)`` of stored current facts
    (content hash matching the session; ``version`` given: only that version)."""
    conn = connection_of(db)
    q = ("SELECT f.session_id, s.started_at, f.version, f.attributed, f.data FROM signal_facts f"
         " JOIN sessions s ON s.id = f.session_id WHERE f.content_hash = s.content_hash")
    args: list = []
    if version is not None:
        q += " AND f.version = ?"
        args.append(version)
    if session_ids is None:
        for sid, started, ver, attr, data in conn.execute(q + " ORDER BY s.rowid", args):
            yield sid, started, ver, bool(attr), bytes(data)
        return
    ids = list(session_ids)
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        for sid, started, ver, attr, data in conn.execute(
                q + f" AND f.session_id IN ({','.join('?' * len(part))})", [*args, *part]):
            yield sid, started, ver, bool(attr), bytes(data)


def load_facts(db, session_id: str) -> tuple[str, bool, bytes] | None:
    """``(version, attributed, blob)`` of the session's current facts, or None."""
    row = connection_of(db).execute(
        "SELECT f.version, f.attributed, f.data FROM signal_facts f JOIN sessions s ON s.id = f.session_id"
        " WHERE f.session_id = ? AND f.content_hash = s.content_hash", (session_id,),
    ).fetchone()
    return None if row is None else (row[0], bool(row[1]), bytes(row[2]))


def current_fact_sessions(db, version: str) -> list[str]:
    """Sessions whose stored facts are of ``version`` and the session's current content
    (import order)."""
    return [r[0] for r in connection_of(db).execute(
        "SELECT f.session_id FROM signal_facts f JOIN sessions s ON s.id = f.session_id"
        " WHERE f.version = ? AND f.content_hash = s.content_hash ORDER BY s.rowid", (version,))]


def delete_facts(db, session_id: str) -> None:
    """Forget the session's facts (unreadable: rebuilt from its events next time)."""
    connection_of(db).execute("DELETE FROM signal_facts WHERE session_id = ?", (session_id,))


def stale_fact_sessions(db, version: str, *, unattributed: bool = False,
                        session_ids: Iterable[str] | None = None) -> list[str]:
    """Sessions whose facts are missing, of another ``version`` or from older content
    (and, with ``unattributed``, also those built without the DOM mirror)."""
    q = ("SELECT s.id FROM sessions s LEFT JOIN signal_facts f ON f.session_id = s.id"
         " WHERE (f.session_id IS NULL OR f.version != ? OR f.content_hash != s.content_hash"
         + (" OR f.attributed = 0" if unattributed else "") + ")")
    conn = connection_of(db)
    if session_ids is None:
        return [r[0] for r in conn.execute(q + " ORDER BY s.rowid", (version,))]
    ids = list(session_ids)
    out = []
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        out += [r[0] for r in conn.execute(q + f" AND s.id IN ({','.join('?' * len(part))})", (version, *part))]
    return out


def _rows(cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor]


def _finding_dicts(cursor) -> list[dict]:
    rows = _rows(cursor)
    for r in rows:
        try:
            r["params"] = orjson.loads(r["params"]) if r["params"] else {}
        except orjson.JSONDecodeError:
            r["params"] = {}
    return rows


_FINDING_SELECT = ("SELECT session_id, kind, t_ms, ts, end_ms, count, node_id, selector, target_label, rule, params,"
                   " evidence FROM signals")


def session_findings(db, session_id: str) -> list[dict]:
    """The session's findings in time order: dicts with session_id, kind, t_ms, ts,
    end_ms, count, node_id, selector, target_label, rule, params (dict), evidence."""
    return _finding_dicts(connection_of(db).execute(_FINDING_SELECT + " WHERE session_id = ? ORDER BY t_ms, seq",
                                            (session_id,)))


def findings(db, session_ids: Iterable[str] | None = None, kinds: Iterable[str] | None = None) -> list[dict]:
    """Findings of these sessions (default: all), of these kinds (default: all), ordered by
    session start then time."""
    where, args = [], []
    if session_ids is not None:
        ids = list(session_ids)
        if not ids:
            return []
        where.append(f"g.session_id IN ({','.join('?' * len(ids))})")
        args += ids
    if kinds is not None:
        ks = list(kinds)
        where.append(f"g.kind IN ({','.join('?' * len(ks))})")
        args += ks
    q = ("SELECT g.session_id, g.kind, g.t_ms, g.ts, g.end_ms, g.count, g.node_id, g.selector, g.target_label, g.rule,"
         " g.params, g.evidence FROM signals g JOIN sessions s ON s.id = g.session_id"
         + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY s.started_at, s.rowid, g.t_ms, g.seq")
    return _finding_dicts(connection_of(db).execute(q, args))


def signal_counts(db, session_id: str) -> dict[str, int]:
    """Per-kind finding counts of the session (every kind present, zero when none)."""
    row = connection_of(db).execute(f"SELECT {', '.join(SIGNAL_COLUMNS[:-1])} FROM sessions WHERE id = ?",
                            (session_id,)).fetchone()
    return dict(zip(SIGNAL_KINDS, row or (0,) * len(SIGNAL_KINDS)))


# --- settings the stored findings were computed with -----------------------------------------

def load_setting(db, key: str = SETTINGS_KEY) -> str | None:
    row = connection_of(db).execute("SELECT value FROM store_settings WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def save_setting(conn: sqlite3.Connection, value: str, key: str = SETTINGS_KEY) -> None:
    conn.execute("INSERT OR REPLACE INTO store_settings (key, value) VALUES (?, ?)", (key, value))


# --- click attribution -----------------------------------------------------------------------

def set_click_targets(conn: sqlite3.Connection, session_id: str, targets: Iterable[tuple]) -> int:
    """Name the session's clicks: ``(t absolute ms, node_id, selector, tag, role, text)``
    per click, matched to the interactions row with that time and target. Returns rows set."""
    n = 0
    for t, node_id, selector, tag, role, text in targets:
        n += conn.execute(
            "UPDATE interactions SET selector = ?, tag = ?, role = ?, target_text = ?"
            " WHERE session_id = ? AND t = ? AND target_id IS ?",
            (selector, tag, role, text, session_id, t, node_id),
        ).rowcount
    return n


def click_rows(db, session_id: str) -> list[dict]:
    """The session's clicks with their attribution and box (rowid as ``click_id``)."""
    return _rows(connection_of(db).execute(
        "SELECT rowid AS click_id, t, kind, x, y, scroll_x, scroll_y, url, viewport_width, viewport_height, target_id,"
        " page_seq, selector, tag, role, target_text, box_x, box_y, box_w, box_h, rx, ry, box_note"
        " FROM interactions WHERE session_id = ? ORDER BY t", (session_id,),
    ))


def set_click_boxes(db, boxes: Iterable[tuple]) -> int:
    """Store measured boxes: ``(click_id, box_x, box_y, box_w, box_h, rx, ry, note)`` per
    click (box values None and a note when no box could be measured)."""
    with write_transaction(connection_of(db), "rd_boxes") as conn:
        return sum(conn.execute(
            "UPDATE interactions SET box_x = ?, box_y = ?, box_w = ?, box_h = ?, rx = ?, ry = ?, box_note = ?"
            " WHERE rowid = ?", (bx, by, bw, bh, rx, ry, note, cid),
        ).rowcount for cid, bx, by, bw, bh, rx, ry, note in boxes)
