"""Node lookups for analysis and overlays: node info, text, CSS selectors, labels.

``css_selector`` aims for selectors that stay stable across a session and read well
in reports (``button#share-lab``, ``div.card:nth-of-type(2) > a``):

* an element with a unique, identifier-like ``id`` is ``tag#id`` and anchors the path;
* otherwise each step is ``tag`` + its *first* class (usually the component class;
  later classes tend to be state like ``on``/``active``/``show`` and would make the
  selector change when the state changes); when the parent has several children of
  that tag, ``:nth-of-type(k)`` is added and the class is kept only if all of them
  carry it (so ``button.on`` never appears just because one star is lit);
* steps are joined with `` > `` and the path stops as soon as it matches exactly one
  element in its scope (checked with a small matcher for exactly this grammar).

Shadow DOM and iframes: a selector cannot cross a shadow root or a document, so the
part inside is prefixed with the host's / iframe's selector and `` >>> `` ("descend
into the shadow root or iframe document of the element on the left"), e.g.
``star-rating#rating >>> button:nth-of-type(4)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

from .constants import NodeType
from .tree import Node

_IDENT = re.compile(r"^-?[A-Za-z_][A-Za-z0-9_-]*$")
_SKIP_TEXT = frozenset(("script", "style", "noscript", "template", "head", "title"))
SHADOW_SEP = " >>> "


@dataclass(frozen=True)
class NodeInfo:
    """A read-only copy of one node, safe to hand to other threads."""

    id: int
    type: int
    tag: str | None
    attributes: dict = field(default_factory=dict)
    text: str = ""
    parent_id: int | None = None
    child_ids: tuple[int, ...] = ()
    is_shadow: bool = False
    is_shadow_host: bool = False
    root_id: int | None = None


def node_info(n: Node) -> NodeInfo:
    text = n.text or "" if n.type != NodeType.ELEMENT else text_content(n)
    return NodeInfo(
        id=n.id, type=n.type, tag=n.tag, attributes=dict(n.attrs) if n.attrs else {}, text=text,
        parent_id=n.parent.id if n.parent is not None else None,
        child_ids=tuple(c.id for c in n.all_children()), is_shadow=n.is_shadow,
        is_shadow_host=bool(n.shadow) or bool(n.meta and n.meta.get("isShadowHost")),
        root_id=(n.meta or {}).get("rootId"),
    )


def text_content(n: Node, include_shadow: bool = False, *, separate_blocks: bool = False) -> str:
    """Visible-ish text of a subtree: text nodes, skipping script/style/head content and
    iframe documents; shadow-root text only with ``include_shadow`` (the DOM's
    ``textContent`` never includes it).

    ``separate_blocks`` puts a space around the text of block-level elements (and at
    ``<br>``), as a browser lays them out on separate lines: a product card reads
    "Glazed Coffee Mug $18.00 In stock", not "Glazed Coffee Mug$18.00In stock" (the
    DOM's ``textContent``, the default, runs them together)."""
    if n.type != NodeType.ELEMENT and n.type != NodeType.DOCUMENT:
        return n.text or ""
    parts: list[str] = []
    stack: list = [n]
    while stack:
        x = stack.pop()
        if x is None:  # the end of a block element
            parts.append(" ")
            continue
        if x.type == NodeType.TEXT:
            parts.append(x.text or "")
            continue
        if x.type == NodeType.ELEMENT and x.tag in _SKIP_TEXT and x is not n:
            continue
        if x.type == NodeType.DOCUMENT and x is not n:
            continue
        kids = x.all_children() if include_shadow else x.children
        if separate_blocks and x is not n and x.type == NodeType.ELEMENT and x.tag in _BLOCK_TAGS:
            parts.append(" ")
            stack.append(None)
        stack.extend(reversed(kids))
    return "".join(parts)


#: elements a browser lays out as their own line or cell by default (plus ``br``)
_BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "hr", "legend", "li", "main", "nav", "ol", "option", "p", "pre", "section", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
))


# --- selectors ---------------------------------------------------------------------------

class _Step:
    __slots__ = ("tag", "id", "cls", "nth")

    def __init__(self, tag: str, id_: str | None = None, cls: str | None = None, nth: int | None = None):
        self.tag, self.id, self.cls, self.nth = tag, id_, cls, nth

    def text(self) -> str:
        s = self.tag
        if self.id is not None:
            s += f"#{self.id}" if _IDENT.match(self.id) else f'[id="{_quote(self.id)}"]'
        if self.cls is not None:
            s += f".{self.cls}"
        if self.nth is not None:
            s += f":nth-of-type({self.nth})"
        return s

    def matches(self, e: Node) -> bool:
        if e.tag != self.tag:
            return False
        if self.id is not None and e.attrs.get("id") != self.id:
            return False
        if self.cls is not None and self.cls not in _classes(e):
            return False
        if self.nth is not None and _nth_of_type(e) != self.nth:
            return False
        return True


def _quote(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')


def _classes(e: Node) -> list[str]:
    c = e.attrs.get("class")
    return c.split() if isinstance(c, str) else []


def _siblings(e: Node) -> list[Node]:
    lst = e.sibling_list()
    return lst if lst is not None else [e]


def _nth_of_type(e: Node) -> int:
    k = 0
    for s in _siblings(e):
        if s.type == NodeType.ELEMENT and s.tag == e.tag:
            k += 1
        if s is e:
            return k
    return k


def _scope_top(e: Node) -> Node:
    """The highest element of ``e``'s scope (document or shadow root)."""
    n = e
    while n.parent is not None and n.parent.type == NodeType.ELEMENT and not n.is_shadow:
        n = n.parent
    return n


def _scope_elements(e: Node) -> Iterator[Node]:
    """All elements in the same document/shadow-root scope as ``e``."""
    top = _scope_top(e)
    roots = _siblings(top) if (top.is_shadow or top.parent is not None) else [top]
    stack = [r for r in reversed(roots) if r.type == NodeType.ELEMENT]
    while stack:
        x = stack.pop()
        yield x
        stack.extend(c for c in reversed(x.children) if c.type == NodeType.ELEMENT)


def _chain_matches(e: Node, steps: list[_Step]) -> bool:
    """``steps`` innermost first, joined by child combinators, not leaving the scope."""
    n: Node | None = e
    for k, step in enumerate(steps):
        if n is None or n.type != NodeType.ELEMENT or not step.matches(n):
            return False
        if k + 1 < len(steps):
            if n.is_shadow:
                return False
            n = n.parent
    return True


def _step_for(e: Node, scope: list[Node]) -> tuple[_Step, bool]:
    """The step for ``e`` and whether it is unique in the scope on its own (id anchor)."""
    eid = e.attrs.get("id")
    if isinstance(eid, str) and eid.strip() and eid == eid.strip():
        if sum(1 for x in scope if x.attrs.get("id") == eid) == 1:
            return _Step(e.tag, id_=eid), True
    classes = _classes(e)
    cls = classes[0] if classes and _IDENT.match(classes[0]) else None
    twins = [s for s in _siblings(e) if s.type == NodeType.ELEMENT and s.tag == e.tag]
    if len(twins) == 1:
        return _Step(e.tag, cls=cls), False
    # Among same-tag siblings position is the stable key. A class that only some of
    # them carry is often state ("on", "active") and would make the selector change
    # with the UI state, so it is kept only when every twin has it (descriptive).
    if cls is not None and not all(cls in _classes(s) for s in twins):
        cls = None
    return _Step(e.tag, cls=cls, nth=_nth_of_type(e)), False


def css_selector(n: Node) -> str | None:
    """Stable selector for an element (text/comment nodes: their parent element).
    ``None`` for documents/doctypes and detached nodes."""
    if n.type != NodeType.ELEMENT:
        if n.parent is None or n.parent.type != NodeType.ELEMENT:
            return None
        n = n.parent
    scope = list(_scope_elements(n))
    same_tag = [x for x in scope if x.tag == n.tag]  # only these can match the innermost step
    steps: list[_Step] = []
    cur = n
    while True:
        step, anchored = _step_for(cur, scope)
        steps.append(step)
        if anchored:
            break
        if sum(1 for x in same_tag if _chain_matches(x, steps)) == 1:
            break
        p = cur.parent
        if cur.is_shadow or p is None or p.type != NodeType.ELEMENT:
            break
        cur = p
    sel = " > ".join(s.text() for s in reversed(steps))
    top = _scope_top(n)
    host = None
    if top.is_shadow and top.parent is not None:
        host = top.parent
    elif top.parent is not None and top.parent.type == NodeType.DOCUMENT and top.parent.parent is not None:
        host = top.parent.parent  # the <iframe> holding this document
    if host is not None:
        outer = css_selector(host)
        if outer:
            return outer + SHADOW_SEP + sel
    return sel


def describe(n: Node, max_text: int = 40) -> str:
    """Short human label: ``button#buy 'Add to cart'``, ``input[type=email]#email``."""
    if n.type == NodeType.TEXT:
        t = " ".join((n.text or "").split())
        return f"text '{_clip(t, max_text)}'"
    if n.type != NodeType.ELEMENT:
        return {NodeType.DOCUMENT: "document", NodeType.DOCUMENT_TYPE: "doctype",
                NodeType.COMMENT: "comment", NodeType.CDATA: "cdata"}.get(n.type, f"node {n.id}")
    a = n.attrs
    label = n.tag
    if n.tag == "input" and isinstance(a.get("type"), str):
        label += f"[type={a['type']}]"
    eid = a.get("id")
    classes = _classes(n)
    if isinstance(eid, str) and eid:
        label += f"#{eid}"
    elif classes:
        label += f".{classes[0]}"
    text = ""
    for key in ("aria-label", "alt", "title", "placeholder"):
        if isinstance(a.get(key), str) and a[key].strip():
            text = a[key]
            break
    if not text:
        text = text_content(n, include_shadow=True, separate_blocks=True)
    if not text and n.tag in ("input", "button", "option") and isinstance(a.get("value"), str):
        text = a["value"]
    text = " ".join(text.split())
    return f"{label} '{_clip(text, max_text)}'" if text else label


def _clip(s: str, k: int) -> str:
    return s if len(s) <= k else s[: k - 1] + "…"
