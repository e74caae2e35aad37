"""The DOM mirror: a Python model of the recorded page at the current replay position.

Feed it events in stable timestamp order with :meth:`Mirror.apply`; ask it at any
time for the document (:meth:`serialize`), the non-DOM state (:meth:`side_state`)
and node lookups (:meth:`node`, :meth:`css_selector`, :meth:`describe`).
:mod:`.codec` snapshots the complete state (checkpoints); it imports this module,
never the other way round.

Robustness contract: ``apply`` never raises. Ops that cannot be applied are
skipped and counted in :attr:`anomalies` (docs/rrweb-format.md §3 and §5 row 13, rrweb #1690); an
unexpected exception inside a handler is caught and counted as ``exception``
(the tests assert the corpus produces none).

The mirror is single-threaded and Qt-free. The player seeks on the GUI thread (a seek
restores one checkpoint and applies at most one checkpoint interval, a few ms); the
checkpoint scan and the views build run it on worker threads, each with its own mirror.
"""

from __future__ import annotations

from typing import Iterable

from . import side as _side
from . import styles as _styles
from .anomalies import Anomalies
from .constants import EventType, NodeType, Source
from .mutation import apply_mutation
from .selectors import NodeInfo, css_selector, describe, node_info, text_content
from .side import SideState
from .styles import StyleState
from .tree import DomTree, Node, iter_subtree

_INCREMENTAL = {
    Source.MUTATION: apply_mutation,
    Source.MOUSE_MOVE: _side.on_positions,
    Source.TOUCH_MOVE: _side.on_positions,
    Source.DRAG: _side.on_positions,
    Source.MOUSE_INTERACTION: _side.on_mouse_interaction,
    Source.SCROLL: _side.on_scroll,
    Source.VIEWPORT_RESIZE: _side.on_viewport,
    Source.INPUT: _side.on_input,
    Source.MEDIA_INTERACTION: _side.on_media,
    Source.STYLE_SHEET_RULE: _styles.on_stylesheet_rule,
    Source.CANVAS_MUTATION: _side.on_canvas,
    Source.FONT: _side.on_font,
    Source.STYLE_DECLARATION: _styles.on_style_declaration,
    Source.SELECTION: _side.on_selection,
    Source.ADOPTED_STYLE_SHEET: _styles.on_adopted,
}
_IGNORED_SOURCES = frozenset((Source.LOG, Source.CUSTOM_ELEMENT))


class Mirror:
    """State of one replayed tab. See the module docstring for the contract."""

    def __init__(self) -> None:
        self.anomalies = Anomalies()
        self.tree = DomTree(self.anomalies, on_removed=self._collect_removed)
        self.side = SideState()
        self.styles = StyleState()
        #: documents for iframes that do not exist yet (iframe id -> serialized Document)
        self.pending_docs: dict[int, dict] = {}
        #: index (in the session's sorted event list) and timestamp of the last applied event
        self.event_index = -1
        self.timestamp = 0
        self._removed: list[int] = []

    # --- applying events ----------------------------------------------------------------

    def apply(self, event: dict, index: int | None = None) -> None:
        """Apply one event. ``index`` is its position in the sorted session; when
        omitted the mirror counts events itself (index = previous + 1)."""
        self.event_index = self.event_index + 1 if index is None else index
        a = self.anomalies
        a.event_index = self.event_index
        if not isinstance(event, dict):
            a.add("bad_event", f"event is a {type(event).__name__}")
            return
        try:
            ts = event.get("timestamp")
            if isinstance(ts, (int, float)) and not isinstance(ts, bool):
                self.timestamp = ts
            a.timestamp = self.timestamp
            etype = event.get("type")
            data = event.get("data")
            if not isinstance(data, dict):
                if etype in (EventType.FULL_SNAPSHOT, EventType.INCREMENTAL, EventType.META):
                    a.add("bad_event", f"type {etype} without data object")
                return
            if etype == EventType.INCREMENTAL:
                source = data.get("source")
                source = source if isinstance(source, int) else None
                handler = _INCREMENTAL.get(source)
                if handler is not None:
                    handler(self, data)
                elif source not in _IGNORED_SOURCES:
                    a.add("unknown_source", f"source {data.get('source')!r}")
            elif etype == EventType.FULL_SNAPSHOT:
                self._full_snapshot(data)
            elif etype == EventType.META:
                self._meta(data)
        except Exception as exc:  # never crash on recorded data; count it instead
            a.add("exception", f"{type(exc).__name__}: {exc}")
        finally:
            if self._removed:
                self._purge_removed()

    def apply_all(self, events: Iterable[dict], start_index: int | None = None) -> None:
        if start_index is None:
            for ev in events:
                self.apply(ev)
        else:
            for k, ev in enumerate(events, start_index):
                self.apply(ev, k)

    def _meta(self, data: dict) -> None:
        href = data.get("href")
        if isinstance(href, str):
            self.side.href = href
        if "width" in data or "height" in data:
            _side.on_viewport(self, data)

    def _full_snapshot(self, data: dict) -> None:
        node = data.get("node")
        if not isinstance(node, dict) or node.get("type") != NodeType.DOCUMENT:
            self.anomalies.add("bad_snapshot", "FullSnapshot without a Document node")
            return
        # a new document (page load or checkout): rrweb resets mirror, style mirror, media
        self.tree.reset()
        self.side.reset_document()
        self.styles.reset_document()
        self.pending_docs = {}
        self._removed = []
        root = self.tree.build(node)
        if root is None:
            return
        self.tree.root = root
        for n in iter_subtree(root):
            _side.init_from_attributes(self, n)
        off = data.get("initialOffset")
        if isinstance(off, dict):
            self.side.scrolls[root.id] = {"x": off.get("left", 0) or 0, "y": off.get("top", 0) or 0}

    # --- hooks called by mutation.py ---------------------------------------------------

    def _collect_removed(self, ids: list[int]) -> None:
        self._removed.extend(ids)

    def _purge_removed(self) -> None:
        """Drop side state of nodes that left the document. Done after the whole event
        so a node moved within one mutation (remove + re-add, same id) keeps its
        canvas, input value, media and adopted sheets, as the browser element would."""
        nodes = self.tree.nodes
        for nid in self._removed:
            if nid not in nodes:
                self.side.forget(nid)
                self.styles.forget(nid)
        self._removed = []

    def on_node_added(self, node: Node) -> None:
        _side.init_from_attributes(self, node)
        if self.styles.detached:
            self.styles.node_added(node.id)
        p = node.parent
        if p is not None and p.type == NodeType.ELEMENT and p.tag == "style" and node.type == NodeType.TEXT:
            self.styles.invalidate(p.id)  # legacy <style> whose CSS lives in its text child

    def on_node_changed(self, node: Node) -> None:
        _side.init_from_attributes(self, node)
        if node.type == NodeType.ELEMENT:
            self.styles.invalidate(node.id)

    def on_child_removed(self, parent: Node, node: Node) -> None:
        # the browser re-parses a <style> whose text child goes: CSSOM edits (sources 8/13)
        # are lost, as when a text child is added or changed (rrweb's style-sheet-text-mutation)
        if parent.type == NodeType.ELEMENT and parent.tag == "style" and node.type == NodeType.TEXT:
            self.styles.invalidate(parent.id)

    def on_text_changed(self, node: Node) -> None:
        p = node.parent
        if p is not None and p.type == NodeType.ELEMENT and p.tag == "style":
            self.styles.invalidate(p.id)

    def on_attribute_changed(self, node: Node, name: str) -> None:
        if name == "_cssText":
            self.styles.invalidate(node.id)
        else:
            _side.attribute_changed(self, node, name)

    # --- queries ------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.tree.nodes)

    def __contains__(self, nid: object) -> bool:
        return nid in self.tree.nodes

    @property
    def document_id(self) -> int | None:
        return self.tree.root.id if self.tree.root is not None else None

    def serialize(self, node_id: int | None = None) -> dict | None:
        """The document (or the subtree of ``node_id``) in rrweb's serialized node format,
        exactly the shape of a FullSnapshot's ``data.node``.

        * shadow-root children follow the light children of their host in
          ``childNodes``, each flagged ``"isShadow": true``;
        * a same-origin iframe's document is the (last) ``childNodes`` entry of type 0
          of its ``<iframe>`` element; its nodes carry ``rootId`` as recorded;
        * ``<style>``/``<link>`` sheets edited through the CSSOM (sources 8/13) have
          their current rules in ``_cssText``;
        * form values, scroll offsets, canvas pixels etc. are *not* folded into
          attributes: they are in :meth:`side_state`.
        Returns ``None`` before the first FullSnapshot or for an unknown id.
        """
        root = self.tree.root if node_id is None else self.tree.nodes.get(node_id)
        if root is None:
            return None
        return self.tree.serialize(root, self.styles.css_overrides())

    def side_state(self) -> dict:
        """Everything a renderer needs besides the tree. Keys (node-id maps use int keys):

        ``href`` str|None, ``viewport`` {width,height}|None, ``scrolls`` {id:{x,y}}
        (document id = window scroll), ``inputs`` {id:{value,isChecked}} (only for
        elements that received Input events), ``mouse`` {x,y,id}|None, ``hover`` id|None,
        ``focus`` id|None, ``focus_pointer`` bool (focused by a pointer press), ``touch_active`` bool, ``selection`` [ranges]|None,
        ``stylesheets`` {style id: [rule text]} (CSSOM-edited sheets only),
        ``adopted`` {sheets:{styleId:[rule text]}, targets:{document/host id:[styleId]}},
        ``canvas`` {id:{image: dataURL|None, mutations:[{type, commands}]}} (commands
        to replay on top of ``image``), ``media`` {id:{paused,currentTime,playbackRate,
        volume,muted,loop,at}} (``at`` = event time of currentTime), ``fonts`` [...],
        ``timestamp`` and ``event_index`` of the last applied event.
        All containers are fresh copies; canvas ``commands`` lists are the recorded
        event payloads themselves and must be treated as read-only.
        """
        s = self.side
        out = {
            "href": s.href,
            "viewport": dict(s.viewport) if s.viewport else None,
            "scrolls": {k: dict(v) for k, v in s.scrolls.items()},
            "inputs": {k: dict(v) for k, v in s.inputs.items()},
            "mouse": dict(s.mouse) if s.mouse else None,
            "hover": s.hover,
            "focus": s.focus,
            "focus_pointer": s.focus_pointer,
            "touch_active": s.touch_active,
            "selection": [dict(r) if isinstance(r, dict) else r for r in s.selection] if s.selection else None,
            "canvas": {k: {"image": v["image"], "mutations": [dict(e) for e in v["mutations"]]}
                       for k, v in s.canvas.items()},
            "media": {k: dict(v) for k, v in s.media.items()},
            "fonts": [dict(f) for f in s.fonts],
            "timestamp": self.timestamp,
            "event_index": self.event_index,
        }
        out.update(self.styles.snapshot())
        return out

    def node(self, nid: int) -> NodeInfo | None:
        n = self.tree.nodes.get(nid)
        return node_info(n) if n is not None else None

    def text_content(self, nid: int) -> str:
        n = self.tree.nodes.get(nid)
        return text_content(n) if n is not None else ""

    def css_selector(self, nid: int) -> str | None:
        n = self.tree.nodes.get(nid)
        return css_selector(n) if n is not None else None

    def describe(self, nid: int) -> str:
        n = self.tree.nodes.get(nid)
        return describe(n) if n is not None else f"#{nid} (not in page)"
