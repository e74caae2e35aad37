"""A seek within the page visit shown is one mutation, and looks exactly like a rebuild
(issue 16, ``replay/diff.py`` + ``ReplayView.show_frame``); the frame marker tells when the
widget's own pixels show a frame (the benchmark's headline)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from fidelity import to_array
from replaydesk.replay.session import open_session_replay
from replaydesk.store.queries import page_starts
from replaydesk.ui.render import render_replay_frame
from replaydesk.ui.replay import FrameRenderer

#: one-visit sessions: the 8-second article, the deep read (scrolls, hover, a selection and
#: a focused search box, which rebuild: replay/patch.py), the widgets lab (live canvases, a
#: same-origin frame, a shadow DOM card with an adopted stylesheet) and the dashboard (typed
#: values, regions re-rendered under new ids, CSSOM rules inserted then gone again (a seek back),
#: a resize and back); moments, and how many must be patched
SESSIONS = {"ses_6ef7552cd34d": ((7900, 1200, 4000, 600, 7000), 4),
            "ses_8339d0629316": ((50000, 6000, 30000, 12000, 55000), 2),
            "ses_ac59c861b05d": ((2000, 6000, 12000, 9000, 20000, 30000, 25000, 40000), 6),
            "ses_49340e341bb8": ((3000, 9000, 20000, 44000, 41000, 53000, 57000, 59000, 52000, 45000), 9)}


def assert_same_pixels(got, want, tmp_path, what: str) -> None:
    """The patched frame ``got`` looks exactly like the build ``want`` (both drawn); on a
    difference both are saved as PNGs to look at."""
    assert want.std() > 5, f"{what}: a blank frame"  # the comparison is of drawn pages
    differ = np.abs(got.astype(int) - want.astype(int)).max(axis=-1) > 24
    if differ.any():
        from PIL import Image

        name = re.sub(r"[^\w.-]+", "-", what)
        Image.fromarray(got).save(tmp_path / f"patched-{name}.png")
        Image.fromarray(want).save(tmp_path / f"built-{name}.png")
    assert differ.mean() == 0, f"{what}: {differ.mean() * 100:.3f}% of pixels differ from a build (see {tmp_path})"



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
def test_patched_seeks_look_exactly_like_rebuilt_ones(renderer, store, sid, tmp_path):
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
        assert_same_pixels(got, want, tmp_path, f"{sid} at {ms} ms")
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


def _renumbered(frame, offset: int):
    """``frame`` as a single-page app's re-render (or the page's next visit) would record it:
    every node but the document, its doctype and ``<html>`` under a new id, and the side state
    and replayed focus keyed by the new ids."""
    import copy
    from dataclasses import replace

    node = copy.deepcopy(frame.node)
    stack, moved = [(node, 0)], {}
    while stack:
        n, depth = stack.pop()
        if depth >= 2:
            moved[n["id"]] = n["id"] + offset
            n["id"] += offset
        if "rootId" in n:
            n["rootId"] = moved.get(n["rootId"], n["rootId"])
        stack.extend((c, depth + 1) for c in n.get("childNodes") or ())
    state = copy.deepcopy(frame.state)
    for key in ("scrolls", "inputs", "canvases"):
        state[key] = {str(moved.get(int(k), int(k))): v for k, v in (state.get(key) or {}).items()}
    if state.get("hover") is not None:
        state["hover"] = moved.get(state["hover"], state["hover"])
    if isinstance(state.get("mouse"), dict) and "id" in state["mouse"]:
        state["mouse"]["id"] = moved.get(state["mouse"]["id"], state["mouse"]["id"])
    events = copy.deepcopy(frame.events)
    for e in events:
        e["data"]["id"] = moved.get(e["data"].get("id"), e["data"].get("id"))
    return replace(frame, node=node, state=state, events=events)


#: the dashboard (a same-origin frame, a shadow DOM card, a canvas, CSSOM rules), the article and
#: the widgets lab (live canvases, a shadow root adopting a stylesheet):
#: moments on one page, the later ones renumbered as an SPA re-render or another visit gives them
RENAMED = {"ses_49340e341bb8": (3000, 9000, 20000, 44000, 53000, 45000), "ses_6ef7552cd34d": (1200, 7900, 4000),
           "ses_ac59c861b05d": (2000, 6000, 12000, 30000, 25000)}


@pytest.mark.parametrize("sid", list(RENAMED))
@pytest.mark.parametrize("another_visit", [False, True], ids=["re-render", "next-visit"])
def test_patches_that_rename_nodes_look_exactly_like_rebuilds(renderer, store, sid, another_visit, tmp_path):
    """The renderer renames the nodes it keeps (``RD.patchPage``), and for another visit of the
    page restarts its clock: what the widget shows equals a build of the moment wanted."""
    from replaydesk.replay.frame import frame_from_mirror

    replay = open_session_replay(store, sid)
    view = renderer.view
    moments = RENAMED[sid]
    page_ts = replay.first_ts
    frames = []
    for k, ms in enumerate(moments):
        t = replay.first_ts + ms
        mirror = replay.seek(t)
        f = frame_from_mirror(mirror, t, replay.pointer_at(mirror, t))
        frames.append(f if k == 0 else _renumbered(f, 100_000 * k))
    view.resize(frames[0].viewport[0], frames[0].viewport[1] + 1)  # +1 row: the sentinel (render.py)
    view.patch_frames = False
    view.show_frame(frames[0], page_ts=page_ts)
    renderer.capture(at_ts=frames[0].timestamp)
    view.patch_frames = True
    patched = 0
    for k, f in enumerate(frames[1:], 1):
        ts = page_ts + (1000 * k if another_visit else 0)
        before = view.patched_frames
        view.show_frame(f, page_ts=ts)
        got = to_array(renderer.capture(at_ts=f.timestamp))
        patched += view.patched_frames - before
        view.patch_frames = False
        view.show_frame(f, page_ts=ts)
        want = to_array(renderer.capture(at_ts=f.timestamp))
        assert_same_pixels(got, want, tmp_path, f"{sid} at {moments[k]} ms")
        view.patch_frames = True
        # the next patch starts from this rebuilt frame (its ids are those of frame k)
    assert patched == len(frames) - 1, "the renumbered moments were rebuilt, not patched"


def _shown_by_both(renderer, rebuilder, frame, page_ts):
    """``frame`` as the renderer under test shows it (patching) and as a build shows it."""
    images = []
    for r in (renderer, rebuilder):
        r.view.resize(frame.viewport[0], frame.viewport[1] + 1)  # +1 row: the sentinel (render.py)
        r.view.show_frame(frame, page_ts=page_ts)
        images.append(to_array(r.capture(at_ts=frame.timestamp)))
    return images


@pytest.fixture(scope="module")
def rebuilder(qapp):
    """A second renderer that builds every frame: the reference."""
    r = FrameRenderer()
    r.view.patch_frames = r.view.park_pages = False
    yield r
    r.close()
    qapp.processEvents()


def test_a_seek_back_to_the_page_left_returns_to_it_and_looks_like_a_rebuild(renderer, rebuilder, store, tmp_path):
    """Two pages alternating (the dashboard and the widgets lab): the page left stays built
    (parked), and a seek back to it is a patch of that page (``RD.patchPage``'s swap), not a
    build. Each frame must look exactly as a build of it in another renderer."""
    from replaydesk.replay.frame import frame_from_mirror

    dash, lab = "ses_49340e341bb8", "ses_ac59c861b05d"
    replays = {sid: open_session_replay(store, sid) for sid in (dash, lab)}
    plan = [(dash, 3000), (lab, 6000), (dash, 20000), (lab, 30000), (dash, 44000), (lab, 25000), (dash, 41000)]
    view = renderer.view
    view.patch_frames = view.park_pages = True
    renderer.view.clear()
    swaps0 = view.swapped_frames
    for sid, ms in plan:
        replay = replays[sid]
        t = replay.first_ts + ms
        mirror = replay.seek(t)
        frame = frame_from_mirror(mirror, t, replay.pointer_at(mirror, t))
        assert_same_pixels(*_shown_by_both(renderer, rebuilder, frame, replay.first_ts), tmp_path, f"{sid} at {ms} ms")
    assert view.swapped_frames - swaps0 >= len(plan) - 3, "the seeks back to the page left were builds"


def _with_style(frame, css: str | None, style_id: int = 990_001):
    """``frame`` with one more ``<style>`` in its ``<head>``, its rules in ``_cssText`` as the
    mirror keeps rules inserted through the CSS object model (``None``: no rules)."""
    import copy
    from dataclasses import replace

    node = copy.deepcopy(frame.node)
    stack = [node]
    while stack:
        n = stack.pop()
        if str(n.get("tagName") or "").lower() == "head":
            attrs = {"id": "dyn"} if css is None else {"id": "dyn", "_cssText": css}
            n["childNodes"].append({"type": 2, "tagName": "style", "attributes": attrs, "childNodes": [], "id": style_id})
            break
        stack.extend(n.get("childNodes") or ())
    return replace(frame, node=node)


def test_rules_inserted_then_gone_are_patched_as_a_build_shows_them(renderer, rebuilder, store, tmp_path):
    """A ``<style>`` whose CSSOM rules come and go between two moments (``_cssText`` set, then
    gone) is patched in place: the page must look as a build of each moment."""
    from replaydesk.replay.frame import frame_from_mirror

    replay = open_session_replay(store, "ses_6ef7552cd34d")
    t = replay.first_ts + 4000
    mirror = replay.seek(t)
    base = frame_from_mirror(mirror, t, replay.pointer_at(mirror, t))
    red = "body { background: rgb(200, 0, 0) !important; }"
    view = renderer.view
    view.patch_frames = view.park_pages = True
    patched0 = view.patched_frames
    for k, css in enumerate((None, red, None, red.replace("200, 0, 0", "0, 0, 200"))):
        frame = _with_style(base, css)
        got, want = _shown_by_both(renderer, rebuilder, frame, replay.first_ts)
        assert_same_pixels(got, want, tmp_path, f"step {k} ({css})")
        reddish = (want[..., 0] > 150) & (want[..., 1] < 60) & (want[..., 2] < 60)
        assert (reddish.mean() > 0.2) == (css == red), f"step {k}: the rules are not what the test sets up"
    assert view.patched_frames - patched0 >= 3


def test_a_page_changed_by_played_events_is_not_kept(renderer, rebuilder, store, tmp_path):
    """Playing changes the page shown behind the bookkeeping: the next seek may still return
    to the page parked before (the played one is dropped, not parked), and a seek back to the
    played page builds it."""
    from replaydesk.replay.frame import frame_from_mirror

    dash, lab = "ses_49340e341bb8", "ses_ac59c861b05d"
    replays = {sid: open_session_replay(store, sid) for sid in (dash, lab)}

    def frame_at(sid, ms):
        replay = replays[sid]
        t = replay.first_ts + ms
        mirror = replay.seek(t)
        return frame_from_mirror(mirror, t, replay.pointer_at(mirror, t)), replay.first_ts

    view = renderer.view
    view.patch_frames = view.park_pages = True
    view.clear()
    for sid, ms in ((dash, 3000), (lab, 6000)):
        frame, ts = frame_at(sid, ms)
        _shown_by_both(renderer, rebuilder, frame, ts)
    lab_replay = replays[lab]
    played = list(lab_replay.source.events_between(-1, lab_replay.first_ts + 9000))[-40:]
    view.apply_events([e for e in played if e["type"] == 3])  # a second of playback
    renderer.capture()
    swaps, patched = view.swapped_frames, view.patched_frames
    frame, ts = frame_at(dash, 20000)
    assert_same_pixels(*_shown_by_both(renderer, rebuilder, frame, ts), tmp_path, "dashboard after playing")
    assert view.swapped_frames == swaps + 1  # returned to the parked dashboard
    frame, ts = frame_at(lab, 12000)
    assert_same_pixels(*_shown_by_both(renderer, rebuilder, frame, ts), tmp_path, "lab after playing")
    assert view.patched_frames == patched + 1  # the played lab page was dropped: built, not patched


def test_a_frame_over_a_budget_is_never_the_base_of_a_patch(renderer, store):
    """A frame over a budget may be partly drawn: the next seek builds its page."""
    from dataclasses import replace

    from replaydesk.replay.frame import frame_from_mirror
    from replaydesk.ui.replay.headless import FrameTooHeavy

    replay = open_session_replay(store, "ses_6ef7552cd34d")
    t = replay.first_ts + 4000
    frame = frame_from_mirror(replay.seek(t), t)
    view = renderer.view
    view.patch_frames = view.park_pages = True
    view.resize(frame.viewport[0], frame.viewport[1] + 1)
    view.show_frame(frame, page_ts=replay.first_ts)
    renderer.capture(at_ts=t)
    view.show_frame(replace(frame, viewport=(frame.viewport[0], 40_000)), page_ts=replay.first_ts)
    with pytest.raises(FrameTooHeavy):
        renderer.capture(at_ts=t)
    patched = view.patched_frames
    view.show_frame(frame, page_ts=replay.first_ts)
    renderer.capture(at_ts=t)
    assert view.patched_frames == patched  # built, not patched onto the clipped page
