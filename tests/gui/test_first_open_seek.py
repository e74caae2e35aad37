"""A first open (nothing cached) seeks anywhere at once (issue 16).

The seekable span comes from the session's stored row at open, a far seek is answered from
its page visit's FullSnapshot while the checkpoint scan still runs (held here until the test
lets it go, so "before the scan ends" is certain, not a race), the frame is the one the
checkpoints give, and the views arriving later fill in the timeline without moving the
playhead."""

from __future__ import annotations

import dataclasses
import shutil
import threading
import time

import pytest

import replaydesk.ui.player as player_mod
import replaydesk.ui.session_loader as loader_mod
from tests.gui.conftest import shown_main_window
from replaydesk.replay.frame import frame_from_mirror
from replaydesk.replay.session import SessionReplay, open_session_replay
from replaydesk.store import open_store
from replaydesk.store.checkpoints_table import has_checkpoints
from replaydesk.ui.session_loader import ScanGate

pytestmark = pytest.mark.qt

#: 60 s, five page visits (snapshots at 0, 10, 19, 23 and 55 s): 90% is on the fourth, past
#: the 30 s a seek could always reach without checkpoints
SID = "ses_46d365862838"


class HeldScans:
    """The player's real checkpoint scan, started only when the test releases it (or when the
    player cancels it: the window closing must not wait for a scan nobody will release)."""

    def __init__(self, monkeypatch):
        self.sids: list[str] = []
        self.finished: list[str] = []
        self._go = threading.Event()
        real = loader_mod.index_session

        def held(db, sid, **kw):
            self.sids.append(sid)
            token, deadline = kw.get("token"), time.monotonic() + 60
            while not self._go.wait(0.05) and not (token is not None and token.cancelled) \
                    and time.monotonic() < deadline:
                pass
            try:
                return real(db, sid, **kw)
            finally:
                self.finished.append(sid)

        monkeypatch.setattr(loader_mod, "index_session", held)

    def release(self) -> None:
        self._go.set()


@pytest.fixture
def scans(monkeypatch):
    held = HeldScans(monkeypatch)
    yield held
    held.release()  # never leave the writer waiting, whatever the test did


@pytest.fixture
def window(qtbot, tmp_path, signals_db_path, scans):
    path = tmp_path / "s.db"
    shutil.copy(signals_db_path, path)  # the corpus as the app imports it: nothing indexed
    with shown_main_window(qtbot, tmp_path, path) as w:
        qtbot.waitUntil(lambda: w.player.view.is_ready, timeout=30_000)
        yield w
        scans.release()  # let the writer finish the scan before the window and its store go
        qtbot.waitUntil(lambda: len(scans.finished) == len(scans.sids), timeout=30_000)


def _shown_frames(monkeypatch, player) -> list:
    frames = []
    real = player.view.show_frame

    def spy(frame, *a, **k):
        frames.append(frame)
        return real(frame, *a, **k)

    monkeypatch.setattr(player.view, "show_frame", spy)
    return frames


def _span(db, sid: str) -> tuple[int, int]:
    return db.execute("SELECT started_at, ended_at FROM sessions WHERE id = ?", (sid,)).fetchone()


def test_a_first_open_answers_a_far_seek_before_the_scan_and_keeps_the_playhead(qtbot, window, monkeypatch, scans):
    p = window.player
    assert not has_checkpoints(p.db, SID)
    frames = _shown_frames(monkeypatch, p)
    gate_held = []  # the scan is paused while the GUI thread replays without checkpoints
    real_seek = SessionReplay.seek
    monkeypatch.setattr(SessionReplay, "seek", lambda self, *a, **k: (
        gate_held.append((self.status, p.loader.gate._held > 0)), real_seek(self, *a, **k))[1])
    assert window.sessions.select_session(SID)
    t0, t1 = _span(p.db, SID)
    assert p.state.duration == t1 - t0  # seekable at once, from the session row
    far = int(p.state.duration * 0.9)
    with qtbot.waitSignal(p.framePainted, timeout=30_000, check_params_cb=lambda t: t == far):
        p.state.seek(far)
    assert scans.sids == [SID] and not scans.finished and not p.ready  # answered before the scan
    assert gate_held and all(held for status, held in gate_held if status != "cached")
    got = frames[-1]
    assert got.timestamp == t0 + far
    n_shown = len(frames)

    scans.release()
    qtbot.waitUntil(lambda: p.loaded, timeout=60_000)
    assert p.state.time == far  # the views arrived: the playhead stayed where the user put it
    assert p.timeline.timeline().markers and p.timeline.timeline().activity.size  # and they filled in
    assert len(frames) == n_shown  # no rewind to 0, no second drawing of the same moment

    full = open_session_replay(p.db, SID, build_if_missing=False)
    assert full.status == "cached"  # the scan stored them: this is the checkpoint path
    m = full.seek(t0 + far)
    want = frame_from_mirror(m, t0 + far, full.pointer_at(m, t0 + far))
    assert dataclasses.asdict(got) == dataclasses.asdict(want)


def test_a_seek_too_long_to_replay_waits_for_the_checkpoints(qtbot, window, monkeypatch, scans):
    """The bound still holds: past it, the seek is shown once the scan is done, at its time."""
    monkeypatch.setattr(player_mod, "NO_CHECKPOINT_REACH_EVENTS", 10)
    p = window.player
    assert window.sessions.select_session(SID)
    far = int(p.state.duration * 0.9)
    painted = []
    p.framePainted.connect(painted.append)
    p.state.seek(far)
    qtbot.wait(1_000)
    assert far not in painted and not scans.finished
    with qtbot.waitSignal(p.framePainted, timeout=60_000, check_params_cb=lambda t: t == far):
        scans.release()
    assert p.state.time == far


def test_a_drag_keeps_the_small_bound_and_shows_where_it_is_let_go(qtbot, window, monkeypatch, scans):
    """While the playhead is dragged a long replay would freeze the drag: it waits, and the
    moment the drag ends at is shown at once, before the checkpoints."""
    monkeypatch.setattr(player_mod, "NO_CHECKPOINT_SCRUB_EVENTS", 10)
    p = window.player
    assert window.sessions.select_session(SID)
    far = int(p.state.duration * 0.9)
    painted = []
    p.framePainted.connect(painted.append)
    p.state.begin_scrub()
    p.state.seek(far)
    qtbot.wait(1_000)
    assert far not in painted
    with qtbot.waitSignal(p.framePainted, timeout=30_000, check_params_cb=lambda t: t == far):
        p.state.end_scrub()
    assert not scans.finished and not p.ready
    scans.release()
    qtbot.waitUntil(lambda: p.loaded, timeout=30_000)
    assert p.state.time == far


def test_the_scan_waits_while_the_gate_is_held(tmp_path, signals_db_path):
    """A seek replayed on the GUI thread holds the gate; the scan (writer) then stops at its
    next cancel check instead of taking half the GIL."""
    from replaydesk.analysis.indexing import index_session

    path = tmp_path / "s.db"
    shutil.copy(signals_db_path, path)
    gate, done = ScanGate(), threading.Event()
    checks = []

    def scan():
        db = open_store(path)
        try:
            index_session(db, "ses_49340e341bb8", with_views=True, wait=lambda: (checks.append(1), gate.wait()))
        finally:
            db.conn.close()
            done.set()

    with gate.paused():
        th = threading.Thread(target=scan)
        th.start()
        deadline = time.monotonic() + 10
        while not checks and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.5)  # the whole 1,661-event scan takes ~0.1 s when it runs
        assert checks and not done.is_set() and len(checks) == 1
    assert done.wait(30)
    th.join()
    assert len(checks) >= 1_661 // 512


def test_the_inspector_filter_keeps_its_rules_on_its_fast_path(qtbot):
    """The proxy reads rows directly (a 52k-row reset took 1.2-2.8 s on the GUI thread as an
    hour-long session opened, ahead of the user's seek): types and text filter as before."""
    from replaydesk.analysis.events import EventRow
    from replaydesk.ui.inspector import EventInspector

    ins = EventInspector()
    qtbot.addWidget(ins)
    ins.set_rows([EventRow(0, "click", "Click on Buy", None, 1), EventRow(10, "mutation", "DOM: 3 nodes", None, 1),
                  EventRow(20, "input", "Typed in Search", None, 1), EventRow(30, "click", "Click on Help", None, 1)])

    def shown():
        return [ins.proxy.index(r, 2).data() for r in range(ins.proxy.rowCount())]

    assert shown() == ["Click on Buy", "Typed in Search", "Click on Help"]  # DOM hidden by default
    ins.search.setText("click ON")  # case-insensitive text match on the summary
    assert shown() == ["Click on Buy", "Click on Help"]
    ins.kind_actions["click"].setChecked(False)
    assert shown() == []
    ins.search.setText("")
    ins.kind_actions["mutation"].setChecked(True)
    assert shown() == ["DOM: 3 nodes", "Typed in Search"]
