"""Scroll depth and mouse-move points of page views, read from their stored events.

Clicks are stored rows, but scrolls and pointer moves are not (they are most of a
recording's events), so these maps read each selected page view's events - only the
chunks overlapping the page view (``iter_events`` with a time range). The document's
scroll is the scroll event whose target is the page's document node (the FullSnapshot's
root id); pointer positions are viewport coordinates, placed on the page with that scroll.
"""

from __future__ import annotations

from ..store import connection_of

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..store.chunks import iter_events
from ..work import CancelToken

_MOUSE_MOVE, _SCROLL, _TOUCH_MOVE, _DRAG = 1, 3, 6, 12


@dataclass
class Motion:
    """Per page view: deepest viewport bottom and its fold; all move points (page px)."""

    bottoms: np.ndarray
    folds: np.ndarray
    move_x: np.ndarray
    move_y: np.ndarray


def page_view_motion(db, views: list[tuple], *, cancel: CancelToken | None = None,
                     progress: Callable[[int, int, str], None] | None = None, moves: bool = True) -> Motion:
    """``views``: rows of :func:`replaydesk.store.insights.page_views`."""
    conn = connection_of(db)
    bottoms, folds, mx, my = [], [], [], []
    for i, (sid, _seq, t0, t1, vw, vh, _last) in enumerate(views):
        if cancel is not None:
            cancel.check()
        if progress is not None and i % 16 == 0:
            progress(i, len(views), sid)
        doc_id = None
        sy = 0.0
        deepest = 0.0
        vh = vh or 0
        for e in iter_events(conn, sid, t0, t1):
            et = e.get("type")
            d = e.get("data") if isinstance(e.get("data"), dict) else {}
            if et == 2:
                node = d.get("node") if isinstance(d.get("node"), dict) else {}
                doc_id = node.get("id")
                off = d.get("initialOffset") if isinstance(d.get("initialOffset"), dict) else {}
                sy = _num(off.get("top"))
                deepest = max(deepest, sy)
            elif et == 4:
                vh = int(_num(d.get("height"))) or vh
            elif et == 3:
                src = d.get("source")
                if src == _SCROLL and d.get("id") == doc_id:
                    sy = _num(d.get("y"))
                    deepest = max(deepest, sy)
                elif src == 4 and d.get("height"):  # viewport resize
                    vh = int(_num(d.get("height"))) or vh
                elif moves and src in (_MOUSE_MOVE, _TOUCH_MOVE, _DRAG):
                    for p in d.get("positions") or ():
                        if isinstance(p, dict):
                            mx.append(_num(p.get("x")))
                            my.append(_num(p.get("y")) + sy)
        bottoms.append(deepest + vh)
        folds.append(vh)
    return Motion(np.array(bottoms, dtype=np.float64), np.array(folds, dtype=np.float64),
                  np.array(mx, dtype=np.float64), np.array(my, dtype=np.float64))


def _num(v) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return 0.0
    return f if np.isfinite(f) else 0.0
