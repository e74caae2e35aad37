"""Page insights (issue 12): click aggregation for one URL pattern, and the pages overview.

    python -m bench.bench_heatmap [--clicks 1000000] [--sessions 10000] [--overview 100000]

Builds temporary stores (deleted afterwards; nothing large is committed) with rows
inserted directly: ``--sessions`` sessions with ``--clicks`` clicks on one page pattern
(``/product/<n>?ref=..`` URLs, so the pattern groups many URLs), 20 clicked elements
with measured boxes at three widths, a tenth of the clicks unmeasured; and a second store
of ``--overview`` sessions of 1-6 page views over 40 URLs for the pages overview.

Times (best of 3 unless said):
* ``select_clicks`` uncached - the row-by-row SQL read into numpy columns (once; the
  cache's fallback, and what every read cost before the click cache);
* building the columnar click cache for the pattern (once: the first heatmap of a page);
* ``select_clicks`` - the read of the selected clicks from the click cache (one query over
  ~one packed blob per session, ``np.frombuffer``) into numpy columns;
* ``click_map`` - placement on element boxes, binning, Gaussian smoothing and the
  ranked element table (the aggregation; target < 300 ms);
* ``pages_overview`` over all sessions (target < 1 s).
The background render is timed separately by ``replaydesk heatmap`` (not here).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

_SESSION_COLS = ("id, started_at, ended_at, duration_ms, active_ms, device, viewport_width, viewport_height,"
                 " page_count, entry_url, exit_url, event_count, click_count, error_count, chunk_count,"
                 " events_bytes, content_hash, imported_at")


def _session_rows(n: int, rng, pages_per: np.ndarray):
    widths = rng.choice([1280, 1440, 1920, 390, 768], size=n, p=[0.35, 0.3, 0.15, 0.15, 0.05])
    dev = np.where(widths < 600, "mobile", np.where(widths < 1024, "tablet", "desktop"))
    for i in range(n):
        yield (f"s{i:07d}", 1_700_000_000_000 + i * 1000, 1_700_000_000_000 + i * 1000 + 60_000, 60_000, 30_000,
               str(dev[i]), int(widths[i]), 800, int(pages_per[i]), "u", "u", 100, 10, 0, 1, 1000, f"h{i}", "2026")


def build_click_store(path: Path, n_sessions: int, n_clicks: int, rng) -> None:
    from replaydesk.store import open_store

    db = open_store(path)
    conn = db.conn
    conn.execute("BEGIN")
    pages_per = np.ones(n_sessions, dtype=int)
    conn.executemany(f"INSERT INTO sessions ({_SESSION_COLS}) VALUES ({','.join('?' * 18)})",
                     _session_rows(n_sessions, rng, pages_per))
    urls = [f"http://shop.test/product/{k}?ref=ad{k % 7}" for k in range(200)]
    conn.executemany("INSERT INTO urls (url) VALUES (?)", [(u,) for u in urls] + [("http://shop.test/cart",)])
    vws = dict(conn.execute("SELECT id, viewport_width FROM sessions"))
    sids = list(vws)
    conn.executemany("INSERT INTO pages (session_id, seq, url, t_enter, t_leave, viewport_width, viewport_height)"
                     " VALUES (?,?,?,?,?,?,?)",
                     [(s, 0, urls[i % len(urls)], 0, 60_000, vws[s], 800) for i, s in enumerate(sids)])
    sel_names = [f"main > div.card:nth-of-type({k}) > button" for k in range(20)]
    who = rng.integers(0, n_sessions, n_clicks)
    target = rng.integers(0, 20, n_clicks)
    rx, ry = rng.uniform(0, 1, n_clicks), rng.uniform(0, 1, n_clicks)
    measured = rng.uniform(0, 1, n_clicks) > 0.1
    batch = []
    for i in range(n_clicks):
        s = sids[who[i]]
        w = vws[s]
        k = int(target[i])
        bx, by, bw, bh = (w - 1000) / 2 + 50 * k, 200 + 90 * k, 120.0, 40.0
        x, y = bx + rx[i] * bw, by + ry[i] * bh
        m = bool(measured[i])
        batch.append((s, i, "click", x, y - 100, 0, 100, urls[who[i] % len(urls)], w, 800, 10 + k, 0, sel_names[k],
                      bx if m else None, by if m else None, bw if m else None, bh if m else None,
                      rx[i] if m else None, ry[i] if m else None))
        if len(batch) == 100_000:
            _insert_clicks(conn, batch)
            batch = []
    _insert_clicks(conn, batch)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def _insert_clicks(conn, rows) -> None:
    conn.executemany(
        "INSERT INTO interactions (session_id, t, kind, x, y, scroll_x, scroll_y, url, viewport_width, viewport_height,"
        " target_id, page_seq, selector, box_x, box_y, box_w, box_h, rx, ry) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows)


def build_overview_store(path: Path, n_sessions: int, rng) -> None:
    from replaydesk.store import open_store

    db = open_store(path)
    conn = db.conn
    conn.execute("BEGIN")
    pages_per = rng.integers(1, 7, n_sessions)
    conn.executemany(f"INSERT INTO sessions ({_SESSION_COLS}) VALUES ({','.join('?' * 18)})",
                     _session_rows(n_sessions, rng, pages_per))
    urls = [f"http://shop.test/p{k}.html" for k in range(30)] + [f"http://shop.test/item/{k}" for k in range(10)]
    conn.executemany("INSERT INTO urls (url) VALUES (?)", [(u,) for u in urls])
    rows = []
    for i, n in enumerate(pages_per):
        for seq in range(int(n)):
            rows.append((f"s{i:07d}", seq, urls[int(rng.integers(0, len(urls)))], seq * 10_000, seq * 10_000 + 9_000,
                         1280, 800))
    conn.executemany("INSERT INTO pages (session_id, seq, url, t_enter, t_leave, viewport_width, viewport_height)"
                     " VALUES (?,?,?,?,?,?,?)", rows)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def _best(fn, n=3):
    best, out = float("inf"), None
    for _ in range(n):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clicks", type=int, default=1_000_000)
    ap.add_argument("--sessions", type=int, default=10_000)
    ap.add_argument("--overview", type=int, default=100_000)
    a = ap.parse_args()
    from replaydesk.analysis.heatmap import click_map
    from replaydesk.store import open_store
    from replaydesk.store.click_cache import build_missing
    from replaydesk.store.insights import Selection, matching_urls, pages_overview, select_clicks

    rng = np.random.default_rng(12)
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "clicks.db"
        t = time.perf_counter()
        build_click_store(p, a.sessions, a.clicks, rng)
        print(f"built {a.clicks:,} clicks in {a.sessions:,} sessions in {time.perf_counter() - t:.1f} s")
        db = open_store(p, readonly=True)
        sel = Selection("/product/:id", device="desktop")
        t_rows, rows = _best(lambda: select_clicks(db, sel, cache=False), n=1)
        print(f"select_clicks uncached (row by row): {len(rows):,} clicks in {t_rows * 1000:.0f} ms")
        del rows
        t_build, _ = _best(lambda: build_missing(db, "/product/:id", matching_urls(db, "/product/:id")), n=1)
        size = db.conn.execute("SELECT sum(length(data)), count(*) FROM insights_clicks").fetchone()
        print(f"click cache built once in {t_build * 1000:.0f} ms ({size[0] / 1e6:.0f} MB in {size[1]:,} blobs)")
        t_sel, clicks = _best(lambda: select_clicks(db, sel))
        t_agg, cm = _best(lambda: click_map(clicks, 1280, 2400))
        print(f"select_clicks: {len(clicks):,} desktop clicks read from the cache in {t_sel * 1000:.0f} ms")
        print(f"click_map (place+bin+smooth+table): {t_agg * 1000:.0f} ms  [{cm.placement.summary()}]")
        print(f"total aggregation incl. read: {(t_sel + t_agg) * 1000:.0f} ms")
        db.conn.close()

        p2 = Path(tmp) / "overview.db"
        t = time.perf_counter()
        build_overview_store(p2, a.overview, rng)
        print(f"built {a.overview:,} sessions for the overview in {time.perf_counter() - t:.1f} s")
        db2 = open_store(p2, readonly=True)
        t_ov, rows = _best(lambda: pages_overview(db2))
        print(f"pages_overview: {len(rows)} patterns over {a.overview:,} sessions in {t_ov * 1000:.0f} ms")
        db2.conn.close()


if __name__ == "__main__":
    main()
