"""The timeline's axis and view box: m:ss ticks at steps that stay readable at any zoom and any
span (days and years for a clock gone wrong), and a
view box that turns clicks, double clicks and Shift+drags into callbacks (the widget decides
what they mean). Split from :mod:`.timeline` to keep that module to one job."""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import Qt

from .formatting import clock

_TIME_STEPS_MS = (100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
                  900_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 43_200_000, 86_400_000)
_DAY_MS = 86_400_000
_DAY_STEPS = (1, 2, 7, 14, 30, 60, 90, 180, 365)


def _steps_up_to(ms: float) -> list[int]:
    """Nice tick steps, ascending, up to the first at least ``ms``: the clock steps, then days,
    weeks and months, then 1-2-5 times a power of ten years, so that a session spanning
    centuries (a clock gone wrong) still gets a few readable ticks, not one per day."""
    out = list(_TIME_STEPS_MS)
    out += [d * _DAY_MS for d in _DAY_STEPS if d > 1]
    years = 1
    while out[-1] < ms:
        for f in (2, 5, 10):
            out.append(years * f * 365 * _DAY_MS)
        years *= 10
    return out


class TimeAxisItem(pg.AxisItem):
    """Bottom axis in m:ss (m:ss.s when zoomed below one second per tick, days beyond a day per
    tick) at nice steps."""

    min_label_px = 84

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802, N803 - pyqtgraph API
        span = maxVal - minVal
        if span <= 0 or size <= 0:
            return super().tickSpacing(minVal, maxVal, size)
        ms_per_px = span / size
        steps = _steps_up_to(ms_per_px * self.min_label_px)
        major = next((s for s in steps if s / ms_per_px >= self.min_label_px), steps[-1])
        minors = [s for s in steps if s < major and major % s == 0 and s / ms_per_px >= 10]
        levels = [(major, 0)]
        if minors:
            levels.append((minors[-1], 0))
        return levels

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph API
        out = []
        for v in values:
            v = round(v)
            if v < 0:
                out.append("")
            elif spacing >= _DAY_MS:
                out.append(f"{v // _DAY_MS:,}d")
            elif spacing < 1000:
                out.append(clock(v))
            else:
                s = v // 1000
                out.append(f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}")
        return out


class _TimelineViewBox(pg.ViewBox):
    """Left click = jump, double click = show all; no context menu; x-only mouse."""

    def __init__(self, on_click: Callable[[float, float], None], on_double: Callable[[], None]):
        super().__init__(enableMenu=False)
        self._on_click = on_click
        self._on_double = on_double
        self.setMouseEnabled(x=True, y=False)
        #: ``(a_ms, b_ms, finished)`` while Shift+dragging: marks the range (clip export starts from it)
        self.on_range: Callable[[float, float, bool], None] | None = None

    def mouseDragEvent(self, ev, axis=None):  # noqa: N802 - pyqtgraph API
        if (self.on_range is None or ev.button() != Qt.MouseButton.LeftButton
                or not ev.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        a = self.mapSceneToView(ev.buttonDownScenePos()).x()
        b = self.mapSceneToView(ev.scenePos()).x()
        self.on_range(min(a, b), max(a, b), ev.isFinish())

    def mouseClickEvent(self, ev):  # noqa: N802 - pyqtgraph API
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        if ev.double():
            self._on_double()
            return
        p = self.mapSceneToView(ev.scenePos())
        self._on_click(p.x(), p.y())
