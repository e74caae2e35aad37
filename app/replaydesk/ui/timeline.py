"""The session timeline: activity, inactivity, markers, range and a draggable playhead.

``TimelineWidget`` renders a ``SessionTimeline`` (what happened) and a ``PlaybackState``
(where we are). It never decides anything about time itself: clicks and drags become
``state.seek`` calls (plus the ``seekRequested`` Qt signal), and the widget follows the
state's events. Plot items are created once and updated with ``setData``/``setOpts``; a
playback tick only moves the playhead.

Layout (one pyqtgraph plot, y fixed, x zoomable): the activity graph (user events per
second, normalised to the session's peak) with inactive stretches shaded, then four marker
lanes - Pages, Clicks, Errors, Events - then one lane per kind of frustration signal the
session has (``set_signals``: the store's findings; a burst is drawn as a bar from its
first to its last click, hovering says the rule and the evidence), and a bottom axis in m:ss.

Mouse: wheel zooms the time axis around the pointer, dragging the plot pans it, dragging the
playhead scrubs, Shift+dragging marks the in/out range, a click jumps (snapping to a marker
under the pointer), a double click shows the whole session. Hovering a marker or the graph shows a tooltip.

The lanes' y layout, marker kinds and tooltip texts live in :mod:`.timeline_lanes`.

Run ``python -m replaydesk.ui.timeline_preview`` for a preview on the bundled demo archive.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QGraphicsItem, QToolTip, QVBoxLayout, QWidget

from replaydesk.analysis.activity import BIN_MS, Marker, SessionTimeline
from replaydesk.state.playback import PlaybackState

from .bindings import bind_all
from .formatting import clock, span
from . import signals_style as ss
from .plaintext import plain_tooltip
from .theme_colors import TimelineColors, colors_for
from .timeline_axis import TimeAxisItem, _TimelineViewBox  # noqa: F401 - TimeAxisItem re-exported
from .timeline_lanes import (  # noqa: F401 - re-exported: tests and previews import them from here
    ACTIVITY_PEAK_Y,
    HIT_PX,
    KIND_NAMES,
    LANE_H,
    LANES,
    SIGNAL_LANE_PX,
    SYMBOLS,
    Y_MAX,
    Y_MIN,
)
from .timeline_lanes import LANE_OF as _LANE_OF
from .timeline_lanes import describe_marker as _describe
from .timeline_lanes import finding_marker as _finding_marker
from .timeline_lanes import lane_center as _lane_center

#: the activity graph draws at most this many steps: a session of days has a bin per second
#: (2.7 million over 31 days), and a path of every one took a gigabyte to paint
MAX_DRAWN_BINS = 20_000


def _drawn_bins(counts: np.ndarray) -> tuple[np.ndarray, int]:
    """The activity counts as drawn, and the width of a drawn bin: groups of seconds merged by
    their peak when there are more than :data:`MAX_DRAWN_BINS` (a spike stays as high)."""
    k = -(-counts.size // MAX_DRAWN_BINS)
    if k <= 1:
        return counts, BIN_MS
    pad = -counts.size % k
    grouped = np.concatenate([counts, np.zeros(pad)]).reshape(-1, k).max(axis=1)
    return grouped, BIN_MS * k


class TimelineWidget(QWidget):
    """Timeline of one session bound to a :class:`PlaybackState`.

    Signals: ``seekRequested(int ms)`` - the user clicked or scrubbed to a time (at most
    ~60/s while scrubbing, always once more on release). The widget has already applied it
    with ``state.seek``; connect the signal only if you need a Qt-side notification.
    """

    seekRequested = Signal(int)

    def __init__(self, state: PlaybackState, timeline: SessionTimeline | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("timeline")
        self._state = state
        self._timeline = SessionTimeline.empty()
        self._colors: TimelineColors = colors_for(self.palette())
        self._lane_index: list[tuple[np.ndarray, list[Marker]]] = [(np.zeros(0), []) for _ in LANES]
        self._dragging = False
        self._pending_seek: int | None = None
        self._last_scrub_emit = -math.inf
        self._last_scrub_value: int | None = None
        #: minimum wall time between two scrub seeks (ms); 0 = every mouse move
        self.scrub_interval_ms = 1000 / 60
        self._scrub_timer = QTimer(self)
        self._scrub_timer.setSingleShot(True)
        self._scrub_timer.timeout.connect(self._flush_scrub)
        self._idle_labels: list[pg.TextItem] = []
        self._findings: list[dict] = []
        self._signal_kinds: list[str] = []  # signal lanes shown, in SIGNAL_KINDS order
        self.note_tooltip: Callable[[float, float], str] | None = None  # the notes layer's hover text
        self._build()
        self._apply_colors()
        # the state may outlive the widget: bind drops our callbacks when the C++ object goes
        self._subs = bind_all(self, state, {
            "time_changed": self._on_state_time_changed,
            "range_changed": self._on_state_range_changed,
            "skip_inactivity_changed": self._on_state_skip_changed,
        })
        self.set_timeline(timeline or SessionTimeline.empty())

    # ---- construction --------------------------------------------------------------------

    def _build(self) -> None:
        self._axis = TimeAxisItem(orientation="bottom")
        self._vb = _TimelineViewBox(self._on_view_clicked, self.fit)
        self._vb.on_range = self._on_range_dragged
        self._plot = pg.PlotWidget(viewBox=self._vb, axisItems={"bottom": self._axis})
        self._plot.setObjectName("timelinePlot")
        self._plot.setFrameShape(pg.QtWidgets.QFrame.Shape.NoFrame)
        pi = self._plot.getPlotItem()
        pi.hideButtons()
        pi.setMenuEnabled(False)
        pi.layout.setContentsMargins(2, 6, 10, 2)
        left = pi.getAxis("left")
        self._set_left_ticks(0)
        left.setWidth(72)  # "Error click", "Quick back": the signal lanes' titles
        left.setStyle(tickLength=0, tickTextOffset=8)
        self._axis.setStyle(tickLength=-5, tickTextOffset=4, hideOverlappingLabels=24)
        self._axis.setHeight(26)
        vb = self._vb
        vb.setDefaultPadding(0)
        vb.disableAutoRange()
        vb.setLimits(yMin=-100, yMax=Y_MAX)

        self._inactive = pg.BarGraphItem(x0=np.zeros(0), x1=np.zeros(0), y0=Y_MIN, y1=Y_MAX)
        self._inactive.setZValue(-20)
        self._range = pg.LinearRegionItem(values=(0, 0), movable=False)
        self._range.setZValue(-15)
        self._range.setVisible(False)
        self._lane_lines = [
            pg.InfiniteLine(pos=-i * LANE_H, angle=0, movable=False) for i in range(len(LANES) + len(ss.STYLES) + 1)
        ]
        for line in self._lane_lines:
            line.setZValue(-10)
        self._activity = pg.PlotDataItem(np.zeros(1), np.zeros(0), stepMode="center", fillLevel=0, antialias=False)
        self._pages = pg.PlotDataItem(connect="pairs")
        self._pages.setZValue(-5)
        self._scatter: dict[str, pg.ScatterPlotItem] = {}
        for kind, (symbol, size, _outlined) in SYMBOLS.items():
            item = pg.ScatterPlotItem(symbol=symbol, size=size, hoverable=True, hoverSize=size + 4, tip=None, antialias=True)
            item.setZValue(10 + (2 if kind in ("rage_click", "error_click", "dead_click") else 0))
            item.sigClicked.connect(self._on_marker_clicked)
            self._scatter[kind] = item
        # signal lanes: a bar per burst (first to last click) under a symbol at its start
        self._sig_scatter: dict[str, pg.ScatterPlotItem] = {}
        self._sig_spans: dict[str, pg.PlotDataItem] = {}
        for kind, st in ss.STYLES.items():
            item = pg.ScatterPlotItem(symbol=st.symbol, size=12, hoverable=True, hoverSize=16, tip=None, antialias=True)
            item.setZValue(12)
            item.sigClicked.connect(self._on_marker_clicked)
            self._sig_scatter[kind] = item
            span = pg.PlotDataItem(connect="pairs")
            span.setZValue(11)
            self._sig_spans[kind] = span
        self._playhead = pg.InfiniteLine(pos=0, angle=90, movable=True)
        self._playhead.addMarker("v", position=1.0, size=12)
        self._playhead.setZValue(50)
        self._playhead.setCursor(Qt.CursorShape.SizeHorCursor)
        self._playhead.sigDragged.connect(self._on_playhead_dragged)
        self._playhead.sigPositionChangeFinished.connect(self._on_playhead_released)

        for item in (self._inactive, self._range, *self._lane_lines, self._activity, self._pages, *self._scatter.values(),
                     *self._sig_spans.values(), *self._sig_scatter.values(), self._playhead):
            self._plot.addItem(item, ignoreBounds=True)
        # The playhead moves on every seek and tick; the layers under it do not.
        # Cache them as device pixmaps so a playhead move repaints a thin strip
        # by blitting, instead of redrawing thousands of markers (an hour-long
        # session has ~6,000 markers: ~100 ms per repaint without the cache).
        cached = [self._inactive, self._activity.curve, self._pages.curve, *self._scatter.values(),
                  *(s.curve for s in self._sig_spans.values()), *self._sig_scatter.values()]
        for item in cached:
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._plot.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self._plot)
        self.setMinimumHeight(120)
        self._peak = 0
        self._apply_lanes()

    def _lane_titles(self) -> list[str]:
        return [t for t, _k in LANES] + [ss.style(k).lane for k in self._signal_kinds]

    @property
    def y_min(self) -> float:
        """Bottom of the last lane (signal lanes included)."""
        return -len(self._lane_titles()) * LANE_H

    def _set_left_ticks(self, peak: int) -> None:
        """Lane titles, plus the activity scale: the peak's events per second at its height."""
        self._peak = peak
        ticks = [(0.32, "Activity"), *((_lane_center(i), t) for i, t in enumerate(self._lane_titles()))]
        if peak:
            ticks.insert(0, (ACTIVITY_PEAK_Y, f"{peak}/s"))
        self._plot.getPlotItem().getAxis("left").setTicks([ticks, []])

    def _apply_lanes(self) -> None:
        """Y extent, separators and titles for the lanes shown (after signals change)."""
        n = len(self._lane_titles())
        y_min = self.y_min
        self._vb.setLimits(yMin=y_min, yMax=Y_MAX)
        self._vb.setYRange(y_min, Y_MAX, padding=0)
        for i, line in enumerate(self._lane_lines):
            line.setVisible(i <= n)
        self._set_left_ticks(self._peak)
        spans = np.asarray(self._timeline.inactive_spans, dtype=float).reshape(-1, 2)
        self._inactive.setOpts(x0=spans[:, 0], x1=spans[:, 1], y0=y_min, y1=Y_MAX)
        pages = np.asarray(self._timeline.page_times, dtype=float)
        self._pages.setData(np.repeat(pages, 2), np.tile([y_min, 1.0], pages.size))
        self.updateGeometry()

    def sizeHint(self):  # noqa: N802 - Qt API
        s = super().sizeHint()
        s.setHeight(170 + SIGNAL_LANE_PX * len(self._signal_kinds))
        return s

    # ---- public API ----------------------------------------------------------------------

    @property
    def plot_widget(self) -> pg.PlotWidget:
        return self._plot

    @property
    def view_box(self) -> pg.ViewBox:
        return self._vb

    @property
    def playhead(self) -> pg.InfiniteLine:
        return self._playhead

    def timeline(self) -> SessionTimeline:
        return self._timeline

    def set_timeline(self, timeline: SessionTimeline) -> None:
        """Show ``timeline`` (a new session, or the same one with more markers)."""
        same_session = timeline.session_id == self._timeline.session_id and timeline.duration == self._timeline.duration
        self._timeline = timeline
        dur = max(1, timeline.duration)

        counts, bin_ms = _drawn_bins(timeline.activity.astype(float))
        peak = max(1.0, float(counts.max()) if counts.size else 1.0)
        self._set_left_ticks(int(counts.max()) if counts.size else 0)
        edges = np.minimum(np.arange(counts.size + 1, dtype=float) * bin_ms, timeline.duration)
        self._activity.setData(edges if counts.size else np.zeros(1), counts / peak * ACTIVITY_PEAK_Y)

        spans = np.asarray(timeline.inactive_spans, dtype=float).reshape(-1, 2)
        self._update_idle_labels(spans)
        self._apply_lanes()  # signal lanes stay: the player sets them per session (set_signals)

        by_kind: dict[str, list[Marker]] = {k: [] for k in SYMBOLS}
        for m in timeline.markers:
            by_kind.setdefault(m.kind, []).append(m)
        for kind, item in self._scatter.items():
            ms = by_kind.get(kind, [])
            item.setData(x=[m.t for m in ms], y=[_lane_center(_LANE_OF[kind])] * len(ms), data=ms)
        self._lane_index = self._lane_index[: len(LANES)] + [(np.zeros(0), [])] * max(0, len(LANES) - len(self._lane_index))
        for i, (_title, kinds) in enumerate(LANES):
            ms = sorted((m for k in kinds for m in by_kind.get(k, [])), key=lambda m: m.t)
            self._lane_index[i] = (np.asarray([m.t for m in ms], dtype=float), ms)
        self._lane_index[len(LANES):] = self._signal_lane_index()

        pad = dur * 0.01
        self._playhead.setBounds((0, dur))
        self._vb.setLimits(xMin=-pad, xMax=dur + pad, minXRange=min(1_000, dur), maxXRange=dur + 2 * pad)
        if not same_session:
            self.fit()
        self._on_state_time_changed(self._state.time)
        self._on_state_range_changed(self._state.range_in, self._state.range_out)
        self._on_state_skip_changed(self._state.skip_inactivity)

    def set_signals(self, findings: list[dict]) -> None:
        """The open session's frustration signals (``store.signals.session_findings`` rows:
        kind, t_ms, end_ms, rule, evidence, selector...): a lane per kind present."""
        self._findings = sorted(findings, key=lambda f: (int(f.get("t_ms") or 0)))
        present = {f.get("kind") for f in self._findings}
        self._signal_kinds = [k for k in ss.STYLES if k in present]
        self._fill_signal_lanes()
        self._apply_lanes()

    def signal_lanes(self) -> list[str]:
        """The signal kinds that have a lane, top to bottom."""
        return list(self._signal_kinds)

    def signal_markers(self, kind: str) -> list[float]:
        """Times (ms) of the markers drawn in ``kind``'s lane (tests, previews)."""
        return [float(x) for x in self._sig_scatter[kind].getData()[0]]

    def lane_center(self, title_or_kind: str) -> float:
        """Y of a lane by its title ("Clicks") or signal kind ("rage_click")."""
        if title_or_kind in self._signal_kinds:
            return _lane_center(len(LANES) + self._signal_kinds.index(title_or_kind))
        return _lane_center([t for t, _k in LANES].index(title_or_kind))

    def _fill_signal_lanes(self) -> None:
        for kind in ss.STYLES:
            fs = [f for f in self._findings if f.get("kind") == kind]
            y = _lane_center(len(LANES) + self._signal_kinds.index(kind)) if kind in self._signal_kinds else 0.0
            markers = [_finding_marker(f) for f in fs]
            self._sig_scatter[kind].setData(x=[m.t for m in markers], y=[y] * len(markers), data=markers)
            bars = [(m.t, m.detail["end_ms"]) for m in markers if (m.detail.get("end_ms") or 0) > m.t]
            xs = np.asarray(bars, dtype=float).reshape(-1)
            self._sig_spans[kind].setData(xs, np.full(xs.size, y))
        self._lane_index[len(LANES):] = self._signal_lane_index()

    def _signal_lane_index(self) -> list[tuple[np.ndarray, list[Marker]]]:
        out = []
        for kind in self._signal_kinds:
            ms = [_finding_marker(f) for f in self._findings if f.get("kind") == kind]
            out.append((np.asarray([m.t for m in ms], dtype=float), ms))
        return out

    def fit(self) -> None:
        """Show the whole session."""
        dur = max(1, self._timeline.duration)
        pad = dur * 0.01
        self._vb.setXRange(-pad, dur + pad, padding=0)

    def x_range(self) -> tuple[float, float]:
        (lo, hi), _y = self._vb.viewRange()
        return lo, hi

    def set_x_range(self, lo: float, hi: float) -> None:
        self._vb.setXRange(lo, hi, padding=0)

    def detach(self) -> None:
        """Stop following the state (the widget keeps its last picture)."""
        for d in self._subs:
            d()
        self._subs.clear()
        self._scrub_timer.stop()

    def _on_range_dragged(self, a: float, b: float, _finished: bool) -> None:
        """Shift+drag marks the in/out range (as ``[`` and ``]`` do), clamped to the session."""
        d = self._state.duration
        a, b = max(0.0, min(a, d)), max(0.0, min(b, d))
        if b - a >= 1:
            self._state.set_range_in(a)
            self._state.set_range_out(b)

    def tooltip_at(self, x: float, y: float) -> str:
        """What hovering view coordinates ``(x ms, y)`` shows (empty: nothing)."""
        note = self.note_tooltip(x, y) if self.note_tooltip else ""  # timeline_notes.py sets it
        if note:
            return note
        lane = self._lane_at(y)
        if lane is not None:
            near = self._markers_near(lane, x)
            if not near:
                return ""
            lines = [_describe(m) for m in near[:4]]
            if len(near) > 4:
                lines.append(f"… and {len(near) - 4} more")
            return "\n\n".join(lines)
        if y < 0 or not (0 <= x <= self._timeline.duration) or not (0 <= y <= Y_MAX):
            return ""
        for s, e in self._timeline.inactive_spans:
            if s <= x <= e:
                return f"Inactive {clock(s)} – {clock(e)}  ({(e - s) / 1000:.1f} s without input)"
        i = int(x // BIN_MS)
        n = int(self._timeline.activity[i]) if 0 <= i < self._timeline.activity.size else 0
        return f"{clock(i * BIN_MS)} – {clock(min((i + 1) * BIN_MS, self._timeline.duration))}: {n} user event{'s' if n != 1 else ''}"

    def view_to_widget(self, x: float, y: float) -> QPointF:
        """Widget coordinates of the view point ``(x ms, y)`` in the plot's viewport (tests)."""
        scene = self._vb.mapViewToScene(QPointF(x, y))
        return QPointF(self._plot.mapFromScene(scene))

    # ---- state -> view -------------------------------------------------------------------

    def _on_state_time_changed(self, t: float) -> None:
        if self._dragging:
            return
        self._playhead.setValue(t)
        if self._state.playing:
            lo, hi = self.x_range()
            width = hi - lo
            if width < self._timeline.duration and not (lo <= t <= hi - width * 0.02):
                new_lo = t - width * 0.1
                self._vb.setXRange(new_lo, new_lo + width, padding=0)

    def _on_state_range_changed(self, rin: float | None, rout: float | None) -> None:
        if rin is None and rout is None:
            self._range.setVisible(False)
            return
        self._range.setRegion((rin or 0.0, self._timeline.duration if rout is None else rout))
        self._range.setVisible(True)

    def _on_state_skip_changed(self, on: bool) -> None:
        c = self._colors.inactive
        if on:
            c = pg.mkColor(c)
            c.setAlpha(min(255, int(c.alpha() * 1.8)))
        self._inactive.setOpts(brush=pg.mkBrush(c), pen=pg.mkPen(None))

    # ---- view -> state -------------------------------------------------------------------

    def _on_view_clicked(self, x: float, y: float) -> None:
        lane = self._lane_at(y)
        near = self._markers_near(lane, x) if lane is not None else []
        t = near[0].t if near else x
        t = min(max(0, round(t)), self._timeline.duration)
        self._state.seek(t)
        self.seekRequested.emit(t)

    def _on_marker_clicked(self, _item, points, _ev) -> None:
        """A click right on a symbol (the scatter item takes it before the view box)."""
        if len(points):
            p = points[0].pos()
            self._on_view_clicked(p.x(), p.y())

    def _on_playhead_dragged(self, line) -> None:
        if not self._dragging:
            self._dragging = True
            self._last_scrub_value = None
            self._state.begin_scrub()
        self._pending_seek = min(max(0, round(line.value())), self._timeline.duration)
        wait = self.scrub_interval_ms - (time.monotonic() - self._last_scrub_emit) * 1000
        if wait <= 0:
            self._flush_scrub()
        elif not self._scrub_timer.isActive():
            self._scrub_timer.start(max(1, int(math.ceil(wait))))

    def _on_playhead_released(self, line) -> None:
        self._pending_seek = min(max(0, round(line.value())), self._timeline.duration)
        self._flush_scrub()
        if self._dragging:
            self._dragging = False
            self._playhead.setValue(self._state.time)
            self._state.end_scrub()

    def _flush_scrub(self) -> None:
        self._scrub_timer.stop()
        if self._pending_seek is None:
            return
        t, self._pending_seek = self._pending_seek, None
        if t == self._last_scrub_value:
            return
        self._last_scrub_value = t
        self._last_scrub_emit = time.monotonic()
        self._state.seek(t)
        self.seekRequested.emit(t)

    def _on_scene_mouse_moved(self, scene_pos) -> None:
        if self._dragging or not self._vb.sceneBoundingRect().contains(scene_pos):
            QToolTip.hideText()
            return
        p = self._vb.mapSceneToView(scene_pos)
        text = self.tooltip_at(p.x(), p.y())
        if text:
            global_pos = self._plot.mapToGlobal(self._plot.mapFromScene(scene_pos))
            QToolTip.showText(global_pos, plain_tooltip(text), self._plot)
        else:
            QToolTip.hideText()

    # ---- hit testing ---------------------------------------------------------------------

    def _lane_at(self, y: float) -> int | None:
        if y >= 0:
            return None
        i = int(-y // LANE_H)
        return i if 0 <= i < len(self._lane_index) else None

    def _markers_near(self, lane: int, x: float) -> list[Marker]:
        times, markers = self._lane_index[lane]
        if not markers:
            return []
        tol = HIT_PX * abs(self._vb.viewPixelSize()[0])
        lo = int(np.searchsorted(times, x - tol, "left"))
        hi = int(np.searchsorted(times, x + tol, "right"))
        return sorted(markers[lo:hi], key=lambda m: abs(m.t - x))

    # ---- colours -------------------------------------------------------------------------

    def changeEvent(self, ev):  # noqa: N802 - Qt API
        if ev.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange, QEvent.Type.FontChange):
            self._colors = colors_for(self.palette())
            self._apply_colors()
        super().changeEvent(ev)

    def colors(self) -> TimelineColors:
        return self._colors

    def _apply_colors(self) -> None:
        c = self._colors
        self._plot.setBackground(c.background)
        font = QFont(self.font())
        font.setPointSizeF(max(7.5, font.pointSizeF() - 1))
        for name in ("left", "bottom"):
            ax = self._plot.getPlotItem().getAxis(name)
            ax.setPen(pg.mkPen(c.muted))
            ax.setTextPen(pg.mkPen(c.foreground))
            ax.setTickFont(font)
        self._axis.setPen(pg.mkPen(c.muted))
        self._activity.setPen(pg.mkPen(c.activity_pen, width=1.2))
        self._activity.setBrush(pg.mkBrush(c.activity_fill))
        self._on_state_skip_changed(self._state.skip_inactivity)
        for line in self._lane_lines:
            line.setPen(pg.mkPen(c.muted, width=1))
        self._pages.setPen(pg.mkPen(c.page_line, width=1, style=Qt.PenStyle.DashLine))
        for kind, item in self._scatter.items():
            col = c.marker(kind)
            _symbol, _size, outlined = SYMBOLS[kind]
            if outlined:
                item.setPen(pg.mkPen(col, width=2))
                item.setBrush(pg.mkBrush(col))
            else:
                item.setPen(pg.mkPen(c.background, width=1))
                item.setBrush(pg.mkBrush(col))
            item.opts["hoverPen"] = pg.mkPen(c.foreground, width=1.5)
            item.opts["hoverBrush"] = pg.mkBrush(col)
        self._range.setBrush(pg.mkBrush(c.range_fill))
        self._range.setHoverBrush(pg.mkBrush(c.range_fill))
        for line in self._range.lines:
            line.setPen(pg.mkPen(c.range_edge, width=1.5))
            line.setHoverPen(pg.mkPen(c.range_edge, width=1.5))
        self._playhead.setPen(pg.mkPen(c.playhead, width=2))
        self._playhead.setHoverPen(pg.mkPen(c.playhead, width=3))
        for label in self._idle_labels:
            label.setColor(c.foreground)
        for kind, item in self._sig_scatter.items():
            col = ss.color(kind, self.palette())
            item.setPen(pg.mkPen(c.background, width=1))
            item.setBrush(pg.mkBrush(col))
            item.opts["hoverPen"] = pg.mkPen(c.foreground, width=1.5)
            item.opts["hoverBrush"] = pg.mkBrush(col)
            bar = QColor(col)
            bar.setAlpha(150)
            self._sig_spans[kind].setPen(pg.mkPen(bar, width=5))

    def _update_idle_labels(self, spans: np.ndarray) -> None:
        """Centred "idle 13 s" captions in the activity band (pooled TextItems)."""
        while len(self._idle_labels) < len(spans):
            label = pg.TextItem(anchor=(0.5, 0.5), color=self._colors.foreground)
            label.setZValue(-4)
            self._plot.addItem(label, ignoreBounds=True)
            self._idle_labels.append(label)
        for i, label in enumerate(self._idle_labels):
            if i < len(spans):
                s, e = spans[i]
                label.setText(f"idle {span(e - s)}")
                label.setPos((s + e) / 2, 0.5)
                label.setVisible(True)
            else:
                label.setVisible(False)

