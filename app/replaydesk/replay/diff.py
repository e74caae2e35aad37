"""A seek on a page already shown: one mutation instead of a rebuild.

Why: rebuilding the page costs the same on every seek (send the whole serialized tree,
parse it, build the DOM, lay it out and paint it from scratch): 10-20 ms of the page's
time on a 300-node article, more under load, and it is most of a seek on a short session.
Two moments of one page visit share most of their tree: the mirror keeps rrweb's node ids,
so the difference between the tree shown and the tree wanted is a set of removes, adds,
text and attribute changes keyed by id, exactly an rrweb Mutation (source 0), which the
page already knows how to apply. The cost is one walk of both trees in Python (linear in
the page's size, like the rebuild, but with no DOM work), independent of the position.

Ids are not always kept: a single-page app that re-renders a region, and any new visit of
the same page (rrweb numbers a page load's nodes afresh), give the same elements new ids.
Where a parent's children share no id, they are matched by shape (:func:`tree_patch`), and
the page is told to rename the nodes it keeps (``RD.patchPage``) before the mutation.

Safety over reach: :func:`tree_patch` answers ``None`` (rebuild) whenever a change touches
something a mutation does not put back exactly as a fresh build would: adding or removing a
frame, a document, a shadow root node or an element built by special code (media, embeds,
templates, dialogs; canvases excepted), a frame's own attributes, special ``rr_`` attributes,
a style's text children, a node moved to another document, or a change of more than half of
the page. Frames' documents and shadow roots are compared node by node; styles, canvases and
slots equal but for their ids are renamed.

This module compares trees; ``replay/patch.py`` decides for whole frames (side state,
canvases, stylesheets, focus). Qt-free: the view (``ReplayView.show_frame``) keeps the frame
shown and asks for the patch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..rrweb import Source

#: elements whose changes are never patched (their content lives outside the serialized tree
#: or is built by special code): the page is rebuilt instead
_OPAQUE_TAGS = frozenset(("iframe", "frame", "object", "embed", "canvas", "style", "link", "script", "template",
                          "slot", "dialog", "video", "audio", "noscript"))
#: opaque elements that may be kept under other ids when they are equal but for them: what they
#: show is built from the serialized subtree alone (style text, a canvas's snapshot image; a
#: canvas whose drawing differs is replaced by ``replay/patch.py``), and the renderer keys
#: nothing else by their ids but its side state, which ``RD.patchPage`` renames; so are shadow
#: hosts (their adopted stylesheets are renamed with them)
_RENAMABLE_TAGS = frozenset(("style", "link", "script", "noscript", "canvas", "slot"))
#: a patch larger than this share of the page's nodes is not worth it: rebuild
MAX_CHANGED_SHARE = 0.5


class _Rebuild(Exception):
    """The two trees differ in a way a mutation does not reproduce exactly."""


def _tag(n: dict) -> str:
    return str(n.get("tagName") or "").lower()


def _opaque(n: dict) -> bool:
    """Nodes a patch never changes, adds or removes (they must be equal in both trees, with
    their whole subtree): other documents, shadow hosts, and the elements built by special code
    (but a patch enters frames, their documents and shadow roots: :func:`_entered`)."""
    return (n.get("type") == 2 and _tag(n) in _OPAQUE_TAGS) or n.get("type") == 0 or bool(
        n.get("isShadow") or n.get("isShadowHost"))


#: opaque elements a patch may add or remove: a canvas is created by the same code in a build
#: and in a mutation (its snapshot image, then what ``replay/patch.py`` sends to draw)
_ADDABLE_TAGS = frozenset(("canvas",))
#: frames whose document a patch may enter (changes inside a same-origin frame's document are
#: mutations of its nodes, as the recorder sends them), but never add or remove
_FRAME_TAGS = frozenset(("iframe", "frame"))


def _entered(n: dict) -> bool:
    """A frame element, a frame's document, a shadow host or a node of a shadow root: a patch
    compares their contents node by node (changes there are mutations of their nodes, as the
    recorder sends them), but adds or removes no frame, document or shadow root node."""
    if n.get("type") == 0:
        return True
    if n.get("type") != 2:
        return bool(n.get("isShadow"))  # a text or comment of a shadow root
    tag = _tag(n)
    return tag in _FRAME_TAGS or ((n.get("isShadow") or n.get("isShadowHost")) and tag not in _OPAQUE_TAGS)


def _check_subtree(root: dict) -> int:
    """Node count of an added or removed subtree; raises :class:`_Rebuild` if it holds an opaque
    node (frames and documents included)."""
    count, stack = 0, [root]
    while stack:
        n = stack.pop()
        if (_opaque(n) and not (n.get("type") == 2 and _tag(n) in _ADDABLE_TAGS and not n.get("childNodes")
                                and not n.get("isShadowHost"))) or not isinstance(n.get("id"), int):
            raise _Rebuild
        count += 1
        stack.extend(n.get("childNodes") or ())
    return count


def _shallow(n: dict) -> dict:
    return {k: v for k, v in n.items() if k != "childNodes"}


def _compatible(a: dict, b: dict) -> bool:
    return _signature(a) == _signature(b)


def _signature(n: dict) -> tuple:
    return n.get("type"), _tag(n), bool(n.get("isSVG")), bool(n.get("isShadow")), bool(n.get("isShadowHost"))


def _same_but_ids(o: dict, n: dict, renames: dict[int, int]) -> None:
    """``o`` and ``n`` are one serialized subtree but for their node ids: record the renames
    (``o``'s id -> ``n``'s), or raise :class:`_Rebuild`."""
    work = [(o, n)]
    while work:
        a, b = work.pop()
        ka, kb = a.get("childNodes") or [], b.get("childNodes") or []
        if len(ka) != len(kb) or _bare(a, "rootId") != _bare(b, "rootId") or \
                renames.get(a.get("rootId"), a.get("rootId")) != b.get("rootId"):
            raise _Rebuild
        if a["id"] != b["id"]:
            renames[a["id"]] = b["id"]
        work.extend(zip(ka, kb))


def _restyled(o: dict, n: dict, out: "TreePatch") -> bool:
    """A ``<style>`` whose rules changed through the CSS object model (``_cssText``, as the
    mirror keeps inserted and deleted rules), and nothing else: patched as the recorder's own
    attribute mutation would be, which sets the element's text as a build does, provided
    neither has text children and the text has no ``rr_split`` markers (a build splits it).
    Rules gone (no ``_cssText`` any more) are ``None``: the renderer empties the element."""
    if _tag(n) != "style" or o.get("childNodes") or n.get("childNodes") or _bare(o, "attributes") != _bare(n, "attributes"):
        return False
    oa, na = dict(o.get("attributes") or {}), dict(n.get("attributes") or {})
    old_css, new_css = oa.pop("_cssText", None), na.pop("_cssText", None)
    if oa != na or old_css == new_css or "rr_split" in str(new_css) or not all(
            v is None or isinstance(v, str) for v in (old_css, new_css)):
        return False
    if o["id"] != n["id"]:
        out.renames[o["id"]] = n["id"]
    out.attributes.append({"id": n["id"], "attributes": {"_cssText": new_css}})
    return True


@dataclass
class TreePatch:
    """What turns the tree shown into the tree wanted, in the order the renderer applies it:
    ``removes`` (subtrees gone, by the ids shown), then ``renames`` (nodes kept under another
    id: shown id -> wanted id), then ``adds``, ``texts`` and ``attributes`` (by the wanted ids).
    The parts are rrweb Mutation lists, which the page already knows how to apply."""
    removes: list[dict] = field(default_factory=list)
    renames: dict[int, int] = field(default_factory=dict)
    adds: list[dict] = field(default_factory=list)
    texts: list[dict] = field(default_factory=list)
    attributes: list[dict] = field(default_factory=list)

    def mutation(self, removes: bool = True) -> dict:
        """The rrweb Mutation data (with or without the removes)."""
        return {"source": Source.MUTATION, "adds": self.adds, "removes": self.removes if removes else [],
                "texts": self.texts, "attributes": self.attributes}


def tree_patch(old: dict, new: dict, renames: bool = True, fresh: frozenset[int] = frozenset(),
               total: int = 0) -> TreePatch | None:
    """The :class:`TreePatch` that turns the serialized document ``old`` into ``new``, or
    ``None`` when the page should be rebuilt instead (see the module docstring).

    Children are matched by id. Where a parent's old and new children share no id (a page
    that re-rendered a region, or another visit of the same page: rrweb gives every inserted
    node a fresh id), they are matched by shape instead: the common run at the start and at the
    end of the two lists, node type and tag alike, are kept and renamed, the rest replaced. So a
    seek across an SPA re-render costs the changes, not a rebuild. With ``renames=False`` a
    node kept under another id is a reason to rebuild. The nodes of ``old`` whose ids are in
    ``fresh`` are never kept: they are removed and a new copy added, as a build makes them
    (a typed value or a scroll offset the moment wanted does not restore goes with them).
    ``total``: the node count of ``old`` when known (subtrees equal in both, ids too, are
    skipped, not counted), the measure of "half the page" for :data:`MAX_CHANGED_SHARE`."""
    try:
        if old.get("type") != 0 or new.get("type") != 0:
            raise _Rebuild
        out = TreePatch()
        if old.get("id") != new.get("id"):
            if not renames:
                raise _Rebuild
            out.renames[old["id"]] = new["id"]
        size = 1
        work = [(old, new)]
        first = True
        while work:
            o, n = work.pop()
            if not first and not fresh and o.get("id") == n.get("id") and o == n:
                continue  # the same subtree, ids too (compared in C): nothing to change or rename
            if not first and (_opaque(o) or _opaque(n)) and not (_entered(o) and _entered(n)):
                if not (renames and n.get("type") == 2 and o.get("type") == 2 and (
                        _tag(n) in _RENAMABLE_TAGS or (n.get("isShadowHost") and o.get("isShadowHost")))):
                    raise _Rebuild
                if not _restyled(o, n, out):
                    _same_but_ids(o, n, out.renames)  # a <style> or <link> of the page, re-inserted as it was
                continue
            first = False
            _compare_node(o, n, out.texts, out.attributes, out.renames)
            pid = n["id"]
            old_kids = o.get("childNodes") or []
            new_kids = n.get("childNodes") or []
            size += len(old_kids)
            pairs = _match_children(old_kids, new_kids, renames)
            if fresh:
                pairs = [(a, b) for a, b in pairs if a["id"] not in fresh]
            kept_old = {id(a) for a, _ in pairs}
            kept_new = {id(b) for _, b in pairs}
            for k in old_kids:
                if id(k) not in kept_old:
                    _check_subtree(k)
                    out.removes.append({"parentId": o["id"], "id": k["id"]})
            # right to left: each add's next sibling is already in place when it is inserted
            for i in range(len(new_kids) - 1, -1, -1):
                k = new_kids[i]
                if id(k) in kept_new:
                    continue
                _check_subtree(k)
                nxt = new_kids[i + 1]["id"] if i + 1 < len(new_kids) else None
                out.adds.append({"parentId": pid, "nextId": nxt, "node": _shallow(k)})
                sub = [(k["id"], c) for c in (k.get("childNodes") or [])]
                while sub:  # the subtree, parents first, each appended in order
                    parent_id, c = sub.pop(0)
                    out.adds.append({"parentId": parent_id, "nextId": None, "node": _shallow(c)})
                    sub.extend((c["id"], cc) for cc in (c.get("childNodes") or []))
            for a, b in pairs:
                if a["id"] != b["id"]:
                    out.renames[a["id"]] = b["id"]
                work.append((a, b))
        changed = len(out.removes) + len(out.adds) + len(out.texts) + len(out.attributes)
        if changed > MAX_CHANGED_SHARE * max(size, total):
            raise _Rebuild
    except (_Rebuild, KeyError, TypeError, AttributeError, RecursionError):  # a page nested deeper than
        # Python compares (hostile recordings): built, as the build path handles any depth
        return None
    return out


def _match_children(old_kids: list[dict], new_kids: list[dict], renames: bool) -> list[tuple[dict, dict]]:
    """The (old, new) child pairs kept, in order: by id when the lists share ids (a reordered
    list keeps none: its children are replaced), else, with ``renames``, by shape."""
    old_by_id = {k["id"]: k for k in old_kids}
    keep = [k for k in new_kids if k["id"] in old_by_id and _compatible(old_by_id[k["id"]], k)]
    if keep or not renames or any(k["id"] in old_by_id for k in new_kids):
        keep_ids = {k["id"] for k in keep}
        if [k["id"] for k in old_kids if k["id"] in keep_ids] != [k["id"] for k in keep]:
            return []  # reordered: replace this element's children
        return [(old_by_id[k["id"]], k) for k in keep]
    head = 0
    limit = min(len(old_kids), len(new_kids))
    while head < limit and _signature(old_kids[head]) == _signature(new_kids[head]):
        head += 1
    tail = 0
    while tail < limit - head and _signature(old_kids[-1 - tail]) == _signature(new_kids[-1 - tail]):
        tail += 1
    pairs = list(zip(old_kids[:head], new_kids[:head]))
    if tail:
        pairs.extend(zip(old_kids[len(old_kids) - tail:], new_kids[len(new_kids) - tail:]))
    return pairs


def tree_mutation(old: dict, new: dict) -> dict | None:
    """The rrweb Mutation data (``adds``, ``removes``, ``texts``, ``attributes``) that turns
    the serialized document ``old`` into ``new`` when every node kept keeps its id, or
    ``None`` (rebuild, or renames needed: :func:`tree_patch`)."""
    patch = tree_patch(old, new, renames=False)
    return None if patch is None else patch.mutation()


def _compare_node(o: dict, n: dict, texts: list, attributes: list, renames: dict[int, int]) -> None:
    if renames.get(o.get("rootId"), o.get("rootId")) != n.get("rootId"):
        raise _Rebuild  # moved to another document
    t = n.get("type")
    if t == 3:
        if o.get("textContent") != n.get("textContent"):
            if o.get("isStyle") or n.get("isStyle"):
                raise _Rebuild
            texts.append({"id": n["id"], "value": n.get("textContent") or ""})
    elif t == 2:
        oa, na = o.get("attributes") or {}, n.get("attributes") or {}
        if oa != na and _tag(n) in _FRAME_TAGS:
            raise _Rebuild  # a frame's src or sandbox: its document is built, never navigated
        if oa != na:
            diff: dict[str, Any] = {}
            for k in set(oa) | set(na):
                if oa.get(k, _MISSING) != na.get(k, _MISSING):
                    if k.startswith(("rr_", "_")) or not isinstance(na.get(k, ""), (str, int, float, bool)):
                        raise _Rebuild
                    diff[k] = na.get(k)  # None removes it
            attributes.append({"id": n["id"], "attributes": diff})
    elif _bare(o, "rootId") != _bare(n, "rootId"):  # document, doctype, comment, CDATA: rebuild on any change
        raise _Rebuild


def _bare(n: dict, *also: str) -> dict:
    """The node's own fields but its id and children (and ``also``)."""
    return {k: v for k, v in n.items() if k not in ("id", "childNodes", *also)}


_MISSING = object()
