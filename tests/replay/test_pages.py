"""The Python half of the renderer's kept pages (issue 16, ``replay/pages.py``): a build parks
the page shown, a seek back to it is a patch of it, keys are parked and evicted in the order the
page uses (``renderer.js`` MAX_PARKED), and a page changed behind the bookkeeping is never
patched."""

from __future__ import annotations

from replaydesk.replay.frame import frame_from_mirror
from replaydesk.replay.pages import PARKED_PAGES, ShownPages

from .helpers import direct_replay, load_session

DASH, LAB, ARTICLE = "ses_49340e341bb8", "ses_ac59c861b05d", "ses_6ef7552cd34d"


def _frame(sid, ms):
    events = load_session(sid)
    t = events[0]["timestamp"] + ms
    return frame_from_mirror(direct_replay(events, t), t), events[0]["timestamp"]


def test_a_seek_back_to_the_page_left_returns_to_it():
    pages = ShownPages()
    d1, d_ts = _frame(DASH, 3000)
    l1, l_ts = _frame(LAB, 6000)
    first = pages.plan(d1, d_ts)
    assert first.patch is None and first.park is None  # nothing shown yet: a build that parks nothing
    dash_key = pages.key
    second = pages.plan(l1, l_ts)
    assert second.patch is None and second.park == dash_key  # another page: built, the dashboard parked
    lab_key = pages.key
    assert lab_key != dash_key and [p[0] for p in pages.parked] == [dash_key]
    d2, _ = _frame(DASH, 20000)
    back = pages.plan(d2, d_ts)
    assert back.patch is not None and back.swap == {"park": lab_key, "show": dash_key}
    assert pages.key == dash_key and [p[0] for p in pages.parked] == [lab_key]
    l2, _ = _frame(LAB, 30000)
    again = pages.plan(l2, l_ts)
    assert again.swap == {"park": dash_key, "show": lab_key}
    # a parked page is remembered without hover and focus (the page clears them when parking)
    parked_frame = pages.parked[0][1]
    assert parked_frame.state["hover"] is None
    assert not any(e["data"].get("source") == 2 for e in parked_frame.events)


def test_parking_evicts_the_oldest_page_as_the_renderer_does():
    pages = ShownPages()
    keys = []
    for sid, ms in ((DASH, 3000), (LAB, 6000), (ARTICLE, 2000)):
        f, ts = _frame(sid, ms)
        plan = pages.plan(f, ts)
        assert plan.patch is None
        keys.append(pages.key)
    assert PARKED_PAGES == 1 and [p[0] for p in pages.parked] == [keys[1]]  # the dashboard was evicted
    d, d_ts = _frame(DASH, 9000)
    plan = pages.plan(d, d_ts)
    assert plan.patch is None and plan.park == keys[2]  # the dashboard is gone: built again


def test_a_page_changed_behind_the_bookkeeping_is_not_patched():
    pages = ShownPages()
    a, ts = _frame(ARTICLE, 1000)
    b, _ = _frame(ARTICLE, 5000)
    pages.plan(a, ts)
    pages.drop_shown()  # played events changed the page shown
    plan = pages.plan(b, ts)
    assert plan.patch is None and plan.park is None  # built; the page shown is not kept either
    pages.forget()
    assert pages.shown is None and not pages.parked
    assert pages.plan(a, ts, patch=False).patch is None  # patch=False always builds
    assert pages.plan(b, ts, park=False).park is None


def test_a_big_page_gets_one_comparison_per_seek():
    """Each comparison walks both trees: on a page over SECOND_TRY_NODES a seek compares with
    the page shown only (no try against the parked page, no second pass with fresh copies)."""
    from dataclasses import replace

    from replaydesk.replay.patch import SECOND_TRY_NODES, page_patch

    pages = ShownPages()
    d1, d_ts = _frame(DASH, 3000)
    l1, l_ts = _frame(LAB, 6000)
    assert 0 < d1.size < SECOND_TRY_NODES
    pages.plan(d1, d_ts)
    pages.plan(l1, l_ts)
    d2, _ = _frame(DASH, 20000)
    big = replace(d2, size=SECOND_TRY_NODES + 1)
    assert pages.plan(big, d_ts).patch is None  # built, though the dashboard is parked
    typed, ts = _frame(ARTICLE, 1000)
    typed.state["inputs"] = {"7": {"text": "x"}}
    later, _ = _frame(ARTICLE, 5000)
    assert page_patch(typed, later, ts, ts) is not None  # node 7 replaced by a fresh copy
    assert page_patch(typed, replace(later, size=SECOND_TRY_NODES + 1), ts, ts) is None


def test_a_page_too_big_to_keep_is_dropped_not_parked():
    """A page over SECOND_TRY_NODES, or drawing many canvases, is not kept beside the next one
    (memory), and is never compared with again anyway."""
    from dataclasses import replace

    from replaydesk.replay.pages import MAX_PARKED_CANVASES
    from replaydesk.replay.patch import SECOND_TRY_NODES

    d, d_ts = _frame(DASH, 3000)
    l1, l_ts = _frame(LAB, 6000)
    canvases = {str(900_000 + k): "data:image/png;base64,AAAA" for k in range(MAX_PARKED_CANVASES + 1)}
    for big in (replace(d, size=SECOND_TRY_NODES + 1), replace(d, state={**d.state, "canvases": canvases})):
        pages = ShownPages()
        pages.plan(big, d_ts)
        assert pages.plan(l1, l_ts).park is None and not pages.parked
    pages = ShownPages()
    pages.plan(d, d_ts)
    assert pages.plan(l1, l_ts).park is not None  # an ordinary page is kept
