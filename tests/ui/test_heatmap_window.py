"""The Heatmap window: background read, drawing, tables and exports (issue 12)."""

from __future__ import annotations

import csv
import shutil

from replaydesk.analysis.signals_store import attribute_sessions
from replaydesk.store import open_store
from replaydesk.ui.heatmap_window import HeatmapWindow


def test_window_shows_the_index_click_map_and_pages(qtbot, tmp_path, seeded_db_path):
    p = tmp_path / "s.db"
    shutil.copy(seeded_db_path, p)
    db = open_store(p)
    attribute_sessions(db)
    db.conn.close()
    w = HeatmapWindow(p)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.pages.rowCount() > 0, timeout=10000)
    pages = {r[0]: r for r in w.pages.rows}
    assert pages["/index.html"][1:4] == (8, 5, 2)  # views, sessions, exits
    w.pattern.setCurrentText("/index.html")
    w.device.setCurrentText("desktop")
    w.refresh()
    qtbot.waitUntil(lambda: w._result is not None, timeout=60000)
    assert w.elements.rows[0][:2] == ("button#promo-claim", 7)
    assert w.image.pixmap().width() == w._result.width + 260
    assert w._result.background is not None and w._result.height > 800
    assert "placed on their element" in w.status.text()
    out = tmp_path / "e.csv"
    from replaydesk.analysis.heatmap_report import write_elements_csv
    write_elements_csv(out, w._result.elements)
    rows = list(csv.reader(out.open()))
    assert rows[0][0] == "element" and rows[1][:2] == ["button#promo-claim", "7"]
    # overlays switch without another read of the store
    inputs = w._inputs
    w.opacity.setValue(90)
    assert w._inputs is inputs and w._result.kind == "click"
    w.kind.setCurrentText("scroll")
    qtbot.waitUntil(lambda: w._result.kind == "scroll", timeout=60000)
    w.close()
