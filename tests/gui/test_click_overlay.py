"""View > Click Overlay and "play this click" from the Heatmap window (issue 12)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtGui import QColor

from replaydesk.analysis.importing import import_paths
from replaydesk.analysis.signals_store import attribute_sessions
from replaydesk.store import open_store
from replaydesk.ui.actions import ActionId
from replaydesk.ui.click_overlay import OUTLINE, clicked_elements
from replaydesk.ui.replay.headless import FrameRenderer
from replaydesk.ui.replay.measure import measure_sessions
from tests.gui.conftest import shown_main_window
from tests.replay.builders import T0, document, el, full, inc, meta, text
from tests.ui.test_heatmap_render import _session as item_session

pytestmark = pytest.mark.qt


def _near(c: QColor, want: QColor, tol: int = 60) -> bool:
    return abs(c.red() - want.red()) + abs(c.green() - want.green()) + abs(c.blue() - want.blue()) <= tol


@pytest.fixture
def store_path(qapp, tmp_path):
    item_session(tmp_path, "ses_wide", 1440)  # clicks: #buy twice, #mid once
    db = open_store(tmp_path / "s.db")
    assert len(import_paths(db, [tmp_path / "ses_wide"]).added) == 1
    attribute_sessions(db)
    with FrameRenderer() as r:
        assert measure_sessions(db, ["ses_wide"], renderer=r) == (3, 0)
    db.conn.close()
    return tmp_path / "s.db"


def _open(qtbot, w, sid: str) -> None:
    w.sessions.select_session(sid)
    qtbot.waitUntil(lambda: w.player.loaded and w.player.session_id == sid, timeout=60_000)


def test_overlay_outlines_the_clicked_elements_with_their_counts(qtbot, tmp_path, store_path):
    with shown_main_window(qtbot, tmp_path, store_path) as w:
        _open(qtbot, w, "ses_wide")
        act = w.actions_by_id[ActionId.CLICK_OVERLAY]
        assert act.isCheckable() and not act.isChecked() and not w.click_overlay.isVisible()
        with qtbot.waitSignal(w.player.framePainted, timeout=20_000):
            w.player.state.seek(3500)
        act.setChecked(True)
        qtbot.waitUntil(lambda: w.click_overlay.isVisible(), timeout=5_000)
        boxes = w.click_overlay.boxes()
        got = {e.selector: e.clicks for e, _r in boxes}
        assert got == {"button#buy": 2, "button#mid": 1}
        view = w.player.view
        rect, scale = view.displayed_rect(), view.displayed_rect().width() / 1440
        e, r = next((e, r) for e, r in boxes if e.selector == "button#buy")
        # the recorded box (right:20px, 120 px wide at 1440) mapped onto the drawn page
        assert e.box[0] == 1440 - 20 - 120
        assert abs(r.x() - (rect.x() + e.box[0] * scale)) < 1 and abs(r.width() - 120 * scale) < 1
        img = view.grab().toImage()  # the view with its overlay child, as painted
        assert _near(img.pixelColor(int(r.x()), int(r.y() + r.height() / 2)), OUTLINE)
        # it stays while playing (test_overlay_follows_the_page_scrolled_while_playing); unchecked: gone
        w.player.state.play()
        assert w.click_overlay.isVisible()
        w.player.state.pause()
        assert w.click_overlay.isVisible()
        act.setChecked(False)
        assert not w.click_overlay.isVisible()


SCROLL_Y = 300


@pytest.fixture
def scrolled_store_path(qapp, tmp_path):
    """A tall page: #buy clicked at 1 s, the document scrolled down 300 px at 2.5 s."""
    doc = document(
        el(10, "button", {"id": "buy", "style": "position:absolute; left:200px; top:600px; width:120px; "
                                                 "height:40px; margin:0; padding:0"}, [text(11, "Buy")]),
        el(12, "div", {"style": "position:absolute; left:0; top:0; width:10px; height:3000px"}),
    )
    events = [meta(T0, href="http://shop.test/long", width=1440, height=800), full(doc, T0),
              inc(2, T0 + 1000, type=1, id=10, x=250, y=620), inc(2, T0 + 1000, type=0, id=10, x=250, y=620),
              inc(2, T0 + 1000, type=2, id=10, x=250, y=620),
              inc(3, T0 + 2500, id=1, x=0, y=SCROLL_Y)]
    # the pointer moving every 250 ms: no inactive span for playback to skip (a skip is a seek)
    events += [inc(1, T0 + t, positions=[{"x": 5 + t // 100, "y": 5, "id": 12, "timeOffset": 0}])
               for t in range(1250, 8001, 250)]
    events.sort(key=lambda e: e["timestamp"])  # stable: Meta before its FullSnapshot
    d = tmp_path / "ses_scroll"
    d.mkdir()
    (d / "events.json").write_text(json.dumps(events))
    (d / "meta.json").write_text(json.dumps({"sessionId": "ses_scroll", "viewport": {"width": 1440, "height": 800}}))
    db = open_store(tmp_path / "s.db")
    assert len(import_paths(db, [d]).added) == 1
    attribute_sessions(db)
    with FrameRenderer() as r:
        assert measure_sessions(db, ["ses_scroll"], renderer=r) == (1, 0)
    db.conn.close()
    return tmp_path / "s.db"


def test_overlay_follows_the_page_scrolled_while_playing(qtbot, tmp_path, scrolled_store_path):
    """The mirror stays at the last seek while playing; the outline must still move with the
    document's scroll events as they are played (and stay there when paused, which seeks nothing)."""
    with shown_main_window(qtbot, tmp_path, scrolled_store_path) as w:
        _open(qtbot, w, "ses_scroll")
        with qtbot.waitSignal(w.player.framePainted, timeout=20_000):
            w.player.state.seek(2000)
        w.actions_by_id[ActionId.CLICK_OVERLAY].setChecked(True)
        qtbot.waitUntil(lambda: w.click_overlay.isVisible(), timeout=5_000)
        (e, before), = w.click_overlay.boxes()
        assert e.selector == "button#buy" and w.player.page_scroll == (0.0, 0.0)
        view = w.player.view
        scale = view.displayed_rect().width() / 1440
        w.player.state.set_skip_inactivity(False)
        w.player.state.play()
        qtbot.waitUntil(lambda: w.player.state.time > 2700, timeout=10_000)
        assert w.player.state.playing and w.click_overlay.isVisible()
        assert w.player.page_scroll == (0.0, float(SCROLL_Y))
        (_e, during), = w.click_overlay.boxes()
        assert abs((before.y() - during.y()) - SCROLL_Y * scale) < 0.5 and during.x() == before.x()
        w.player.state.pause()
        qtbot.wait(100)  # a paint of the overlay at the new place
        (_e, after), = w.click_overlay.boxes()
        assert after == during
        img = view.grab().toImage()  # the view with its overlay child, as painted
        mid_y = int(after.y() + after.height() / 2)
        assert _near(img.pixelColor(int(after.x()), mid_y), OUTLINE)
        assert not _near(img.pixelColor(int(before.x()), int(before.y() + before.height() / 2)), OUTLINE)
        # a seek (backwards, before the scroll) puts the outline back where it was
        with qtbot.waitSignal(w.player.framePainted, timeout=20_000):
            w.player.state.seek(2000)
        (_e, back), = w.click_overlay.boxes()
        assert back == before


def test_a_heatmap_menu_entry_opens_the_session_at_that_click(qtbot, tmp_path, store_path):
    with shown_main_window(qtbot, tmp_path, store_path) as w:
        w._open_heatmaps()
        hm = w._heatmaps
        hm.pattern.setCurrentText("/item/:id")
        hm.refresh()
        qtbot.waitUntil(lambda: hm._result is not None, timeout=60_000)
        row = next(i for i, r in enumerate(hm.elements.rows) if r[0] == "button#mid")
        entry = next(a for a in hm.element_menu(row).actions() if a.data())
        assert entry.data() == ("ses_wide", 2000)  # the #mid click, 2 s after the start
        entry.trigger()
        qtbot.waitUntil(lambda: w.player.session_id == "ses_wide" and w.player.loaded
                        and w.player.state.time == 2000, timeout=60_000)
        assert not w.player.state.playing
        hm.close()


def test_clicked_elements_count_per_page_view_and_skip_unmeasured():
    rows = [
        {"kind": "click", "page_seq": 0, "selector": "a#x", "box_x": 1, "box_y": 2, "box_w": 3, "box_h": 4},
        {"kind": "click", "page_seq": 0, "selector": "a#x", "box_x": 1, "box_y": 2, "box_w": 3, "box_h": 4},
        {"kind": "click", "page_seq": 0, "selector": "b#y", "box_x": None, "box_y": None, "box_w": None, "box_h": None},
        {"kind": "tap", "page_seq": 1, "selector": "a#x", "box_x": 5, "box_y": 6, "box_w": 7, "box_h": 8},
    ]
    got = clicked_elements(rows)
    assert [(e.page_seq, e.selector, e.clicks, round(e.share, 2), e.box) for e in got] == [
        (0, "a#x", 2, 0.67, (1.0, 2.0, 3.0, 4.0)), (1, "a#x", 1, 1.0, (5.0, 6.0, 7.0, 8.0))]


def test_overlay_turned_on_during_the_loading_note_shows_when_the_page_is_revealed(qtbot, tmp_path, store_path):
    """The page is revealed a little after its first frame is painted (CI once toggled the
    overlay in between and it never showed): revealing the page refreshes the overlay."""
    with shown_main_window(qtbot, tmp_path, store_path) as w:
        _open(qtbot, w, "ses_wide")
        p = w.player
        p.stack.setCurrentWidget(p.hint)  # as between a session's first frame and its reveal
        w.actions_by_id[ActionId.CLICK_OVERLAY].setChecked(True)
        assert not w.click_overlay.isVisible()
        p.stack.setCurrentWidget(p.view)
        assert w.click_overlay.isVisible()
