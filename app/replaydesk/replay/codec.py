"""Exact, compact (de)serialisation of a :class:`Mirror`'s whole state.

Format: ``orjson`` of a small dict (:mod:`.checkpoints` compresses it). The tree is stored as a flat
pre-order list of node records ``[parent_pos, id, type, is_shadow, tag_or_text,
attrs, meta]`` where ``parent_pos`` is the *position* of the parent record (-1 for
the root). Positions, not ids, so that even a tree with duplicate ids (counted as
an anomaly, but kept) round-trips exactly; a flat list also restores without
recursion and ~2x faster than walking rrweb's nested format.

``encode_state`` returns the uncompressed JSON bytes too: :mod:`.checkpoints` uses
them as a zstd dictionary so later checkpoints only pay for what changed.
"""

from __future__ import annotations

from ..formats import deepjson
from .anomalies import Anomalies
from .constants import NodeType
from .mirror import Mirror
from .side import SideState
from .styles import StyleState
from .tree import Node, NodeIndex, append_child

FORMAT_VERSION = 1


def _flat_tree(root: Node | None) -> list:
    if root is None:
        return []
    out: list = []
    stack: list[tuple[Node, int]] = [(root, -1)]
    while stack:
        n, ppos = stack.pop()
        pos = len(out)
        payload = n.tag if n.type == NodeType.ELEMENT else n.text
        out.append([ppos, n.id, n.type, 1 if n.is_shadow else 0, payload, n.attrs, n.meta])
        kids = n.all_children()
        for c in reversed(kids):
            stack.append((c, pos))
    return out


def state_dict(m: Mirror) -> dict:
    return {
        "v": FORMAT_VERSION,
        "tree": _flat_tree(m.tree.root),
        "side": m.side.to_json(),
        "styles": m.styles.to_json(),
        "pending_docs": [[k, v] for k, v in m.pending_docs.items()],
        "anomalies": m.anomalies.to_json(),
        "event_index": m.event_index,
        "timestamp": m.timestamp,
    }


def encode_state(m: Mirror) -> bytes:
    """Uncompressed, deterministic JSON bytes of the whole state."""
    return deepjson.dumps(state_dict(m))


def decode_state(raw: bytes) -> Mirror:
    """Inverse of :func:`encode_state`; raises ``ValueError`` on another format version."""
    d = deepjson.loads(raw)
    if d.get("v") != FORMAT_VERSION:
        raise ValueError(f"unsupported mirror state version {d.get('v')!r}")
    m = Mirror()
    m.anomalies = Anomalies.from_json(d["anomalies"])
    m.tree.anomalies = m.anomalies
    nodes = NodeIndex()
    placed: list[Node] = []
    for ppos, nid, ntype, shadow, payload, attrs, meta in d["tree"]:
        n = Node(nid, ntype, meta=meta, is_shadow=bool(shadow))
        if ntype == NodeType.ELEMENT:
            n.tag, n.attrs = payload, attrs
        elif ntype not in (NodeType.DOCUMENT, NodeType.DOCUMENT_TYPE):
            n.text = payload
        if ppos >= 0:
            append_child(placed[ppos], n)
        placed.append(n)
        nodes[nid] = n
    m.tree.nodes = nodes
    m.tree.root = placed[0] if placed else None
    m.side = SideState.from_json(d["side"])
    m.styles = StyleState.from_json(d["styles"])
    m.pending_docs = {k: v for k, v in d["pending_docs"]}
    m.event_index = d["event_index"]
    m.timestamp = d["timestamp"]
    return m

