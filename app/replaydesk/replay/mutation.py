"""Applying one Mutation event (IncrementalSnapshot source 0) to the mirror.

Order inside an event is rrweb's: removes -> adds -> texts -> attributes (docs/rrweb-format.md §3).

Adds are resolved in O(n) instead of rrweb's retry loop with a 500 ms wall-clock
cutoff (issue #1407): an add whose ``parentId`` / ``nextId`` / ``previousId`` is not
present yet is parked under the id it waits for and woken exactly when a node with
that id is inserted. At the end of the event:

* adds still waiting for a *sibling* anchor whose parent exists are appended
  (counted as ``missing_anchor``) instead of being dropped, so one bad ``nextId``
  from a buggy recorder (issue #1690) does not lose a whole inserted subtree;
* adds whose parent never appeared are dropped (``missing_parent``), as rrweb does;
* a Document whose iframe does not exist yet is parked until that iframe is added
  (rrweb's "new document queue"; issue #1720).

A node id that already exists is never duplicated: the existing node is moved and
updated (``duplicate_add``), or replaced when its type/tag differ.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from .constants import NodeType
from .css import apply_style_diff
from ..formats.limits import MAX_DEPTH
from .tree import Node, depth_of, iter_subtree

if TYPE_CHECKING:  # pragma: no cover
    from .mirror import Mirror

_WAIT, _DONE, _FAIL = 0, 1, 2


def _as_id(value) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def _list(m: "Mirror", data: dict, key: str) -> list:
    v = data.get(key)
    if v is None:
        return []
    if not isinstance(v, list):
        m.anomalies.add("bad_mutation", f"{key} is not a list")
        return []
    return v


def apply_mutation(m: "Mirror", data: dict) -> None:
    removed_now: set[int] = set()
    removes, adds, texts, attributes = (_list(m, data, k) for k in ("removes", "adds", "texts", "attributes"))
    if removes:
        _apply_removes(m, removes, removed_now)
    if adds:
        _AddResolver(m).run(adds)
    if texts:
        _apply_texts(m, texts, removed_now)
    if attributes:
        _apply_attributes(m, attributes, removed_now)


def _target(m: "Mirror", rec: dict, kind: str, removed_now: set[int]):
    """The node a remove/text/attribute record names, or None with a ``<kind>_missing``
    anomaly noted (a node removed earlier in the same mutation is not an anomaly:
    rrweb still reports changes it saw on it)."""
    nid = rec.get("id")
    node = m.tree.nodes.get(nid)
    if node is None and not (isinstance(nid, int) and nid in removed_now):
        m.anomalies.add(f"{kind}_missing", f"id {nid}")
    return node


# --- removes -----------------------------------------------------------------------------

def _apply_removes(m: "Mirror", removes, removed_now: set[int]) -> None:
    for rec in removes:
        if not isinstance(rec, dict):
            m.anomalies.add("bad_remove", "not an object")
            continue
        node = _target(m, rec, "remove", removed_now)
        if node is None:
            continue
        nid, pid = node.id, rec.get("parentId")
        parent = node.parent
        if parent is None or parent.id != pid:
            m.anomalies.add("remove_parent_mismatch", f"id {nid} parent {pid}")
        removed_now.update(m.tree.remove(node))
        if parent is not None:
            m.on_child_removed(parent, node)


# --- adds --------------------------------------------------------------------------------

class _AddResolver:
    """Dependency-driven add resolution for one mutation event (see module docstring)."""

    def __init__(self, m: "Mirror"):
        self.m = m
        self.nodes = m.tree.nodes
        self.waiting: dict[int, list[tuple[int, dict]]] = {}
        self.pending_ids: set[int] = set()  # ids of adds not processed yet in this event
        self.queue: deque[tuple[int, dict]] = deque()

    def run(self, adds) -> None:
        entries = []
        for k, add in enumerate(adds):
            if not isinstance(add, dict) or not isinstance(add.get("node"), dict):
                self.m.anomalies.add("bad_add", "add without node")
                continue
            if _as_id(add["node"].get("id")) is None or _as_id(add.get("parentId")) is None:
                self.m.anomalies.add("bad_add", f"add with id {add['node'].get('id')!r} parent {add.get('parentId')!r}")
                continue
            entries.append((k, add))
            self.pending_ids.add(add["node"]["id"])
        for entry in entries:
            self._process(entry, force=False)
            self._drain()
        # end of event: force sibling-anchored waiters whose parent exists, in array order
        while self.waiting:
            forced = []
            for anchor, lst in list(self.waiting.items()):
                keep = []
                for entry in lst:
                    (forced if entry[1].get("parentId") in self.nodes else keep).append(entry)
                if keep:
                    self.waiting[anchor] = keep
                else:
                    del self.waiting[anchor]
            if not forced:
                break
            forced.sort(key=lambda e: e[0])
            for entry in forced:
                self._process(entry, force=True)
                self._drain()
        for lst in self.waiting.values():
            for _, add in lst:
                self.m.anomalies.add("missing_parent", f"add {add['node'].get('id')} parent {add.get('parentId')}")

    def _drain(self) -> None:
        while self.queue:
            self._process(self.queue.popleft(), force=False)

    def _wait(self, anchor, entry) -> None:
        self.waiting.setdefault(anchor, []).append(entry)

    def _process(self, entry: tuple[int, dict], force: bool) -> None:
        _, add = entry
        node_data = add["node"]
        nid = node_data.get("id")
        self.pending_ids.discard(nid)
        status, anchor = self._try(add, node_data, force)
        if status == _WAIT:
            self.pending_ids.add(nid)
            self._wait(anchor, entry)

    def _anchor(self, raw, parent: Node, force: bool):
        """(node or None, wait_for_id or None) for a nextId/previousId value."""
        aid = _as_id(raw)
        if aid is None:
            return None, None
        node = self.nodes.get(aid)
        if node is None:
            if force:
                self.m.anomalies.add("missing_anchor", f"sibling {aid}")
                return None, None
            return None, aid
        if node.parent is not parent:
            if aid in self.pending_ids and not force:
                return None, aid  # the anchor itself is about to be (re)inserted in this event
            self.m.anomalies.add("anchor_not_sibling", f"sibling {aid} not under {parent.id}")
            return None, None
        return node, None

    def _try(self, add: dict, node_data: dict, force: bool):
        m = self.m
        parent = self.nodes.get(add.get("parentId"))
        ntype = node_data.get("type")
        if parent is None:
            if ntype == NodeType.DOCUMENT and _as_id(add.get("parentId")):
                m.pending_docs[add["parentId"]] = node_data
                return _DONE, None
            return _WAIT, add.get("parentId")
        if parent.type not in (NodeType.ELEMENT, NodeType.DOCUMENT):
            m.anomalies.add("bad_parent", f"parent {parent.id} cannot have children")
            return _FAIL, None
        level = depth_of(parent) + 1
        if level > MAX_DEPTH:
            m.anomalies.add("too_deep", f"add {node_data.get('id')} at level {level} left out (limit {MAX_DEPTH} levels)")
            return _FAIL, None
        root_id = node_data.get("rootId")
        if root_id is not None and root_id not in self.nodes:
            m.anomalies.add("unknown_root", f"add {node_data.get('id')} rootId {root_id}")
            return _FAIL, None
        before, wait_next = self._anchor(add.get("nextId"), parent, force)
        if wait_next is not None:
            return _WAIT, wait_next
        after, wait_prev = self._anchor(add.get("previousId"), parent, force)
        if wait_prev is not None:
            return _WAIT, wait_prev
        node = self._materialise(parent, node_data, level)
        if node is None:
            return _FAIL, None
        _make_room(m, parent, node)
        m.tree.insert(parent, node, before=before, after=after)
        self._added(node)
        return _DONE, None

    def _materialise(self, parent: Node, data: dict, level: int) -> Node | None:
        """A detached node for ``data``: reuse (move) an existing id or build a new subtree."""
        m = self.m
        nid = data.get("id")
        is_shadow = bool(data.get("isShadow")) and parent.type == NodeType.ELEMENT
        existing = self.nodes.get(nid)
        if existing is not None:
            p = parent
            while p is not None:
                if p is existing:
                    m.anomalies.add("add_cycle", f"id {nid} into its own subtree")
                    return None
                p = p.parent
            same = existing.type == data.get("type") and (
                existing.type != NodeType.ELEMENT or existing.tag == str(data.get("tagName", "")).lower())
            if same and not data.get("childNodes"):
                m.anomalies.add("duplicate_add", f"id {nid} already present: moved")
                m.tree.detach(existing)
                try:
                    fresh = Node.from_serialized(data)
                    existing.attrs, existing.text, existing.meta = fresh.attrs, fresh.text, fresh.meta
                except (KeyError, ValueError, TypeError) as exc:
                    m.anomalies.add("bad_node", str(exc))
                existing.is_shadow = is_shadow
                m.on_node_changed(existing)
                return existing
            m.anomalies.add("duplicate_add", f"id {nid} already present: replaced")
            m.tree.remove(existing)
        return m.tree.build(data, is_shadow=is_shadow, level=level)

    def _added(self, node: Node) -> None:
        m = self.m
        for n in iter_subtree(node):
            m.on_node_added(n)
            waiters = self.waiting.pop(n.id, None)
            if waiters:
                self.queue.extend(waiters)
            if n.id in m.pending_docs and n.type == NodeType.ELEMENT:
                doc = m.pending_docs.pop(n.id)
                self._attach_parked(n, doc)

    def _attach_parked(self, iframe: Node, doc_data: dict) -> None:
        doc = self.m.tree.build(doc_data, is_shadow=False, level=depth_of(iframe) + 1)
        if doc is None:
            return
        _make_room(self.m, iframe, doc)
        self.m.tree.insert(iframe, doc)
        self._added(doc)


def _make_room(m: "Mirror", parent: Node, node: Node) -> None:
    """rrweb's single-child rules: one document per iframe, one doctype/<html> per
    document (document.open rewrite), one text child per <textarea>."""
    victims: list[Node] = []
    if node.type == NodeType.DOCUMENT:
        victims = [c for c in parent.children if c.type == NodeType.DOCUMENT and c is not node]
    elif parent.type == NodeType.DOCUMENT and node.type == NodeType.DOCUMENT_TYPE:
        victims = [c for c in parent.children if c.type == NodeType.DOCUMENT_TYPE and c is not node]
    elif parent.type == NodeType.DOCUMENT and node.type == NodeType.ELEMENT and node.tag == "html":
        victims = [c for c in parent.children if c.type == NodeType.ELEMENT and c.tag == "html" and c is not node]
    elif parent.type == NodeType.ELEMENT and parent.tag == "textarea" and node.type == NodeType.TEXT:
        victims = [c for c in parent.children if c.type == NodeType.TEXT and c is not node]
    for v in victims:
        m.tree.remove(v)


# --- texts and attributes ----------------------------------------------------------------

def _apply_texts(m: "Mirror", texts, removed_now: set[int]) -> None:
    for rec in texts:
        if not isinstance(rec, dict):
            m.anomalies.add("bad_text", "not an object")
            continue
        node = _target(m, rec, "text", removed_now)
        if node is None:
            continue
        value = rec.get("value")
        value = "" if value is None else str(value)
        if node.type in (NodeType.TEXT, NodeType.COMMENT, NodeType.CDATA):
            node.text = value
            m.on_text_changed(node)
        else:
            m.anomalies.add("text_on_non_text", f"id {node.id}")


def _apply_attributes(m: "Mirror", attributes, removed_now: set[int]) -> None:
    for rec in attributes:
        if not isinstance(rec, dict) or not isinstance(rec.get("attributes"), dict):
            m.anomalies.add("bad_attribute", "not an object")
            continue
        node = _target(m, rec, "attribute", removed_now)
        if node is None:
            continue
        nid = node.id
        if node.type != NodeType.ELEMENT:
            m.anomalies.add("attribute_on_non_element", f"id {nid}")
            continue
        attrs = node.attrs
        for name, value in rec["attributes"].items():
            if value is None:
                attrs.pop(name, None)
            elif isinstance(value, dict):
                if name != "style":
                    m.anomalies.add("bad_attribute", f"object value for {name}")
                    continue
                attrs["style"] = apply_style_diff(attrs.get("style") if isinstance(attrs.get("style"), str) else "", value)
            elif isinstance(value, (str, int, float, bool)):
                attrs[name] = value
            else:
                m.anomalies.add("bad_attribute", f"{type(value).__name__} value for {name}")
                continue
            if name == "_cssText" and node.tag == "link" and value is not None:
                # the recorder inlined a late-loading <link>: a fresh snapshot would show
                # it without rel/href, and the renderer turns link+_cssText into <style>
                attrs.pop("rel", None)
                attrs.pop("href", None)
            m.on_attribute_changed(node, name)
