"""Page insights (issue 12): URL patterns, click placement across widths, density, exits."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from replaydesk.analysis.heatmap import (
    colormap_lut, density, element_table, exit_stats, place_clicks, scroll_depth, smooth, url_pattern,
)
from replaydesk.analysis.signals_store import attribute_sessions
from replaydesk.store.insights import ClickRows, Selection, element_signals, page_views, pages_overview, select_clicks


@pytest.mark.parametrize("url, pattern", [
    ("http://shop.test/product.html?id=lamp#top", "/product.html"),
    ("https://a.test/orders/4711/items/3", "/orders/:id/items/:id"),
    ("/u/123e4567-e89b-12d3-a456-426614174000/edit", "/u/:id/edit"),
    ("/index.html", "/index.html"),
    ("", "/"),
])
def test_url_pattern(url, pattern):
    assert url_pattern(url) == pattern


def _rows(spec):
    """spec: (selector|None, px, py, box|None, rx, ry, viewport width, session)."""
    sels: dict[str, int] = {}
    nan = float("nan")
    cols = []
    for s, px, py, box, rx, ry, vw, sid in spec:
        bx, by, bw, bh = box or (nan, nan, nan, nan)
        cols.append((-1 if s is None else sels.setdefault(s, len(sels)), px, py, bx, by, bw, bh,
                     rx if box else nan, ry if box else nan, vw, sid))
    a = np.array(cols, dtype=np.float64)
    return ClickRows(list(sels), a[:, 0].astype(np.int32), a[:, 1], a[:, 2], a[:, 3], a[:, 4], a[:, 5], a[:, 6],
                     a[:, 7], a[:, 8], a[:, 9], a[:, 10].astype(np.int64), np.zeros(len(a), bool))


# a right-anchored button and a centred one, as the renderer measured them at each width
BOXES = {1440: {"#buy": (1300, 100, 120, 40), "#mid": (670, 400, 100, 30)},
         1280: {"#buy": (1140, 100, 120, 40), "#mid": (590, 400, 100, 30)}}


def _two_width_clicks():
    spec = []
    rng = np.random.default_rng(1)
    for sid, w in ((1, 1440), (2, 1280)):
        for sel, (bx, by, bw, bh) in BOXES[w].items():
            for rx, ry in rng.uniform(0.05, 0.95, size=(6, 2)):
                spec.append((sel, bx + rx * bw, by + ry * bh, (bx, by, bw, bh), rx, ry, w, sid))
    return _rows(spec)


@pytest.mark.parametrize("width", [1440, 1280])
def test_clicks_from_two_widths_land_inside_their_element_at_either_width(width):
    clicks = _two_width_clicks()
    # with the boxes recorded at that width, and with the boxes measured in the background
    for measured in (None, BOXES[width]):
        pl = place_clicks(clicks, width, measured)
        assert pl.by_element == len(clicks) and pl.by_page == 0 and pl.dropped == 0
        for x, y, i in zip(pl.x, pl.y, pl.weight_index):
            bx, by, bw, bh = BOXES[width][clicks.selectors[clicks.sel[i]]]
            assert bx <= x <= bx + bw and by <= y <= by + bh
    # page coordinates alone would put the 1440 px clicks on #buy beside the 1280 px button
    x1440 = clicks.px[(clicks.vw == 1440) & (clicks.sel == clicks.selectors.index("#buy"))]
    assert (x1440 > 1140 + 120).all()


def test_unmeasured_clicks_use_page_coordinates_only_within_the_width_band():
    clicks = _rows([(None, 500, 300, None, 0, 0, 1300, 1), ("#a", 600, 350, None, 0, 0, 1440, 1),
                    (None, 100, 200, None, 0, 0, 390, 2)])
    pl = place_clicks(clicks, 1280)
    assert (pl.by_element, pl.by_page, pl.dropped) == (0, 2, 1)
    assert sorted(zip(pl.x, pl.y)) == [(500, 300), (600, 350)]
    assert "1 not placed" in pl.summary()


def test_smoothing_keeps_the_mass_and_the_peak():
    g = np.zeros((50, 60))
    g[20, 30] = 10
    s = smooth(g, 2.0)
    assert s.sum() == pytest.approx(10, rel=1e-6)
    assert np.unravel_index(np.argmax(s), s.shape) == (20, 30)
    d = density(np.array([101.0, 102, 103, 500]), np.array([51.0, 52, 50, 700]), 800, 900, cell=4)
    assert d.total == 4
    hx, hy = d.hottest()
    assert abs(hx - 102) <= 4 and abs(hy - 51) <= 4


def test_colormap_lightness_rises():
    lut = colormap_lut().astype(float)
    lum = lut @ [0.2126, 0.7152, 0.0722]
    assert lut.shape == (256, 3) and (np.diff(lum) >= -0.5).all() and lum[-1] - lum[0] > 200


def test_scroll_depth_shares():
    d = scroll_depth(np.array([800.0, 1200, 2000, 2000]), np.array([800.0, 800, 800, 800]), 2400, step=100)
    assert d.reached[0] == 1.0 and d.reached[9] == 0.75 and d.reached[15] == 0.5 and d.reached[21] == 0.0
    assert d.avg_fold == 800 and d.views == 4


def test_element_table_ranks_and_counts_sessions():
    clicks = _rows([("#a", 1, 1, None, 0, 0, 1280, 1), ("#a", 1, 1, None, 0, 0, 1280, 1),
                    ("#a", 1, 1, None, 0, 0, 1280, 2), ("#b", 1, 1, None, 0, 0, 1280, 3),
                    (None, 1, 1, None, 0, 0, 1280, 3)])
    rows = element_table(clicks, {"#b": {"rage_click": 2, "dead_click": 1}})
    assert [(r.selector, r.clicks, r.sessions) for r in rows] == [("#a", 3, 2), ("#b", 1, 1)]
    assert rows[0].share == pytest.approx(0.6) and (rows[1].rage, rows[1].dead) == (2, 1)


# --- corpus ------------------------------------------------------------------------------------------

def test_corpus_index_heatmap_is_hottest_where_the_clicks_were(seeded_db):
    attribute_sessions(seeded_db)  # names the click targets (no boxes: page coordinates)
    sel = Selection("/index.html", device="desktop")
    clicks = select_clicks(seeded_db, sel)
    table = element_table(clicks, element_signals(seeded_db, sel))
    assert table[0].selector == "button#promo-claim" and table[0].clicks == 7 and table[0].rage >= 1
    pl = place_clicks(clicks, 1440)
    d = density(pl.x, pl.y, 1440, 1200)
    hx, hy = d.hottest()
    rows = seeded_db.conn.execute(
        "SELECT x + scroll_x, y + scroll_y FROM interactions WHERE selector = 'button#promo-claim'").fetchall()
    xs, ys = zip(*rows)
    assert min(xs) - 4 <= hx <= max(xs) + 4 and min(ys) - 4 <= hy <= max(ys) + 4


def _hand_counts(corpus):
    """Per path: sessions whose meta.json ``urls`` include it, and those whose last URL it is."""
    seen: dict[str, set] = {}
    last: dict[str, set] = {}
    for m in sorted(corpus.glob("ses_*/meta.json")):
        meta = json.loads(m.read_text())
        paths = [u.split("?")[0].split("#")[0] for u in meta["urls"]]
        for p in paths:
            seen.setdefault(p, set()).add(meta["sessionId"])
        last.setdefault(paths[-1], set()).add(meta["sessionId"])
    return seen, last


def test_exit_rates_match_a_hand_count_from_meta_urls(seeded_db, corpus):
    seen, last = _hand_counts(corpus)
    rows = {r["pattern"]: r for r in pages_overview(seeded_db)}
    assert set(rows) == set(seen)
    for path, sessions in seen.items():
        exits = len(last.get(path, ()))
        assert (rows[path]["sessions"], rows[path]["exits"]) == (len(sessions), exits), path
        assert rows[path]["exit_rate"] == pytest.approx(exits / len(sessions))
        ex = exit_stats(page_views(seeded_db, Selection(path)))
        assert (ex.sessions, ex.exits) == (len(sessions), exits)
    assert rows["/index.html"]["views"] == 8  # two sessions came back to the shop page


def test_cli_pages_json(seeded_db_path, tmp_path, capsys):
    from replaydesk.cli import main

    db = tmp_path / "s.db"
    shutil.copy(seeded_db_path, db)
    assert main(["pages", "--db", str(db), "--json"]) == 0
    rows = {r["pattern"]: r for r in json.loads(capsys.readouterr().out)}
    assert (rows["/index.html"]["views"], rows["/index.html"]["exits"]) == (8, 2)
    assert rows["/confirmation.html"]["exit_rate"] == 1.0


def test_result_cache_keeps_results_for_one_generation_only():
    from replaydesk.analysis.heatmap_cache import ResultCache

    c = ResultCache(capacity=2)
    c.put("a", 5, "A")
    assert c.get("a", 5) == "A" and c.hits == 1
    c.put("b", 5, "B")
    c.put("c", 5, "C")  # over capacity: the least recently used ("a") goes
    assert c.get("a", 5) is None and c.get("c", 5) == "C"
    c.put("old", 4, "stale")  # computed before the cache's generation: not kept
    assert "old" not in c
    assert c.get("c", 6) is None and len(c) == 0  # the store moved on: everything is dropped
