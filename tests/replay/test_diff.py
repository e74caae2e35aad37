"""A seek on the page shown is sent as a patch instead of a build (issue 16, ``replay/diff.py``).

The property: applying the patch to the tree shown gives exactly the tree wanted. Checked
with the Python mirror on every corpus session, forward and backward, between moments of one
page visit, and between moments whose nodes were renumbered (an SPA re-render, another visit of
the page: the patch renames the nodes it keeps); and the cases that must rebuild instead."""

from __future__ import annotations

import copy
import random

import pytest

from replaydesk.replay import Mirror
from replaydesk.replay.diff import tree_mutation, tree_patch
from replaydesk.replay.patch import page_patch
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
    assert page_patch(a, b, t0, t0) is not None and page_patch(a, b, t0, t0).rebase is None
    assert page_patch(a, b, t0, t0 + 1).rebase == t0 + 1  # another visit: the page clock restarts
    moved = copy.deepcopy(b)
    moved.href += "#elsewhere"
    assert page_patch(a, moved, t0, t0) is None  # another address
    resized = copy.deepcopy(b)
    resized.viewport = (b.viewport[0] + 1, b.viewport[1])
    assert page_patch(a, resized, t0, t0).viewport == resized.viewport  # a recorded resize: set first
    assert page_patch(a, resized, t0, t0).payload()["viewport"] == {"width": b.viewport[0] + 1, "height": b.viewport[1]}
    unhovered = copy.deepcopy(b)
    unhovered.state["hover"] = None
    assert a.state["hover"] is not None
    assert page_patch(a, unhovered, t0, t0) is None  # the hover would stay
    typed = copy.deepcopy(a)
    typed.state["inputs"] = {"7": {"text": "x"}}
    fresh = page_patch(typed, b, t0, t0)  # the typed value would stay: node 7 is replaced by a fresh copy
    assert {"parentId": 4, "id": 7} in fresh.tree.removes
    assert any(add["node"]["id"] == 7 for add in fresh.tree.adds)
    assert _apply_tree_patch(typed.node, fresh.tree, t1) == b.node
    typed.state["scrolls"] = {str(typed.node["id"]): {"x": 0, "y": 40}}
    unscrolled = copy.deepcopy(b)
    unscrolled.state["scrolls"] = {}
    assert page_patch(typed, unscrolled, t0, t0) is None  # the document's own scroll cannot be replaced
    focused = copy.deepcopy(b)
    focused.events = [{"type": 3, "timestamp": t1, "data": {"source": 2, "type": 5, "id": 7}}]
    assert page_patch(a, focused, t0, t0) is not None  # focus replayed again: it moves
    unfocus = page_patch(focused, b, t0, t0)  # the focus would stay: the patch blurs it first
    assert unfocus is not None and unfocus.blur == 7 and unfocus.payload()["blur"] == 7
    assert unfocus.event() is None and page_patch(a, focused, t0, t0).blur is None
    played = copy.deepcopy(b)
    played.events = [{"type": 3, "timestamp": t1, "data": {"source": 7, "id": 7, "type": 1}}]
    assert page_patch(a, played, t0, t0) is None  # media playback state: rebuild
    selected = copy.deepcopy(b)
    selected.state["selection"] = [{"start": 7, "startOffset": 0, "end": 7, "endOffset": 1}]
    assert page_patch(selected, b, t0, t0) is None  # a selection the patch would leave
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


# --- renamed nodes: an SPA re-render, another visit of the page --------------------------------

def _renumbered(node: dict, offset: int, keep_depth: int = 2) -> dict:
    """``node`` with every id but the document's, its doctype's and ``<html>``'s moved by
    ``offset``, as a page re-rendered by a single-page app (or loaded again) numbers them."""
    out = copy.deepcopy(node)
    stack = [(out, 0)]
    while stack:
        n, depth = stack.pop()
        if depth >= keep_depth:
            n["id"] += offset
        stack.extend((c, depth + 1) for c in n.get("childNodes") or ())
    return out


def _apply_tree_patch(node: dict, patch, t: int) -> dict:
    """What a page showing ``node`` shows after the patch, in the renderer's order: the removes
    (ids shown), the renames, then the rest (ids wanted). Checked with the Python mirror."""
    m = Mirror()
    m.apply({"type": 2, "timestamp": t, "data": {"node": copy.deepcopy(node), "initialOffset": {"top": 0, "left": 0}}})
    m.apply({"type": 3, "timestamp": t, "data": {"source": 0, "adds": [], "removes": patch.removes, "texts": [], "attributes": []}})
    renamed = m.serialize()
    stack = [renamed]
    while stack:
        n = stack.pop()
        n["id"] = patch.renames.get(n["id"], n["id"])
        stack.extend(n.get("childNodes") or ())
    m2 = Mirror()
    m2.apply({"type": 2, "timestamp": t, "data": {"node": renamed, "initialOffset": {"top": 0, "left": 0}}})
    m2.apply({"type": 3, "timestamp": t, "data": patch.mutation(removes=False)})
    assert not m2.anomalies.total
    return m2.serialize()


@pytest.mark.parametrize("sid", SESSION_IDS)
def test_patch_across_renumbered_nodes_gives_the_tree_wanted(sid):
    events = load_session(sid)
    t0, t1 = events[0]["timestamp"], events[-1]["timestamp"]
    rnd = random.Random(sid + "renamed")
    moments = sorted(rnd.randint(t0, t1) for _ in range(12))
    patched = 0
    for k, (a, b) in enumerate(zip(moments, moments[1:] + moments[:1])):
        fa, fb = _frame(events, a), _frame(events, b)
        if fa is None or fb is None or fa.viewport != fb.viewport or fa.href != fb.href:
            continue
        wanted = _renumbered(fb.node, 100_000 * (k + 1))
        shown = copy.deepcopy(fa.node)
        patch = tree_patch(shown, wanted)
        assert shown == fa.node and tree_mutation(fa.node, wanted) is None  # ids differ: renames needed
        if patch is None:
            continue
        patched += 1
        assert patch.renames  # matched by shape: not always the node that had the old id
        assert _apply_tree_patch(fa.node, patch, b) == wanted, (sid, a - t0, b - t0)
    if sid in ("ses_6ef7552cd34d", "ses_49340e341bb8"):  # one page each: every pair is patched
        assert patched >= 8


def test_renames_are_matched_by_shape_and_a_different_shape_is_replaced():
    events = load_session("ses_6ef7552cd34d")
    f = _frame(events, events[-1]["timestamp"])
    wanted = _renumbered(f.node, 500)
    patch = tree_patch(f.node, wanted)
    assert patch is not None and not (patch.adds or patch.removes or patch.texts or patch.attributes)
    assert len(patch.renames) == sum(1 for _ in _walk(f.node)) - 3  # all but document, doctype, <html>
    # a paragraph replaced by a list item in the middle of <body>: it is replaced, the rest renamed
    body = _find(wanted, "body")
    elements = [i for i, c in enumerate(body["childNodes"]) if c.get("type") == 2]
    mid = body["childNodes"][elements[len(elements) // 2]]
    mid["tagName"] = "aside"
    patch = tree_patch(f.node, wanted)
    assert patch is not None and patch.removes and patch.adds
    assert _apply_tree_patch(f.node, patch, 0) == wanted
    # the patch onto another document id renames the document too
    other = copy.deepcopy(wanted)
    other["id"] += 7
    patch = tree_patch(f.node, other)
    assert patch is not None and patch.renames[f.node["id"]] == other["id"]
    assert _apply_tree_patch(f.node, patch, 0) == other


def test_page_patch_maps_restored_state_through_the_renames():
    events = load_session("ses_6ef7552cd34d")
    t0, t1 = events[0]["timestamp"], events[-1]["timestamp"]
    a, b = _frame(events, t0 + 1000), _frame(events, t1)
    b2 = copy.deepcopy(b)
    b2.node = _renumbered(b.node, 1000)
    inner = next(n for n in _walk(a.node) if str(n.get("tagName")).lower() == "p")
    a.state["scrolls"] = {str(inner["id"]): {"x": 0, "y": 5}}
    fresh = page_patch(a, b2, t0, t0)  # the scrolled paragraph would keep its offset: a fresh copy
    assert inner["id"] not in fresh.tree.renames and {"parentId": fresh.tree.removes[-1]["parentId"],
                                                      "id": inner["id"]} in fresh.tree.removes
    assert _apply_tree_patch(a.node, fresh.tree, t1) == b2.node
    b2.state["scrolls"] = {str(inner["id"] + 1000): {"x": 0, "y": 0}}
    patch = page_patch(a, b2, t0, t0)
    assert patch is not None and patch.tree.renames[inner["id"]] == inner["id"] + 1000
    payload = patch.payload()
    assert payload["renames"][:2] == list(next(iter(patch.tree.renames.items())))
    assert "rebase" not in payload and patch.event() is None  # renames cannot ride on one mutation
    assert page_patch(a, b2, t0, t0 + 5).payload()["rebase"] == t0 + 5


def _walk(node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(n.get("childNodes") or ())


def test_a_page_nested_deeper_than_python_compares_is_built_not_patched():
    """Hostile nesting (thousands of levels) makes Python's own comparison of two subtrees
    raise RecursionError: the seek builds the page (whose path handles any depth) instead of
    failing."""
    def deep(levels, first_id):
        doc = {"type": 0, "id": 1, "childNodes": [{"type": 2, "tagName": "html", "attributes": {}, "id": 2,
                                                   "childNodes": []}]}
        parent = doc["childNodes"][0]
        for k in range(levels):
            child = {"type": 2, "tagName": "div", "attributes": {}, "id": first_id + k, "childNodes": []}
            parent["childNodes"].append(child)
            parent = child
        return doc

    old, new = deep(5000, 10), deep(5000, 10)
    new_leaf = new
    while new_leaf.get("childNodes"):
        new_leaf = new_leaf["childNodes"][0]
    new_leaf["attributes"] = {"class": "x"}
    assert tree_patch(old, new) is None
    assert tree_patch(deep(50, 10), deep(50, 10)) is not None  # an ordinary depth still patches
