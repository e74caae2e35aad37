"""The Heatmap window's ranked tables, snapshots, near-misses and cache (issue 12)."""

from __future__ import annotations

import shutil

from PySide6.QtGui import QColor

from replaydesk.analysis.importing import import_paths
from replaydesk.analysis.signals_store import attribute_sessions
from replaydesk.store import open_store
from replaydesk.ui.heatmap_render import HIGHLIGHT_COLOUR, MISS_COLOUR
from replaydesk.ui.heatmap_window import HeatmapWindow
from replaydesk.ui.replay.measure import measure_sessions
from tests.analysis.test_tap_accuracy import _measure
from tests.analysis.test_tap_accuracy import _session as tap_session
from tests.ui.test_heatmap_render import _session as item_session


def _near(c: QColor, want: QColor, tol: int = 40) -> bool:
    return abs(c.red() - want.red()) + abs(c.green() - want.green()) + abs(c.blue() - want.blue()) <= tol


def _shown(qtbot, w, pattern: str, kind: str = "click", device: str = "any device") -> None:
    w.show()
    qtbot.waitExposed(w)
    w.pattern.setCurrentText(pattern)
    w.device.setCurrentText(device)
    w._result = None
    if w.kind.currentText() != kind:
        w.kind.setCurrentText(kind)  # refreshes
    else:
        w.refresh()
    qtbot.waitUntil(lambda: w._result is not None and w._result.kind == kind, timeout=60000)


def test_a_selected_row_is_outlined_and_its_menu_plays_each_session_click(qtbot, tmp_path, seeded_db_path):
    p = tmp_path / "s.db"
    shutil.copy(seeded_db_path, p)
    db = open_store(p)
    attribute_sessions(db)
    w = HeatmapWindow(p)
    qtbot.addWidget(w)
    _shown(qtbot, w, "/index.html", device="desktop")
    top = w.elements.rows[0][0]
    assert top == "button#promo-claim"
    x, y, bw, bh = w.element_box(top)
    probe = (int(x - 4), int(y + bh / 2))
    before = w.image.grab().toImage().pixelColor(*probe)
    assert not _near(before, HIGHLIGHT_COLOUR)
    w.element_view.selectRow(0)
    assert w.highlighted == top
    painted = w.image.grab().toImage()  # what the label paints now
    assert _near(painted.pixelColor(*probe), HIGHLIGHT_COLOUR)
    assert not _near(w._base_image.pixelColor(*probe), HIGHLIGHT_COLOUR)  # the map itself stays clean
    w.element_view.clearSelection()
    w.highlight_selector(None)
    assert not _near(w.image.grab().toImage().pixelColor(*probe), HIGHLIGHT_COLOUR)

    # the row's context menu: one entry per session that clicked it, each playing its first click
    menu = w.element_menu(0)
    entries = [a for a in menu.actions() if a.data()]
    sessions = {r[0] for r in db.conn.execute(
        "SELECT DISTINCT session_id FROM interactions WHERE selector = ? AND url LIKE '%/index.html%'", (top,))}
    assert {a.data()[0] for a in entries} == sessions and len(entries) == w.elements.rows[0][6]
    sid, at_ms = entries[0].data()
    first = db.conn.execute(
        "SELECT min(i.t) - s.started_at FROM interactions i JOIN sessions s ON s.id = i.session_id"
        " WHERE i.session_id = ? AND i.selector = ?", (sid, top)).fetchone()[0]
    assert at_ms == first
    with qtbot.waitSignal(w.clickJumpRequested, timeout=2000) as sig:
        entries[0].trigger()
    assert sig.args == [sid, first]

    # another snapshot: the background is drawn from the chosen page view
    assert w.snapshot.count() >= 3 and w.snapshot.itemData(0) is None
    pick = next(i for i in range(1, w.snapshot.count()) if w.snapshot.itemData(i)[0] != w._result.background.session_id)
    view = w.snapshot.itemData(pick)
    w.snapshot.setCurrentIndex(pick)
    w.redraw()
    assert w._result.background.session_id == view[0]
    db.conn.close()
    w.close()


def test_results_come_from_the_cache_until_a_session_lands(qtbot, tmp_path):
    item_session(tmp_path, "ses_wide", 1440)
    item_session(tmp_path, "ses_narrow", 1280)
    db = open_store(tmp_path / "s.db")
    assert len(import_paths(db, [tmp_path / "ses_wide"]).added) == 1
    attribute_sessions(db)
    w = HeatmapWindow(tmp_path / "s.db")
    qtbot.addWidget(w)
    _shown(qtbot, w, "/item/:id")
    first, inputs = w._result, w._inputs
    assert first.clickmap.clicks == 3
    # the same selection again: no read, the same inputs and the same drawn result
    w.refresh()
    assert w._handle is None and w._inputs is inputs and w._result is first
    assert w._inputs_cache.hits >= 1 and w._results.hits >= 1
    # another session lands on the page: the cache is stale, the next refresh reads again
    assert len(import_paths(db, [tmp_path / "ses_narrow"]).added) == 1
    attribute_sessions(db)
    w._result = None
    w.refresh()
    assert w._handle is not None
    qtbot.waitUntil(lambda: w._result is not None, timeout=60000)
    assert w._inputs is not inputs and w._result.clickmap.clicks == 6
    db.conn.close()
    w.close()


def test_near_miss_taps_have_their_table_and_marks(qtbot, tmp_path):
    tap_session(tmp_path, "ses_a", [(1000, 10, 120, 235), (1600, 11, 118, 210)])
    tap_session(tmp_path, "ses_b", [(1000, 10, 95, 210), (1200, 10, 94, 211), (1900, 11, 105, 212)])
    db = open_store(tmp_path / "s.db")
    assert len(import_paths(db, [tmp_path / "ses_a", tmp_path / "ses_b"]).added) == 2
    attribute_sessions(db)
    for sid in ("ses_a", "ses_b"):
        _measure(db, sid)
    w = HeatmapWindow(tmp_path / "s.db")
    qtbot.addWidget(w)
    _shown(qtbot, w, "/pay/:id", kind="taps")
    assert w.near.rows[0][:3] == ("button#ok", 3, 3)  # 3 misses; 2 hits, at least the misses
    marks = w._result.marks
    assert len(marks) == 3
    img = w._result.image
    for m in marks:  # a dot where each missed tap landed
        assert _near(img.pixelColor(int(m.x), int(m.y)), MISS_COLOUR, 60)
    # selecting the near-miss row outlines the button; marks off: no dots
    w.side_tabs.setCurrentIndex(1)
    w.near_view.selectRow(0)
    assert w.highlighted == "button#ok"
    w.near_misses.setChecked(False)
    assert w._result.marks == []
    assert not _near(w._result.image.pixelColor(int(marks[0].x), int(marks[0].y)), MISS_COLOUR, 60)
    db.conn.close()
    w.close()
