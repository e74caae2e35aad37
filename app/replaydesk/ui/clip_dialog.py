"""File > Export Clip…: choose a range and options, then queue the export (issue 13).

The range comes from the timeline's marked range (``[`` and ``]``, or a drag), a note's range
or the whole session. Exports run in helper processes (:class:`~replaydesk.export.queue.ExportQueue`)
so the window stays responsive; :class:`ExportQueuePanel` shows each one with its progress
and a Cancel button. Defaults come from Preferences (export/fps, export/width, export/format)
and the replay's privacy mode, so a clip is masked the way the screen is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QMessageBox, QProgressBar, QPushButton, QRadioButton, QSpinBox, QVBoxLayout, QWidget,
)

from ..export.queue import CANCELLED, DONE, FAILED, RUNNING, WAITING, ExportQueue
from ..export.spec import FORMATS, SPEEDS, ClipError, ClipSpec
from ..state.privacy import PRIVACY_LABELS, PRIVACY_MODES, privacy_mode
from .formatting import clock as _clock

WIDTHS = ("recorded", "1920", "1280", "960", "640")


@dataclass
class ClipSource:
    """What the dialog can start from: the session, its marked range and its notes."""

    session_id: str
    duration_ms: int
    marked: tuple[float, float] | None = None
    notes: Sequence = ()
    title: str = ""


class ClipDialog(QDialog):
    def __init__(self, source: ClipSource, *, fps: int = 15, width: str = "recorded", fmt: str = "mp4",
                 privacy: str = "as-recorded", out_dir: str = "", note_id=None, parent: QWidget | None = None,
                 draw_region: Callable[[Callable[[tuple | None], None]], None] | None = None):
        """``draw_region(done)``: let the user draw a rectangle on the replay pane, then call
        ``done((x, y, w, h))`` in CSS px, or ``done(None)`` when cancelled (None: no pane)."""
        super().__init__(parent)
        self.setWindowTitle("Export Clip")
        self.setObjectName("clipDialog")
        self.source = source
        lay = QVBoxLayout(self)

        rng = QFormLayout()
        self.range_marked = QRadioButton()
        self.range_marked.setObjectName("rangeMarked")
        if source.marked:
            a, b = source.marked
            self.range_marked.setText(f"Marked range ({_clock(a)} – {_clock(b)})")
        else:
            self.range_marked.setText("Marked range (mark one with [ and ] on the timeline)")
            self.range_marked.setEnabled(False)
        self.range_note = QRadioButton("Note")
        self.range_note.setObjectName("rangeNote")
        self.note_combo = QComboBox()
        self.note_combo.setObjectName("noteCombo")
        for n in source.notes:
            end = getattr(n, "end_ms", None)
            span = _clock(n.start_ms) + (f" – {_clock(end)}" if end is not None and end > n.start_ms else "")
            self.note_combo.addItem(f"{span}  {' '.join(str(n.text).split())[:60]}", n.id)
        self.range_note.setEnabled(bool(source.notes))
        self.note_combo.setEnabled(bool(source.notes))
        self.range_whole = QRadioButton(f"Whole session ({_clock(source.duration_ms)})")
        self.range_whole.setObjectName("rangeWhole")
        note_row = QHBoxLayout()
        note_row.addWidget(self.range_note)
        note_row.addWidget(self.note_combo, 1)
        rng.addRow(self.range_marked)
        rng.addRow(note_row)
        rng.addRow(self.range_whole)
        if note_id is not None and self.note_combo.findData(note_id) >= 0:
            self.note_combo.setCurrentIndex(self.note_combo.findData(note_id))
            self.range_note.setChecked(True)
        elif source.marked:
            self.range_marked.setChecked(True)
        else:
            self.range_whole.setChecked(True)
        self.note_combo.currentIndexChanged.connect(lambda _i: self.range_note.setChecked(True))
        lay.addLayout(rng)

        form = QFormLayout()
        self.fps_spin = QSpinBox()
        self.fps_spin.setObjectName("clipFps")
        self.fps_spin.setRange(1, 60)
        self.fps_spin.setValue(int(fps))
        self.fps_spin.setSuffix(" frames/s")
        form.addRow("Frame rate", self.fps_spin)
        self.width_combo = QComboBox()
        self.width_combo.setObjectName("clipWidth")
        for w in WIDTHS:
            self.width_combo.addItem("as recorded" if w == "recorded" else f"{w} px", w)
        if self.width_combo.findData(str(width)) < 0:
            self.width_combo.addItem(f"{width} px", str(width))
        self.width_combo.setCurrentIndex(self.width_combo.findData(str(width)))
        form.addRow("Size", self.width_combo)
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("clipFormat")
        for f in FORMATS:
            self.format_combo.addItem({"mp4": "MP4 (H.264)", "webm": "WebM (VP9)", "gif": "GIF"}[f], f)
        self.format_combo.setCurrentIndex(max(0, self.format_combo.findData(fmt)))
        form.addRow("Format", self.format_combo)
        self.speed_combo = QComboBox()
        self.speed_combo.setObjectName("clipSpeed")
        for s in SPEEDS:
            self.speed_combo.addItem(f"{s:g}x", s)
        form.addRow("Speed", self.speed_combo)
        self.skip_check = QCheckBox("Skip inactivity (a \"skipped N s\" card shows)")
        self.skip_check.setObjectName("clipSkip")
        form.addRow("", self.skip_check)
        lay.addLayout(form)

        burn = QFormLayout()
        self.notes_check = QCheckBox("Notes: caption bar and highlights")
        self.notes_check.setObjectName("clipNotes")
        self.notes_check.setChecked(bool(source.notes))
        self.cursor_check = QCheckBox("Cursor with its trail, click and tap ripples")
        self.cursor_check.setChecked(True)
        self.header_check = QCheckBox("Header: URL and session time")
        self.header_check.setChecked(True)
        self.progress_check = QCheckBox("Progress bar")
        self.progress_check.setChecked(True)
        for w in (self.notes_check, self.cursor_check, self.header_check, self.progress_check):
            burn.addRow("Burn in" if w is self.notes_check else "", w)
        self.privacy_combo = QComboBox()
        self.privacy_combo.setObjectName("clipPrivacy")
        for m in PRIVACY_MODES:
            self.privacy_combo.addItem(PRIVACY_LABELS[m], m)
        self.privacy_combo.setCurrentIndex(self.privacy_combo.findData(privacy_mode(privacy)))
        burn.addRow("Privacy", self.privacy_combo)
        self.blur_inputs_check = QCheckBox("Blur every input field's content")
        self.blur_inputs_check.setObjectName("clipBlurInputs")
        burn.addRow("", self.blur_inputs_check)
        region = QHBoxLayout()
        self.blur_region_check = QCheckBox("Blur region")
        self.blur_region_check.setObjectName("clipBlurRegion")
        region.addWidget(self.blur_region_check)
        self.region_spins = []
        for label, v in (("x", 0), ("y", 0), ("w", 200), ("h", 100)):
            sp = QSpinBox()
            sp.setRange(0, 10000)
            sp.setValue(v)
            sp.setPrefix(f"{label} ")
            sp.setEnabled(False)
            self.region_spins.append(sp)
            region.addWidget(sp)
        self.blur_region_check.toggled.connect(lambda on: [s.setEnabled(on) for s in self.region_spins])
        self.draw_button = QPushButton("Draw on the Page…")
        self.draw_button.setObjectName("clipDrawRegion")
        self.draw_button.setToolTip("Hide this dialog and drag a rectangle over the replayed page (Esc cancels)")
        self.draw_button.setEnabled(draw_region is not None)
        self._draw_region = draw_region
        self.draw_button.clicked.connect(self._draw)
        region.addWidget(self.draw_button)
        burn.addRow("", region)
        lay.addLayout(burn)

        out_row = QHBoxLayout()
        self.out_edit = QLineEdit()
        self.out_edit.setObjectName("clipOutput")
        base = Path(out_dir or Path.home()) / f"{source.session_id}.{self.format_combo.currentData()}"
        self.out_edit.setText(str(base))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        out_row.addWidget(QLabel("Save to"))
        out_row.addWidget(self.out_edit, 1)
        out_row.addWidget(browse)
        lay.addLayout(out_row)
        self.format_combo.currentIndexChanged.connect(self._retarget)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("clipExport")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)

    def _draw(self) -> None:
        self.hide()  # the pane takes the mouse while the dialog waits
        self._draw_region(self._region_drawn)

    def _region_drawn(self, region: tuple | None) -> None:
        if region is not None and region[2] >= 1 and region[3] >= 1:
            for sp, v in zip(self.region_spins, region):
                sp.setValue(max(0, round(v)))
            self.blur_region_check.setChecked(True)
        self.show()
        self.raise_()

    def _retarget(self) -> None:
        p = Path(self.out_edit.text())
        if p.suffix.lower().lstrip(".") in FORMATS:
            self.out_edit.setText(str(p.with_suffix("." + self.format_combo.currentData())))

    def _browse(self) -> None:
        fmt = self.format_combo.currentData()
        path, _ = QFileDialog.getSaveFileName(self, "Export clip", self.out_edit.text(), f"{fmt.upper()} video (*.{fmt})")
        if path:
            self.out_edit.setText(path)

    def range_ms(self) -> tuple[int, int]:
        s = self.source
        if self.range_marked.isChecked() and s.marked:
            return int(s.marked[0]), int(s.marked[1])
        if self.range_note.isChecked() and s.notes:
            n = next(n for n in s.notes if n.id == self.note_combo.currentData())
            end = getattr(n, "end_ms", None)
            if end is not None and end > n.start_ms:
                return int(n.start_ms), int(end)
            return max(0, int(n.start_ms) - 2000), min(s.duration_ms, int(n.start_ms) + 3000)
        return 0, int(s.duration_ms)

    def spec(self) -> ClipSpec:
        a, b = self.range_ms()
        w = self.width_combo.currentData()
        region = tuple(sp.value() for sp in self.region_spins) if self.blur_region_check.isChecked() else None
        return ClipSpec(self.source.session_id, a, max(b, a + 1), fps=self.fps_spin.value(),
                        width=None if w == "recorded" else int(w), format=self.format_combo.currentData(),
                        speed=float(self.speed_combo.currentData()), skip_inactivity=self.skip_check.isChecked(),
                        notes=self.notes_check.isChecked(), cursor=self.cursor_check.isChecked(),
                        header=self.header_check.isChecked(), progress_bar=self.progress_check.isChecked(),
                        privacy=self.privacy_combo.currentData(), blur_inputs=self.blur_inputs_check.isChecked(),
                        blur_region=region).validate()

    def output(self) -> Path:
        return Path(self.out_edit.text()).expanduser()

    def _accept(self) -> None:
        try:
            self.spec()
        except ClipError as exc:
            QMessageBox.warning(self, "Export Clip", str(exc))
            return
        out = self.output()
        if not out.parent.is_dir():
            QMessageBox.warning(self, "Export Clip", f"There is no folder {out.parent}.")
            return
        self.accept()


class ExportQueuePanel(QWidget):
    """The exports of this window: name, progress, state, and Cancel while waiting or running."""

    def __init__(self, queue: ExportQueue, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Tool)
        self.setWindowTitle("Clip Exports")
        self.setObjectName("clipQueue")
        self.queue = queue
        self._rows: dict[int, tuple[QLabel, QProgressBar, QPushButton]] = {}
        self._lay = QVBoxLayout(self)
        self._lay.addStretch(1)
        queue.jobChanged.connect(self._update)
        self.resize(480, 120)

    def row(self, job_id: int) -> tuple[QLabel, QProgressBar, QPushButton]:
        return self._rows[job_id]

    def _update(self, job_id: int) -> None:
        job = self.queue.job(job_id)
        if job_id not in self._rows:
            w = QWidget()
            h = QHBoxLayout(w)
            h.setContentsMargins(0, 0, 0, 0)
            label = QLabel()
            label.setTextFormat(Qt.TextFormat.PlainText)
            bar = QProgressBar()
            bar.setRange(0, 1000)
            cancel = QPushButton("Cancel")
            cancel.clicked.connect(lambda: self.queue.cancel(job_id))
            h.addWidget(label, 1)
            h.addWidget(bar)
            h.addWidget(cancel)
            self._lay.insertWidget(self._lay.count() - 1, w)
            self._rows[job_id] = (label, bar, cancel)
        label, bar, cancel = self._rows[job_id]
        state = {WAITING: "waiting", RUNNING: job.message or "running", DONE: "done", FAILED: job.message,
                 CANCELLED: "cancelled"}[job.state]
        label.setText(f"{job.title}: {state}")
        label.setToolTip(job.message or "")
        bar.setValue(1000 if job.state == DONE else round(1000 * job.done / job.total) if job.total else 0)
        cancel.setEnabled(job.state in (WAITING, RUNNING))


def _notes_of(db, session_id: str) -> list:
    try:
        from ..store.notes import list_notes
    except ImportError:  # the annotations half of issue 13 not there yet
        return []
    return list(list_notes(db, session_id))


def _region_drawer(window):
    """Drawing the blur region with the notes layer's rectangle tool (ui/note_overlay.py)."""
    overlay = getattr(getattr(window, "notes", None), "overlay", None)
    if overlay is None or not hasattr(overlay, "start_drawing"):
        return None

    def draw(done) -> None:
        def drawn(h) -> None:
            overlay.drawn.disconnect(drawn)
            done(None if h is None or getattr(h, "kind", None) != "rect" else (h.x, h.y, h.w, h.h))

        overlay.drawn.connect(drawn)
        overlay.start_drawing("rect")

    return draw


def export_clip(window, note_id=None) -> int | None:
    """File > Export Clip… for the session shown in ``window`` (a MainWindow): returns the queued job id."""
    player = window.player
    sid = player.session_id
    if not sid:
        QMessageBox.information(window, "Export Clip", "Open a session first.")
        return None
    state = player.state
    source = ClipSource(sid, int(state.duration), state.range() if state.range_in is not None or state.range_out is not None else None,
                        _notes_of(window.db, sid))
    s = window.settings
    dlg = ClipDialog(source, fps=s.get("export/fps"), width=str(s.get("export/width")), fmt=s.get("export/format"),
                     privacy=player.view.privacy_mode, out_dir=str(Path.home()),
                     note_id=note_id, parent=window, draw_region=_region_drawer(window))
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    queue = getattr(window, "_clip_queue", None)
    if queue is None:
        queue = window._clip_queue = ExportQueue(window)
        window._clip_panel = ExportQueuePanel(queue, window)
        from PySide6.QtWidgets import QApplication

        QApplication.instance().aboutToQuit.connect(queue.shutdown)
    job = queue.add(dlg.spec(), dlg.output(), window.db_path)
    window._clip_panel.show()
    window._clip_panel.raise_()
    return job
