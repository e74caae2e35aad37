"""``render`` and the headless renderer: a frame for every moment, and only finished frames.

* ``--at 0`` failed for every session (rrweb writes its FullSnapshot a few ms after
  the first event); now a moment before the first snapshot renders that snapshot.
* ``render`` printed the session's first viewport, not the size at that moment.
* On viewports wider than 1024 px, renders made while the machine was busy came out
  with a dark band beyond x=1024: the frame was grabbed before the view reached the
  recorded size. A frame counts as on screen only when the view has the recorded size
  and its sentinel row shows across the whole width.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from fidelity import to_array, within
from replaydesk.replay.session import open_session_replay
from replaydesk.ui.render import render_replay_frame
from replaydesk.ui.replay import FrameRenderer

DARK = np.array([43, 47, 54])  # the renderer page's background outside the recorded viewport
WIDE = [("ses_5924706e4bfc", 7000), ("ses_46d365862838", 22528), ("ses_ac59c861b05d", 19247)]


@pytest.fixture(scope="module")
def store(seeded_db_path, tmp_path_factory):
    from replaydesk.store import open_store

    path = tmp_path_factory.mktemp("render-complete") / "store.db"
    shutil.copy(seeded_db_path, path)
    db = open_store(path)
    yield db
    db.conn.close()


@pytest.fixture(scope="module")
def renderer(qapp):
    r = FrameRenderer()
    yield r
    r.close()
    qapp.processEvents()


def _pages(db, sid):
    return [r[0] for r in db.conn.execute("SELECT t_enter FROM pages WHERE session_id = ? ORDER BY seq", (sid,))]


def dark_share(a: np.ndarray) -> float:
    """Share of the pixels right of x=1024 in the renderer's dark background colour."""
    return float((np.abs(a[:, 1024:].astype(int) - DARK).max(axis=2) <= 3).mean())


@pytest.mark.parametrize("sid", ["ses_46d365862838", "ses_894a31ac3a8c", "ses_f69ef2c8dc31"])
def test_render_at_0_shows_the_first_page(store, renderer, sid):
    replay = open_session_replay(store, sid)
    first = replay.first_snapshot_ts - replay.first_ts
    assert first > 0  # the recorder wrote Meta before the snapshot
    at0 = to_array(render_replay_frame(renderer, replay, 0, pages=_pages(store, sid)))
    at_snapshot = to_array(render_replay_frame(renderer, replay, first, pages=_pages(store, sid)))
    assert at0.std() > 10, "a blank frame"
    assert within(at0, at_snapshot) > 0.999


def test_a_frame_is_not_finished_until_the_view_has_the_recorded_size(qtbot, store, renderer):
    sid, at = WIDE[0]
    replay = open_session_replay(store, sid)
    img = render_replay_frame(renderer, replay, at, pages=_pages(store, sid))
    assert (img.width(), img.height()) == (1440, 900)
    token = renderer.view.last_painted_token
    assert renderer.view.sentinel_matches(token)
    web = renderer.view.web_view()
    web.setMaximumWidth(1024)  # the page narrower than the recorded viewport, as before a resize lands
    try:
        qtbot.waitUntil(lambda: web.width() == 1024, timeout=5000)
        qtbot.wait(300)  # let the page composite at that width
        assert not renderer.view.sentinel_matches(token), "a frame narrower than the viewport passed as finished"
    finally:
        web.setMaximumWidth(16777215)
    again = to_array(render_replay_frame(renderer, replay, at, pages=_pages(store, sid)))
    assert again.shape == (900, 1440, 3) and dark_share(again) < 0.01


def test_wide_renders_under_cpu_load_are_finished(qapp, store):
    """Fresh renderers (1024 px wide at first, as for every ``replaydesk render``) asked
    for wide frames while busy loops take the CPUs: every frame is complete, and the
    same as the one rendered without the load."""
    replays = {sid: open_session_replay(store, sid) for sid, _ in WIDE}
    with FrameRenderer() as r:
        reference = {(sid, at): to_array(render_replay_frame(r, replays[sid], at, pages=_pages(store, sid)))
                     for sid, at in WIDE}
    qapp.processEvents()
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(max(2, os.cpu_count() or 2))]
    bad = []
    try:
        for rep in range(3):
            with FrameRenderer() as r:
                for sid, at in WIDE:
                    a = to_array(render_replay_frame(r, replays[sid], at, pages=_pages(store, sid)))
                    ref = reference[(sid, at)]
                    if a.shape != ref.shape or dark_share(a) > 0.01 or within(a, ref) < 0.99:
                        bad.append((rep, sid, at, a.shape, dark_share(a) if a.shape == ref.shape else None))
            qapp.processEvents()
    finally:
        for p in busy:
            p.kill()
            p.wait()
    assert not bad, f"unfinished frames under load: {bad}"


def _cli(*args):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    return subprocess.run([sys.executable, "-m", "replaydesk", *map(str, args)], capture_output=True, text=True,
                          timeout=180, env=env)


def test_cli_render_at_0_and_the_size_at_that_moment(tmp_path, seeded_db_path):
    db = tmp_path / "s.db"
    shutil.copy(seeded_db_path, db)
    from PySide6.QtGui import QImageReader

    out0 = tmp_path / "at0.png"
    r = _cli("render", "ses_46d365862838", "--at", "0", "-o", out0, "--db", db)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr[-2000:]
    assert "(1280x800 viewport at 0 ms)" in r.stdout
    # ses_49340e341bb8 starts at 1280x800 and the window is resized to 860x700 at 53.8 s
    late = tmp_path / "late.png"
    r = _cli("render", "ses_49340e341bb8", "--at", "55000", "-o", late, "--db", db)
    assert r.returncode == 0, r.stderr[-2000:]
    size = QImageReader(str(late)).size()
    assert (size.width(), size.height()) == (860, 700)
    assert "(860x700 viewport at 55000 ms)" in r.stdout, r.stdout
