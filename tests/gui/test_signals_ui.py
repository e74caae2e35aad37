"""Frustration signals where the analyst sees them (issue 11): list badges, filters and sort,
timeline lanes, next/previous signal, the Signals tab, the thresholds dialog.

Every test runs on a real store: the corpus archive imported through the app's import
(``analysis.importing.import_paths``, which stores facts, findings and ``sig_*`` counts).
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem

from tests.gui.conftest import shown_main_window
from replaydesk.analysis.signals import SignalSettings
from replaydesk.state.filters import ListState, filter_from_json, filter_to_json
from replaydesk.state.playback import PlaybackState
from replaydesk.store import open_store
from replaydesk.store.queries import SessionFilter
from replaydesk.store.signals import session_findings
from replaydesk.ui import signals_style as ss
from replaydesk.ui.filter_bar import FilterBar
from replaydesk.ui.session_model import COLUMNS, SessionTableModel
from replaydesk.ui.signal_settings_dialog import SignalSettingsDialog
from replaydesk.ui.signals_badges import SIGNALS_ROLE, SignalBadgeDelegate
from replaydesk.ui.timeline import TimelineWidget
from replaydesk.ui.transport import ACTION_SPECS, PlaybackAction, playback_actions

pytestmark = pytest.mark.qt

LAB = "ses_ac59c861b05d"  # rage clicks on Share and on the promo, dead and error clicks
PHONE = "ses_894a31ac3a8c"  # quick back, error taps
CLEAN = "ses_46d365862838"
SIGNALS_COL = [c[0] for c in COLUMNS].index("Signals")


@pytest.fixture
def sdb_path(signals_db_path, tmp_path):
    p = tmp_path / "signals.db"
    shutil.copy(signals_db_path, p)
    return p


@pytest.fixture
def sdb(sdb_path):
    db = open_store(sdb_path)
    yield db
    db.conn.close()


def _row_of(model: SessionTableModel, sid: str) -> int:
    r = model.row_of(sid)
    assert r >= 0, sid
    return r


# ---- session list ---------------------------------------------------------------------------


def test_badges_show_the_counts_per_kind(qtbot, sdb):
    model = SessionTableModel(sdb, ListState())
    idx = model.index(_row_of(model, LAB), SIGNALS_COL)
    counts = dict(idx.data(SIGNALS_ROLE))
    assert counts["rage_click"] == 2  # Share, then the promo button
    assert counts["error_click"] >= 2 and counts["dead_click"] >= 2
    assert idx.data().startswith("R2 D")  # the plain text form, store order
    tip = idx.data(Qt.ItemDataRole.ToolTipRole)
    assert "2 rage clicks" in tip and "Legend: R rage click" in tip
    clean = model.index(_row_of(model, CLEAN), SIGNALS_COL)
    assert clean.data(SIGNALS_ROLE) == [] and clean.data() == ""


def test_badge_delegate_paints_a_pill_per_kind(qtbot, sdb):
    model = SessionTableModel(sdb, ListState())
    idx = model.index(_row_of(model, LAB), SIGNALS_COL)
    img = QImage(160, 24, QImage.Format.Format_RGB32)
    img.fill(Qt.GlobalColor.white)
    opt = QStyleOptionViewItem()
    opt.rect = QRect(0, 0, 160, 24)
    p = QPainter(img)
    SignalBadgeDelegate().paint(p, opt, idx)
    p.end()
    px = {(img.pixelColor(x, 12).red(), img.pixelColor(x, 12).green(), img.pixelColor(x, 12).blue()) for x in range(160)}

    def has(kind):
        c = ss.color(kind)
        return any(abs(r - c.red()) < 8 and abs(g - c.green()) < 8 and abs(b - c.blue()) < 8 for r, g, b in px)

    assert has("rage_click") and has("dead_click") and has("error_click")
    assert not has("quick_back")


def test_has_rage_filter_narrows_the_list(qtbot, sdb):
    state = ListState()
    model = SessionTableModel(sdb, state)
    bar = FilterBar(state)
    qtbot.addWidget(bar)
    assert model.rowCount() == 9
    bar.has_signal["rage_click"].setChecked(True)
    assert state.filter.signals == ("rage_click",)
    rage = {r[0] for r in sdb.conn.execute("SELECT id FROM sessions WHERE sig_rage > 0")}
    assert LAB in rage and 0 < model.rowCount() == len(rage) < 9
    assert {model.session_id(r) for r in range(model.rowCount())} == rage
    bar.has_signal["quick_back"].setChecked(True)  # each ticked kind must be there
    both = {r[0] for r in sdb.conn.execute("SELECT id FROM sessions WHERE sig_rage > 0 AND sig_quick_back > 0")}
    assert {model.session_id(r) for r in range(model.rowCount())} == both
    # saved and restored filters keep the kinds (JSON has lists, the filter a tuple)
    again = filter_from_json(filter_to_json(state.filter))
    assert again == state.filter and again.signals == ("rage_click", "quick_back")
    state.clear()
    assert not any(b.isChecked() for b in bar.has_signal.values()) and model.rowCount() == 9
    bar.close_bindings()
    model.close()


def test_sort_by_signal_count(qtbot, sdb):
    state = ListState()
    model = SessionTableModel(sdb, state)
    model.sort(SIGNALS_COL, Qt.SortOrder.DescendingOrder)
    assert state.sort == "signals" and model.sort_column_index() == SIGNALS_COL
    totals = [sdb.conn.execute("SELECT sig_total FROM sessions WHERE id = ?", (model.session_id(r),)).fetchone()[0]
              for r in range(model.rowCount())]
    assert totals == sorted(totals, reverse=True) and totals[0] > 0
    assert model.session_id(0) == LAB  # the most signals in the corpus
    model.close()


# ---- timeline and transport -----------------------------------------------------------------


def test_timeline_has_a_lane_per_signal_kind_with_markers_at_the_findings(qtbot, sdb):
    from replaydesk.analysis.signals_store import attribute_session

    assert attribute_session(sdb, LAB)  # what opening the session does: elements named
    findings = session_findings(sdb, LAB)
    from replaydesk.analysis import timeline_for_session

    tl = timeline_for_session(sdb, LAB)
    state = PlaybackState()
    state.load_timeline(tl)
    w = TimelineWidget(state, tl)
    qtbot.addWidget(w)
    base_h = w.sizeHint().height()
    base_ymin = w.y_min
    w.set_signals(findings)
    kinds = [k for k in ss.STYLES if any(f["kind"] == k for f in findings)]
    assert w.signal_lanes() == kinds and {"rage_click", "dead_click", "error_click"} <= set(kinds)
    rage = [f["t_ms"] for f in findings if f["kind"] == "rage_click"]
    assert w.signal_markers("rage_click") == [float(t) for t in rage]
    assert all(abs(a - b) < 1_000 for a, b in zip(rage, (29_812, 38_205)))  # the corpus labels
    assert w.y_min < base_ymin and w.sizeHint().height() > base_h
    w.resize(900, 260)
    w.show()
    qtbot.waitExposed(w)
    tip = w.tooltip_at(rage[0], w.lane_center("rage_click"))
    assert tip.startswith("Rage click · ") and "Rule: 3 or more clicks" in tip and "button#share-lab" in tip
    # clicking the marker seeks to the finding
    w._on_view_clicked(rage[0] + 5, w.lane_center("rage_click"))
    assert state.time == rage[0]
    w.set_signals([])
    assert w.signal_lanes() == [] and w.y_min == base_ymin


def test_next_and_previous_signal(qtbot, sdb):
    times = [f["t_ms"] for f in session_findings(sdb, LAB)]
    state = PlaybackState(60_000)
    acts = {a.data(): a for a in playback_actions(None, state)}
    nxt, prev = acts[PlaybackAction.NEXT_SIGNAL.value], acts[PlaybackAction.PREV_SIGNAL.value]
    assert not nxt.isEnabled()
    state.set_signal_times(times)
    assert nxt.isEnabled() and prev.isEnabled()
    assert nxt.shortcut().toString() == "N" and prev.shortcut().toString() == "Shift+N"
    nxt.trigger()
    assert state.time == min(times)
    nxt.trigger()
    assert state.time == sorted(times)[1]
    state.seek(59_000)
    prev.trigger()
    assert state.time == max(times)
    state.seek(0)
    prev.trigger()  # nothing before: stays
    assert state.time == 0
    state.load(60_000)  # the timeline arriving after the findings keeps them
    assert state.signal_times == tuple(float(t) for t in sorted(set(times)))


def test_signal_shortcuts_do_not_clash():
    from replaydesk.ui.actions import create_actions

    keys = [k for spec in ACTION_SPECS for k in spec.keys]
    window_keys = [a.shortcut().toString() for a in create_actions(None).values() if not a.shortcut().isEmpty()]
    assert len(keys) == len(set(keys))
    assert not {"N", "Shift+N"} & set(window_keys)


# ---- thresholds dialog ----------------------------------------------------------------------


def test_thresholds_dialog_offers_every_field_and_resets(qtbot):
    custom = SignalSettings(rage_min_clicks=8, dead_window_ms=4_000, rage_radius_px=12.0)
    dlg = SignalSettingsDialog(custom)
    qtbot.addWidget(dlg)
    assert dlg.settings() == custom
    assert dlg.spins["dead_window_ms"].value() == 4.0  # shown in seconds
    dlg.spins["thrash_window_ms"].setValue(2.5)
    assert dlg.settings().thrash_window_ms == 2_500
    qtbot.mouseClick(dlg.reset_button, Qt.MouseButton.LeftButton)
    assert dlg.settings() == SignalSettings()


# ---- the window -----------------------------------------------------------------------------


@pytest.fixture
def window(qtbot, tmp_path, sdb_path):
    with shown_main_window(qtbot, tmp_path, sdb_path) as w:
        yield w


def _open(qtbot, w, sid):
    assert w.sessions.select_session(sid)
    # opening indexes the session, which names the signals' elements, then shows them
    qtbot.waitUntil(lambda: w.player.loaded and w.player.session_id == sid
                    and any(f["selector"] for f in w.player.findings), timeout=60_000)


def test_signals_tab_ranks_findings_and_a_click_seeks_and_outlines(qtbot, window):
    w = window
    _open(qtbot, w, LAB)
    tab = w.panel.signals_tab
    rows = tab.findings()
    assert rows and [ss.rank_key(f) for f in rows] == sorted(ss.rank_key(f) for f in rows)
    assert rows[0]["kind"] == "error_click"  # the most serious first
    assert w.panel.tabText(w.panel.indexOf(tab)).startswith("Signals (")
    assert "rage_click" in w.player.timeline.signal_lanes()
    w.panel.setCurrentWidget(tab)
    r = next(i for i, f in enumerate(rows) if f["kind"] == "rage_click" and "share" in (f["selector"] or ""))
    finding = rows[r]
    idx = tab.model.index(r, 0)
    tab.view.scrollTo(idx)
    with qtbot.waitSignal(w.player.framePainted, timeout=30_000, check_params_cb=lambda t: t == finding["t_ms"]):
        qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=tab.view.visualRect(idx).center())
    assert w.player.state.time == finding["t_ms"]
    detail = tab.detail.toPlainText()  # the rule with its numbers and the evidence, in full
    assert "Rule: 3 or more clicks within 1.0 s" in detail and finding["evidence"] in detail
    assert w.player.highlighted_node == finding["node_id"]
    box = {}

    def outline():
        box.clear()
        w.player.view.run_javascript("rd.highlightBox()", lambda v: box.update(v=json.loads(v)))
        qtbot.waitUntil(lambda: "v" in box, timeout=5_000)
        return box["v"]

    qtbot.waitUntil(lambda: outline() is not None, timeout=10_000)
    b = outline()
    assert b["id"] == finding["node_id"] and b["width"] > 6 and b["height"] > 6  # the Share button's box
    # seeking elsewhere removes the outline
    w.player.state.seek(1_000)
    assert w.player.highlighted_node is None
    qtbot.waitUntil(lambda: outline() is None, timeout=10_000)


def test_changing_thresholds_recomputes_counts_list_and_timeline(qtbot, window):
    w = window
    _open(qtbot, w, LAB)
    col = SIGNALS_COL
    model = w.sessions.model

    def rage_in_list():
        return dict(model.index(model.row_of(LAB), col).data(SIGNALS_ROLE)).get("rage_click", 0)

    assert rage_in_list() == 2 and "rage_click" in w.player.timeline.signal_lanes()
    dlg = w.show_signal_thresholds()
    dlg.spins["rage_min_clicks"].setValue(8)  # the bursts are 6 and 7 clicks
    with qtbot.waitSignal(w.signalsRecomputed, timeout=60_000):
        dlg.accept()
    assert w.progress.isVisible() is False
    assert SignalSettings.from_json(w.settings.get("signals/settings")).rage_min_clicks == 8
    assert rage_in_list() == 0
    qtbot.waitUntil(lambda: "rage_click" not in w.player.timeline.signal_lanes(), timeout=10_000)
    assert not any(f["kind"] == "rage_click" for f in w.panel.signals_tab.findings())
    # reset to defaults: the rage clicks come back
    dlg = w.show_signal_thresholds()
    assert dlg.spins["rage_min_clicks"].value() == 8
    dlg.reset_to_defaults()
    with qtbot.waitSignal(w.signalsRecomputed, timeout=60_000):
        dlg.accept()
    assert rage_in_list() == 2
    qtbot.waitUntil(lambda: "rage_click" in w.player.timeline.signal_lanes(), timeout=10_000)
    assert np.isclose(w.player.timeline.signal_markers("rage_click")[0],
                      min(f["t_ms"] for f in session_findings(w.db, LAB) if f["kind"] == "rage_click"))
