"""Click, scroll and move maps of one page across sessions (issue 12), Qt-free (numpy).

Accuracy across screen sizes: a click recorded at 1440 px must land on the same element
when the page is shown at 1280 px. Where attribution measured the click's target box, the
click is stored as a relative position in that box (``rx``, ``ry``) and is placed in the
*same element's box at the shown width* - measured in the rendered background when the
caller has it, else taken from clicks on that element recorded at the closest width within
the same width band. Otherwise the click falls back to its page coordinates, but only when
it was recorded within the shown width's band (a mobile click's coordinates mean nothing
on the desktop layout). :class:`Placement` says how many were placed each way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..store.insights import DEVICE_BANDS, ClickRows, url_pattern  # noqa: F401 - url_pattern re-exported

Box = tuple[float, float, float, float]


def width_band(width: int) -> tuple[int, int]:
    """The inclusive width band (device class bands) containing ``width``."""
    for lo, hi in DEVICE_BANDS.values():
        if lo <= width <= hi:
            return lo, hi
    return 0, 100_000


@dataclass
class Placement:
    """Click positions at the shown width, and how each was placed."""

    x: np.ndarray
    y: np.ndarray
    weight_index: np.ndarray  # index into the ClickRows of each placed click
    by_element: int = 0
    by_page: int = 0
    dropped: int = 0  # outside the band and without a usable box

    def summary(self) -> str:
        return (f"{self.by_element} placed on their element, {self.by_page} by page coordinates"
                + (f", {self.dropped} not placed (other width band, no element box)" if self.dropped else ""))


def recorded_boxes(clicks: ClickRows, width: int) -> dict[int, Box]:
    """Per selector index: the element's box recorded at the width closest to ``width``
    within its band. An element's box at one width is the same for every click on it (one
    layout), so one representative click per (element, width) is enough: the pairs are
    found by scattering click indexes into an (element x width) table, without a sort."""
    lo, hi = width_band(width)
    ok = (clicks.sel >= 0) & (clicks.bw > 0) & (clicks.vw >= lo) & (clicks.vw <= hi)  # NaN compares False
    idx = np.nonzero(ok)[0]
    if not len(idx):
        return {}
    vw = clicks.vw[idx].astype(np.int64)
    widths = np.nonzero(np.bincount(vw - lo))[0] + lo  # the few distinct widths, without a sort
    wpos = np.zeros(int(widths[-1] - lo) + 1, np.int64)
    wpos[widths - lo] = np.arange(len(widths))
    key = clicks.sel[idx].astype(np.int64) * len(widths) + wpos[vw - lo]
    rep = np.full((len(clicks.selectors) + 1) * len(widths), -1, np.int64)
    rep[key] = idx  # any one click of each (element, width) pair represents it
    best: dict[int, tuple[float, int]] = {}
    for k in np.nonzero(rep >= 0)[0].tolist():
        sel, w = divmod(k, len(widths))
        d = abs(int(widths[w]) - width)
        if sel not in best or d < best[sel][0]:
            best[sel] = (d, int(rep[k]))
    return {sel: (float(clicks.bx[r]), float(clicks.by[r]), float(clicks.bw[r]), float(clicks.bh[r]))
            for sel, (_, r) in best.items()}


def place_clicks(clicks: ClickRows, width: int, measured: dict[str, Box] | None = None, *,
                 recorded: dict[int, Box] | None = None) -> Placement:
    """Positions of the clicks on the page shown at ``width`` px (see the module doc).
    ``measured``: selector -> box in the rendered background (page coordinates)."""
    n = len(clicks)
    boxes = dict(recorded_boxes(clicks, width) if recorded is None else recorded)
    for name, box in (measured or {}).items():
        try:
            i = clicks.selectors.index(name)
        except ValueError:
            continue
        boxes[i] = box
    tx = np.full(len(clicks.selectors) + 1, np.nan)
    ty, tw, th = tx.copy(), tx.copy(), tx.copy()
    for i, (bx, by, bw, bh) in boxes.items():
        tx[i], ty[i], tw[i], th[i] = bx, by, bw, bh
    sel = np.where(clicks.sel >= 0, clicks.sel, len(clicks.selectors))  # last slot: no box
    has_rel = ~np.isnan(clicks.rx) & ~np.isnan(clicks.ry) & ~np.isnan(tx[sel])
    rx = np.clip(np.nan_to_num(clicks.rx), 0.0, 1.0)
    ry = np.clip(np.nan_to_num(clicks.ry), 0.0, 1.0)
    ex = tx[sel] + rx * tw[sel]
    ey = ty[sel] + ry * th[sel]
    lo, hi = width_band(width)
    in_band = (clicks.vw >= lo) & (clicks.vw <= hi)
    by_page = ~has_rel & in_band
    x = np.where(has_rel, ex, clicks.px)
    y = np.where(has_rel, ey, clicks.py)
    keep = has_rel | by_page
    idx = np.nonzero(keep)[0]
    return Placement(x=x[idx], y=y[idx], weight_index=idx, by_element=int(has_rel.sum()),
                     by_page=int(by_page.sum()), dropped=int(n - keep.sum()))


# --- density -----------------------------------------------------------------------------------

def gaussian_kernel(sigma: float) -> np.ndarray:
    r = max(1, int(round(3 * sigma)))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / max(sigma, 1e-6)) ** 2)
    return k / k.sum()


def smooth(grid: np.ndarray, sigma_cells: float) -> np.ndarray:
    """Separable Gaussian blur (zero padding), by weighted shifted sums along each axis."""
    if sigma_cells <= 0:
        return grid.astype(np.float64)
    k = gaussian_kernel(sigma_cells)
    r = len(k) // 2
    out = grid.astype(np.float64)
    for axis in (0, 1):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (r, r)
        p = np.pad(out, pad)
        acc = np.zeros_like(out)
        size = out.shape[axis]
        for j, w in enumerate(k):
            acc += w * (p[j:j + size, :] if axis == 0 else p[:, j:j + size])
        out = acc
    return out


@dataclass
class Density:
    """A smoothed count grid over the page (``cell`` px per cell) and the raw counts."""

    grid: np.ndarray  # smoothed, shape (rows, cols)
    counts: np.ndarray  # raw per-cell counts
    cell: int
    total: int

    def at(self, x: float, y: float) -> float:
        r, c = int(y // self.cell), int(x // self.cell)
        if 0 <= r < self.grid.shape[0] and 0 <= c < self.grid.shape[1]:
            return float(self.grid[r, c])
        return 0.0

    def hottest(self) -> tuple[float, float]:
        """Page coordinates of the centre of the hottest cell."""
        r, c = np.unravel_index(int(np.argmax(self.grid)), self.grid.shape)
        return (c + 0.5) * self.cell, (r + 0.5) * self.cell


def density(x: np.ndarray, y: np.ndarray, width: int, height: int, *, cell: int = 4,
            sigma_px: float = 10.0) -> Density:
    """Bin points (page px) into a ``width`` x ``height`` page and smooth them."""
    cols, rows = max(1, -(-width // cell)), max(1, -(-height // cell))
    c = np.clip((np.asarray(x) // cell).astype(np.int64), 0, cols - 1)
    r = np.clip((np.asarray(y) // cell).astype(np.int64), 0, rows - 1)
    inside = (np.asarray(x) >= 0) & (np.asarray(x) < width) & (np.asarray(y) >= 0) & (np.asarray(y) < height)
    counts = np.bincount(r[inside] * cols + c[inside], minlength=rows * cols).reshape(rows, cols)
    return Density(grid=smooth(counts, sigma_px / cell), counts=counts, cell=cell, total=int(inside.sum()))


# --- per-element table ---------------------------------------------------------------------------

@dataclass
class ElementRow:
    selector: str
    clicks: int
    share: float
    rage: int = 0
    dead: int = 0
    error: int = 0
    sessions: int = 0
    box: Box | None = None


def element_table(clicks: ClickRows, signals: dict[str, dict[str, int]] | None = None,
                  boxes: dict[str, Box] | None = None) -> list[ElementRow]:
    """Clicked elements ranked by clicks, with their share of all selected clicks, the
    rage/dead/error findings on them and the sessions that clicked them."""
    total = len(clicks)
    ok = clicks.sel >= 0
    if not total or not ok.any():
        return []
    n = np.bincount(clicks.sel[ok], minlength=len(clicks.selectors))
    span = int(clicks.session.max()) + 1 if total else 1
    n_sel = len(clicks.selectors)
    if n_sel * span <= 20_000_000:  # (element, session) cells: linear, no sort
        cells = np.bincount(clicks.sel[ok].astype(np.int64) * span + clicks.session[ok], minlength=n_sel * span)
        ns = np.count_nonzero(cells.reshape(n_sel, span), axis=1)
    else:
        pairs = np.unique(clicks.sel[ok].astype(np.int64) * span + clicks.session[ok])  # (element, session) once
        ns = np.bincount(pairs // span, minlength=n_sel)
    signals = signals or {}
    rows = []
    for i in np.argsort(-n, kind="stable"):
        if n[i] == 0:
            continue
        name = clicks.selectors[i]
        s = signals.get(name, {})
        rows.append(ElementRow(name, int(n[i]), float(n[i] / total), s.get("rage_click", 0), s.get("dead_click", 0),
                               s.get("error_click", 0), int(ns[i]), (boxes or {}).get(name)))
    return rows


# --- scroll depth and exits -----------------------------------------------------------------------

@dataclass
class ScrollDepth:
    """Share of page views whose bottom of viewport reached each depth (``step`` px rows)."""

    reached: np.ndarray  # fraction per row, non-increasing
    step: int
    avg_fold: float
    views: int


def scroll_depth(bottoms: np.ndarray, folds: np.ndarray, height: int, step: int = 4) -> ScrollDepth:
    """``bottoms``: per page view, the deepest viewport bottom reached (page px);
    ``folds``: per page view, its viewport height (the first screen)."""
    rows = max(1, -(-height // step))
    b = np.asarray(bottoms, dtype=np.float64)
    if not len(b):
        return ScrollDepth(np.zeros(rows), step, 0.0, 0)
    depths = np.arange(rows) * step
    reached = (b[None, :] >= depths[:, None]).mean(axis=1) if len(b) * rows < 50_000_000 else \
        1.0 - np.searchsorted(np.sort(b), depths, side="left") / len(b)
    return ScrollDepth(reached.astype(np.float64), step, float(np.mean(folds)) if len(folds) else 0.0, len(b))


@dataclass
class ExitStats:
    views: int
    sessions: int
    exits: int

    @property
    def rate(self) -> float:
        return self.exits / self.sessions if self.sessions else 0.0


def exit_stats(views: list[tuple]) -> ExitStats:
    """From :func:`replaydesk.store.insights.page_views` rows: page views, sessions that saw
    the page, and sessions whose last page view was this page."""
    sessions = {v[0] for v in views}
    exits = {v[0] for v in views if v[6]}
    return ExitStats(len(views), len(sessions), len(exits))


# --- colour ----------------------------------------------------------------------------------------

#: anchors of a perceptually ordered dark-to-bright map (near-black, purple, red, orange,
#: pale yellow): lightness rises monotonically, so density reads the same in grey
_ANCHORS = np.array([
    [0, 0, 4], [40, 11, 84], [101, 21, 110], [159, 42, 99], [212, 72, 66], [245, 125, 21], [250, 193, 39],
    [252, 255, 164],
], dtype=np.float64)


def colormap_lut(n: int = 256) -> np.ndarray:
    """``n`` x 3 uint8 RGB table interpolated linearly between the anchors."""
    pos = np.linspace(0, 1, len(_ANCHORS))
    t = np.linspace(0, 1, n)
    return np.stack([np.interp(t, pos, _ANCHORS[:, c]) for c in range(3)], axis=1).round().astype(np.uint8)


def overlay_rgba(values: np.ndarray, *, opacity: float = 0.6, floor: float = 0.02) -> np.ndarray:
    """RGBA (uint8) for a normalised 0..1 grid: colour from the LUT, alpha rising with the
    value (cells below ``floor`` transparent, so the page shows where nobody clicked)."""
    v = np.clip(np.nan_to_num(values), 0.0, 1.0)
    lut = colormap_lut()
    rgb = lut[(v * 255).astype(np.int64)]
    a = np.where(v < floor, 0.0, opacity * (0.35 + 0.65 * v))
    return np.concatenate([rgb, (a * 255).round().astype(np.uint8)[..., None]], axis=-1)


def normalise(grid: np.ndarray) -> np.ndarray:
    m = float(grid.max()) if grid.size else 0.0
    return grid / m if m > 0 else np.zeros_like(grid, dtype=np.float64)


@dataclass
class ClickMap:
    """Everything a click heatmap shows for one selection at one width."""

    width: int
    height: int
    placement: Placement
    density: Density
    elements: list[ElementRow] = field(default_factory=list)
    sessions: int = 0
    clicks: int = 0


def click_map(clicks: ClickRows, width: int, height: int, *, measured: dict[str, Box] | None = None,
              signals: dict[str, dict[str, int]] | None = None, cell: int = 4, sigma_px: float = 10.0) -> ClickMap:
    """Place, bin and smooth the clicks; rank the elements (boxes at the shown width)."""
    rec = recorded_boxes(clicks, width)
    pl = place_clicks(clicks, width, measured, recorded=rec)
    dens = density(pl.x, pl.y, width, height, cell=cell, sigma_px=sigma_px)
    boxes = {clicks.selectors[i]: b for i, b in rec.items()}
    boxes.update(measured or {})
    return ClickMap(width, height, pl, dens, element_table(clicks, signals, boxes),
                    sessions=int(np.count_nonzero(np.bincount(clicks.session))) if len(clicks) else 0, clicks=len(clicks))
