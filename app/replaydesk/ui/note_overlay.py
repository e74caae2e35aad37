"""The replay pane's note layer: captions and highlights of the notes at the playhead, and
drawing a new highlight.

Why a Qt widget above the view and not boxes in the renderer page: the page is a sandbox
for recorded (untrusted) documents, and notes are the analyst's own words; keeping them in
Qt means nothing of ours is written into the page, and the note text is drawn as plain text
by QPainter (never parsed as HTML). The layer maps CSS px of the recorded viewport to the
widget with ``ReplayView.displayed_rect`` (zoom and centring), so highlights stay on their
element at any zoom.

While it shows notes the layer lets every mouse event through to the page; while drawing
(Session > Add Note… > Rectangle / Arrow / Pick Element) it takes the mouse: a drag gives a
rectangle or an arrow (``drawn(Highlight)``), a click on an element gives ``pointPicked(x, y)``
in CSS px (the window asks the page which element is there), Esc cancels (``drawn(None)``).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from ..store.notes import Highlight, Note
from . import formatting as fmt

#: the caption bar (opaque, so tests and clips can find it by colour)
CAPTION_BG = QColor(22, 27, 38)
CAPTION_FG = QColor(245, 246, 250)
HIGHLIGHT = QColor(255, 122, 26)
TAG_COLORS = {"issue": QColor(214, 69, 65), "bug": QColor(196, 40, 120), "design": QColor(64, 120, 220),
              "note": QColor(90, 140, 90)}
DRAW_HINT = {
    "rect": "Drag over the page to draw a rectangle — Esc cancels",
    "arrow": "Drag from where the arrow starts to what it points at — Esc cancels",
    "element": "Click an element of the page to highlight it — Esc cancels",
}


def arrow_path(a: QPointF, b: QPointF, head: float = 14.0) -> tuple[QPointF, QPointF, QPolygonF]:
    """The shaft end and the head triangle of an arrow from ``a`` to ``b``."""
    ang = math.atan2(b.y() - a.y(), b.x() - a.x())
    left = QPointF(b.x() - head * math.cos(ang - 0.45), b.y() - head * math.sin(ang - 0.45))
    right = QPointF(b.x() - head * math.cos(ang + 0.45), b.y() - head * math.sin(ang + 0.45))
    shaft_end = QPointF(b.x() - head * 0.7 * math.cos(ang), b.y() - head * 0.7 * math.sin(ang))
    return a, shaft_end, QPolygonF([b, left, right])


class NoteOverlay(QWidget):
    drawn = Signal(object)  # a Highlight, or None when cancelled
    pointPicked = Signal(float, float)  # CSS px of the recorded viewport

    def __init__(self, view, parent: QWidget | None = None):
        super().__init__(parent or view)
        self.setObjectName("noteOverlay")
        self._view = view
        self._notes: list[Note] = []
        self._mode: str | None = None
        self._drag: tuple[QPointF, QPointF] | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground, True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        view.installEventFilter(self)
        self.setGeometry(view.rect())
        self.hide()

    # -- public ------------------------------------------------------------
    @property
    def notes(self) -> list[Note]:
        """The notes drawn now (those covering the playhead)."""
        return list(self._notes)

    @property
    def drawing(self) -> str | None:
        return self._mode

    def set_notes(self, notes: list[Note]) -> None:
        self._notes = list(notes)
        self._sync_visible()
        self.update()

    def start_drawing(self, kind: str) -> None:
        """Take the mouse until a ``kind`` ("rect", "arrow", "element") highlight is drawn."""
        self._mode = kind
        self._drag = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, False)
        self.setCursor(Qt.CursorShape.CrossCursor if kind != "element" else Qt.CursorShape.PointingHandCursor)
        self._sync_visible()
        self.setFocus()
        self.update()

    def cancel_drawing(self) -> None:
        if self._mode is not None:
            self._stop_drawing()
            self.drawn.emit(None)

    def caption_rect(self) -> QRect:
        """Where the caption bar is drawn (empty when no note shows)."""
        if not self._notes or self._mode is not None:
            return QRect()
        page = self._page_rect()
        h = self._caption_height(page)
        return QRect(page.left(), page.bottom() - h + 1, page.width(), h).intersected(self.rect())

    def to_widget(self, x: float, y: float) -> QPointF:
        page, s = self._page_rect(), self._scale()
        return QPointF(page.left() + x * s, page.top() + y * s)

    def to_css(self, p: QPointF) -> tuple[float, float]:
        page, s = self._page_rect(), self._scale()
        return (p.x() - page.left()) / s, (p.y() - page.top()) / s

    # -- geometry ----------------------------------------------------------
    def _page_rect(self) -> QRect:
        r = self._view.displayed_rect()
        return r if r.width() > 0 and r.height() > 0 else self.rect()

    def _scale(self) -> float:
        vp = self._view.viewport_size  # a property of ReplayView
        return self._page_rect().width() / vp.width() if vp.width() > 0 else 1.0

    def _caption_font(self) -> QFont:
        f = QFont(self.font())
        f.setPointSizeF(max(9.0, f.pointSizeF() * 1.1))
        return f

    def _caption_height(self, page: QRect) -> int:
        fm = QFontMetrics(self._caption_font())
        lines = sum(min(3, self._lines(n, page, fm)) for n in self._notes[:3])
        return 12 + lines * fm.lineSpacing() + 4 * (min(3, len(self._notes)) - 1)

    def _lines(self, n: Note, page: QRect, fm: QFontMetrics) -> int:
        r = fm.boundingRect(QRect(0, 0, max(40, page.width() - 190), 10_000),
                            Qt.TextFlag.TextWordWrap, n.text)
        return max(1, math.ceil(r.height() / fm.lineSpacing()))

    def _sync_visible(self) -> None:
        self.setVisible(bool(self._notes) or self._mode is not None)
        if self.isVisible():
            self.raise_()

    # -- events ------------------------------------------------------------
    def eventFilter(self, obj, ev) -> bool:  # noqa: N802 - Qt API
        if obj is self._view and ev.type() == QEvent.Type.Resize:
            self.setGeometry(self._view.rect())
        return super().eventFilter(obj, ev)

    def keyPressEvent(self, ev) -> None:  # noqa: N802 - Qt API
        if ev.key() == Qt.Key.Key_Escape and self._mode is not None:
            self.cancel_drawing()
            return
        super().keyPressEvent(ev)

    def mousePressEvent(self, ev) -> None:  # noqa: N802 - Qt API
        if self._mode is not None and ev.button() == Qt.MouseButton.LeftButton:
            p = ev.position()
            self._drag = (p, p)
            self.update()

    def mouseMoveEvent(self, ev) -> None:  # noqa: N802 - Qt API
        if self._drag is not None:
            self._drag = (self._drag[0], ev.position())
            self.update()

    def mouseReleaseEvent(self, ev) -> None:  # noqa: N802 - Qt API
        if self._drag is None or self._mode is None:
            return
        a, b = self._drag[0], ev.position()
        mode = self._mode
        self._stop_drawing()
        (ax, ay), (bx, by) = self.to_css(a), self.to_css(b)
        if mode == "element":
            self.pointPicked.emit(bx, by)
        elif mode == "arrow":
            self.drawn.emit(Highlight("arrow", round(ax, 1), round(ay, 1), round(bx - ax, 1), round(by - ay, 1)))
        else:
            x, y = min(ax, bx), min(ay, by)
            self.drawn.emit(Highlight("rect", round(x, 1), round(y, 1), round(abs(bx - ax), 1), round(abs(by - ay), 1)))

    def _stop_drawing(self) -> None:
        self._mode = None
        self._drag = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.unsetCursor()
        self._sync_visible()
        self.update()

    # -- painting ----------------------------------------------------------
    def paintEvent(self, _ev) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            if self._mode is not None:
                self._paint_drawing(p)
                return
            for n in self._notes:
                if n.highlight is not None:
                    self._paint_highlight(p, n.highlight)
            self._paint_caption(p)
        finally:
            p.end()  # always: a painter left open crashes the next grab

    def _paint_highlight(self, p: QPainter, h: Highlight) -> None:
        pen = QPen(HIGHLIGHT, 3)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        a = self.to_widget(h.x, h.y)
        b = self.to_widget(h.x + h.w, h.y + h.h)
        if h.kind == "arrow":
            start, shaft_end, head = arrow_path(a, b)
            p.drawLine(start, shaft_end)
            p.setBrush(HIGHLIGHT)
            p.drawPolygon(head)
            p.setBrush(Qt.BrushStyle.NoBrush)
            return
        box = QRectF(a, b).normalized().adjusted(-3, -3, 3, 3)
        fill = QColor(HIGHLIGHT)
        fill.setAlpha(40)
        p.setBrush(fill)
        p.drawRoundedRect(box, 4, 4)
        p.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_caption(self, p: QPainter) -> None:
        bar = self.caption_rect()
        if bar.isEmpty():
            return
        p.fillRect(bar, CAPTION_BG)
        font = self._caption_font()
        fm = QFontMetrics(font)
        y = bar.top() + 6
        for n in self._notes[:3]:
            x = bar.left() + 10
            small = QFont(font)
            small.setPointSizeF(font.pointSizeF() * 0.8)
            small.setBold(True)
            p.setFont(small)
            sfm = QFontMetrics(small)
            if n.tag:
                label = n.tag.upper()
                pill = QRectF(x, y + (fm.height() - sfm.height()) / 2 - 1, sfm.horizontalAdvance(label) + 10, sfm.height() + 2)
                path = QPainterPath()
                path.addRoundedRect(pill, 4, 4)
                p.fillPath(path, TAG_COLORS.get(n.tag, HIGHLIGHT))
                p.setPen(CAPTION_FG)
                p.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)
            x += 62
            p.setFont(font)
            p.setPen(CAPTION_FG)
            lines = min(3, self._lines(n, bar, fm))
            when = fmt.clock(n.start_ms) + (f" – {fmt.clock(n.end_ms)}" if n.is_range else "")
            when_w = sfm.horizontalAdvance(when) + 12
            text_rect = QRect(int(x), int(y), bar.right() - int(x) - when_w - 4, lines * fm.lineSpacing())
            p.drawText(text_rect, Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft, n.text)
            p.setFont(small)
            p.setPen(QColor(170, 178, 195))
            p.drawText(QRect(bar.right() - when_w, int(y), when_w - 8, fm.lineSpacing()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, when)
            y += lines * fm.lineSpacing() + 4

    def _paint_drawing(self, p: QPainter) -> None:
        shade = QColor(0, 0, 0, 40)
        p.fillRect(self.rect(), shade)
        hint = DRAW_HINT.get(self._mode or "", "")
        fm = QFontMetrics(self.font())
        box = QRect(0, 0, fm.horizontalAdvance(hint) + 24, fm.height() + 12)
        box.moveCenter(QRect(0, 0, self.width(), 2 * box.height() + 16).center())
        p.fillRect(box, CAPTION_BG)
        p.setPen(CAPTION_FG)
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, hint)
        if self._drag is None or self._mode == "element":
            return
        a, b = self._drag
        pen = QPen(HIGHLIGHT, 3)
        p.setPen(pen)
        if self._mode == "arrow":
            start, shaft_end, head = arrow_path(a, b)
            p.drawLine(start, shaft_end)
            p.setBrush(HIGHLIGHT)
            p.drawPolygon(head)
        else:
            p.drawRect(QRectF(a, b).normalized())
