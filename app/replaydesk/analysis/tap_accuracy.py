"""Tap accuracy (issue 12): buttons whose taps land beside them ("near-misses"), Qt-free.

A near-miss is a tap that lands outside any interactive element, within
:data:`NEAR_PX` of one, and is followed within :data:`FOLLOW_MS` by a tap on that element -
the visitor missed, then tried again. The element's box is the one measured for the
*follow-up* tap (interactions ``box_*``, page coordinates at the recorded width), so
both positions are in the same layout: the same page view, hence the same width band.
When the follow-up tap itself has no measured box, a box measured for the same element at
the same viewport width in the selection is used (one width, one layout).

Per element the table gives near-misses, the rate (near-misses per tap on the element:
how often a successful tap needed a retry) and the average offset from the box's nearest
edge - its direction (``below``, ``left``, ...) says which way fingers miss.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..store.insights import Selection, select_taps

NEAR_PX = 24.0
FOLLOW_MS = 2000
#: tags and ARIA roles a tap can operate; anything else is "outside any interactive element"
INTERACTIVE_TAGS = frozenset(("a", "button", "input", "select", "textarea", "label", "summary", "option", "details"))
INTERACTIVE_ROLES = frozenset((
    "button", "link", "checkbox", "radio", "switch", "tab", "menuitem", "menuitemcheckbox", "menuitemradio",
    "option", "combobox", "textbox", "searchbox", "slider", "spinbutton",
))

Box = tuple[float, float, float, float]


def is_interactive(tag: str | None, role: str | None) -> bool:
    return (tag or "").lower() in INTERACTIVE_TAGS or (role or "").lower() in INTERACTIVE_ROLES


def edge_offset(x: float, y: float, box: Box) -> tuple[float, float]:
    """Vector from the box's nearest point to ``(x, y)``; (0, 0) inside the box."""
    bx, by, bw, bh = box
    nx = min(max(x, bx), bx + bw)
    ny = min(max(y, by), by + bh)
    return x - nx, y - ny


def direction(dx: float, dy: float) -> str:
    """Compass word for an offset (page y grows downwards)."""
    if math.hypot(dx, dy) < 1e-9:
        return "-"
    ang = math.degrees(math.atan2(-dy, dx)) % 360  # 0 = right, 90 = above
    words = ("right", "above-right", "above", "above-left", "left", "below-left", "below", "below-right")
    return words[int(((ang + 22.5) % 360) // 45)]


@dataclass
class NearMiss:
    session_id: str
    t: int
    selector: str
    x: float  # the missed tap, page coordinates at the recorded width
    y: float
    dx: float  # offset from the box's nearest edge
    dy: float
    width: int


@dataclass
class NearMissRow:
    selector: str
    near_misses: int
    taps: int  # taps on the element
    rate: float  # near_misses / taps
    dx: float  # average offset from the box edge
    dy: float
    distance: float  # average distance from the box edge (px)
    direction: str
    sessions: int


@dataclass
class TapAccuracy:
    taps: int = 0
    misses: list[NearMiss] = field(default_factory=list)
    rows: list[NearMissRow] = field(default_factory=list)


def _box(r) -> Box | None:
    bx, by, bw, bh = r[8:12]
    if None in (bx, by, bw, bh) or not (bw > 0 and bh > 0):
        return None
    return float(bx), float(by), float(bw), float(bh)


def near_misses(taps: list[tuple], *, near_px: float = NEAR_PX, follow_ms: int = FOLLOW_MS) -> TapAccuracy:
    """``taps``: rows of :func:`replaydesk.store.insights.select_taps` (time order per page view)."""
    known: dict[tuple[str, int], Box] = {}
    for r in taps:
        b = _box(r)
        if r[3] is not None and b is not None and r[12] is not None:
            known.setdefault((r[3], int(r[12])), b)
    out = TapAccuracy(taps=len(taps))
    hits: dict[str, int] = {}
    for r in taps:
        if r[3] is not None and is_interactive(r[4], r[5]):
            hits[r[3]] = hits.get(r[3], 0) + 1
    n = len(taps)
    for i, a in enumerate(taps):
        if is_interactive(a[4], a[5]) or a[6] is None or a[7] is None:
            continue
        for j in range(i + 1, n):
            b = taps[j]
            if b[0] != a[0] or b[1] != a[1] or b[2] - a[2] > follow_ms:
                break  # another page view, or too late
            if b[3] is None or not is_interactive(b[4], b[5]):
                continue  # another miss: the retry may still come
            if b[12] != a[12]:
                break  # the layout changed (rotation): positions are not comparable
            box = _box(b) or known.get((b[3], int(b[12] or 0)))
            if box is not None:
                dx, dy = edge_offset(float(a[6]), float(a[7]), box)
                d = math.hypot(dx, dy)
                if 0 < d <= near_px:
                    out.misses.append(NearMiss(a[0], int(a[2]), b[3], float(a[6]), float(a[7]), dx, dy,
                                               int(a[12] or 0)))
            break  # the first tap on an element decides
    per: dict[str, list[NearMiss]] = {}
    for m in out.misses:
        per.setdefault(m.selector, []).append(m)
    for sel, ms in per.items():
        k = len(ms)
        dx = sum(m.dx for m in ms) / k
        dy = sum(m.dy for m in ms) / k
        taps_on = max(hits.get(sel, 0), k)
        out.rows.append(NearMissRow(sel, k, taps_on, k / taps_on, dx, dy,
                                    sum(math.hypot(m.dx, m.dy) for m in ms) / k, direction(dx, dy),
                                    len({m.session_id for m in ms})))
    out.rows.sort(key=lambda r: (-r.near_misses, -r.rate, r.selector))
    return out


def tap_accuracy(db, selection: Selection) -> TapAccuracy:
    """Near-misses on the selected page views (see the module doc)."""
    return near_misses(select_taps(db, selection))


NEAR_MISS_HEADER = ["element", "near_misses", "taps", "rate", "avg_dx", "avg_dy", "avg_distance", "direction",
                    "sessions"]


def near_miss_csv_rows(acc: TapAccuracy) -> list[list]:
    return [[r.selector, r.near_misses, r.taps, f"{r.rate:.4f}", f"{r.dx:.1f}", f"{r.dy:.1f}",
             f"{r.distance:.1f}", r.direction, r.sessions] for r in acc.rows]
