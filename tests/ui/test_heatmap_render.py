"""Heatmaps through the renderer (issue 12): generated sessions at two widths, corpus images."""

from __future__ import annotations

import json

import numpy as np

from replaydesk.analysis.heatmap import place_clicks
from replaydesk.analysis.importing import import_paths
from replaydesk.analysis.signals_store import attribute_sessions
from replaydesk.store import open_store
from replaydesk.store.insights import Selection, select_clicks
from replaydesk.ui.heatmap_render import build_heatmap
from replaydesk.ui.replay.headless import FrameRenderer
from replaydesk.ui.replay.measure import measure_sessions
from tests.replay.builders import T0, document, el, full, inc, meta, text

BUY, MID = 10, 12
STYLE = {BUY: "position:absolute; right:20px; top:100px; width:120px; height:40px; margin:0; padding:0",
         MID: "position:absolute; left:50%; margin-left:-50px; top:400px; width:100px; height:30px; padding:0"}
#: where the buttons are at each width, and a click inside each (recorded viewport px)
CLICKS = {1440: [(BUY, 1350, 120), (MID, 700, 410), (BUY, 1305, 135)],
          1280: [(BUY, 1200, 115), (MID, 640, 420), (MID, 595, 402)]}


def _session(folder, sid: str, width: int) -> None:
    doc = document(
        el(BUY, "button", {"id": "buy", "style": STYLE[BUY]}, [text(11, "Buy")]),
        el(MID, "button", {"id": "mid", "style": STYLE[MID]}, [text(13, "More")]),
    )
    href = "http://shop.test/item/42?ref=x"
    events = [meta(T0, href=href, width=width, height=800), full(doc, T0)]
    for k, (nid, x, y) in enumerate(CLICKS[width]):
        t = T0 + 1000 * (k + 1)
        events += [inc(2, t, type=1, id=nid, x=x, y=y), inc(2, t, type=0, id=nid, x=x, y=y),
                   inc(2, t, type=2, id=nid, x=x, y=y)]
    d = folder / sid
    d.mkdir()
    (d / "events.json").write_text(json.dumps(events))
    (d / "meta.json").write_text(json.dumps({"sessionId": sid, "viewport": {"width": width, "height": 800}}))


def test_clicks_recorded_at_two_widths_land_in_their_element_at_both(qapp, tmp_path):
    _session(tmp_path, "ses_wide", 1440)
    _session(tmp_path, "ses_narrow", 1280)
    db = open_store(tmp_path / "s.db")
    report = import_paths(db, [tmp_path / "ses_wide", tmp_path / "ses_narrow"])
    assert len(report.added) == 2, report.rejected
    attribute_sessions(db)
    sel = Selection("/item/:id")
    with FrameRenderer() as r:
        measured, unmeasured = measure_sessions(db, ["ses_wide", "ses_narrow"], renderer=r)
        assert (measured, unmeasured) == (6, 0)
        for width in (1440, 1280):
            res = build_heatmap(db, sel, "click", width, renderer=r)
            boxes = res.background.boxes
            assert set(boxes) == {"button#buy", "button#mid"}
            # the background's boxes are the layout at this width
            assert boxes["button#buy"][0] == width - 20 - 120
            clicks = select_clicks(db, sel)
            pl = place_clicks(clicks, width, boxes)
            assert pl.by_element == 6 and pl.dropped == 0
            for x, y, i in zip(pl.x, pl.y, pl.weight_index):
                bx, by, bw, bh = boxes[clicks.selectors[clicks.sel[i]]]
                assert bx <= x <= bx + bw and by <= y <= by + bh
            # and the density is hot on the elements
            cm = res.clickmap
            for name in boxes:
                bx, by, bw, bh = boxes[name]
                assert cm.density.at(bx + bw / 2, by + bh / 2) > 0
            assert res.image.width() == width + 260 and res.height >= 800
    db.conn.close()


def test_cli_heatmap_writes_png_and_csv_and_refuses_bad_input(qapp, tmp_path, seeded_db_path, capsys):
    import csv

    from replaydesk.cli import main

    import shutil

    out, table = tmp_path / "h.png", tmp_path / "e.csv"
    shutil.copy(seeded_db_path, tmp_path / "s.db")
    store = open_store(tmp_path / "s.db")
    attribute_sessions(store)  # names the click targets: the elements table
    store.conn.close()
    db = ["--db", str(tmp_path / "s.db")]
    assert main(["heatmap", "--url", "/cart.html?x=1", *db, "-o", str(out), "--csv", str(table), "--no-render"]) == 0
    assert out.stat().st_size > 1000
    rows = list(csv.reader(table.open()))
    assert rows[0] == ["element", "clicks", "share", "rage", "dead", "error", "sessions"] and len(rows) > 1
    assert main(["heatmap", "--url", "/nope", *db, "-o", str(out)]) == 2
    assert main(["heatmap", "--url", "/cart.html", "--kind", "move", "--csv", "x.csv", *db, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no page views match '/nope'" in err and "--csv needs --kind click or taps" in err
