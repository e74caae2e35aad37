"""Clip serialized rrweb node trees that are nested deeper than :data:`~.limits.MAX_DEPTH`.

Why at import: every later layer (chunk store, mirror, checkpoints, the frame
sent to the renderer, the renderer's own DOM build) then holds at most
``MAX_DEPTH`` levels from a snapshot or a single mutation add, and the user is
told once, in the import report, how deep the page was and where it was cut.
Only values that came through the deep-JSON parser can be that deep (orjson
reads at most 1024 JSON levels, about 510 DOM levels), so ordinary sessions
never pay for the walk.
"""

from __future__ import annotations

from dataclasses import dataclass

from .limits import MAX_DEPTH


@dataclass
class Clipped:
    """What was cut from one session: the deepest level seen and the nodes dropped."""

    depth: int = 0
    nodes: int = 0

    def merge(self, depth: int, nodes: int) -> None:
        self.depth = max(self.depth, depth)
        self.nodes += nodes

    def message(self, max_depth: int = MAX_DEPTH) -> str | None:
        if not self.nodes:
            return None
        return (
            f"page nested {self.depth} levels deep, over the limit of {max_depth}: "
            f"{self.nodes} node(s) below level {max_depth} were left out"
        )


def clip_tree(node: dict, max_depth: int = MAX_DEPTH, base: int = 0) -> tuple[int, int]:
    """Cut ``node``'s subtree (in place) so no node lies deeper than ``max_depth``.

    ``node`` is at level ``base`` (0 for a document). Returns ``(deepest level
    found, nodes removed)``; ``(d, 0)`` when nothing was cut. No recursion.
    """
    deepest = base
    removed = 0
    stack = [(node, base)]
    while stack:
        n, level = stack.pop()
        kids = n.get("childNodes")
        if not kids or not isinstance(kids, list):
            continue
        if level >= max_depth:
            d, c = _measure(kids, level + 1)
            deepest = max(deepest, d)
            removed += c
            n["childNodes"] = []
            continue
        if level + 1 > deepest:
            deepest = level + 1
        for k in kids:
            if isinstance(k, dict):
                stack.append((k, level + 1))
    return deepest, removed


def _measure(kids: list, level: int) -> tuple[int, int]:
    """(deepest level, node count) of the subtrees in ``kids`` starting at ``level``."""
    deepest = level
    count = 0
    stack = [(k, level) for k in kids if isinstance(k, dict)]
    while stack:
        n, lv = stack.pop()
        count += 1
        if lv > deepest:
            deepest = lv
        sub = n.get("childNodes")
        if sub and isinstance(sub, list):
            stack.extend((k, lv + 1) for k in sub if isinstance(k, dict))
    return deepest, count


def clip_event(e: dict, clipped: Clipped, max_depth: int = MAX_DEPTH) -> None:
    """Clip a FullSnapshot's document or each node a Mutation adds (relative to its parent)."""
    d = e.get("data")
    if type(d) is not dict:
        return
    t = e.get("type")
    if t == 2:
        node = d.get("node")
        if type(node) is dict:
            clipped.merge(*_only_cut(clip_tree(node, max_depth)))
    elif t == 3 and d.get("source") == 0:
        adds = d.get("adds")
        if type(adds) is list:
            for add in adds:
                node = add.get("node") if type(add) is dict else None
                if type(node) is dict:
                    clipped.merge(*_only_cut(clip_tree(node, max_depth, 1)))


def _only_cut(result: tuple[int, int]) -> tuple[int, int]:
    depth, removed = result
    return (depth, removed) if removed else (0, 0)
