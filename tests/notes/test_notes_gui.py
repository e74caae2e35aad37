"""Notes in the window (issue 13): Session > Add Note…, the Notes tab, the timeline marks,
seeking on click, Edit > Undo / Redo, and the caption overlay while a note's range plays."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialogButtonBox

from tests.gui.conftest import shown_main_window
from replaydesk.store import open_store
from replaydesk.store.notes import Highlight, add_note, list_notes
from replaydesk.ui.actions import ActionId
from replaydesk.ui.note_overlay import CAPTION_BG
from tests.ui.fidelity import to_array

pytestmark = pytest.mark.qt

SID = "ses_ac59c861b05d"


@pytest.fixture
def store_path(seeded_db_path, tmp_path):
    p = tmp_path / "gui-notes.db"
    shutil.copy(seeded_db_path, p)
    return p


def open_session(qtbot, w, sid: str = SID) -> None:
    assert w.sessions.select_session(sid)
    qtbot.waitUntil(lambda: w.player.ready and w.player.session_id == sid and w.player.state.duration > 0,
                    timeout=60_000)


def seek_and_wait(qtbot, w, ms: int) -> None:
    with qtbot.waitSignal(w.player.framePainted, timeout=30_000, check_params_cb=lambda t: t == ms):
        w.player.state.seek(ms)


def _caption_share(img: QImage, rect) -> float:
    """Share of the pixels of ``rect`` in ``img`` that are the caption bar's colour."""
    a = to_array(img)
    band = a[rect.top(): rect.bottom() + 1, rect.left(): rect.right() + 1].astype(int)
    rgb = np.array([CAPTION_BG.red(), CAPTION_BG.green(), CAPTION_BG.blue()])
    return float((np.abs(band - rgb).sum(axis=2) <= 6).mean())


def test_add_note_tab_timeline_seek_undo_redo(qtbot, tmp_path, store_path):
    with shown_main_window(qtbot, tmp_path, store_path) as w:
        open_session(qtbot, w)
        ui = w.notes
        ps = w.player.state
        seek_and_wait(qtbot, w, 4000)
        ps.set_range_in(4000)
        ps.seek(9000)
        ps.set_range_out(9000)
        add = w.actions_by_id[ActionId.ADD_NOTE]
        assert add.isEnabled() and add.shortcut().toString() == "M"
        add.trigger()
        dlg = ui.dialog
        assert dlg is not None and dlg.isVisible()
        assert dlg.is_range.isChecked() and dlg.start.value() == 4.0 and dlg.end.value() == 9.0  # the marked range
        assert not dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()  # no text yet
        dlg.text.setPlainText("Share button does nothing: rage clicks")
        dlg.tag.setCurrentIndex(dlg.tag.findData("bug"))
        dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        qtbot.waitUntil(lambda: len(ui.state.notes) == 1 and ui.state.notes[0].id > 0, timeout=10_000)
        note = ui.state.notes[0]
        assert (note.start_ms, note.end_ms, note.tag) == (4000, 9000, "bug")
        db = open_store(store_path)
        assert list_notes(db, SID) == [note]  # stored through the writer
        # in the tab and on the timeline
        assert ui.tab.model.rowCount() == 1 and "Share button" in ui.tab.model.index(0, 2).data()
        assert w.panel.tabText(w.panel.indexOf(ui.tab)) == "Notes (1)"
        assert ui.timeline.ranges == [(4000, 9000)] and ui.timeline.moments == [4000]
        # a click on the tab's row seeks
        seek_and_wait(qtbot, w, 20_000)
        w.panel.setCurrentWidget(ui.tab)
        qtbot.waitExposed(ui.tab)
        rect = ui.tab.view.visualRect(ui.tab.proxy.index(0, 2))
        qtbot.mouseClick(ui.tab.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.waitUntil(lambda: ps.time == 4000, timeout=5_000)
        # a click on its mark on the timeline seeks too
        seek_and_wait(qtbot, w, 20_000)
        plot = w.player.timeline.plot_widget
        pos = ui.timeline.view_point(note).toPoint()
        qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        qtbot.waitUntil(lambda: ps.time == 4000, timeout=5_000)
        assert ui.tab.current_note() == note
        # Edit > Undo removes it everywhere; Redo brings the same note back
        undo, redo = w.actions_by_id[ActionId.UNDO], w.actions_by_id[ActionId.REDO]
        assert undo.isEnabled() and "Add Note" in undo.text()
        undo.trigger()
        qtbot.waitUntil(lambda: ui.state.notes == [] and not ui.ctl.busy, timeout=10_000)
        assert list_notes(db, SID) == [] and ui.tab.model.rowCount() == 0 and ui.timeline.ranges == []
        assert ui.timeline.moments == [] and redo.isEnabled()
        redo.trigger()
        qtbot.waitUntil(lambda: len(ui.state.notes) == 1 and not ui.ctl.busy, timeout=10_000)
        assert list_notes(db, SID) == [note] and ui.state.notes == [note]
        assert ui.timeline.ranges == [(4000, 9000)]
        # edit and delete are undoable too
        ui.ctl.edit_note(note, note.__class__(**{**note.__dict__, "text": "edited"}))
        qtbot.waitUntil(lambda: ui.state.notes[0].text == "edited" and not ui.ctl.busy, timeout=10_000)
        ui.ctl.delete_note(ui.state.notes[0])
        qtbot.waitUntil(lambda: ui.state.notes == [] and not ui.ctl.busy, timeout=10_000)
        undo.trigger()
        qtbot.waitUntil(lambda: len(ui.state.notes) == 1 and not ui.ctl.busy, timeout=10_000)
        assert list_notes(db, SID)[0].text == "edited" and list_notes(db, SID)[0].id == note.id
        db.conn.close()


def test_caption_overlay_inside_the_range_only(qtbot, tmp_path, store_path):
    db = open_store(store_path)
    add_note(db, SID, 3000, 8000, "Card field rejects the number: user retypes it three times", tag="issue",
             highlight=Highlight("rect", 40, 60, 360, 120))
    add_note(db, SID, 15_000, None, "Moment: gives up")
    db.conn.close()
    with shown_main_window(qtbot, tmp_path, store_path) as w:
        open_session(qtbot, w)
        ov = w.notes.overlay
        assert [n.start_ms for n in w.notes.state.notes] == [3000, 15_000]
        assert w.notes.timeline.ranges == [(3000, 8000)] and w.notes.timeline.moments == [3000, 15_000]

        seek_and_wait(qtbot, w, 5000)
        qtbot.waitUntil(lambda: ov.isVisible() and not ov.caption_rect().isEmpty(), timeout=5_000)
        bar = ov.caption_rect()
        qtbot.waitUntil(lambda: _caption_share(w.player.view.grab().toImage(), bar) > 0.5, timeout=10_000)
        w.panel.setCurrentWidget(w.notes.tab)
        w.grab().save("/tmp/notes/window-note-shown.png")
        w.player.view.grab().save("/tmp/notes/replay-with-caption.png")

        seek_and_wait(qtbot, w, 11_000)  # after the range, before the moment
        assert not ov.isVisible() and ov.notes == []
        qtbot.waitUntil(lambda: _caption_share(w.player.view.grab().toImage(), bar) < 0.05, timeout=10_000)

        seek_and_wait(qtbot, w, 15_500)  # a moment shows for a little while after it
        qtbot.waitUntil(lambda: ov.isVisible() and [n.start_ms for n in ov.notes] == [15_000], timeout=5_000)
        seek_and_wait(qtbot, w, 20_000)
        assert not ov.isVisible()


def test_draw_a_rectangle_highlight_on_the_pane(qtbot, tmp_path, store_path):
    with shown_main_window(qtbot, tmp_path, store_path) as w:
        open_session(qtbot, w)
        seek_and_wait(qtbot, w, 2000)
        dlg = w.notes.add_note()
        dlg.findChild(type(dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)), "draw_rect").click()
        ov = w.notes.overlay
        assert ov.drawing == "rect" and not dlg.isVisible()
        a, b = ov.to_widget(100, 50), ov.to_widget(300, 150)
        qtbot.mousePress(ov, Qt.MouseButton.LeftButton, pos=a.toPoint())
        qtbot.mouseMove(ov, pos=QPoint(int(b.x()), int(b.y())))
        qtbot.mouseRelease(ov, Qt.MouseButton.LeftButton, pos=b.toPoint())
        qtbot.waitUntil(dlg.isVisible, timeout=5_000)
        h = dlg.note().highlight
        assert h is not None and h.kind == "rect"
        assert abs(h.x - 100) < 3 and abs(h.y - 50) < 3 and abs(h.w - 200) < 4 and abs(h.h - 100) < 4
        dlg.reject()


def test_deleting_a_session_asks_about_its_notes(qtbot, tmp_path, store_path):
    other = "ses_46d365862838"
    db = open_store(store_path)
    kept = add_note(db, SID, 1000, 2000, "keep me")
    add_note(db, other, 0, 0, "goes with its session")
    with shown_main_window(qtbot, tmp_path, store_path) as w:
        for sid, button, notes_left in ((SID, "Delete, Keep Notes", [kept]), (other, "Delete with Notes", [])):
            open_session(qtbot, w, sid)
            w.actions_by_id[ActionId.DELETE_SESSION].trigger()
            box = w.notes.delete_box
            assert box.isVisible() and "Also delete its 1 note?" in box.informativeText()
            btn = next(b for b in box.buttons() if b.text() == button)
            btn.click()
            qtbot.waitUntil(lambda sid=sid: db.conn.execute("SELECT count(*) FROM sessions WHERE id = ?",
                                                            (sid,)).fetchone()[0] == 0, timeout=20_000)
            qtbot.waitUntil(lambda: w.notes.state.session_id is None, timeout=5_000)
            assert list_notes(db, sid) == notes_left
        assert w.sessions.model.total == 7
    db.conn.close()


def test_import_of_a_bad_notes_file_says_which_file(qtbot, tmp_path, store_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    bad = tmp_path / "colleague-notes.json"
    bad.write_text('{"format": "replaydesk-notes", "version": 1, "session_id": "ses_other", "notes": []}')
    good = tmp_path / "exported.json"
    with shown_main_window(qtbot, tmp_path, store_path) as w:
        open_session(qtbot, w)
        w.notes.ctl.new_note(500, None, "a moment", "design")
        qtbot.waitUntil(lambda: bool(w.notes.state.notes) and not w.notes.ctl.busy, timeout=10_000)
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(good), ""))
        w.actions_by_id[ActionId.EXPORT_NOTES].trigger()
        assert b'"a moment"' in good.read_bytes()
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
        w.actions_by_id[ActionId.IMPORT_NOTES].trigger()
        qtbot.waitUntil(lambda: getattr(w.notes, "last_failure", None) is not None, timeout=10_000)
        text = w.notes.last_failure.text()
        assert str(bad) in text and "for session 'ses_other'" in text and "\n" not in text
        w.notes.last_failure.close()
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(good), ""))
        w.actions_by_id[ActionId.IMPORT_NOTES].trigger()
        qtbot.waitUntil(lambda: "1 already there" in w.statusBar().currentMessage(), timeout=10_000)
        assert len(w.notes.state.notes) == 1


def test_pick_an_element_highlight_in_the_pane(qtbot, tmp_path, store_path):
    with shown_main_window(qtbot, tmp_path, store_path) as w:
        open_session(qtbot, w)
        seek_and_wait(qtbot, w, 2000)
        dlg = w.notes.add_note()
        dlg.findChild(type(dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)), "draw_element").click()
        ov = w.notes.overlay
        assert ov.drawing == "element"
        vp = w.player.view.viewport_size
        p = ov.to_widget(vp.width() / 2, 160).toPoint()  # the page's main column
        qtbot.mousePress(ov, Qt.MouseButton.LeftButton, pos=p)
        qtbot.mouseRelease(ov, Qt.MouseButton.LeftButton, pos=p)
        qtbot.waitUntil(dlg.isVisible, timeout=10_000)
        h = dlg.note().highlight
        assert h is not None and h.kind == "element", h
        assert isinstance(h.node_id, int) and h.w > 0 and h.h > 0
        assert h.x <= vp.width() / 2 <= h.x + h.w and h.y <= 160 <= h.y + h.h
        assert h.selector  # from the player's DOM mirror at that moment
        dlg.text.setPlainText("this element")
        dlg.accept()
        qtbot.waitUntil(lambda: len(w.notes.state.notes) == 1 and not w.notes.ctl.busy, timeout=10_000)
        assert w.notes.state.notes[0].highlight == h


def test_m_in_the_player_adds_a_note_but_not_in_the_session_list(qtbot, tmp_path, store_path):
    with shown_main_window(qtbot, tmp_path, store_path) as w:
        open_session(qtbot, w)
        w.sessions.view.setFocus()
        qtbot.keyClick(w.sessions.view, Qt.Key.Key_M)
        assert w.notes.dialog is None  # the list keeps its type-to-find
        w.player.setFocus()
        qtbot.waitUntil(w.player.hasFocus, timeout=5_000)
        qtbot.keyClick(w.player, Qt.Key.Key_M)
        qtbot.waitUntil(lambda: w.notes.dialog is not None and w.notes.dialog.isVisible(), timeout=5_000)
        assert w.notes.dialog.start.value() == w.player.state.time / 1000
        w.notes.dialog.reject()


def test_clip_button_opens_the_clip_dialog_on_the_notes_range(qtbot, tmp_path, store_path, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from replaydesk.ui.clip_dialog import ClipDialog

    db = open_store(store_path)
    note = add_note(db, SID, 3000, 7000, "card field rejects the number", tag="issue")
    db.conn.close()
    seen = {}

    def fake_exec(dlg):  # what the analyst would see, then Cancel: nothing is queued
        seen.update(note=dlg.range_note.isChecked(), range=(dlg.spec().start_ms, dlg.spec().end_ms))
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(ClipDialog, "exec", fake_exec)
    with shown_main_window(qtbot, tmp_path, store_path) as w:
        open_session(qtbot, w)
        tab = w.notes.tab
        qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10_000)
        assert not tab.clip_btn.isEnabled()  # nothing selected yet
        tab.select_note(note.id)
        assert tab.clip_btn.isEnabled()
        qtbot.mouseClick(tab.clip_btn, Qt.MouseButton.LeftButton)
        assert seen == {"note": True, "range": (3000, 7000)}
        assert getattr(w, "_clip_queue", None) is None
