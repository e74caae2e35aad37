"""Click boxes measured in the renderer, in batches per page state (issue 11)."""

from __future__ import annotations

from replaydesk.analysis.importing import import_paths
from replaydesk.analysis.signals_store import attribute_sessions
from replaydesk.store import open_store
from replaydesk.store.signals import click_rows, set_click_boxes
from replaydesk.ui.replay.headless import FrameRenderer
from replaydesk.ui.replay.measure import batches, measure_session


def test_add_to_cart_click_lands_inside_the_buttons_box(qapp, tmp_path, corpus):
    db = open_store(tmp_path / "s.db")
    import_paths(db, [corpus / "ses_46d365862838"])
    attribute_sessions(db)
    import_paths(db, [corpus / "ses_ac59c861b05d"])
    attribute_sessions(db)
    with FrameRenderer() as r:
        rows, frames = measure_session(r, db, "ses_46d365862838")
        assert frames == len(click_rows(db, "ses_46d365862838")) - 1  # label + its input: one frame
        lab_rows, lab_frames = measure_session(r, db, "ses_ac59c861b05d")
    # the rage bursts (6 and 7 unanswered clicks) and other quiet runs share frames
    assert lab_frames <= len(lab_rows) - 11
    assert all(x[1] is not None for x in lab_rows if x[7] is None)
    set_click_boxes(db, rows)
    [c] = [c for c in click_rows(db, "ses_46d365862838") if c["target_text"] == "Add to cart"]
    assert c["selector"] == "button#add-to-cart"
    assert c["box_w"] > 50 and c["box_h"] > 20 and c["box_note"] is None
    assert 0 < c["rx"] < 1 and 0 < c["ry"] < 1
    px, py = c["x"] + c["scroll_x"], c["y"] + c["scroll_y"]
    assert c["box_x"] <= px <= c["box_x"] + c["box_w"] and c["box_y"] <= py <= c["box_y"] + c["box_h"]
    db.conn.close()


def test_batches_split_where_the_page_responded():
    clicks = [{"t": t, "page_seq": p} for t, p in ((100, 0), (200, 0), (300, 0), (400, 1))]
    # first click: no response; second answered at 250 (before the third); third: none
    runs = batches(clicks, {100: None, 200: 250, 300: None, 400: None})
    assert [[c["t"] for c in r] for r in runs] == [[100, 200], [300], [400]]
