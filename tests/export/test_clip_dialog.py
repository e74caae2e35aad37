"""File > Export Clip…, the dialog's ranges and the export queue (helper processes, Cancel)."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

import av
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from replaydesk.export.job import temp_path
from replaydesk.export.queue import CANCELLED, DONE, ExportQueue, clip_arguments
from replaydesk.export.spec import ClipSpec
from replaydesk.ui.clip_dialog import ClipDialog, ClipSource, ExportQueuePanel

SID = "ses_46d365862838"


def _note(nid, a, b, text="card field fails"):
    return SimpleNamespace(id=nid, session_id=SID, start_ms=a, end_ms=b, text=text, tag="bug", highlight=None)


def test_dialog_ranges_marked_note_and_whole(qtbot, tmp_path):
    src = ClipSource(SID, 59_894, (1_000.0, 4_500.0), [_note("n1", 10_000, 12_000), _note("n2", 30_000, None)])
    d = ClipDialog(src, fps=12, width="640", fmt="webm", privacy="mask-inputs", out_dir=str(tmp_path))
    qtbot.addWidget(d)
    assert d.range_marked.isChecked()
    s = d.spec()
    assert (s.start_ms, s.end_ms, s.fps, s.width, s.format, s.privacy) == (1000, 4500, 12, 640, "webm", "mask-inputs")
    assert d.output() == tmp_path / f"{SID}.webm"
    d.note_combo.setCurrentIndex(1)  # a moment note: a few seconds around it
    assert d.range_note.isChecked() and d.range_ms() == (28_000, 33_000)
    d.note_combo.setCurrentIndex(0)
    assert d.range_ms() == (10_000, 12_000)
    d.range_whole.setChecked(True)
    d.blur_region_check.setChecked(True)
    d.format_combo.setCurrentIndex(d.format_combo.findData("gif"))
    s = d.spec()
    assert (s.start_ms, s.end_ms, s.blur_region, s.format) == (0, 59_894, (0, 0, 200, 100), "gif")
    assert d.output().suffix == ".gif"
    args = clip_arguments(s, d.output(), tmp_path / "store.db")
    assert args[:2] == ["clip", SID] and "--blur-region" in args and "--notes" in args


def test_dialog_without_a_marked_range_starts_from_the_whole_session(qtbot):
    d = ClipDialog(ClipSource(SID, 20_000), parent=None)
    qtbot.addWidget(d)
    assert not d.range_marked.isEnabled() and not d.range_note.isEnabled() and d.range_whole.isChecked()
    assert d.range_ms() == (0, 20_000)


@pytest.fixture
def db_copy(seeded_db_path, tmp_path):
    p = tmp_path / "store.db"
    shutil.copy(seeded_db_path, p)
    return p


def test_queue_runs_exports_in_turn_and_cancel_leaves_no_file(qtbot, db_copy, tmp_path):
    q = ExportQueue()
    panel = ExportQueuePanel(q)
    qtbot.addWidget(panel)
    out = tmp_path / "out"
    out.mkdir()
    first = q.add(ClipSpec(SID, 15_000, 16_000, fps=10, width=320), out / "a.mp4", db_copy)
    long = q.add(ClipSpec(SID, 0, 59_000, fps=15), out / "long.mp4", db_copy)
    waiting = q.add(ClipSpec(SID, 0, 1_000, fps=10, width=320), out / "c.mp4", db_copy)
    assert q.job(long).state == "waiting"
    q.cancel(waiting)  # cancelled before it started: never runs
    qtbot.waitUntil(lambda: q.job(first).state == DONE, timeout=60_000)
    qtbot.waitUntil(lambda: q.job(long).done >= 5, timeout=60_000)  # running, with progress
    pid = q.job(long).pid
    assert pid and panel.row(long)[1].value() > 0
    q.cancel(long)
    assert q.wait_idle(30_000)
    assert q.job(long).state == CANCELLED and q.job(waiting).state == CANCELLED
    assert sorted(p.name for p in out.iterdir()) == ["a.mp4"]  # no partial file, no temp file
    assert not temp_path(out / "long.mp4", pid).exists()
    with av.open(str(out / "a.mp4")) as c:
        assert sum(1 for _ in c.decode(video=0)) == 10
    assert panel.row(first)[0].text() == "a.mp4: done" and not panel.row(long)[2].isEnabled()


def test_file_menu_export_clip_queues_the_marked_range(qtbot, db_copy, tmp_path, monkeypatch):
    from tests.gui.conftest import shown_main_window
    from tests.gui.test_main_window import open_session

    with shown_main_window(qtbot, tmp_path, db_copy) as w:
        act = w.actions_by_id["export_clip"]
        assert act in w.menuBar().actions()[0].menu().actions() and act.shortcut().toString() == "Ctrl+Shift+E"
        open_session(qtbot, w, SID)
        w.player.state.set_range_in(20_000)
        w.player.state.set_range_out(21_000)
        target = tmp_path / "menu.mp4"

        def fake_exec(dlg):
            assert dlg.range_marked.isChecked()
            dlg.show()
            overlay = w.notes.overlay  # the blur region is drawn with the notes layer's rectangle tool
            qtbot.mouseClick(dlg.draw_button, Qt.MouseButton.LeftButton)
            assert not dlg.isVisible() and overlay.drawing == "rect"
            a, b = overlay.to_widget(100, 120).toPoint(), overlay.to_widget(400, 220).toPoint()
            qtbot.mousePress(overlay, Qt.MouseButton.LeftButton, pos=a)
            qtbot.mouseMove(overlay, b)
            qtbot.mouseRelease(overlay, Qt.MouseButton.LeftButton, pos=b)
            assert dlg.isVisible() and dlg.blur_region_check.isChecked()
            assert all(abs(got - want) <= 2 for got, want in zip(dlg.spec().blur_region, (100, 120, 300, 100)))
            dlg.out_edit.setText(str(target))
            dlg.width_combo.setCurrentIndex(dlg.width_combo.findData("640"))
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(ClipDialog, "exec", fake_exec)
        act.trigger()
        q = w._clip_queue
        assert w._clip_panel.isVisible()
        assert q.wait_idle(60_000)
        job = q.jobs()[0]
        assert job.state == DONE, job.message
        assert (job.spec.start_ms, job.spec.end_ms) == (20_000, 21_000) and job.spec.blur_region is not None
        with av.open(str(target)) as c:
            frames = [f for f in c.decode(video=0)]
        assert len(frames) == 15 and frames[0].width == 640


def test_shift_drag_on_the_timeline_marks_the_range(qtbot, seeded_db_path, monkeypatch):
    import pyqtgraph as pg
    from PySide6.QtCore import Qt

    from replaydesk.analysis import timeline_for_session
    from replaydesk.state.playback import PlaybackState
    from replaydesk.store import open_store
    from replaydesk.ui.timeline import TimelineWidget

    monkeypatch.setitem(pg.CONFIG_OPTIONS, "mouseRateLimit", -1)
    db = open_store(seeded_db_path, readonly=True)
    tl = timeline_for_session(db, SID)
    db.conn.close()
    state = PlaybackState()
    state.load_timeline(tl)
    w = TimelineWidget(state, tl)
    qtbot.addWidget(w)
    w.resize(900, 200)
    w.show()
    qtbot.waitExposed(w)
    vp = w.plot_widget.viewport()

    def pos(x):
        return w.view_to_widget(x, 0.5).toPoint()

    shift = Qt.KeyboardModifier.ShiftModifier
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, shift, pos(30_000))
    for x in range(28_000, 9_999, -2_000):
        qtbot.mouseMove(vp, pos(x))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, shift, pos(10_000))
    assert state.range_in is not None and state.range_out is not None
    assert abs(state.range_in - 10_000) < 400 and abs(state.range_out - 30_000) < 400
    marked = (state.range_in, state.range_out)
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=pos(50_000))  # without Shift: a pan, not a range
    for x in range(48_000, 39_999, -2_000):
        qtbot.mouseMove(vp, pos(x))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=pos(40_000))
    assert (state.range_in, state.range_out) == marked
