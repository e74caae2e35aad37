"""A seek within the page visit shown is one mutation, and looks exactly like a rebuild
(issue 16, ``replay/diff.py`` + ``ReplayView.show_frame``); the frame marker tells when the
widget's own pixels show a frame (the benchmark's headline)."""

from __future__ import annotations

import numpy as np
import pytest

from fidelity import to_array
from replaydesk.replay.session import open_session_replay
from replaydesk.store.queries import page_starts
from replaydesk.ui.render import render_replay_frame
from replaydesk.ui.replay import FrameRenderer

#: one-visit sessions: the 8-second article and the deep read (scrolls, hover, a selection and
#: a focused search box, which rebuild: replay/diff.py); moments, and how many must be patched
SESSIONS = {"ses_6ef7552cd34d": ((7900, 1200, 4000, 600, 7000), 4),
            "ses_8339d0629316": ((50000, 6000, 30000, 12000, 55000), 2)}


@pytest.fixture(scope="module")
def store(corpus, tmp_path_factory):
    from replaydesk.store import import_paths, open_store

    db = open_store(tmp_path_factory.mktemp("seek-patch") / "store.db")
    report = import_paths(db, [corpus / sid for sid in SESSIONS])
    assert sorted(report.added) == sorted(SESSIONS), report.rejected
    yield db
    db.conn.close()


@pytest.fixture(scope="module")
def renderer(qapp):
    r = FrameRenderer()
    yield r
    r.close()
    qapp.processEvents()


@pytest.mark.parametrize("sid", list(SESSIONS))
def test_patched_seeks_look_exactly_like_rebuilt_ones(renderer, store, sid):
    replay = open_session_replay(store, sid)
    pages = page_starts(store, sid)
    view = renderer.view
    renderer.view.patch_frames = True
    moments, must_patch = SESSIONS[sid]
    render_replay_frame(renderer, replay, moments[0], pages=pages)  # built in full
    patched = 0
    for ms in moments[1:]:  # backward and forward within the visit
        before = view.patched_frames
        view.patch_frames = True
        got = to_array(render_replay_frame(renderer, replay, ms, pages=pages))
        patched += view.patched_frames - before
        view.patch_frames = False
        want = to_array(render_replay_frame(renderer, replay, ms, pages=pages))
        view.patch_frames = True
        differ = np.abs(got.astype(int) - want.astype(int)).max(axis=-1) > 24
        assert differ.mean() == 0, f"{sid} at {ms} ms: {differ.mean() * 100:.3f}% of pixels differ from a rebuild"
        # and the next patch starts from this rebuilt frame
    assert patched >= must_patch, "the seeks within the visit were not patched"


def test_the_frame_marker_reaches_the_widget_pixels(qapp, qtbot):
    from replaydesk.ui.replay.view import ReplayView

    v = ReplayView()
    v.resize(640, 400)
    v.show()
    try:
        qtbot.waitUntil(lambda: v.is_ready, timeout=20000)
        v.set_frame_marker(True)
        for _ in range(2):
            with qtbot.waitSignal(v.framePainted, timeout=20000) as blocker:
                token = v.request_frame()
            assert blocker.args[0] == token
            qtbot.waitUntil(lambda: v.marker_matches(token), timeout=5000)
            assert not v.marker_matches(token + 1)
        v.set_frame_marker(False)
        with qtbot.waitSignal(v.framePainted, timeout=20000):
            token = v.request_frame()
        qtbot.wait(300)
        assert not v.marker_matches(token)  # off: nothing drawn over the page
    finally:
        v.close()
        v.deleteLater()
