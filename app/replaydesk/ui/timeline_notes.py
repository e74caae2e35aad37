"""Notes on the timeline: a mark per moment and a bar per range, in a band along the top of
the activity graph, clickable to seek.

A layer over :class:`~.timeline.TimelineWidget` (not another lane of it): notes belong to the
analyst, not to the recording, and the timeline module stays under the house size limit.
It follows a :class:`~replaydesk.state.notes.NotesState`; a click on a mark or a bar seeks
the playback state to the note's start and emits ``noteClicked(note)`` (the Notes tab
selects it). Hovering one shows its text (``TimelineWidget.note_tooltip``).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, Signal
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem

from ..state.notes import NotesState
from ..store.notes import Note
from .bindings import bind
from .formatting import clock
from .note_overlay import HIGHLIGHT, TAG_COLORS

#: the notes band, in the timeline's y units (the activity graph spans 0..1, Y_MAX is 1.04)
BAND = (0.925, 1.035)
MARK_Y = (BAND[0] + BAND[1]) / 2


def _color(n: Note) -> QColor:
    return QColor(TAG_COLORS.get(n.tag or "", HIGHLIGHT))


class _RangeBar(QGraphicsRectItem):
    """One range note, in view coordinates (ms × y); a click seeks to its start."""

    def __init__(self, note: Note, on_click):
        super().__init__(QRectF(note.start_ms, BAND[0], max(1, note.end_ms - note.start_ms), BAND[1] - BAND[0]))
        self.note = note
        self._on_click = on_click
        c = _color(note)
        pen = QPen(c, 1.5)
        pen.setCosmetic(True)
        self.setPen(pen)
        fill = QColor(c)
        fill.setAlpha(110)
        self.setBrush(QBrush(fill))
        self.setZValue(30)

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 - pyqtgraph scene API
        ev.accept()
        self._on_click(self.note)


class TimelineNotes(QObject):
    noteClicked = Signal(object)

    def __init__(self, timeline, state: NotesState, playback, parent=None):
        super().__init__(parent or timeline)
        self.timeline = timeline
        self._playback = playback
        self._notes: list[Note] = []
        self._bars: list[_RangeBar] = []
        self._marks = pg.ScatterPlotItem(symbol="t", size=13, hoverable=True, hoverSize=17, tip=None, antialias=True)
        self._marks.setZValue(31)
        self._marks.sigClicked.connect(self._on_marks_clicked)
        timeline.plot_widget.addItem(self._marks, ignoreBounds=True)
        timeline.note_tooltip = self.tooltip_at
        bind(self, state, "notes_changed", self.set_notes)
        self.set_notes(state.notes)

    @property
    def moments(self) -> list[int]:
        """Times (ms) of the moment marks drawn (tests)."""
        return [int(x) for x in self._marks.getData()[0]]

    @property
    def ranges(self) -> list[tuple[int, int]]:
        """(start, end) of the range bars drawn (tests)."""
        return [(b.note.start_ms, b.note.end_ms) for b in self._bars]

    def set_notes(self, notes: list[Note]) -> None:
        self._notes = list(notes)
        plot = self.timeline.plot_widget
        for b in self._bars:
            plot.removeItem(b)
        self._bars = [_RangeBar(n, self._click) for n in self._notes if n.is_range]
        for b in self._bars:
            plot.addItem(b, ignoreBounds=True)
        # every note has a mark at its start (a range: the start of its bar)
        xs = np.asarray([n.start_ms for n in self._notes], dtype=float)
        self._marks.setData(x=xs, y=np.full(xs.size, MARK_Y), data=self._notes,
                            brush=[pg.mkBrush(_color(n)) for n in self._notes],
                            pen=[pg.mkPen(QColor(255, 255, 255, 200), width=1) for _n in self._notes])

    def view_point(self, note: Note):
        """Widget coordinates of a note's mark in the timeline's plot (tests click it)."""
        return self.timeline.view_to_widget(note.start_ms, MARK_Y)

    def tooltip_at(self, x: float, y: float) -> str:
        if not BAND[0] <= y <= BAND[1] + 0.01:
            return ""
        tol = 6 * abs(self.timeline.view_box.viewPixelSize()[0])
        hits = [n for n in self._notes if n.start_ms - tol <= x <= max(n.end_ms, n.start_ms) + tol]
        lines = []
        for n in hits[:3]:
            when = clock(n.start_ms) + (f" – {clock(n.end_ms)}" if n.is_range else "")
            lines.append(f"Note · {when}{'  [' + n.tag + ']' if n.tag else ''}\n{n.text[:300]}")
        return "\n\n".join(lines)

    def _on_marks_clicked(self, _item, points, _ev) -> None:
        if len(points):
            self._click(points[0].data())

    def _click(self, note: Note) -> None:
        self._playback.seek(note.start_ms)
        self.noteClicked.emit(note)
