"""TimelineWidget, TransportBar, playback actions and the driver (pytest-qt, offscreen)."""

from __future__ import annotations

import subprocess
import sys

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QPalette, QWheelEvent
from PySide6.QtWidgets import QApplication, QWidget

from replaydesk.analysis import Marker
from replaydesk.state.playback import PlaybackState
from replaydesk.ui.timeline import LANES, TimeAxisItem, TimelineWidget, _lane_center
from replaydesk.ui.transport import PlaybackAction, PlaybackDriver, TransportBar, playback_actions

pytestmark = pytest.mark.qt


@pytest.fixture
def no_mouse_rate_limit(monkeypatch):
    """pyqtgraph drops mouse moves closer than 10 ms apart; synthetic moves are closer."""
    monkeypatch.setitem(pg.CONFIG_OPTIONS, "mouseRateLimit", -1)


@pytest.fixture
def state(idle_timeline):
    s = PlaybackState()
    s.load_timeline(idle_timeline)
    return s


@pytest.fixture
def timeline(qtbot, state, idle_timeline):
    w = TimelineWidget(state, idle_timeline)
    qtbot.addWidget(w)
    w.resize(900, 200)
    w.show()
    qtbot.waitExposed(w)
    return w


def viewport_pos(w: TimelineWidget, x: float, y: float) -> QPoint:
    return w.view_to_widget(x, y).toPoint()


def test_dragging_the_playhead_scrubs_with_increasing_seeks(qtbot, timeline, state, no_mouse_rate_limit):
    timeline.scrub_interval_ms = 0
    state.play()
    seeks: list[int] = []
    timeline.seekRequested.connect(seeks.append)
    scrubbing: list[bool] = []
    state.connect("scrubbing_changed", scrubbing.append)
    vp = timeline.plot_widget.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=viewport_pos(timeline, 0, 0.5))
    for x in range(2_000, 20_001, 2_000):
        qtbot.mouseMove(vp, viewport_pos(timeline, x, 0.5))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=viewport_pos(timeline, 20_000, 0.5))
    assert len(seeks) >= 5
    assert seeks == sorted(seeks) and len(set(seeks)) == len(seeks)
    assert abs(seeks[-1] - 20_000) < 200  # within a pixel or two
    assert state.time == pytest.approx(seeks[-1], abs=1)
    assert scrubbing == [True, False]
    assert state.playing  # it was playing before the scrub, so it resumes


def test_scrub_seeks_are_throttled(qtbot, timeline, state, no_mouse_rate_limit):
    timeline.scrub_interval_ms = 10_000  # nothing but the first and the final one get through
    seeks: list[int] = []
    timeline.seekRequested.connect(seeks.append)
    vp = timeline.plot_widget.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=viewport_pos(timeline, 0, 0.5))
    for x in range(1_000, 10_001, 1_000):
        qtbot.mouseMove(vp, viewport_pos(timeline, x, 0.5))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=viewport_pos(timeline, 10_000, 0.5))
    assert len(seeks) == 2 and seeks[0] < seeks[1]
    assert abs(seeks[-1] - 10_000) < 200


def test_clicking_the_plot_seeks(qtbot, timeline, state):
    with qtbot.waitSignal(timeline.seekRequested) as blocker:
        qtbot.mouseClick(timeline.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=viewport_pos(timeline, 31_000, 0.5))
    assert abs(blocker.args[0] - 31_000) < 100
    assert state.time == blocker.args[0]
    assert timeline.playhead.value() == pytest.approx(state.time)


def test_clicking_near_a_marker_snaps_to_it(qtbot, timeline, state, idle_timeline):
    click = idle_timeline.markers_of("click")[2]
    lane = [i for i, (_t, kinds) in enumerate(LANES) if "click" in kinds][0]
    ms_per_px = timeline.view_box.viewPixelSize()[0]
    pos = viewport_pos(timeline, click.t + 3 * ms_per_px, _lane_center(lane))
    qtbot.mouseClick(timeline.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert state.time == click.t


def test_wheel_zooms_time_only(qtbot, timeline):
    (x0, x1), (y0, y1) = timeline.view_box.viewRange()
    vp = timeline.plot_widget.viewport()
    pos = QPointF(viewport_pos(timeline, 20_000, 0.5))
    ev = QWheelEvent(pos, QPointF(vp.mapToGlobal(pos.toPoint())), QPoint(0, 0), QPoint(0, 120),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(vp, ev)
    (nx0, nx1), (ny0, ny1) = timeline.view_box.viewRange()
    assert nx1 - nx0 < (x1 - x0) * 0.95  # zoomed in
    assert nx0 < 20_000 < nx1  # around the pointer
    assert (ny0, ny1) == pytest.approx((y0, y1))
    timeline.fit()
    assert timeline.x_range() == pytest.approx((x0, x1))


def test_playhead_follows_the_state_and_range_is_shaded(timeline, state):
    state.seek(12_345)
    assert timeline.playhead.value() == pytest.approx(12_345)
    assert not timeline._range.isVisible()
    state.set_range_in(5_000)
    state.set_range_out(9_000)
    assert timeline._range.isVisible() and timeline._range.getRegion() == pytest.approx((5_000, 9_000))
    state.clear_range()
    assert not timeline._range.isVisible()


def test_playing_while_zoomed_pages_the_view_along(timeline, state):
    timeline.set_x_range(0, 5_000)
    state.play()
    state.advance(7_000)
    lo, hi = timeline.x_range()
    assert lo <= state.time <= hi and hi - lo == pytest.approx(5_000)


def test_tooltips_name_the_url_and_the_idle_span(timeline, idle_timeline):
    nav = idle_timeline.markers_of("navigation")[3]
    text = timeline.tooltip_at(nav.t, _lane_center(0))
    assert "http://127.0.0.1:8765/product.html?id=notebook" in text and "Page" in text
    start, end = idle_timeline.inactive_spans[0]
    assert "Inactive" in timeline.tooltip_at((start + end) / 2, 0.5)
    assert "user event" in timeline.tooltip_at(2_500, 0.5)
    assert timeline.tooltip_at(nav.t + 5_000, _lane_center(0)) == ""


def test_added_markers_are_drawn_without_recreating_items(timeline, idle_timeline):
    items_before = list(timeline.plot_widget.getPlotItem().items)
    tl = idle_timeline.with_markers([Marker(9_000, "rage_click", "Rage click"), Marker(20_000, "annotation", "idle?")])
    timeline.set_timeline(tl)
    assert list(timeline.plot_widget.getPlotItem().items) == items_before
    assert len(timeline._scatter["rage_click"].data) == 1
    assert "idle?" in timeline.tooltip_at(20_000, _lane_center(3))


def test_time_axis_labels_are_minutes_and_seconds():
    ax = TimeAxisItem(orientation="bottom")
    assert ax.tickStrings([0, 65_000, 3_725_000], 1, 5_000) == ["0:00", "1:05", "1:02:05"]
    assert ax.tickStrings([12_300], 1, 100) == ["0:12.3"]
    (major, _), *_ = ax.tickSpacing(0, 60_000, 600)
    assert major in (5_000, 10_000)


def test_time_axis_stays_readable_over_days_and_centuries():
    """A session whose clock spans days, or centuries (a recorder's clock gone wrong), gets a
    few day- or year-sized ticks: one tick per day drew 118,000 labels over each other and took
    the first frame 5.5 s."""
    ax = TimeAxisItem(orientation="bottom")
    day = 86_400_000
    for span, px in ((3 * day, 600), (40 * day, 600), (10**13, 600), (10**13, 3000)):
        levels = ax.tickSpacing(0, span, px)
        major = levels[0][0]
        assert major * 1.0 / (span / px) >= ax.min_label_px  # labels never closer than min_label_px
        assert span / major <= px / ax.min_label_px + 1
        for spacing, _ in levels[1:]:
            assert major % spacing == 0 and span / spacing <= px / 10 + 1
    assert ax.tickStrings([0, 2 * day, 3650 * day], 1, day) == ["0d", "2d", "3,650d"]
    assert ax.tickStrings([day + 3_600_000], 1, 3_600_000) == ["25:00:00"]


def test_follows_a_dark_palette(qtbot, timeline):
    assert not timeline.colors().dark
    pal = QPalette(timeline.palette())
    pal.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    pal.setColor(QPalette.ColorRole.Base, QColor("#1b1c1f"))
    pal.setColor(QPalette.ColorRole.Text, QColor("#e8eaed"))
    timeline.setPalette(pal)
    assert timeline.colors().dark
    assert timeline.colors().background == QColor("#1b1c1f")


def test_destroyed_widgets_unsubscribe(qtbot, state, idle_timeline):
    before = sum(len(v) for v in state._subscribers.values())
    w = TimelineWidget(state, idle_timeline)
    bar = TransportBar(state)
    assert sum(len(v) for v in state._subscribers.values()) > before
    w.deleteLater()
    bar.deleteLater()
    qtbot.waitUntil(lambda: sum(len(v) for v in state._subscribers.values()) == before)
    state.seek(1_000)  # must not touch the deleted widgets


# ---- transport ---------------------------------------------------------------------------------


@pytest.fixture
def bar(qtbot, state):
    b = TransportBar(state)
    qtbot.addWidget(b)
    b.show()
    return b


def test_transport_buttons_drive_the_state(qtbot, bar, state, idle_timeline):
    qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    assert state.playing
    assert bar.play_button.accessibleName() == "Pause"
    qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    assert not state.playing
    state.seek(idle_timeline.page_times[0])
    qtbot.mouseClick(bar.next_page_button, Qt.MouseButton.LeftButton)
    assert state.time == idle_timeline.page_times[1]
    qtbot.mouseClick(bar.next_event_button, Qt.MouseButton.LeftButton)
    assert state.time == next(t for t in idle_timeline.event_times if t > idle_timeline.page_times[1])
    qtbot.mouseClick(bar.prev_event_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(bar.prev_page_button, Qt.MouseButton.LeftButton)
    assert state.time < idle_timeline.page_times[1]
    assert "Shift+Right" in bar.next_event_button.toolTip()


def test_transport_speed_skip_and_readout(qtbot, bar, state):
    bar.speed_box.setCurrentIndex(bar.speed_box.findData(4.0))
    assert state.speed == 4
    state.speed_down()
    assert bar.speed_box.currentData() == 2.0
    qtbot.mouseClick(bar.skip_box, Qt.MouseButton.LeftButton)
    assert state.skip_inactivity
    state.set_skip_inactivity(False)
    assert not bar.skip_box.isChecked()
    state.seek(21_456)
    assert bar.time_label.text() == "0:21.4 / 0:42.9"
    state.set_range_in(1_000)
    assert bar.range_label.isVisibleTo(bar) and "0:01.0" in bar.range_label.text()


def test_shortcut_actions(qtbot, state):
    host = QWidget()
    qtbot.addWidget(host)
    actions = playback_actions(host, state)
    by_id = {a.data(): a for a in actions}
    assert set(by_id) == {a.value for a in PlaybackAction}
    keys = {a.data(): a.shortcut().toString() for a in actions}
    assert keys[PlaybackAction.PLAY_PAUSE] == "Space"
    assert keys[PlaybackAction.BACK] == "Left" and keys[PlaybackAction.NEXT_EVENT] == "Shift+Right"
    assert keys[PlaybackAction.FASTER] == "Up" and keys[PlaybackAction.START] == "Home"
    assert keys[PlaybackAction.RANGE_IN] == "[" and keys[PlaybackAction.RANGE_OUT] == "]"
    assert all(a.text() for a in actions) and host.actions() == actions

    by_id[PlaybackAction.FORWARD].trigger()
    by_id[PlaybackAction.FORWARD].trigger()
    assert state.time == 10_000
    by_id[PlaybackAction.RANGE_IN].trigger()
    by_id[PlaybackAction.BACK].trigger()
    assert state.time == 5_000 and state.range_in == 10_000
    by_id[PlaybackAction.END].trigger()
    by_id[PlaybackAction.RANGE_OUT].trigger()
    assert state.range() == (10_000, state.duration)
    by_id[PlaybackAction.FASTER].trigger()
    assert state.speed == 2
    by_id[PlaybackAction.PLAY_PAUSE].trigger()
    assert state.playing
    skip = by_id[PlaybackAction.SKIP_INACTIVITY]
    state.set_skip_inactivity(True)
    assert skip.isChecked()


def test_bare_keys_can_be_kept_for_the_player(qtbot, state):
    host = QWidget()
    qtbot.addWidget(host)
    actions = playback_actions(host, state, bare_key_context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
    ctx = {a.data(): a.shortcutContext() for a in actions}
    assert ctx[PlaybackAction.BACK] == Qt.ShortcutContext.WidgetWithChildrenShortcut
    assert ctx[PlaybackAction.PLAY_PAUSE] == Qt.ShortcutContext.WidgetWithChildrenShortcut
    assert ctx[PlaybackAction.NEXT_EVENT] == Qt.ShortcutContext.WindowShortcut  # Shift+Right


def test_keyboard_shortcut_reaches_the_state(qtbot, state):
    host = QWidget()
    qtbot.addWidget(host)
    playback_actions(host, state)
    host.show()
    host.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is host)
    qtbot.keyClick(host, Qt.Key.Key_Right)
    assert state.time == 5_000
    qtbot.keyClick(host, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert state.time == next(t for t in state.event_times if t > 5_000)
    qtbot.keyClick(host, Qt.Key.Key_Space)
    assert state.playing


def test_driver_ticks_only_while_playing(qtbot, state):
    driver = PlaybackDriver(state)
    assert not driver.active
    state.play()
    assert driver.active
    qtbot.waitUntil(lambda: state.time > 50, timeout=3_000)
    state.pause()
    assert not driver.active
    t = state.time
    state.advance(100)
    assert state.time == t
    driver.stop()
    state.play()
    assert not driver.active
    state.pause()


def test_preview_runs_and_saves_a_screenshot(tmp_path):
    png = tmp_path / "timeline.png"
    r = subprocess.run(
        [sys.executable, "-m", "replaydesk.ui.timeline_preview", "--session", "ses_eca6cdfc6b65", "--theme", "dark",
         "--screenshot", str(png)],
        capture_output=True, text=True, timeout=120,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    from PySide6.QtGui import QImage

    img = QImage(str(png))
    assert img.width() > 500 and img.height() > 100
    colours = {img.pixel(x, y) for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)}
    assert len(colours) > 20  # a real picture, not a blank frame


# PySide6 6.12.0 returned None from void calls without a reference: on CPython 3.11 a
# playing timeline drained None's refcount and the process died (none_dealloc). We pin
# 6.11.3 (pyproject.toml); this guards the pin.
def test_a_long_playback_does_not_drain_none(qtbot, state, idle_timeline):
    w = TimelineWidget(state, idle_timeline)
    bar = TransportBar(state)
    qtbot.addWidget(w)
    qtbot.addWidget(bar)
    w.show()
    before = sys.getrefcount(None)
    state.play()
    for _ in range(200):  # a few seconds of playback; small, since the bug kills the process
        state.advance(16)
    state.pause()
    drained = before - sys.getrefcount(None)
    assert drained < 100, f"{drained} references to None lost in 200 ticks"


def test_idle_spans_read_in_their_unit():
    from replaydesk.ui.formatting import span

    assert [span(ms) for ms in (12_600, 300_000, 3 * 3_600_000, 12 * 86_400_000, 10**13)] == [
        "13 s", "5 min", "3 h", "12 d", "317 y"]


def test_a_session_of_centuries_draws_a_bounded_activity_graph():
    """One bin per second over a month is 2.7 million steps; drawn as they are, the path took
    over a gigabyte to paint. Drawn bins are merged by their peak."""
    import numpy as np

    from replaydesk.ui.timeline import MAX_DRAWN_BINS, _drawn_bins

    counts = np.zeros(31 * 86_400)
    counts[123_456] = 9  # one spike
    drawn, bin_ms = _drawn_bins(counts)
    assert drawn.size <= MAX_DRAWN_BINS and drawn.max() == 9
    assert drawn.size * bin_ms >= counts.size * 1000  # the whole span is still covered
    assert drawn[123_456_000 // bin_ms] == 9  # at its place
    few = np.arange(100.0)
    same, ms = _drawn_bins(few)
    assert ms == 1000 and same is few  # short sessions: every second as it was
