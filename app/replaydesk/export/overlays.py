"""Burned-in overlays, drawn with QPainter on each output frame.

Everything here is drawn *over* the page at the output size (text stays crisp when a clip is
scaled down), and :func:`draw_overlays` returns the rectangles it painted so that tests compare
the rest of the frame with ``replaydesk render``. Positions from the recording (pointer,
highlights, blur region) are CSS px of the recorded viewport and are scaled by ``scale``.

Privacy blurs are drawn first, so nothing drawn later (caption, cursor) is blurred, and no
overlay ever reveals page content: the blur only removes detail from pixels already masked
by the renderer's privacy mode.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

from PySide6.QtCore import QLineF, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QImage, QPainter, QPainterPath, QPen, QPolygonF

from .track import Press

TRAIL_MS = 600
RIPPLE_MS = 600
CAPTION_BG = QColor(20, 24, 31)  # opaque: the text must read over any page
HEADER_BG = QColor(20, 24, 31, 225)
ACCENT = QColor(255, 149, 0)  # highlights, click ripples, progress
TAP = QColor(0, 170, 255)
TAG_COLOURS = {"bug": QColor(229, 72, 77), "issue": QColor(255, 149, 0), "design": QColor(142, 104, 255),
               "note": QColor(80, 160, 255)}


@dataclass
class Caption:
    text: str
    tag: str | None = None


@dataclass
class Shape:
    """A note's drawn highlight: ``kind`` "rect" or "arrow" (from (x, y) to (x+w, y+h))."""

    kind: str
    x: float
    y: float
    w: float
    h: float


@dataclass
class OverlayState:
    """What one frame burns in (built by the job from the schedule, the track and the notes)."""

    t_ms: int  # session time shown
    duration_ms: int  # the session's length (the header's "of")
    progress: float  # 0..1 in the clip
    href: str = ""
    pointer: tuple[float, float] | None = None
    trail: Sequence[tuple[float, float]] = ()
    presses: Sequence[tuple[Press, float]] = ()  # with age 0..1
    captions: Sequence[Caption] = ()
    shapes: Sequence[Shape] = ()
    skipped_ms: int = 0
    input_boxes: Sequence[tuple[float, float, float, float]] = ()
    blur_region: tuple[int, int, int, int] | None = None
    header: bool = True
    cursor: bool = True
    progress_bar: bool = True


def clock(ms: int) -> str:
    s = max(0, int(ms)) / 1000
    m, s = divmod(s, 60)
    return f"{int(m):02d}:{s:04.1f}"


def _font(px: int, bold: bool = False) -> QFont:
    f = QFont("Liberation Sans")
    f.setPixelSize(max(8, px))
    f.setBold(bold)
    return f


def blur_rect(img: QImage, r: QRect) -> None:
    """Blur ``r`` of ``img`` in place: scaled down to a coarse grid and back (smoothly)."""
    r = r.intersected(img.rect())
    if r.width() < 2 or r.height() < 2:
        return
    part = img.copy(r)
    k = max(6, min(r.width(), r.height()) // 3, 12)
    small = part.scaled(max(1, r.width() // k), max(1, r.height() // k), Qt.AspectRatioMode.IgnoreAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)
    back = small.scaled(r.width(), r.height(), Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)
    p = QPainter(img)
    p.drawImage(r.topLeft(), back)
    p.end()


def caption_height(h: int) -> int:
    return max(26, round(h * 0.06))


def header_height(h: int) -> int:
    return max(18, round(h * 0.035))


def progress_height(h: int) -> int:
    return max(3, round(h * 0.006))


def draw_overlays(img: QImage, st: OverlayState, scale: float) -> list[QRect]:
    """Draw ``st`` on ``img`` (output px, ``scale`` output px per CSS px); the painted rects."""
    W, H = img.width(), img.height()
    rects: list[QRect] = []

    def s(v: float) -> float:
        return v * scale

    for b in st.input_boxes:
        r = QRectF(s(b[0]), s(b[1]), s(b[2]), s(b[3])).toAlignedRect().adjusted(-1, -1, 1, 1)
        blur_rect(img, r)
        rects.append(r)
    if st.blur_region is not None:
        x, y, w, h = st.blur_region
        r = QRectF(s(x), s(y), s(w), s(h)).toAlignedRect()
        blur_rect(img, r)
        rects.append(r)

    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    lw = max(2.0, 3 * scale)
    for sh in st.shapes:
        pen = QPen(ACCENT, lw)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        if sh.kind == "arrow":
            a, b = QPointF(s(sh.x), s(sh.y)), QPointF(s(sh.x + sh.w), s(sh.y + sh.h))
            p.drawLine(a, b)
            ang = math.atan2(b.y() - a.y(), b.x() - a.x())
            head = max(10.0, 16 * scale)
            pts = [b, b - QPointF(math.cos(ang - 0.45) * head, math.sin(ang - 0.45) * head),
                   b - QPointF(math.cos(ang + 0.45) * head, math.sin(ang + 0.45) * head)]
            p.setBrush(QBrush(ACCENT))
            p.drawPolygon(QPolygonF(pts))
            box = QRectF(a, b).normalized().adjusted(-head, -head, head, head)
        else:
            box = QRectF(s(sh.x), s(sh.y), s(sh.w), s(sh.h))
            p.drawRect(box)
            box = box.adjusted(-lw, -lw, lw, lw)
        rects.append(box.toAlignedRect())

    if st.header:
        hh = header_height(H)
        r = QRect(0, 0, W, hh)
        p.fillRect(r, HEADER_BG)
        p.setPen(QColor(235, 238, 242))
        p.setFont(_font(round(hh * 0.62)))
        fm = QFontMetrics(p.font())
        right = f"{clock(st.t_ms)} / {clock(st.duration_ms)}"
        rw = fm.horizontalAdvance(right) + 12
        p.drawText(QRect(W - rw, 0, rw - 6, hh), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, right)
        url = fm.elidedText(st.href or "", Qt.TextElideMode.ElideMiddle, max(10, W - rw - 18))
        p.drawText(QRect(8, 0, W - rw - 12, hh), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, url)
        rects.append(r)

    bottom = H
    if st.progress_bar:
        ph = progress_height(H)
        r = QRect(0, H - ph, W, ph)
        p.fillRect(r, QColor(0, 0, 0, 140))
        p.fillRect(QRect(0, H - ph, round(W * max(0.0, min(1.0, st.progress))), ph), ACCENT)
        rects.append(r)
        bottom = H - ph
    lines = [c for c in st.captions if c.text.strip()][:3]
    if lines:
        ch = caption_height(H)
        text_px = round(ch * 0.5)
        r = QRect(0, bottom - ch * len(lines), W, ch * len(lines))
        p.fillRect(r, CAPTION_BG)
        for i, c in enumerate(lines):
            y = r.top() + i * ch
            x = 12
            if c.tag:
                p.setFont(_font(round(text_px * 0.85), bold=True))
                fm = QFontMetrics(p.font())
                tw = fm.horizontalAdvance(c.tag.upper()) + 14
                chip = QRect(x, y + round(ch * 0.18), tw, ch - 2 * round(ch * 0.18))
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(TAG_COLOURS.get(c.tag, ACCENT))
                p.drawRoundedRect(chip, 4, 4)
                p.setPen(QColor(255, 255, 255))
                p.drawText(chip, Qt.AlignmentFlag.AlignCenter, c.tag.upper())
                x += tw + 10
            p.setFont(_font(text_px))
            fm = QFontMetrics(p.font())
            p.setPen(QColor(255, 255, 255))
            text = fm.elidedText(" ".join(c.text.split()), Qt.TextElideMode.ElideRight, W - x - 12)
            p.drawText(QRect(x, y, W - x - 12, ch), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
        rects.append(r)
    if st.skipped_ms > 0:
        label = f"skipped {round(st.skipped_ms / 1000)} s of inactivity"
        p.setFont(_font(max(14, round(H * 0.03)), bold=True))
        fm = QFontMetrics(p.font())
        w, h = fm.horizontalAdvance(label) + 40, fm.height() + 24
        r = QRect((W - w) // 2, (H - h) // 2, w, h)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(20, 24, 31, 215))
        p.drawRoundedRect(r, 10, 10)
        p.setPen(QColor(255, 255, 255))
        p.drawText(r, Qt.AlignmentFlag.AlignCenter, label)
        rects.append(r)
    if st.cursor:  # last: the pointer stays visible over the caption and the header
        rects += _draw_pointer(p, st, s, scale)
    p.end()
    return rects


def _draw_pointer(p: QPainter, st: OverlayState, s, scale: float) -> list[QRect]:
    rects: list[QRect] = []
    for press, age in st.presses:
        colour = QColor(TAP if press.kind == "tap" else ACCENT)
        colour.setAlphaF(max(0.0, 0.9 * (1 - age)))
        radius = (8 + 22 * age) * max(scale, 0.6)
        p.setPen(QPen(colour, max(2.0, 3 * scale)))
        p.setBrush(Qt.BrushStyle.NoBrush)
        c = QPointF(s(press.x), s(press.y))
        p.drawEllipse(c, radius, radius)
        rects.append(QRectF(c.x() - radius - 3, c.y() - radius - 3, 2 * radius + 6, 2 * radius + 6).toAlignedRect())
    trail = list(st.trail)
    if len(trail) > 1:
        n = len(trail)
        for i in range(1, n):
            a, b = trail[i - 1], trail[i]
            c = QColor(ACCENT)
            c.setAlphaF(0.15 + 0.6 * i / n)
            p.setPen(QPen(c, max(1.5, 3 * scale * i / n), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.drawLine(QLineF(s(a[0]), s(a[1]), s(b[0]), s(b[1])))
        xs = [s(x) for x, _ in trail]
        ys = [s(y) for _, y in trail]
        rects.append(QRectF(min(xs) - 4, min(ys) - 4, max(xs) - min(xs) + 8, max(ys) - min(ys) + 8).toAlignedRect())
    if st.pointer is not None:
        x, y = s(st.pointer[0]), s(st.pointer[1])
        k = max(0.7, scale)
        path = QPainterPath()
        pts = [(0, 0), (0, 17), (4.5, 13), (7.5, 20), (10, 19), (7, 12.5), (12.5, 12.5)]
        path.moveTo(x, y)
        for dx, dy in pts[1:]:
            path.lineTo(x + dx * k, y + dy * k)
        path.closeSubpath()
        p.setPen(QPen(QColor(255, 255, 255), 1.5))
        p.setBrush(QColor(17, 17, 17))
        p.drawPath(path)
        rects.append(QRectF(x - 2, y - 2, 13 * k + 4, 21 * k + 4).toAlignedRect())
    return rects
