"""A seek within the page visit shown is sent as one mutation (issue 16, ``replay/diff.py``).

The property: applying the patch to the tree shown gives exactly the tree wanted. Checked
with the Python mirror on every corpus session, forward and backward, between moments of one
page visit; and the cases that must rebuild instead."""

from __future__ import annotations

import copy
import random

import pytest

from replaydesk.replay import Mirror
from replaydesk.replay.diff import same_visit_patch, tree_mutation
from replaydesk.replay.frame import frame_from_mirror

from .helpers import SESSION_IDS, direct_replay, load_session


def _frame(events, t):
    return frame_from_mirror(direct_replay(events, t), t)


def _patched(events, t_from, patch):
    """The mirror shown at ``t_from`` with the patch applied, serialized."""
    m = direct_replay(events, t_from)
    m.apply(patch)
    return m.serialize()


@pytest.mark.parametrize("sid", SESSION_IDS)
def test_patch_turns_the_tree_shown_into_the_tree_wanted(sid):
    events = load_session(sid)
    t0, t1 = events[0]["timestamp"], events[-1]["timestamp"]
    rnd = random.Random(sid)
    moments = sorted(rnd.randint(t0, t1) for _ in range(24))
    patched = 0
    for a, b in zip(moments, moments[1:] + moments[:1]):  # forward, and one backward at the end
        fa, fb = _frame(events, a), _frame(events, b)
        if fa is None or fb is None:
            continue
        node_before = copy.deepcopy(fa.node)
        data = tree_mutation(fa.node, fb.node)
        assert fa.node == node_before  # the frame shown is not changed
        if data is None:
            continue
        patched += 1
        ev = {"type": 3, "timestamp": b, "data": data}
        assert _patched(events, a, ev) == fb.node, (sid, a - t0, b - t0)
    if sid == "ses_6ef7552cd34d":  # the 8-second article: one visit, every seek is a patch
        assert patched >= 20


def test_identical_trees_give_an_empty_patch_and_other_documents_none():
    events = load_session("ses_6ef7552cd34d")
    t = events[-1]["timestamp"]
    f = _frame(events, t)
    data = tree_mutation(f.node, copy.deepcopy(f.node))
    assert data is not None and not any(data[k] for k in ("adds", "removes", "texts", "attributes"))
    other = copy.deepcopy(f.node)
    other["id"] = other["id"] + 100_000
    assert tree_mutation(f.node, other) is None


def test_side_state_a_patch_could_not_undo_rebuilds():
    events = load_session("ses_6ef7552cd34d")
    t0, t1 = events[0]["timestamp"], events[-1]["timestamp"]
    a, b = _frame(events, t0 + 1000), _frame(events, t1)
    assert same_visit_patch(a, b, t0, t0) is not None
    assert same_visit_patch(a, b, t0, t0 + 1) is None  # another page visit
    unhovered = copy.deepcopy(b)
    unhovered.state["hover"] = None
    assert a.state["hover"] is not None
    assert same_visit_patch(a, unhovered, t0, t0) is None  # the hover would stay
    typed = copy.deepcopy(a)
    typed.state["inputs"] = {"7": {"text": "x"}}
    assert same_visit_patch(typed, b, t0, t0) is None  # the typed value would stay
    focused = copy.deepcopy(b)
    focused.events = [{"type": 3, "timestamp": t1, "data": {"source": 2, "type": 5, "id": 7}}]
    assert same_visit_patch(a, focused, t0, t0) is not None  # focus replayed again: it moves
    assert same_visit_patch(focused, b, t0, t0) is None  # the focus would stay: a rebuild clears it
    drawn = copy.deepcopy(b)
    drawn.events = [{"type": 3, "timestamp": t1, "data": {"source": 9, "id": 7, "type": 0, "commands": []}}]
    assert same_visit_patch(a, drawn, t0, t0) is None  # replayed canvas drawing: rebuild
    reordered = copy.deepcopy(b)
    body = _find(reordered.node, "body")
    kids = body["childNodes"]
    if len(kids) >= 2:
        kids[0], kids[-1] = kids[-1], kids[0]
        data = tree_mutation(a.node, reordered.node)
        if data is not None:
            m = direct_replay(events, t0 + 1000)
            m.apply({"type": 3, "timestamp": t1, "data": data})
            assert m.serialize() == reordered.node


def _find(node, tag):
    stack = [node]
    while stack:
        n = stack.pop()
        if str(n.get("tagName") or "").lower() == tag:
            return n
        stack.extend(n.get("childNodes") or ())
    raise AssertionError(tag)


def test_a_mirror_fed_only_the_patch_needs_no_other_event():
    """The patch stands alone: it names parents and next siblings that exist when applied."""
    events = load_session("ses_8339d0629316")
    t0 = events[0]["timestamp"]
    fa, fb = _frame(events, t0 + 40_000), _frame(events, t0 + 3_000)  # backward
    data = tree_mutation(fa.node, fb.node)
    assert data is not None
    m = Mirror()
    m.apply({"type": 2, "timestamp": t0, "data": {"node": copy.deepcopy(fa.node), "initialOffset": {"top": 0, "left": 0}}})
    m.apply({"type": 3, "timestamp": t0 + 1, "data": data})
    assert m.serialize() == fb.node
    assert not m.anomalies.counts if hasattr(m.anomalies, "counts") else True
