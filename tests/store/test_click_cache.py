"""The columnar click cache behind heatmaps (issue 12): same clicks as the row read, built
once per session, dropped by the schema when a session's clicks change or it goes."""

from __future__ import annotations

import numpy as np
import pytest

from bench.bench_heatmap import build_click_store
from replaydesk.store import open_store
from replaydesk.store.click_cache import build_missing, generation
from replaydesk.store.insights import Selection, matching_urls, select_clicks
from replaydesk.store.signals import set_click_boxes


@pytest.fixture
def store_path(tmp_path):
    p = tmp_path / "clicks.db"
    build_click_store(p, 40, 3000, np.random.default_rng(3))
    return p


def _key(c):
    """The clicks in a canonical order (order and numbering differ between reads): the
    identifying columns as tuples, and the positions (float32 in the cache) as an array."""
    names = [c.selectors[i] if i >= 0 else None for i in c.sel.tolist()]
    sids = [c.session_ids[i] for i in c.session.tolist()]
    ident = list(zip(names, sids, c.t.tolist(), c.tap.tolist(), c.vw.tolist()))
    order = sorted(range(len(ident)), key=lambda i: (ident[i][0] or "", *ident[i][1:]))
    nums = np.stack([np.nan_to_num(a, nan=-1.0) for a in (c.px, c.py, c.bx, c.by, c.bw, c.bh, c.rx, c.ry)])
    return [ident[i] for i in order], nums[:, order]


def _same(a, b) -> bool:
    (ia, na), (ib, nb) = _key(a), _key(b)
    return ia == ib and na.shape == nb.shape and np.allclose(na, nb, atol=0.01)


@pytest.mark.parametrize("sel", [
    Selection("/product/:id"),
    Selection("/product/:id", device="desktop"),
    Selection("/product/:id", min_width=1300, max_width=1500),
    Selection("/product/77"),  # the pattern of a URL given as the page
])
def test_cached_clicks_are_the_rows(store_path, sel):
    db = open_store(store_path)
    rows = select_clicks(db, sel, cache=False)
    assert len(rows) > 100
    cached = select_clicks(db, sel)
    assert db.conn.execute("SELECT count(*) FROM insights_clicks").fetchone()[0] == 40  # one per session
    assert _same(cached, rows)
    assert len(set(cached.session.tolist())) == len(cached.session_ids)
    assert select_clicks(db, Selection("/cart")).px.size == 0


def test_a_read_only_store_still_builds_the_cache(store_path):
    ro = open_store(store_path, readonly=True)
    n = build_missing(ro, "/product/:id", matching_urls(ro, "/product/:id"))
    assert n == 40
    assert build_missing(ro, "/product/:id", matching_urls(ro, "/product/:id")) == 0  # all cached now
    assert _same(select_clicks(ro, Selection("/product/:id")), select_clicks(ro, Selection("/product/:id"), cache=False))


def test_new_and_changed_sessions_are_rebuilt_and_move_the_generation(store_path):
    db = open_store(store_path)
    sel = Selection("/product/:id")
    before = select_clicks(db, sel)
    g0 = generation(db)
    conn = db.conn
    # a session lands with two clicks on the page
    conn.execute("INSERT INTO sessions (id, started_at, ended_at, duration_ms, active_ms, device, viewport_width,"
                 " viewport_height, page_count, event_count, click_count, error_count, chunk_count, events_bytes,"
                 " content_hash, imported_at) VALUES ('new', 1, 2, 1, 1, 'desktop', 1280, 800, 1, 1, 2, 0, 1, 1, 'h',"
                 " 'now')")
    url = matching_urls(db, "/product/:id")[0]
    for t in (5, 6):
        conn.execute("INSERT INTO interactions (session_id, t, kind, x, y, scroll_x, scroll_y, url, viewport_width,"
                     " selector) VALUES ('new', ?, 'click', 10, 20, 0, 0, ?, 1280, 'a#fresh')", (t, url))
    assert generation(db) > g0
    after = select_clicks(db, sel)
    assert len(after) == len(before) + 2 and "a#fresh" in after.selectors
    assert conn.execute("SELECT count(*) FROM insights_clicks WHERE session_id = 'new'").fetchone()[0] == 1
    # a measured box changes one click: that session's row is dropped and rebuilt
    cid, sid = conn.execute("SELECT rowid, session_id FROM interactions WHERE url = ? AND kind = 'click'"
                            " ORDER BY rowid LIMIT 1", (url,)).fetchone()
    g1 = generation(db)
    set_click_boxes(db, [(cid, 5.0, 6.0, 70.0, 80.0, 0.5, 0.5, None)])
    assert generation(db) > g1
    assert conn.execute("SELECT count(*) FROM insights_clicks WHERE session_id = ?", (sid,)).fetchone()[0] == 0
    again = select_clicks(db, sel)
    assert _same(again, select_clicks(db, sel, cache=False))
    assert 70.0 in again.bw.tolist()
    # a deleted session takes its rows along
    conn.execute("DELETE FROM sessions WHERE id = 'new'")
    assert conn.execute("SELECT count(*) FROM insights_clicks WHERE session_id = 'new'").fetchone()[0] == 0
    assert len(select_clicks(db, sel)) == len(before)
