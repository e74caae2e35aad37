"""The session list pane driven like a user: filters, sorting, selection."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from replaydesk.state.filters import ListState, filter_from_json, filter_to_json
from replaydesk.store import SessionFilter, import_paths, open_store
from replaydesk.ui.session_list import SessionListPane
from replaydesk.ui.session_model import COLUMNS, SESSION_ID_ROLE


@pytest.fixture
def pane(qtbot, seeded_db):
    state = ListState()
    p = SessionListPane(seeded_db, state)
    qtbot.addWidget(p)
    p.resize(900, 600)
    p.show()
    yield p
    p.model.close()
    p.filter_bar.close_bindings()


def ids(pane) -> set[str]:
    m = pane.model
    return {m.index(r, 0).data(SESSION_ID_ROLE) for r in range(m.rowCount())}


def test_lists_every_session_with_readable_columns(pane):
    m = pane.model
    assert m.rowCount() == 9 and m.columnCount() == len(COLUMNS)
    row = m.row_of("ses_894a31ac3a8c")
    texts = {COLUMNS[c][0]: m.index(row, c).data() for c in range(m.columnCount())}
    assert texts["Device"] == "mobile" and texts["Viewport"] == "390×844"
    assert texts["Entry page"] == "/index.html" and texts["Errors"] == "3"
    assert texts["Pages"] == "5" and texts["Duration"] == "0:29"
    assert "9 sessions" in pane.filter_bar.count.text()


def test_each_filter_control_narrows_rows(qtbot, pane):
    fb = pane.filter_bar
    qtbot.keyClicks(fb.url, "checkout")
    qtbot.waitUntil(lambda: ids(pane) == {"ses_46d365862838", "ses_5924706e4bfc", "ses_f69ef2c8dc31"})
    assert "3 of 9 sessions match" in fb.count.text()
    fb.url.clear()
    qtbot.waitUntil(lambda: len(ids(pane)) == 9)
    qtbot.keyClicks(fb.user, "lucia")
    qtbot.waitUntil(lambda: ids(pane) == {"ses_894a31ac3a8c"})
    fb.user.clear()
    qtbot.waitUntil(lambda: len(ids(pane)) == 9)

    fb.device.setCurrentIndex(fb.device.findData("mobile"))
    assert ids(pane) == {"ses_894a31ac3a8c"}
    fb.device.setCurrentIndex(0)
    fb.has_errors.setChecked(True)
    assert ids(pane) == {"ses_894a31ac3a8c", "ses_ac59c861b05d"}
    fb.has_errors.setChecked(False)
    fb.min_dur.setValue(60)
    assert ids(pane) == {"ses_49340e341bb8", "ses_f69ef2c8dc31"}
    fb.min_dur.setValue(0)
    fb.max_dur.setValue(10)
    assert ids(pane) == {"ses_6ef7552cd34d"}
    fb.max_dur.setValue(0)
    fb.min_vw.setValue(1400)
    assert ids(pane) == {"ses_5924706e4bfc", "ses_6ef7552cd34d", "ses_ac59c861b05d"}
    fb.max_vw.setValue(1400)
    assert ids(pane) == set()
    fb.min_vw.setValue(0)
    assert ids(pane) == {"ses_894a31ac3a8c", "ses_f69ef2c8dc31", "ses_46d365862838", "ses_49340e341bb8", "ses_eca6cdfc6b65", "ses_8339d0629316"}
    fb.max_vw.setValue(0)
    fb.min_clicks.setValue(20)
    assert ids(pane) == {"ses_49340e341bb8", "ses_ac59c861b05d", "ses_f69ef2c8dc31"}
    fb.min_clicks.setValue(0)
    # dates: the corpus was recorded 2026-11-26/27 (local dates depend on TZ, so use a wide range)
    fb.since_on.setChecked(True)
    fb.since.setDate(fb.since.date().fromString("2030-01-01", "yyyy-MM-dd"))
    assert ids(pane) == set()
    fb.since.setDate(fb.since.date().fromString("2026-11-01", "yyyy-MM-dd"))
    assert len(ids(pane)) == 9
    fb.until_on.setChecked(True)
    fb.until.setDate(fb.until.date().fromString("2026-11-02", "yyyy-MM-dd"))
    assert ids(pane) == set()
    fb.clear_btn.click()
    assert len(ids(pane)) == 9 and not fb.since_on.isChecked()


def test_filters_combine_and_saved_filters_round_trip(qtbot, pane, monkeypatch):
    fb = pane.filter_bar
    fb.device.setCurrentIndex(fb.device.findData("desktop"))
    fb.min_clicks.setValue(20)
    assert ids(pane) == {"ses_49340e341bb8", "ses_ac59c861b05d", "ses_f69ef2c8dc31"}
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("busy desktop", True))
    fb.save_btn.click()
    assert "busy desktop" in pane.state.saved
    fb.clear_btn.click()
    assert len(ids(pane)) == 9
    fb.saved.setCurrentIndex(fb.saved.findText("busy desktop"))
    fb.saved.activated.emit(fb.saved.currentIndex())
    assert ids(pane) == {"ses_49340e341bb8", "ses_ac59c861b05d", "ses_f69ef2c8dc31"}
    assert fb.min_clicks.value() == 20 and fb.device.currentData() == "desktop"
    restored = ListState.saved_from_json(pane.state.saved_json())
    assert restored == pane.state.saved


def test_sorting_by_header_runs_in_sql(pane):
    m = pane.model
    col = [c[0] for c in COLUMNS].index("Duration")
    pane.view.sortByColumn(col, Qt.SortOrder.AscendingOrder)
    durations = [m._row(r)["duration_ms"] for r in range(m.rowCount())]
    assert durations == sorted(durations)
    pane.view.sortByColumn(col, Qt.SortOrder.DescendingOrder)
    assert [m._row(r)["duration_ms"] for r in range(m.rowCount())] == sorted(durations, reverse=True)
    assert pane.state.sort == "duration_ms" and pane.state.descending


def test_selecting_a_row_emits_session_selected(qtbot, pane):
    with qtbot.waitSignal(pane.sessionSelected) as sig:
        assert pane.select_session("ses_ac59c861b05d")
    assert sig.args == ["ses_ac59c861b05d"]
    row = pane.model.row_of("ses_6ef7552cd34d")
    rect = pane.view.visualRect(pane.model.index(row, 1))
    with qtbot.waitSignal(pane.sessionSelected) as sig:
        qtbot.mouseClick(pane.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sig.args == ["ses_6ef7552cd34d"]


def test_refresh_inserts_new_sessions_keeping_selection(qtbot, tmp_path, corpus):
    path = tmp_path / "s.db"
    writer = open_store(path)
    import_paths(writer, [corpus / "ses_46d365862838", corpus / "ses_6ef7552cd34d"])
    reader = open_store(path)
    pane = SessionListPane(reader, ListState())
    qtbot.addWidget(pane)
    pane.select_session("ses_6ef7552cd34d")
    inserted = []
    pane.model.rowsInserted.connect(lambda _p, a, b: inserted.append((a, b)))
    resets = []
    pane.model.modelReset.connect(lambda: resets.append(1))
    import_paths(writer, [corpus / "archive-demo.zip"])
    pane.model.refresh()
    assert pane.model.rowCount() == 9 and len(inserted) == 7 and not resets
    assert pane.current_session() == "ses_6ef7552cd34d"
    assert "9 sessions" in pane.filter_bar.count.text()


def test_filter_json_round_trip():
    f = SessionFilter(url="cart", min_clicks=3, has_errors=True, device="mobile")
    assert filter_from_json(filter_to_json(f)) == f
    assert filter_from_json("not json") == SessionFilter()
