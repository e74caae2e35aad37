"""What one heatmap needs from the store, read in one (background) step, Qt-free.

The window reads these off the GUI thread and keeps them while the analyst changes the
width, overlay or opacity: placing, binning and smoothing again is fast (numpy), the
reads (clicks, page views, their scroll/move events) are not.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass

from ..store.click_cache import generation
from ..store.insights import ClickRows, Selection, element_signals, page_views, select_clicks
from ..work import CancelToken
from .heatmap_motion import Motion, page_view_motion
from .tap_accuracy import TapAccuracy, tap_accuracy

KINDS = ("click", "scroll", "move", "taps")


@dataclass
class HeatmapInputs:
    selection: Selection
    kind: str
    views: list[tuple]
    clicks: ClickRows | None = None
    signals: dict | None = None
    motion: Motion | None = None
    taps: TapAccuracy | None = None  # near-misses (click and tap maps)
    generation: int = -1  # the store's insight generation read before reading the rest


def load_inputs(db, selection: Selection, kind: str, *, cancel: CancelToken | None = None,
                progress: Callable[[int, int, str], None] | None = None) -> HeatmapInputs:
    """Read what ``kind`` needs; ValueError (one line) when nothing matches."""
    if kind not in KINDS:
        raise ValueError(f"unknown heatmap kind {kind!r}; choose from {', '.join(KINDS)}")
    gen = generation(db)
    views = page_views(db, selection)
    if not views:
        raise ValueError(f"no page views match {selection.pattern!r} with this device / width / filter")
    out = HeatmapInputs(selection, kind, views, generation=gen)
    if kind in ("click", "taps"):
        out.clicks = select_clicks(db, selection, kinds=("tap",) if kind == "taps" else ("click", "tap"))
        out.signals = element_signals(db, selection)
        out.taps = tap_accuracy(db, selection)
    else:
        out.motion = page_view_motion(db, views, cancel=cancel, progress=progress, moves=(kind == "move"))
    return out


def write_elements_csv(path, elements) -> None:
    """The ranked elements table (analysis.heatmap.ElementRow) as CSV."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["element", "clicks", "share", "rage", "dead", "error", "sessions"])
        for e in elements:
            w.writerow([e.selector, e.clicks, f"{e.share:.4f}", e.rage, e.dead, e.error, e.sessions])
