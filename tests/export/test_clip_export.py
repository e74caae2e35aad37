"""Clip export end to end: decoded with PyAV (and ffprobe), compared with ``replaydesk render``.

One corpus session (ses_46d365862838, desktop shop, 1280x800); the clip runs 3 s up to the
corpus truth moment 22528 ms, so frame 0 comes from the seek path and frame 45 (15 fps) from
playing the page forward: both must equal ``render`` at their moments outside the overlays.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import av
import numpy as np
import orjson
import pytest

from fidelity import THRESHOLD, to_array, within
from replaydesk.export.job import temp_path, run_clip
from replaydesk.export.overlays import caption_height, progress_height
from replaydesk.export.spec import ClipSpec
from replaydesk.ui.render import render_session_png
from replaydesk.work import Cancelled
from tests.checkers import require_tool

SID = "ses_46d365862838"
MOMENT = 22528
START, END = MOMENT - 3000, MOMENT + 1000
FPS = 15
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def store(seeded_db_path, tmp_path_factory):
    from replaydesk.store import open_store

    path = tmp_path_factory.mktemp("clip") / "store.db"
    shutil.copy(seeded_db_path, path)
    db = open_store(path)
    yield db
    db.conn.close()


def decode(path: Path) -> tuple[list[np.ndarray], float, float]:
    """RGB frames, the stream's duration (s) and its frame rate."""
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(s)]
        dur = float(s.duration * s.time_base) if s.duration else float(c.duration or 0) / av.time_base
        return frames, dur, float(s.average_rate or s.guessed_rate)


def export(store, tmp_path, name="clip.mp4", **kw):
    hooked: dict[int, tuple[np.ndarray, list]] = {}

    def hook(i, img, rects):
        hooked[i] = (to_array(img), [(r.x(), r.y(), r.width(), r.height()) for r in rects])

    spec = ClipSpec(SID, kw.pop("start", START), kw.pop("end", END), fps=FPS, **kw)
    res = run_clip(store, spec, tmp_path / name, frame_hook=hook, notes=kw.get("notes_list", ()))
    return res, hooked


def outside(rects, shape) -> np.ndarray:
    keep = np.ones(shape[:2], dtype=bool)
    for x, y, w, h in rects:
        keep[max(0, y - 2): max(0, y + h + 2), max(0, x - 2): max(0, x + w + 2)] = False
    return keep


def score(a: np.ndarray, b: np.ndarray, keep: np.ndarray) -> float:
    diff = np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2)
    return float((diff[keep] <= THRESHOLD).mean())


def rendered(store, tmp_path, at, privacy="as-recorded") -> np.ndarray:
    from fidelity import load_png

    return load_png(render_session_png(store, SID, at, tmp_path / f"render-{at}-{privacy}.png", privacy=privacy))


@pytest.fixture(scope="module")
def plain(store, qapp, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("plain")
    res, hooked = export(store, tmp)
    return res, hooked, tmp


def test_mp4_has_range_times_fps_frames_and_duration(plain):
    res, _, tmp = plain
    frames, dur, rate = decode(res.path)
    want = (END - START) / 1000 * FPS
    assert abs(len(frames) - want) <= 1 and res.frames == len(frames)
    assert abs(dur - want / FPS) <= 1 / FPS
    assert rate == FPS and frames[0].shape == (800, 1280, 3)
    assert not list(tmp.glob(".*.part"))  # the temporary file was renamed


def test_speed_divides_the_frame_count(store, qapp, tmp_path):
    res, _ = export(store, tmp_path, speed=2.0, start=START, end=START + 2000)
    frames, dur, _ = decode(res.path)
    assert abs(len(frames) - 2 * FPS / 2) <= 1
    assert abs(dur - 1.0) <= 1 / FPS


@pytest.mark.parametrize("index", [0, 45])  # the seek path, then 3 s played forward
def test_frames_match_render_outside_the_overlays(plain, store, tmp_path, index):
    res, hooked, _ = plain
    t = START + index * 1000 // FPS
    ref = rendered(store, tmp_path, t)
    img, rects = hooked[index]
    keep = outside(rects, img.shape)
    assert keep.mean() > 0.85  # the overlays cover little of the page
    assert score(img, ref, keep) >= 0.995, "the burned-in frame differs from render"
    if index:  # the page changed since frame 0: the comparison tells frames apart
        assert score(hooked[0][0], ref, keep) < 0.99
    decoded = decode(res.path)[0][index]  # and what a player shows, after H.264
    assert score(decoded, ref, keep) >= 0.97


def test_cursor_is_drawn_where_the_recording_says(plain, store, tmp_path, corpus):
    res, hooked, _ = plain
    events = orjson.loads((corpus / SID / "events.json").read_bytes())
    t0 = events[0]["timestamp"]
    samples = sorted((e["timestamp"] + p.get("timeOffset", 0) - t0, p["x"], p["y"])
                     for e in events if e["type"] == 3 and e["data"].get("source") == 1 for p in e["data"]["positions"])
    frames = decode(res.path)[0]
    checked = 0
    for index in range(0, len(frames), 5):
        t = START + round(index * 1000 / FPS)
        before = [s for s in samples if s[0] <= t]
        if not before or t - before[-1][0] > 2000:
            continue
        _, x, y = before[-1]
        x, y = int(x), int(y)
        if not (0 <= x < 1260 and 30 <= y < 760):
            continue
        off_res, off = export(store, tmp_path, name=f"nocursor-{index}.mp4", cursor=False, start=t, end=t + 100)
        inside = frames[index][y + 8: y + 12, x + 2: x + 4].astype(int)  # the arrow's dark body
        page = off[0][0][y + 8: y + 12, x + 2: x + 4].astype(int)
        assert inside.max() < 90, f"no cursor at ({x}, {y}) at {t} ms"
        assert np.abs(inside - page).max() > 40 or page.max() < 90
        checked += 1
        if checked == 2:
            break
    assert checked >= 1, "no recorded pointer sample near the clip's frames"


def test_note_caption_in_its_range_only(plain, store, qapp, tmp_path):
    res, _, _ = plain
    note = SimpleNamespace(id="n1", start_ms=START + 1000, end_ms=START + 2000, text="User fails at the card field",
                           tag="bug", highlight=SimpleNamespace(kind="rect", x=100, y=100, w=300, h=80,
                                                                selector=None, node_id=None))
    spec = ClipSpec(SID, START, END, fps=FPS, notes=True)
    noted = run_clip(store, spec, tmp_path / "noted.mp4", notes=[note])
    with_notes, plain_frames = decode(noted.path)[0], decode(res.path)[0]
    h = with_notes[0].shape[0]
    band = slice(h - progress_height(h) - caption_height(h) + 2, h - progress_height(h) - 2)
    inside = outside_ = 0
    for i, (a, b) in enumerate(zip(with_notes, plain_frames)):
        t = START + round(i * 1000 / FPS)
        same = within(a[band], b[band])
        if note.start_ms <= t < note.end_ms:
            assert same < 0.5, f"no caption at {t} ms"
            assert a[band].mean() < b[band].mean() - 40  # the dark bar
            inside += 1
        else:
            assert same > 0.99, f"a caption at {t} ms, outside the note"
            outside_ += 1
    assert inside == 15 and outside_ == len(plain_frames) - 15


def test_masked_text_stays_masked(store, qapp, tmp_path):
    res, hooked = export(store, tmp_path, privacy="mask-text", start=MOMENT, end=MOMENT + 200)
    ref = rendered(store, tmp_path, MOMENT, privacy="mask-text")
    clear = rendered(store, tmp_path, MOMENT)
    img, rects = hooked[0]
    keep = outside(rects, img.shape)
    assert score(img, ref, keep) >= 0.995
    assert score(img, clear, keep) < 0.99  # text really is masked here


def test_cancelled_export_leaves_no_file(store, qapp, tmp_path):
    out = tmp_path / "cancelled.mp4"
    done = []
    with pytest.raises(Cancelled):
        run_clip(store, ClipSpec(SID, START, END, fps=FPS), out, progress=lambda d, t: done.append(d),
                 cancel=lambda: len(done) >= 10)
    assert len(done) == 10
    assert not out.exists() and not temp_path(out).exists() and list(tmp_path.iterdir()) == []


def test_failed_export_leaves_no_file(store, qapp, tmp_path):
    out = tmp_path / "failed.mp4"

    def boom(i, img, rects):
        if i == 5:
            raise OSError("disk full")

    with pytest.raises(OSError):
        run_clip(store, ClipSpec(SID, START, END, fps=FPS), out, frame_hook=boom)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt,codec", [("gif", "gif"), ("webm", "vp9")])
def test_gif_and_webm_decode(store, qapp, tmp_path, fmt, codec):
    res, hooked = export(store, tmp_path, name=f"c.{fmt}", format=fmt, width=640, start=START, end=START + 1000)
    frames, _, _ = decode(res.path)
    with av.open(str(res.path)) as c:
        assert c.streams.video[0].codec_context.name == codec
    assert abs(len(frames) - FPS) <= 1 and frames[0].shape == (400, 640, 3)
    for i in (0, len(frames) - 1):  # the colours survive (a GIF gets a palette per frame)
        assert within(frames[i], hooked[i][0]) >= 0.97


def _cli(*args, db):
    return subprocess.run([sys.executable, "-m", "replaydesk", *args, "--db", str(db)], capture_output=True, text=True,
                          cwd=REPO, env={**__import__("os").environ, "PYTHONPATH": str(REPO / "app")}, timeout=180)


@pytest.fixture
def store_copy(seeded_db_path, tmp_path):
    """The CLI writes (it keeps the checkpoints it builds): never into the shared seeded store."""
    p = tmp_path / "store.db"
    shutil.copy(seeded_db_path, p)
    return p


def _cli_clip(store_copy, out):
    p = _cli("clip", SID, "--from", str(START), "--to", str(START + 2000), "--width", "640", "--speed", "2",
             "--blur-inputs", "-o", str(out), db=store_copy)
    assert p.returncode == 0, p.stderr
    assert "wrote" in p.stdout and "15 frames" in p.stdout


def test_cli_clip_end_to_end(store_copy, tmp_path):
    out = tmp_path / "cli.mp4"
    _cli_clip(store_copy, out)
    frames, _, _ = decode(out)
    assert len(frames) == 15 and frames[0].shape == (400, 640, 3)


def test_cli_clip_plays_in_ffprobe(store_copy, tmp_path):
    """A decoder that is not ours (Debian's FFmpeg, not PyAV's bundled libav) reads every frame."""
    ffprobe = require_tool("ffprobe", "ffmpeg")
    out = tmp_path / "cli.mp4"
    _cli_clip(store_copy, out)
    q = subprocess.run([ffprobe, "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                        "stream=codec_name,pix_fmt,width,height,nb_read_frames", "-of", "default=nw=1", str(out)],
                       capture_output=True, text=True, timeout=60)
    assert q.returncode == 0 and q.stderr == ""
    assert "codec_name=h264" in q.stdout and "pix_fmt=yuv420p" in q.stdout and "nb_read_frames=15" in q.stdout


def test_cli_bad_input_is_one_line(store_copy, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    p = _cli("clip", "ses_nope", "-o", str(tmp_path / "x.mp4"), db=store_copy)
    assert p.returncode == 2 and p.stderr.strip().count("\n") == 0 and "no session" in p.stderr
    p = _cli("clip", SID, "--from", "999999", "-o", str(tmp_path / "x.mp4"), db=store_copy)
    assert p.returncode == 2 and "Traceback" not in p.stderr and "not inside the session" in p.stderr
    p = _cli("clip", SID, "--fps", "0", "-o", str(tmp_path / "x.mp4"), db=store_copy)
    assert p.returncode == 2 and "Traceback" not in p.stderr and "--fps" in p.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_burns_in_a_stored_note(seeded_db_path, tmp_path):
    from replaydesk.store import open_store
    from replaydesk.store.notes import Highlight, add_note

    db_path = tmp_path / "notes.db"
    shutil.copy(seeded_db_path, db_path)
    db = open_store(db_path)
    note = add_note(db, SID, START + 1000, START + 2000, "User fails at the card field", tag="bug",
                    highlight=Highlight("rect", 100, 100, 300, 80))
    db.conn.close()
    out = tmp_path / "note.mp4"
    p = _cli("clip", SID, "--note", str(note.id), "--width", "640", "-o", str(out), db=db_path)
    assert p.returncode == 0, p.stderr
    frames, _, _ = decode(out)
    assert len(frames) == FPS  # the note's range: 1 s
    plain = tmp_path / "plain.mp4"
    assert _cli("clip", SID, "--from", str(START + 1000), "--to", str(START + 2000), "--width", "640",
                "-o", str(plain), db=db_path).returncode == 0
    h = frames[0].shape[0]
    band = slice(h - progress_height(h) - caption_height(h) + 2, h - progress_height(h) - 2)
    for a, b in zip(frames, decode(plain)[0]):
        assert within(a[band], b[band]) < 0.5 and a[band].mean() < b[band].mean() - 40
        assert np.abs(a[52:54, 60:240].astype(int) - b[52:54, 60:240].astype(int)).max() > 60  # the highlight box
    p = _cli("clip", SID, "--note", "99999", "-o", str(tmp_path / "x.mp4"), db=db_path)
    assert p.returncode == 2 and "no note" in p.stderr and "Traceback" not in p.stderr


def test_skip_inactivity_jumps_and_shows_the_card(store, qapp, tmp_path):
    sid = "ses_eca6cdfc6b65"  # inactive from 15.4 s to 28.5 s
    spec = ClipSpec(sid, 14_000, 32_000, fps=FPS, width=640, skip_inactivity=True)
    cards = []
    res = run_clip(store, spec, tmp_path / "skip.mp4",
                   frame_hook=lambda i, img, rects: cards.append(i) if any(r.width() < 600 and r.height() > 20 and
                                                                          abs(r.center().x() - 320) < 3 for r in rects) else None)
    frames, dur, _ = decode(res.path)
    active_ms = (15_414 - 14_000) + (32_000 - 28_547)
    assert abs(len(frames) - active_ms * FPS / 1000) <= 1
    assert res.skipped and res.skipped[0][1] == 28_547
    first = round(1414 * FPS / 1000)  # frames before the jump
    assert cards and abs(cards[0] - first) <= 1 and len(cards) >= FPS


def test_element_highlight_outlines_the_picked_element_during_its_note(plain, store, qapp, tmp_path):
    """A note's element highlight (picked in the replay pane: a node id) is the renderer's own
    outline, drawn while the note's range plays. Node 129 is the cart's "Proceed to checkout"
    button, clicked at 23,465 ms at (1057, 348)."""
    res, hooked, _ = plain
    hl = SimpleNamespace(kind="element", x=0, y=0, w=0, h=0, selector="button.checkout", node_id=129)
    note = SimpleNamespace(id=2, start_ms=START + 1000, end_ms=START + 2000, text="", tag=None, highlight=hl)
    noted = {}
    run_clip(store, ClipSpec(SID, START, END, fps=FPS, notes=True, cursor=False), tmp_path / "el.mp4", notes=[note],
             frame_hook=lambda i, img, rects: noted.__setitem__(i, to_array(img)))
    ref = {}
    run_clip(store, ClipSpec(SID, START, END, fps=FPS, cursor=False), tmp_path / "plain.mp4",
             frame_hook=lambda i, img, rects: ref.__setitem__(i, to_array(img)))
    box = (slice(300, 400), slice(840, 1180))  # around the button
    for i in sorted(noted):
        t = START + round(i * 1000 / FPS)
        changed = np.abs(noted[i][box].astype(int) - ref[i][box].astype(int)).max(axis=2) > 40
        if note.start_ms <= t < note.end_ms:
            assert changed.sum() > 200, f"no outline at {t} ms"
        else:
            assert changed.sum() == 0, f"an outline at {t} ms"


def test_the_same_clip_twice_gives_the_same_frames(store, qapp, tmp_path):
    """A virtual clock, not a screen recording: every frame is the page at an exact moment."""
    _, one = export(store, tmp_path, name="one.mp4", start=START, end=START + 2000)
    _, two = export(store, tmp_path, name="two.mp4", start=START, end=START + 2000)
    assert sorted(one) == sorted(two) == list(range(30))
    for i in one:
        assert np.array_equal(one[i][0], two[i][0]), f"frame {i} differs between two runs"
