"""The heatmap's background and its composite: the page full-height at a chosen width.

Why the renderer: a heatmap over a screenshot of *some* viewport shows nothing below the
fold and the wrong layout at another width. Here a real snapshot of the page (the most
common recorded layout) is rebuilt offscreen at the chosen width, the document's
``scrollHeight`` asked from the renderer page, the view resized to width x full height and
captured. The same page then answers where each clicked element's box is at that width
(``querySelector`` on the stored selectors), which places clicks on their element.
"""

from __future__ import annotations

from ..store import connection_of

import json
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPolygonF

from ..analysis.heatmap_report import KINDS, HeatmapInputs, load_inputs  # noqa: F401 - KINDS re-exported
from ..analysis.heatmap import Box, ClickMap, ScrollDepth, colormap_lut, normalise, overlay_rgba, width_band
from ..analysis.heatmap_taps import MissMark, near_miss_marks
from ..replay.frame import frame_from_mirror
from ..replay.session import open_session_replay
from ..store.chunks import iter_events
from .replay.headless import FrameRenderer, RenderError

#: tallest background rendered (px); longer pages are cut there
MAX_PAGE_HEIGHT = 12_000

_HEIGHT_JS = """(function () {
  const d = RD.topDocument();
  if (!d) return 0;
  const e = d.documentElement, b = d.body;
  return Math.max(e ? e.scrollHeight : 0, b ? b.scrollHeight : 0, e ? e.offsetHeight : 0);
})()"""

_SELECTOR_BOXES_JS = """(function (sels) {
  const d = RD.topDocument();
  const w = d && d.defaultView;
  const sx = w ? w.scrollX : 0, sy = w ? w.scrollY : 0;
  const out = {};
  for (const s of sels) {
    let el = null;
    try { el = d.querySelector(s); } catch (e) {}
    if (!el) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 || r.height > 0) out[s] = [r.left + sx, r.top + sy, r.width, r.height];
  }
  return JSON.stringify(out);
})(%s)"""


@dataclass
class Background:
    image: QImage
    width: int
    height: int
    session_id: str
    recorded_width: int
    boxes: dict[str, Box]


def choose_view(views: list[tuple], width: int) -> tuple | None:
    """The page view to draw: of the most common recorded width (layout) in the shown
    width's band (any band if none), the first one."""
    lo, hi = width_band(width)
    same = [v for v in views if v[4] and lo <= v[4] <= hi] or [v for v in views if v[4]]
    if not same:
        return None
    common = Counter(v[4] for v in same).most_common(1)[0][0]
    return next(v for v in same if v[4] == common)


def snapshot_candidates(views: list[tuple], per_layout: int = 2) -> list[tuple[str, tuple]]:
    """Page views to draw the background from, most common recorded layout (width) first:
    up to ``per_layout`` views of distinct sessions per layout, with a label for a chooser."""
    counts = Counter(v[4] for v in views if v[4])
    out = []
    for w, n in counts.most_common():
        seen: set[str] = set()
        for v in views:
            if v[4] == w and v[0] not in seen and len(seen) < per_layout:
                seen.add(v[0])
                out.append((f"{w} px layout ({n} view{'s' if n != 1 else ''}) - {v[0]}", v))
    return out


def _js(renderer: FrameRenderer, code: str):
    box: list = []
    renderer.view.run_javascript(code, lambda result: box.append(result))
    renderer._wait(lambda: bool(box), "the renderer did not answer")
    return box[0]


def render_background(db, view: tuple, width: int, selectors: list[str], renderer: FrameRenderer) -> Background:
    """Draw page view ``view`` (a :func:`~replaydesk.store.insights.page_views` row) at
    ``width`` px, full height, and measure ``selectors`` in it."""
    sid, _seq, t0, t1, vw, vh, _last = view
    conn = connection_of(db)
    t_snap = next((e["timestamp"] for e in iter_events(conn, sid, t0, t1) if e.get("type") == 2), t0)
    replay = open_session_replay(db, sid)
    mirror = replay.seek(t_snap)
    frame = frame_from_mirror(mirror, t_snap, None)
    if frame is None:
        raise RenderError(f"session {sid} has no snapshot of this page to draw")
    fold = int(frame.viewport[1] or vh or 800)

    def build(height: int) -> QImage:
        v = renderer.view
        v.resize(width, height + 1)
        v.show_frame(replace(frame, viewport=(width, height), state=None))  # the page as built, no scrolls
        return renderer.capture(at_ts=frame.timestamp)

    build(fold)
    try:
        full = int(float(_js(renderer, _HEIGHT_JS) or 0))
    except (TypeError, ValueError):
        full = 0
    height = max(fold, min(full, MAX_PAGE_HEIGHT))
    image = build(height) if height != fold else renderer.view.grab_viewport()
    try:
        raw = json.loads(_js(renderer, _SELECTOR_BOXES_JS % json.dumps(selectors)) or "{}")
    except (TypeError, ValueError):
        raw = {}
    boxes = {k: tuple(float(x) for x in b) for k, b in raw.items() if isinstance(b, list) and len(b) == 4}
    return Background(image.convertToFormat(QImage.Format.Format_RGB32), width, height, sid, int(vw or 0), boxes)


# --- composite -------------------------------------------------------------------------------------

def _rgba_image(rgba: np.ndarray) -> QImage:
    h, w, _ = rgba.shape
    buf = np.ascontiguousarray(rgba)
    img = QImage(buf.data, w, h, 4 * w, QImage.Format.Format_RGBA8888)
    return img.copy()  # own the pixels (buf is freed with this frame)


def compose(background: QImage | None, width: int, height: int, layers: list[tuple[np.ndarray, float, int]],
            *, title: str, legend: list[str], outlines: list[tuple[Box, str]] = (), fold: float | None = None,
            legend_scale: tuple[str, str] = ("fewer", "more"), marks: list[MissMark] = ()) -> QImage:
    """The background with each ``(grid 0..1 at page px, opacity)`` layer, element outlines
    with badges, near-miss marks (a dot where the tap landed, an arrow to the element it
    missed), an optional fold line and a legend panel on the right."""
    panel = 260
    out = QImage(width + panel, height, QImage.Format.Format_ARGB32)
    out.fill(QColor("#f4f4f6"))
    p = QPainter(out)
    try:
        if background is not None and not background.isNull():
            p.drawImage(0, 0, background)
        else:
            p.fillRect(0, 0, width, height, QColor("#ffffff"))
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        for grid, opacity, cell in layers:  # cell-sized grids, drawn smoothly scaled up
            img = _rgba_image(overlay_rgba(grid, opacity=opacity))
            w_px = width if grid.shape[1] == 1 else grid.shape[1] * cell
            p.drawImage(QRectF(0, 0, w_px, grid.shape[0] * cell), img)
        font = QFont("Liberation Sans", 10)
        p.setFont(font)
        for (x, y, w, h), badge in outlines:
            p.setPen(QPen(QColor(0, 200, 255), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(x, y, w, h))
            fm = p.fontMetrics()
            bw, bh = fm.horizontalAdvance(badge) + 8, fm.height() + 4
            bx, by = int(x), int(max(0, y - bh))
            p.fillRect(bx, by, bw, bh, QColor(0, 120, 170))
            p.setPen(QColor("white"))
            p.drawText(bx + 4, by + bh - fm.descent() - 2, badge)
        _draw_marks(p, marks)
        if fold:
            p.setPen(QPen(QColor(255, 255, 255), 2, Qt.PenStyle.DashLine))
            p.drawLine(0, int(fold), width, int(fold))
            label = f"average fold {fold:.0f} px"
            p.fillRect(4, int(fold) - 22, p.fontMetrics().horizontalAdvance(label) + 12, 20, QColor(20, 20, 30, 200))
            p.setPen(QColor("white"))
            p.drawText(10, int(fold) - 7, label)
        # legend
        x0 = width + 16
        p.setPen(QColor("#222"))
        p.setFont(QFont("Liberation Sans", 11, QFont.Weight.Bold))
        p.drawText(x0, 28, title)
        p.setFont(font)
        lut = colormap_lut()
        bar = np.repeat(lut[None, :, :], 14, axis=0)
        bar_img = QImage(np.ascontiguousarray(bar).data, 256, 14, 256 * 3, QImage.Format.Format_RGB888).copy()
        p.drawImage(QRectF(x0, 44, panel - 32, 14), bar_img)
        p.drawText(x0, 74, legend_scale[0])
        p.drawText(width + panel - 16 - p.fontMetrics().horizontalAdvance(legend_scale[1]), 74, legend_scale[1])
        for i, line in enumerate(legend):
            p.drawText(x0, 100 + 18 * i, line)
    finally:
        p.end()
    return out


MISS_COLOUR = QColor(230, 30, 140)
HIGHLIGHT_COLOUR = QColor(40, 220, 90)


def _draw_marks(p: QPainter, marks) -> None:
    if not marks:
        return
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for m in marks:
        p.setPen(QPen(MISS_COLOUR, 1.5))
        line = QLineF(m.x, m.y, m.tx, m.ty)
        if line.length() > 3:
            p.drawLine(line)
            # arrow head at the element
            u = line.unitVector()
            dx, dy = u.dx() * 6, u.dy() * 6
            head = QPolygonF([QPointF(m.tx, m.ty), QPointF(m.tx - dx - dy * 0.6, m.ty - dy + dx * 0.6),
                              QPointF(m.tx - dx + dy * 0.6, m.ty - dy - dx * 0.6)])
            p.setBrush(MISS_COLOUR)
            p.drawPolygon(head)
        p.setPen(QPen(QColor("white"), 1))
        p.setBrush(MISS_COLOUR)
        p.drawEllipse(QPointF(m.x, m.y), 4, 4)
    p.setBrush(Qt.BrushStyle.NoBrush)


def highlighted(image: QImage, box: Box | None) -> QImage:
    """A copy of a drawn heatmap with one element outlined strongly (the table's selected
    row), so the analyst sees which element a row is; ``image`` itself stays clean."""
    out = image.copy()
    if box is None:
        return out
    x, y, w, h = box
    p = QPainter(out)
    try:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setBrush(QColor(40, 220, 90, 50))
        p.setPen(QPen(QColor(0, 0, 0, 160), 7))
        p.drawRect(QRectF(x - 4, y - 4, w + 8, h + 8))
        p.setPen(QPen(HIGHLIGHT_COLOUR, 4))
        p.drawRect(QRectF(x - 4, y - 4, w + 8, h + 8))
    finally:
        p.end()
    return out


def click_layers(cm: ClickMap, opacity: float) -> list[tuple[np.ndarray, float, int]]:
    # square root: one click stays visible next to a hot spot of hundreds
    return [(np.sqrt(normalise(cm.density.grid)), opacity, cm.density.cell)]


# --- one heatmap, end to end (CLI and window) --------------------------------------------------------


@dataclass
class HeatmapResult:
    image: QImage
    kind: str
    width: int
    height: int
    summary: list[str]
    elements: list  # analysis.heatmap.ElementRow (click and taps)
    background: Background | None
    clickmap: object = None  # analysis.heatmap.ClickMap of click/taps maps
    marks: list = field(default_factory=list)  # analysis.heatmap_taps.MissMark drawn


def default_width(views: list[tuple], device: str | None) -> int:
    """The most common recorded width of the page views (of the device's band if given)."""
    from ..store.insights import DEVICE_BANDS
    lo, hi = DEVICE_BANDS.get(device, (0, 100_000)) if device else (0, 100_000)
    widths = [v[4] for v in views if v[4] and lo <= v[4] <= hi]
    return Counter(widths).most_common(1)[0][0] if widths else {"mobile": 390, "tablet": 768}.get(device or "", 1280)


def build_heatmap(db, selection, kind: str = "click", width: int | None = None, *,
                  renderer: FrameRenderer | None = None, opacity: float = 0.6, cancel=None,
                  progress=None) -> HeatmapResult:
    """Aggregate ``selection`` (store.insights.Selection) and draw ``kind`` over the page at
    ``width`` (default: the most common recorded width). Without a renderer the map is
    drawn on white at the height the data needs."""
    inputs = load_inputs(db, selection, kind, cancel=cancel, progress=progress)
    width = int(width or default_width(inputs.views, selection.device))
    bg = None
    if renderer is not None:
        view = choose_view(inputs.views, width)
        if view is not None:
            bg = render_background(db, view, width, inputs.clicks.selectors if inputs.clicks else [], renderer)
    return draw_heatmap(inputs, width, bg, opacity=opacity)


def draw_heatmap(inputs: HeatmapInputs, width: int, bg: Background | None, *, opacity: float = 0.6,
                 outline: bool = True, near_misses: bool = True) -> HeatmapResult:
    """Place, bin, smooth and draw (GUI thread: a QImage; fast once the inputs are read)."""
    from ..analysis.heatmap import click_map, density, exit_stats, scroll_depth

    selection, kind, views, clicks = inputs.selection, inputs.kind, inputs.views, inputs.clicks
    ex = exit_stats(views)
    head = [f"{len({v[0] for v in views})} sessions, {len(views)} page views",
            f"exits {ex.exits} ({ex.rate:.0%} of sessions)"]
    if kind in ("click", "taps"):
        height = bg.height if bg else int(max(900, (np.nanmax(clicks.py) + 200) if len(clicks) else 900))
        cm = click_map(clicks, width, height, measured=bg.boxes if bg else None,
                       signals=inputs.signals)
        top = cm.elements[:10]
        outlines = [(e.box, f"{e.clicks} · {e.share:.0%}") for e in top if e.box] if outline else []
        legend = head + [f"{cm.clicks} {'taps' if kind == 'taps' else 'clicks'}",
                         f"{cm.placement.by_element} placed on their element",
                         f"{cm.placement.by_page} by page coordinates"]
        if cm.placement.dropped:
            legend.append(f"{cm.placement.dropped} not placed (other width)")
        shown = {e.selector: e.box for e in cm.elements if e.box}
        marks = near_miss_marks(inputs.taps, inputs.clicks, shown) if near_misses else []
        if inputs.taps is not None and inputs.taps.misses:
            legend.append(f"{len(inputs.taps.misses)} near-miss taps ({len(marks)} drawn)")
        peak = int(cm.density.counts.max()) if cm.density.counts.size else 0
        legend.append(f"peak cell: {peak} in {cm.density.cell}x{cm.density.cell} px")
        legend += ["", "top elements:"] + [f"{e.clicks:>4}  {e.selector[:30]}" for e in top[:8]]
        img = compose(bg.image if bg else None, width, height, click_layers(cm, opacity),
                      title=f"{'Tap' if kind == 'taps' else 'Click'} map {selection.pattern} @ {width}px",
                      legend=legend, outlines=outlines, marks=marks)
        return HeatmapResult(img, kind, width, height, legend, cm.elements, bg, cm, marks)
    motion = inputs.motion
    height = bg.height if bg else int(max(900, motion.bottoms.max() if len(motion.bottoms) else 900))
    if kind == "scroll":
        depth = scroll_depth(motion.bottoms, motion.folds, height)
        marks = [f"{int(p * 100)}% reach {int(np.searchsorted(-depth.reached, -p, side='right') * depth.step)} px"
                 for p in (0.75, 0.5, 0.25)]
        legend = head + [f"average fold {depth.avg_fold:.0f} px"] + marks
        img = compose(bg.image if bg else None, width, height, [(depth.reached[:, None], opacity, depth.step)],
                      title=f"Scroll depth {selection.pattern} @ {width}px", legend=legend, fold=depth.avg_fold,
                      legend_scale=("0% reached", "100%"))
        return HeatmapResult(img, kind, width, height, legend, [], bg)
    d = density(motion.move_x, motion.move_y, width, height, sigma_px=14)
    legend = head + [f"{len(motion.move_x)} pointer positions", f"{d.total} on the drawn page"]
    img = compose(bg.image if bg else None, width, height,
                  [(np.sqrt(normalise(d.grid)), opacity, d.cell)],
                  title=f"Move map {selection.pattern} @ {width}px", legend=legend)
    return HeatmapResult(img, kind, width, height, legend, [], bg)
