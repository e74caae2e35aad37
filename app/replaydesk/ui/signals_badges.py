"""The session list's Signals cell: one small coloured pill per kind, ``R3 D1 E2``.

The model gives the counts (``SIGNALS_ROLE``: ``[(kind, count)]`` from the row's
``sig_*`` columns, fetched with the row, never a query per cell); this delegate only
paints them. Pills that do not fit the column are summed into a last grey ``+n`` pill,
so a narrow column still says there is more. The letters' legend is in the cell's
tooltip (the model's ``ToolTipRole``).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from . import signals_style as ss

SIGNALS_ROLE = Qt.ItemDataRole.UserRole + 3
PAD_X = 4
GAP = 3


class SignalBadgeDelegate(QStyledItemDelegate):
    """Paints ``SIGNALS_ROLE`` as pills; falls back to the plain text for other data."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        counts = index.data(SIGNALS_ROLE)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # the background, selection and focus only; pills on top
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        if not counts:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        font = opt.font
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        font.setBold(True)
        painter.setFont(font)
        fm = QFontMetrics(font)
        h = min(opt.rect.height() - 6, fm.height() + 2)
        y = opt.rect.y() + (opt.rect.height() - h) / 2
        x = opt.rect.x() + 4
        right = opt.rect.right() - 2
        palette = opt.palette
        for i, (kind, n) in enumerate(counts):
            text = f"{ss.style(kind).letter}{n}"
            w = fm.horizontalAdvance(text) + 2 * PAD_X
            rest = counts[i + 1 :]
            more_w = fm.horizontalAdvance(f"+{sum(c for _k, c in rest)}") + 2 * PAD_X + GAP if rest else 0
            if x + w + more_w > right and i > 0:
                hidden = sum(c for _k, c in counts[i:])
                self._pill(painter, QRectF(x, y, fm.horizontalAdvance(f"+{hidden}") + 2 * PAD_X, h), f"+{hidden}",
                           QColor("#64748b"))
                break
            self._pill(painter, QRectF(x, y, w, h), text, ss.color(kind, palette))
            x += w + GAP
        painter.restore()

    @staticmethod
    def _pill(painter: QPainter, rect: QRectF, text: str, fill: QColor) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.setPen(QColor("#111827") if fill.lightness() > 150 else QColor("#ffffff"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:  # noqa: N802 - Qt API
        counts = index.data(SIGNALS_ROLE) or []
        fm = QFontMetrics(option.font)
        w = sum(fm.horizontalAdvance(f"{ss.style(k).letter}{n}") + 2 * PAD_X + GAP for k, n in counts) + 8
        return QSize(max(w, 24), fm.height() + 6)
