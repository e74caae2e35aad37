"""The node tree of the DOM mirror: nodes, the id index, insert/remove, (de)serialisation.

Model choices (and why):

* One :class:`Node` object per rrweb id with direct parent/children references, so
  insert/remove/ancestor walks need no id lookups.
* Light-DOM children and shadow-root children are two separate lists. rrweb puts
  shadow children after the light ones in ``childNodes`` flagged ``isShadow`` and
  addresses both with the host's id, so ``nextId`` anchors must be looked up in
  the right list.
* A same-origin iframe's document (``isAttachIframe`` add) is stored as a child of the
  ``<iframe>`` element (the add names the iframe as ``parentId``); it appears in the
  iframe's ``childNodes`` in :meth:`DomTree.serialize`. Re-attaching replaces it.
* Everything rrweb serialises besides the structural fields (``rootId``, ``isSVG``,
  ``isCustom``, ``isShadowHost``, doctype ``name/publicId/systemId``, ``compatMode``,
  ``isStyle``...) is kept verbatim in ``meta`` so :meth:`serialize` returns the same
  dict shape as a FullSnapshot's ``data.node``.

Deep documents are handled with explicit stacks (no recursion limit). Nodes deeper
than :data:`~replaydesk.formats.limits.MAX_DEPTH` levels below the document are left
out (anomaly ``too_deep``): the import clips snapshots and single adds, and
:meth:`DomTree.build` holds the line for trees that grow deeper add by add.
"""

from __future__ import annotations

from typing import Callable, Iterator

from ..formats.limits import MAX_DEPTH
from .anomalies import Anomalies
from .constants import NodeType

_STRUCTURAL = frozenset(("type", "id", "tagName", "attributes", "childNodes", "textContent", "isShadow"))
_CONTAINER_TYPES = (NodeType.DOCUMENT, NodeType.ELEMENT)


class NodeIndex(dict):
    """``id -> Node`` map whose lookups treat unhashable keys (a list where recorded
    data should have an id) as "not found" instead of raising ``TypeError``, so one
    malformed entry cannot abort the rest of an event."""

    __slots__ = ()

    def get(self, key, default=None):
        try:
            return dict.get(self, key, default)
        except TypeError:
            return default

    def __contains__(self, key) -> bool:
        try:
            return dict.__contains__(self, key)
        except TypeError:
            return False


class Node:
    """One mirrored node. ``attrs`` only for elements, ``text`` only for text-like nodes."""

    __slots__ = ("id", "type", "tag", "attrs", "text", "meta", "parent", "children", "shadow", "is_shadow")

    def __init__(self, nid: int, ntype: int, tag: str | None = None, attrs: dict | None = None,
                 text: str | None = None, meta: dict | None = None, is_shadow: bool = False):
        self.id = nid
        self.type = ntype
        self.tag = tag
        self.attrs = attrs
        self.text = text
        self.meta = meta
        self.parent: Node | None = None
        self.children: list[Node] = []
        self.shadow: list[Node] | None = None
        self.is_shadow = is_shadow

    def __repr__(self) -> str:  # debugging aid only
        label = self.tag or ("#text" if self.type == NodeType.TEXT else f"type{self.type}")
        return f"<Node {self.id} {label}>"

    @classmethod
    def from_serialized(cls, data: dict) -> "Node":
        """Build a childless node from rrweb's serialized form. Raises on unusable data
        (missing/invalid id or type); the caller turns that into an anomaly."""
        nid = data["id"]
        ntype = data["type"]
        if not isinstance(nid, int) or isinstance(nid, bool) or not isinstance(ntype, int):
            raise ValueError(f"bad node id/type {nid!r}/{ntype!r}")
        meta = {k: v for k, v in data.items() if k not in _STRUCTURAL} or None
        is_shadow = bool(data.get("isShadow"))
        if ntype == NodeType.ELEMENT:
            tag = data.get("tagName")
            tag = tag.lower() if isinstance(tag, str) and tag else "div"
            attrs = data.get("attributes")
            attrs = dict(attrs) if isinstance(attrs, dict) else {}
            return cls(nid, ntype, tag=tag, attrs=attrs, meta=meta, is_shadow=is_shadow)
        if ntype in (NodeType.TEXT, NodeType.COMMENT, NodeType.CDATA):
            text = data.get("textContent")
            return cls(nid, ntype, text=text if isinstance(text, str) else "", meta=meta, is_shadow=is_shadow)
        if ntype in (NodeType.DOCUMENT, NodeType.DOCUMENT_TYPE):
            return cls(nid, ntype, meta=meta, is_shadow=is_shadow)
        raise ValueError(f"unknown node type {ntype!r}")

    def shallow_dict(self, attrs_override: dict | None = None) -> dict:
        """rrweb serialized form without children (``childNodes`` filled by the caller)."""
        t = self.type
        if t == NodeType.ELEMENT:
            attrs = dict(self.attrs)
            if attrs_override:
                attrs.update(attrs_override)
            d = {"type": t, "tagName": self.tag, "attributes": attrs, "childNodes": []}
        elif t == NodeType.DOCUMENT:
            d = {"type": t, "childNodes": []}
        elif t == NodeType.DOCUMENT_TYPE:
            d = {"type": t}
        else:
            d = {"type": t, "textContent": self.text}
        if self.meta:
            d.update(self.meta)
        d["id"] = self.id
        if self.is_shadow:
            d["isShadow"] = True
        return d

    def all_children(self) -> list["Node"]:
        return self.children + self.shadow if self.shadow else self.children

    def sibling_list(self) -> list["Node"] | None:
        p = self.parent
        if p is None:
            return None
        return p.shadow if self.is_shadow and p.shadow is not None else p.children


def append_child(parent: Node, child: Node) -> None:
    """Make ``child`` the last child of ``parent``, or the last node of its shadow root."""
    child.parent = parent
    if child.is_shadow:
        if parent.shadow is None:
            parent.shadow = []
        parent.shadow.append(child)
    else:
        parent.children.append(child)


class DomTree:
    """Id-indexed node tree with rrweb's structural operations.

    ``on_removed`` is called with the ids of every subtree removed, so the owner can
    drop per-node side state (scroll, inputs, canvas...) and keep checkpoints small.
    """

    def __init__(self, anomalies: Anomalies, on_removed: Callable[[list[int]], None] | None = None):
        self.nodes: NodeIndex = NodeIndex()
        self.root: Node | None = None
        self.anomalies = anomalies
        self.on_removed = on_removed

    # --- building ---------------------------------------------------------------------

    def build(self, data: dict, is_shadow: bool | None = None, level: int = 0) -> Node | None:
        """Create nodes for a serialized subtree (snapshot or add), registering ids.

        ``level`` is the depth the subtree's root will have (0 for a document); its
        descendants deeper than MAX_DEPTH are left out (one ``too_deep`` anomaly).
        Duplicate ids inside the subtree are counted; the later node wins the id (the
        earlier stays in the tree so sibling order is preserved)."""
        try:
            root = Node.from_serialized(data)
        except (KeyError, ValueError, TypeError) as exc:
            self.anomalies.add("bad_node", str(exc))
            return None
        if is_shadow is not None:
            root.is_shadow = is_shadow
        self._register(root)
        stack = [(root, data, level)]
        while stack:
            node, d, lv = stack.pop()
            kids = d.get("childNodes")
            if not kids or node.type not in _CONTAINER_TYPES:
                continue
            if not isinstance(kids, list):
                self.anomalies.add("bad_node", f"childNodes of {node.id} is not a list")
                continue
            if lv >= MAX_DEPTH:
                self.anomalies.add("too_deep", f"children of node {node.id} at level {lv} left out (limit {MAX_DEPTH} levels)")
                continue
            for cd in kids:
                if not isinstance(cd, dict):
                    self.anomalies.add("bad_node", "child is not an object")
                    continue
                try:
                    child = Node.from_serialized(cd)
                except (KeyError, ValueError, TypeError) as exc:
                    self.anomalies.add("bad_node", str(exc))
                    continue
                self._register(child)
                append_child(node, child)
                stack.append((child, cd, lv + 1))
        return root

    def _register(self, node: Node) -> None:
        if node.id in self.nodes:
            self.anomalies.add("duplicate_id", f"id {node.id} appears twice in one subtree")
        self.nodes[node.id] = node


    def reset(self, root: Node | None = None) -> None:
        self.nodes = NodeIndex()
        self.root = None
        if root is not None:
            self.root = root

    # --- structure ops ----------------------------------------------------------------

    def insert(self, parent: Node, child: Node, before: Node | None = None, after: Node | None = None) -> None:
        """Insert ``child`` (detached) into ``parent``'s light or shadow list.

        ``after`` wins when it is a sibling with a next sibling (rrweb's legacy
        ``previousId`` rule), else ``before`` when it is in the same list, else append.
        """
        if child.is_shadow:
            if parent.shadow is None:
                parent.shadow = []
                if parent.meta is None:
                    parent.meta = {}
                parent.meta["isShadowHost"] = True
            siblings = parent.shadow
        else:
            siblings = parent.children
        child.parent = parent
        if after is not None and after.parent is parent and after.is_shadow == child.is_shadow:
            pos = _index(siblings, after)
            if pos is not None and pos + 1 < len(siblings):
                siblings.insert(pos + 1, child)
                return
        if before is not None and before.parent is parent and before.is_shadow == child.is_shadow:
            pos = _index(siblings, before)
            if pos is not None:
                siblings.insert(pos, child)
                return
        siblings.append(child)

    def detach(self, node: Node) -> None:
        """Unlink ``node`` from its parent (ids stay registered; used for moves)."""
        siblings = node.sibling_list()
        if siblings is not None:
            pos = _index(siblings, node)
            if pos is not None:
                del siblings[pos]
        node.parent = None

    def remove(self, node: Node) -> list[int]:
        """Detach ``node`` and unregister its whole subtree; returns the removed ids."""
        self.detach(node)
        if node is self.root:
            self.root = None
        removed = [n.id for n in iter_subtree(node)]
        nodes = self.nodes
        for nid in removed:
            # only drop the mapping if it still points into this subtree
            n = nodes.get(nid)
            if n is not None and _is_in(n, node):
                del nodes[nid]
        if self.on_removed is not None:
            self.on_removed(removed)
        return removed

    # --- queries ----------------------------------------------------------------------

    def serialize(self, root: Node | None = None, attr_overrides: dict[int, dict] | None = None) -> dict | None:
        """rrweb serialized tree (FullSnapshot ``data.node`` shape) of ``root`` (default: document)."""
        root = root if root is not None else self.root
        if root is None:
            return None
        ov = attr_overrides or {}
        out = root.shallow_dict(ov.get(root.id))
        stack = [(root, out)]
        while stack:
            node, d = stack.pop()
            if node.type not in _CONTAINER_TYPES:
                continue
            kids = d["childNodes"]
            for c in node.all_children():
                cd = c.shallow_dict(ov.get(c.id))
                kids.append(cd)
                if c.children or c.shadow:
                    stack.append((c, cd))
        return out

    def owner_document(self, node: Node) -> Node | None:
        """Closest Document ancestor-or-self (iframe documents are Documents too)."""
        n: Node | None = node
        while n is not None and n.type != NodeType.DOCUMENT:
            n = n.parent
        return n


def depth_of(node: Node) -> int:
    """Levels between ``node`` and the top of its tree (0 for the document)."""
    d = 0
    p = node.parent
    while p is not None:
        d += 1
        p = p.parent
    return d


def _index(seq: list[Node], node: Node) -> int | None:
    # identity search: Node has no __eq__, so list.index compares by identity.
    try:
        return seq.index(node)
    except ValueError:
        return None


def _is_in(node: Node, ancestor: Node) -> bool:
    n: Node | None = node
    while n is not None:
        if n is ancestor:
            return True
        n = n.parent
    return False


def iter_subtree(node: Node) -> Iterator[Node]:
    """Pre-order walk (light children first, then shadow children)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        kids = n.all_children()
        if kids:
            stack.extend(reversed(kids))
