"""Read side of page insights (issue 12): clicks, page views and exits per URL pattern.

A heatmap aggregates one *page* across many sessions, but stored URLs carry queries,
fragments and ids (``/product.html?id=lamp``, ``/orders/4711``). A site has few distinct
URLs, so patterns are computed in Python over the ``urls`` table and the matching URLs go
back into SQL as an ``IN`` list - the ``interactions_url`` index then finds the clicks.

Device class comes from ``sessions.device``; a width band from the click's (or page
view's) recorded viewport width, so a session that rotated is split correctly. The list's
:class:`~replaydesk.store.queries.SessionFilter` narrows the sessions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np

from .db import connection_of as _conn
from .queries import SessionFilter

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_NUM = re.compile(r"^\d+$")

#: device class -> inclusive viewport width band (CSS px), for width-based selection
DEVICE_BANDS = {"mobile": (0, 599), "tablet": (600, 1023), "desktop": (1024, 100_000)}


def url_pattern(url: str | None) -> str:
    """The page a URL shows: path only (origin, query, fragment dropped), numeric and uuid
    segments as ``:id``. ``/product.html?id=lamp`` -> ``/product.html``."""
    if not url:
        return "/"
    try:
        path = urlsplit(url).path if "://" in url or url.startswith("//") else url.split("?", 1)[0].split("#", 1)[0]
    except ValueError:
        path = url
    segs = [":id" if (_NUM.match(s) or _UUID.match(s)) else s for s in path.split("/")]
    out = "/".join(segs)
    return out if out.startswith("/") else "/" + out


def matching_urls(db, pattern: str) -> list[str]:
    """Stored URLs whose pattern equals ``pattern`` (itself normalised first)."""
    want = url_pattern(pattern)
    return [u for (u,) in _conn(db).execute("SELECT url FROM urls") if url_pattern(u) == want]


@dataclass(frozen=True)
class Selection:
    """Which page views to aggregate: a URL pattern, a device class or width band, and
    the session list's filter (None: all sessions)."""

    pattern: str
    device: str | None = None
    min_width: int | None = None
    max_width: int | None = None
    filter: SessionFilter | None = None

    def session_where(self) -> tuple[str, list]:
        where, args = (self.filter or SessionFilter()).to_sql()
        if self.device:
            where += " AND s.device = ?"
            args = [*args, self.device]
        return where, list(args)

    def width_where(self, col: str) -> tuple[str, list]:
        parts, args = [], []
        if self.min_width is not None:
            parts.append(f"{col} >= ?")
            args.append(self.min_width)
        if self.max_width is not None:
            parts.append(f"{col} <= ?")
            args.append(self.max_width)
        return (" AND ".join(parts) or "1"), args


def _in(values: list) -> str:
    return ",".join("?" * len(values))


@dataclass
class ClickRows:
    """The selected clicks as columns (numpy), one entry per click.

    ``sel`` indexes ``selectors`` (-1: not attributed). ``px``/``py`` are page coordinates
    (viewport + scroll); ``bx..bh``/``rx``/``ry`` the measured box and relative position
    (NaN when not measured)."""

    selectors: list[str]
    sel: np.ndarray
    px: np.ndarray
    py: np.ndarray
    bx: np.ndarray
    by: np.ndarray
    bw: np.ndarray
    bh: np.ndarray
    rx: np.ndarray
    ry: np.ndarray
    vw: np.ndarray
    session: np.ndarray  # session number (0..sessions-1 in this selection)
    tap: np.ndarray  # bool
    #: session id of each session number, and each click's time (epoch ms): "jump to this click"
    session_ids: list[str] = field(default_factory=list)
    t: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.px)


def _empty_clicks() -> ClickRows:
    e = np.zeros(0)
    return ClickRows([], np.zeros(0, np.int32), e, e, e, e, e, e, e, e, e, np.zeros(0, np.int64), np.zeros(0, bool),
                     [], np.zeros(0, np.int64))


def select_clicks(db, sel: Selection, *, kinds: tuple[str, ...] = ("click", "tap"), cache: bool = True) -> ClickRows:
    """Clicks (and/or taps) on the selected page views.

    Read from the columnar click cache (store/click_cache.py: one packed blob per session,
    the missing ones built first); straight from ``interactions`` when the cache cannot
    be written (a busy or read-only store) or ``cache`` is False."""
    from . import click_cache

    urls = matching_urls(db, sel.pattern)
    if not urls:
        return _empty_clicks()
    if not cache or click_cache.build_missing(db, url_pattern(sel.pattern), urls) is None:
        return _select_click_rows(db, sel, urls, kinds)
    sw, sargs = sel.session_where()
    rec, sids, counts, names = click_cache.read_clicks(db, url_pattern(sel.pattern), sw, sargs)
    keep = np.ones(len(rec), dtype=bool)
    if set(kinds) != {"click", "tap"}:
        keep &= rec["tap"] == 1 if kinds == ("tap",) else rec["tap"] == 0
    vw = rec["vw"]
    if sel.min_width is not None:
        keep &= vw >= sel.min_width
    if sel.max_width is not None:
        keep &= vw <= sel.max_width
    session = np.repeat(np.arange(len(sids), dtype=np.int64), counts)
    if not keep.all():
        rec, session = rec[keep], session[keep]
    if not len(rec):
        return _empty_clicks()
    # renumber the sessions and selectors left (0..n-1, first seen order is not needed)
    present = np.bincount(session, minlength=len(sids)) > 0
    snum = np.cumsum(present) - 1
    ids = [s for s, p in zip(sids, present.tolist()) if p]
    g = np.ascontiguousarray(rec["sel"])
    order = sorted(names)
    lut = np.full((max(order) + 2) if order else 1, -1, dtype=np.int32)
    lut[order] = np.arange(len(order), dtype=np.int32)
    sel_ids = lut[np.where(g >= 0, g, len(lut) - 1)]
    # float32 columns as stored (page px and 0..1 fractions; numpy promotes where mixed):
    # widening 9 strided columns to float64 cost more than the whole read
    f32 = {k: np.ascontiguousarray(rec[k]) for k in ("px", "py", "bx", "by", "bw", "bh", "rx", "ry", "vw")}
    return ClickRows(
        selectors=[names[i] for i in order], sel=sel_ids, session=snum[session],
        tap=rec["tap"].astype(bool), session_ids=ids, t=np.ascontiguousarray(rec["t"]), **f32,
    )


def _select_click_rows(db, sel: Selection, urls: list[str], kinds: tuple[str, ...]) -> ClickRows:
    """The row-by-row read (the cache's fallback): seconds for a million clicks."""
    sw, sargs = sel.session_where()
    ww, wargs = sel.width_where("i.viewport_width")
    # one sequential scan with hashed lookups (URL list, session subquery): a heatmap page
    # usually holds a large share of the clicks, where index probes per row cost twice as much
    q = ("SELECT i.selector, i.x + i.scroll_x, i.y + i.scroll_y, i.box_x, i.box_y, i.box_w, i.box_h, i.rx, i.ry,"
         " COALESCE(i.viewport_width, 0), i.session_id, i.kind = 'tap', i.t FROM interactions i"
         f" WHERE +i.url IN ({_in(urls)}) AND i.kind IN ({_in(list(kinds))}) AND {ww}"
         f" AND +i.session_id IN (SELECT s.id FROM sessions s WHERE {sw})")
    rows = _conn(db).execute(q, [*urls, *kinds, *wargs, *sargs]).fetchall()
    n = len(rows)
    if not n:
        return _empty_clicks()
    cols = list(zip(*rows))
    index: dict[str, int] = {}
    sel_ids = np.fromiter((-1 if v is None else index.setdefault(v, len(index)) for v in cols[0]),
                          dtype=np.int32, count=n)
    sessions: dict[str, int] = {}
    sess = np.fromiter((sessions.setdefault(v, len(sessions)) for v in cols[10]), dtype=np.int64, count=n)
    num = np.array(cols[1:10], dtype=np.float64)  # None -> nan
    return ClickRows(
        selectors=list(index), sel=sel_ids,
        px=num[0], py=num[1], bx=num[2], by=num[3], bw=num[4], bh=num[5],
        rx=num[6], ry=num[7], vw=num[8], session=sess, tap=np.array(cols[11], dtype=bool),
        session_ids=list(sessions), t=np.array(cols[12], dtype=np.int64),
    )


def element_signals(db, sel: Selection) -> dict[str, dict[str, int]]:
    """Per selector, finding counts by kind for findings on the selected page views
    (a finding belongs to the page view its time falls in)."""
    urls = matching_urls(db, sel.pattern)
    if not urls:
        return {}
    sw, sargs = sel.session_where()
    q = ("SELECT g.selector, g.kind, count(*) FROM signals g JOIN sessions s ON s.id = g.session_id"
         " JOIN pages p ON p.session_id = g.session_id AND g.ts >= p.t_enter AND g.ts <= p.t_leave"
         f" WHERE g.selector IS NOT NULL AND p.url IN ({_in(urls)}) AND {sw} GROUP BY g.selector, g.kind")
    out: dict[str, dict[str, int]] = {}
    for selector, kind, n in _conn(db).execute(q, [*urls, *sargs]):
        out.setdefault(selector, {})[kind] = n
    return out


def page_views(db, sel: Selection) -> list[tuple]:
    """``(session_id, seq, t_enter, t_leave, viewport_width, viewport_height, is_last)`` of
    the selected page views."""
    urls = matching_urls(db, sel.pattern)
    if not urls:
        return []
    sw, sargs = sel.session_where()
    ww, wargs = sel.width_where("p.viewport_width")
    q = ("SELECT p.session_id, p.seq, p.t_enter, p.t_leave, p.viewport_width, p.viewport_height,"
         " p.seq = s.page_count - 1 FROM pages p JOIN sessions s ON s.id = p.session_id"
         f" WHERE p.url IN ({_in(urls)}) AND {sw} AND {ww} ORDER BY s.started_at, p.seq")
    return _conn(db).execute(q, [*urls, *sargs, *wargs]).fetchall()


def pages_overview(db, session_filter: SessionFilter | None = None) -> list[dict]:
    """One row per URL pattern: views, sessions, exits, exit rate (exits / sessions that
    saw it), average time on page (s) and signal counts, most viewed first.

    Aggregated per stored URL in SQL (one pass over page views), then summed per pattern;
    only patterns made of several URLs need a second, distinct-session count."""
    conn = _conn(db)
    by_pat: dict[str, list[str]] = {}
    for (u,) in conn.execute("SELECT url FROM urls"):
        by_pat.setdefault(url_pattern(u), []).append(u)
    if not by_pat:
        return []
    where, args = (session_filter or SessionFilter()).to_sql()
    sub = f"SELECT s.id FROM sessions s WHERE {where}"
    only = f" WHERE +p.session_id IN ({sub})" if where != "1" else ""
    oargs = args if only else []
    # exits: a session's exit_url is its last page view's URL
    exits_of = dict(conn.execute(f"SELECT s.exit_url, count(*) FROM sessions s WHERE {where} GROUP BY s.exit_url",
                                 args))
    per_url = {u: (views, sess, exits_of.get(u, 0), ms or 0) for u, views, sess, ms in conn.execute(
        "SELECT p.url, count(*), count(DISTINCT p.session_id), sum(max(p.t_leave - p.t_enter, 0))"
        f" FROM pages p{only} GROUP BY p.url", oargs)}
    sigs: dict[str, dict[str, int]] = {}
    for u, kind, n in conn.execute(
            "SELECT p.url, g.kind, count(*) FROM signals g"
            " JOIN pages p ON p.session_id = g.session_id AND g.ts >= p.t_enter AND g.ts <= p.t_leave"
            f" WHERE g.session_id IN ({sub}) GROUP BY p.url, g.kind", args):
        sigs.setdefault(url_pattern(u), {}).setdefault(kind, 0)
        sigs[url_pattern(u)][kind] += n
    out = []
    for pat, urls in by_pat.items():
        stats = [per_url[u] for u in urls if u in per_url]
        if not stats:
            continue
        views, exits, ms = (sum(x[i] for x in stats) for i in (0, 2, 3))
        sess = stats[0][1] if len(stats) == 1 else conn.execute(
            f"SELECT count(DISTINCT p.session_id) FROM pages p WHERE +p.url IN ({_in(urls)})"
            + (f" AND +p.session_id IN ({sub})" if only else ""), [*urls, *oargs]).fetchone()[0]
        out.append({
            "pattern": pat, "views": views, "sessions": sess, "exits": exits,
            "exit_rate": exits / sess if sess else 0.0, "avg_time_s": ms / views / 1000 if views else 0.0,
            "signals": sigs.get(pat, {}),
        })
    out.sort(key=lambda r: (-r["views"], r["pattern"]))
    return out


def select_taps(db, sel: Selection) -> list[tuple]:
    """Taps on the selected page views in time order per page view, for tap accuracy:
    ``(session_id, page_seq, t, selector, tag, role, page_x, page_y, box_x, box_y, box_w,
    box_h, viewport_width)`` (box values None where no box was measured)."""
    urls = matching_urls(db, sel.pattern)
    if not urls:
        return []
    sw, sargs = sel.session_where()
    ww, wargs = sel.width_where("i.viewport_width")
    q = ("SELECT i.session_id, i.page_seq, i.t, i.selector, i.tag, i.role, i.x + i.scroll_x, i.y + i.scroll_y,"
         " i.box_x, i.box_y, i.box_w, i.box_h, i.viewport_width FROM interactions i"
         f" WHERE i.url IN ({_in(urls)}) AND i.kind = 'tap' AND {ww}"
         f" AND i.session_id IN (SELECT s.id FROM sessions s WHERE {sw})"
         " ORDER BY i.session_id, i.page_seq, i.t")
    return _conn(db).execute(q, [*urls, *wargs, *sargs]).fetchall()
