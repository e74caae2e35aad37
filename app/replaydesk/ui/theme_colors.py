"""Colours shared by the timeline-like views, derived from the application palette.

One table per tone (light/dark) so every view that draws markers uses the same hue for the
same kind. ``colors_for(palette)`` picks the tone from the palette's window colour, so the
views follow the QApplication palette (and its changes) without a setting of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

# kind -> (light, dark); kinds are analysis.activity.MARKER_KINDS
_MARKERS = {
    "click": ("#2563eb", "#60a5fa"),
    "tap": ("#0891b2", "#22d3ee"),
    "navigation": ("#7c3aed", "#a78bfa"),
    "console_error": ("#dc2626", "#f87171"),
    "custom": ("#b45309", "#fbbf24"),
    "rage_click": ("#be123c", "#fb7185"),
    "dead_click": ("#475569", "#cbd5e1"),
    "error_click": ("#ea580c", "#fb923c"),
    "annotation": ("#15803d", "#4ade80"),
}


@dataclass(frozen=True)
class TimelineColors:
    dark: bool
    background: QColor
    foreground: QColor  # axis text, lane labels
    muted: QColor  # grid and lane separators
    activity_pen: QColor
    activity_fill: QColor
    inactive: QColor
    range_fill: QColor
    range_edge: QColor
    playhead: QColor
    page_line: QColor
    markers: dict[str, QColor]

    def marker(self, kind: str) -> QColor:
        return self.markers.get(kind, self.foreground)


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def _alpha(c: QColor | str, a: int) -> QColor:
    c = QColor(c)
    c.setAlpha(a)
    return c


def colors_for(palette: QPalette) -> TimelineColors:
    dark = is_dark(palette)
    i = 1 if dark else 0
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    accent = QColor("#38bdf8" if dark else "#0284c7")
    return TimelineColors(
        dark=dark,
        background=base,
        foreground=_alpha(text, 210),
        muted=_alpha(text, 40 if dark else 28),
        activity_pen=_alpha(accent, 230),
        activity_fill=_alpha(accent, 90 if dark else 70),
        inactive=_alpha("#94a3b8" if dark else "#64748b", 46 if dark else 34),
        range_fill=_alpha("#facc15" if dark else "#eab308", 40 if dark else 46),
        range_edge=QColor("#facc15" if dark else "#ca8a04"),
        playhead=QColor("#f43f5e" if dark else "#e11d48"),
        page_line=_alpha(_MARKERS["navigation"][i], 110),
        markers={k: QColor(v[i]) for k, v in _MARKERS.items()},
    )
