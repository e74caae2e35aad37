"""A seek within the page visit already shown: one mutation instead of a rebuild.

Why: rebuilding the page costs the same on every seek (send the whole serialized tree,
parse it, build the DOM, lay it out and paint it from scratch): 10-20 ms of the page's
time on a 300-node article, more under load, and it is most of a seek on a short session.
Two moments of one page visit share most of their tree: the mirror keeps rrweb's node ids,
so the difference between the tree shown and the tree wanted is a set of removes, adds,
text and attribute changes keyed by id, exactly an rrweb Mutation (source 0), which the
page already knows how to apply. The cost is one walk of both trees in Python (linear in
the page's size, like the rebuild, but with no DOM work), independent of the position.

Safety over reach: :func:`same_visit_patch` answers ``None`` (rebuild) whenever a change
touches something a mutation does not put back exactly as a fresh build would: other
documents (iframes, shadow roots), canvases, stylesheets, special ``rr_`` / ``_cssText``
attributes, state restored outside the tree that a later frame could not undo (typed
values, element scrolls, a focus lost, hover, selection, replayed canvas or stylesheet events),
a different page, viewport or address, or a change of more than half of the page.

Qt-free: the view (``ReplayView.show_frame``) keeps the frame shown and asks for the patch.
"""

from __future__ import annotations

from typing import Any

from ..rrweb import EventType, MouseInteraction, Source

#: elements whose changes are never patched (their content lives outside the serialized tree
#: or is built by special code): the page is rebuilt instead
_OPAQUE_TAGS = frozenset(("iframe", "frame", "object", "embed", "canvas", "style", "link", "script", "template",
                          "slot", "dialog", "video", "audio", "noscript"))
#: a patch larger than this share of the page's nodes is not worth it: rebuild
MAX_CHANGED_SHARE = 0.5


class _Rebuild(Exception):
    """The two trees differ in a way a mutation does not reproduce exactly."""


def _tag(n: dict) -> str:
    return str(n.get("tagName") or "").lower()


def _opaque(n: dict) -> bool:
    """Nodes a patch never changes, adds or removes (they must be equal in both trees, with
    their whole subtree): other documents, shadow hosts, and the elements built by special code."""
    return (n.get("type") == 2 and _tag(n) in _OPAQUE_TAGS) or n.get("type") == 0 or bool(
        n.get("isShadow") or n.get("isShadowHost"))


def _check_subtree(root: dict) -> int:
    """Node count of an added or removed subtree; raises :class:`_Rebuild` if it holds an opaque node."""
    count, stack = 0, [root]
    while stack:
        n = stack.pop()
        if _opaque(n) or not isinstance(n.get("id"), int):
            raise _Rebuild
        count += 1
        stack.extend(n.get("childNodes") or ())
    return count


def _shallow(n: dict) -> dict:
    return {k: v for k, v in n.items() if k != "childNodes"}


def _compatible(a: dict, b: dict) -> bool:
    return a.get("type") == b.get("type") and _tag(a) == _tag(b) and bool(a.get("isSVG")) == bool(b.get("isSVG"))


def tree_mutation(old: dict, new: dict) -> dict | None:
    """The rrweb Mutation data (``adds``, ``removes``, ``texts``, ``attributes``) that turns
    the serialized document ``old`` into ``new`` (same document id), or ``None`` when the page
    should be rebuilt instead (see the module docstring)."""
    try:
        if old.get("id") != new.get("id") or old.get("type") != 0 or new.get("type") != 0:
            raise _Rebuild
        size = 1
        removes: list[dict] = []
        adds: list[dict] = []
        texts: list[dict] = []
        attributes: list[dict] = []
        work = [(old, new)]
        first = True
        while work:
            o, n = work.pop()
            if not first and _opaque(n):
                if o != n:
                    raise _Rebuild
                continue
            first = False
            _compare_node(o, n, texts, attributes)
            pid = n["id"]
            old_kids = o.get("childNodes") or []
            new_kids = n.get("childNodes") or []
            old_by_id = {k["id"]: k for k in old_kids}
            keep = [k["id"] for k in new_kids if k["id"] in old_by_id and _compatible(old_by_id[k["id"]], k)]
            keep_set = set(keep)
            if [k["id"] for k in old_kids if k["id"] in keep_set] != keep:
                keep, keep_set = [], set()  # reordered: replace this element's children
            size += len(old_kids)
            for k in old_kids:
                if k["id"] not in keep_set:
                    _check_subtree(k)
                    removes.append({"parentId": pid, "id": k["id"]})
            # right to left: each add's next sibling is already in place when it is inserted
            for i in range(len(new_kids) - 1, -1, -1):
                k = new_kids[i]
                if k["id"] in keep_set:
                    continue
                _check_subtree(k)
                nxt = new_kids[i + 1]["id"] if i + 1 < len(new_kids) else None
                adds.append({"parentId": pid, "nextId": nxt, "node": _shallow(k)})
                sub = [(k["id"], c) for c in (k.get("childNodes") or [])]
                while sub:  # the subtree, parents first, each appended in order
                    parent_id, c = sub.pop(0)
                    adds.append({"parentId": parent_id, "nextId": None, "node": _shallow(c)})
                    sub.extend((c["id"], cc) for cc in (c.get("childNodes") or []))
            for k in new_kids:
                if k["id"] in keep_set:
                    work.append((old_by_id[k["id"]], k))
        changed = len(removes) + len(adds) + len(texts) + len(attributes)
        if changed > MAX_CHANGED_SHARE * size:
            raise _Rebuild
    except (_Rebuild, KeyError, TypeError, AttributeError):
        return None
    return {"source": Source.MUTATION, "adds": adds, "removes": removes, "texts": texts, "attributes": attributes}


def _compare_node(o: dict, n: dict, texts: list, attributes: list) -> None:
    t = n.get("type")
    if t == 3:
        if o.get("textContent") != n.get("textContent"):
            if o.get("isStyle") or n.get("isStyle"):
                raise _Rebuild
            texts.append({"id": n["id"], "value": n.get("textContent") or ""})
    elif t == 2:
        oa, na = o.get("attributes") or {}, n.get("attributes") or {}
        if oa != na:
            diff: dict[str, Any] = {}
            for k in set(oa) | set(na):
                if oa.get(k, _MISSING) != na.get(k, _MISSING):
                    if k.startswith(("rr_", "_")) or not isinstance(na.get(k, ""), (str, int, float, bool)):
                        raise _Rebuild
                    diff[k] = na.get(k)  # None removes it
            attributes.append({"id": n["id"], "attributes": diff})
    elif _shallow(o) != _shallow(n):  # doctype, comment, CDATA: rebuild on any change
        raise _Rebuild


_MISSING = object()
_FOCUS_REPLAY = (MouseInteraction.MOUSE_DOWN, MouseInteraction.FOCUS)


def _focus_only(events: list[dict]) -> bool:
    """Only the replayed focus of ``frame_from_mirror`` (a press, then the focus): applying it
    again on the patched page moves the focus as on a fresh one (the old focus is cleared)."""
    for e in events:
        d = e.get("data") or {}
        if e.get("type") != EventType.INCREMENTAL or d.get("source") != Source.MOUSE_INTERACTION \
                or d.get("type") not in _FOCUS_REPLAY:
            return False
    return True


def _covers(old: dict, new: dict, key: str) -> bool:
    """Every id restored from ``old``'s ``key`` map is restored again from ``new``'s."""
    return set((old or {}).get(key) or {}) <= set((new or {}).get(key) or {})


def same_visit_patch(shown, frame, shown_page_ts: int | None, page_ts: int | None) -> dict | None:
    """The synthetic Mutation event that turns the page showing ``shown`` (a
    :class:`~replaydesk.replay.frame.Frame` built in full, then patched) into ``frame``, or
    ``None``: rebuild. Both must be of one page visit (same document, page start,
    viewport and address), with no preludes and no replayed events but a focus. The event is
    stamped with the page start, the time a fresh build gives its nodes (animation phases)."""
    if shown is None or frame is None or shown_page_ts != page_ts:
        return None
    if shown.viewport != frame.viewport or shown.href != frame.href or shown.preludes or frame.preludes:
        return None
    if not (_focus_only(shown.events) and _focus_only(frame.events)) or (shown.events and not frame.events):
        return None  # replayed canvas or stylesheet events; or a focus the patch would leave
    a, b = shown.state or {}, frame.state or {}
    for key in ("inputs", "scrolls"):
        if not _covers(a, b, key):
            return None
    if a.get("selection") is not None and b.get("selection") != a.get("selection"):
        return None
    if a.get("hover") is not None and b.get("hover") is None:  # a new hover replaces the old chain
        return None
    if a.get("canvases") or b.get("canvases"):
        return None
    data = tree_mutation(shown.node, frame.node)
    if data is None:
        return None
    return {"type": EventType.INCREMENTAL, "timestamp": int(page_ts if page_ts is not None else frame.timestamp),
            "data": data}
