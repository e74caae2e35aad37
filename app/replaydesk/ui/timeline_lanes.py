"""The timeline's lanes: y layout, marker kinds and what hovering a marker says.

Split from :mod:`.timeline` (house rule: no module over ~600 lines). Everything here is
data and pure functions - which lane a marker kind goes to, how it is drawn, the tooltip
text of a marker or signal finding - so ``TimelineWidget`` keeps only the plot items and
the mouse. ``timeline`` re-exports these names (``LANES``, ``_lane_center``...).
"""

from __future__ import annotations

from replaydesk.analysis.activity import Marker

from . import signals_style as ss
from .formatting import clock

#: marker lanes top to bottom: (title, kinds)
LANES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Pages", ("navigation",)),
    ("Clicks", ("click", "tap", "dead_click", "error_click", "rage_click")),
    ("Errors", ("console_error",)),
    ("Events", ("custom", "annotation")),
)
LANE_H = 0.30  # height of one marker lane; the activity graph spans y 0..1
ACTIVITY_PEAK_Y = 0.88
Y_MIN = -len(LANES) * LANE_H  # without signal lanes (see TimelineWidget.y_min)
#: height the widget asks for per signal lane, on top of its base height
SIGNAL_LANE_PX = 16
Y_MAX = 1.04
KIND_NAMES = {
    "click": "Click",
    "tap": "Tap",
    "navigation": "Page",
    "console_error": "Console error",
    "custom": "Custom event",
    "rage_click": "Rage click",
    "dead_click": "Dead click",
    "error_click": "Error click",
    "annotation": "Note",
}
#: kind -> (pyqtgraph symbol, size in px, outlined)
SYMBOLS = {
    "navigation": ("t2", 11, False),
    "click": ("o", 7, False),
    "tap": ("o", 8, False),
    "dead_click": ("x", 10, True),
    "error_click": ("h", 11, False),
    "rage_click": ("star", 16, False),
    "console_error": ("d", 11, False),
    "custom": ("s", 8, False),
    "annotation": ("t", 11, False),
}
#: how near (px) the pointer must be to a marker for hover and click snapping
HIT_PX = 6


def lane_center(i: int) -> float:
    """Y of the middle of marker lane ``i`` (0: Pages; signal lanes follow the four)."""
    return -(i + 0.5) * LANE_H


#: marker kind -> its lane
LANE_OF = {kind: i for i, (_t, kinds) in enumerate(LANES) for kind in kinds}


def finding_marker(f: dict) -> Marker:
    """A stored finding as a marker of its signal lane (``detail`` is the finding)."""
    return Marker(int(f.get("t_ms") or 0), str(f.get("kind")), str(f.get("evidence") or ""), f)


def describe_marker(m: Marker) -> str:
    """The tooltip text of one marker (a signal finding: its rule and evidence)."""
    d = m.detail or {}
    if "rule" in d and m.kind in ss.STYLES:
        return ss.describe_finding(dict(d))
    name = KIND_NAMES.get(m.kind, m.kind.replace("_", " ").capitalize())
    head = f"{name} · {clock(m.t)}"
    if m.kind == "navigation":
        return f"{head}\n{d.get('url') or m.label}"
    if m.kind in ("click", "tap"):
        x, y = d.get("x"), d.get("y")
        return f"{head} at ({x:.0f}, {y:.0f})" if isinstance(x, (int, float)) and isinstance(y, (int, float)) else head
    if m.kind == "console_error":
        msg = str(d.get("message") or m.label)
        return f"{head}\n{msg[:300]}"
    if m.kind == "custom":
        return f"{name} “{m.label}” · {clock(m.t)}"
    return f"{head}\n{m.label}" if m.label else head
