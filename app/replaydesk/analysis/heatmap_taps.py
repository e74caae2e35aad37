"""Near-miss taps placed on the heatmap (issue 12), Qt-free.

A near-miss (analysis/tap_accuracy.py) is measured in the layout it was recorded in: the
missed tap's offset from the nearest edge of the element tapped next. To show it on the
page drawn at another width, the nearest edge point is carried over *relative to the
element's box* (as clicks are, module ``heatmap``) and the offset is added in page px:
"12 px below the Pay button" stays 12 px below it at any width.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..store.insights import ClickRows
from .heatmap import Box, recorded_boxes
from .tap_accuracy import TapAccuracy


@dataclass(frozen=True)
class MissMark:
    selector: str
    x: float  # the missed tap, page px at the shown width
    y: float
    tx: float  # the point of the element it missed (nearest edge), same space
    ty: float


def near_miss_marks(acc: TapAccuracy | None, clicks: ClickRows | None, shown: dict[str, Box]) -> list[MissMark]:
    """Each near-miss as a dot and the point of its element it missed, on the page whose
    element boxes are ``shown`` (selector -> box at the shown width). Misses on elements
    without a box at the shown width, or without one recorded at their own width, are left
    out (they cannot be placed)."""
    if acc is None or not acc.misses:
        return []
    by_width: dict[int, dict[str, Box]] = {}
    out = []
    for m in acc.misses:
        box = shown.get(m.selector)
        if box is None:
            continue
        rec = by_width.get(m.width)
        if rec is None:
            rec = by_width[m.width] = ({clicks.selectors[i]: b for i, b in recorded_boxes(clicks, m.width).items()}
                                       if clicks is not None and len(clicks) else {})
        src = rec.get(m.selector)
        if src is None:
            continue
        nx, ny = m.x - m.dx, m.y - m.dy  # the nearest point of the element as recorded
        fx = (nx - src[0]) / src[2] if src[2] else 0.5
        fy = (ny - src[1]) / src[3] if src[3] else 0.5
        tx, ty = box[0] + min(max(fx, 0.0), 1.0) * box[2], box[1] + min(max(fy, 0.0), 1.0) * box[3]
        out.append(MissMark(m.selector, tx + m.dx, ty + m.dy, tx, ty))
    return out
