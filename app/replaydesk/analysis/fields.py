"""Field drop-off of one page's form across sessions (issue 12), Qt-free.

Checkout optimisation asks "which field do people give up at?". Per form field this
reports how many sessions focused it, the time spent in it (focus to blur), corrections
and validation errors, and - for page views left without a submit - which field was
touched last.

Fields are not stored rows: each selected page view's events are read from the store
(only the chunks overlapping it) and replayed into a DOM mirror, which names the field a
focus, input or mutation is about. A field is named by its stable selector (the one click
attribution uses), so the same field is one row across sessions; a radio group is one
field, ``input[name=...]``.

- **Correction**: the field's text got shorter (a delete) and then longer again (a re-type).
- **Validation error seen**: a mutation set the field's ``aria-invalid`` to true, put an
  ``invalid``/``error`` class on the field or on the wrapper holding only this field, or
  added error text (an element with an ``error``/``invalid`` class or ``role=alert``) in
  that wrapper. Real forms mostly do the latter two: the corpus checkout marks a failed
  field with ``class="field invalid"`` and a ``p.error-msg`` beside it, not aria-invalid.
- **Left without a submit**: no click on a submit control of the form after the last
  field was touched (a failed submit followed by more typing and leaving counts as left).
"""

from __future__ import annotations

from ..store import connection_of

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from ..replay.mirror import Mirror
from ..rrweb import NodeType
from ..store.chunks import iter_events
from ..store.insights import Selection, page_views
from ..work import CancelToken
from .signals.attribution import click_target, stable_selector

_NOT_FIELD_TYPES = frozenset(("hidden", "submit", "button", "image", "reset"))
_ERROR_CLASS = re.compile(r"(^|[\s_-])(invalid|error|has-error|is-invalid)($|[\s_-])", re.I)
#: how far up from a field its "wrapper" (label + input + error text) may be
_WRAPPER_DEPTH = 3


@dataclass
class FieldRow:
    selector: str
    name: str | None
    sessions: int = 0  # sessions that focused (or typed in) it
    time_s: float = 0.0  # total focus time
    avg_time_s: float = 0.0  # per focusing session
    corrections: int = 0
    errors: int = 0  # validation errors seen (mutations marking it)
    error_sessions: int = 0
    last_touched: int = 0  # page views left without a submit with this field last


@dataclass
class FieldReport:
    pattern: str
    page_views: int = 0
    with_input: int = 0  # page views where a field was touched
    submitted: int = 0
    abandoned: int = 0
    fields: list[FieldRow] = field(default_factory=list)  # in the order fields were first touched
    last_fields: list[tuple[str, int, float]] = field(default_factory=list)  # (selector, count, share), ranked

    def to_dict(self) -> dict:
        d = asdict(self)
        d["last_fields"] = [{"field": s, "abandoned": n, "share": sh} for s, n, sh in self.last_fields]
        return d


def is_field(node) -> bool:
    if node is None or node.type != NodeType.ELEMENT:
        return False
    if node.tag in ("select", "textarea"):
        return True
    if node.tag == "input":
        return str(node.attrs.get("type") or "text").lower() not in _NOT_FIELD_TYPES
    ce = node.attrs.get("contenteditable")
    return ce is not None and str(ce).lower() != "false"


def _group(node):
    """A radio group is one field (its name); any other field is its node."""
    if node.tag == "input" and str(node.attrs.get("type") or "").lower() == "radio" and node.attrs.get("name"):
        return ("radio", str(node.attrs["name"]))
    return node.id


def _fields_under(node, limit: int = 12) -> list:
    out, stack = [], [node]
    while stack and len(out) < limit:
        n = stack.pop()
        if is_field(n):
            out.append(n)
        stack.extend(n.children)
    return out


def _near_field(node):
    """The one field ``node`` is about: itself, or the single field (or radio group) in a
    wrapper up to :data:`_WRAPPER_DEPTH` levels above it (not crossing the form)."""
    n = node
    for _ in range(_WRAPPER_DEPTH + 1):
        if n is None or n.tag == "form":
            return None
        found = _fields_under(n)
        if found and len({_group(f) for f in found}) == 1:
            return found[0]
        if found:
            return None  # a wrapper of several fields: not near one
        n = n.parent
    return None


def _errorish(node) -> bool:
    if node is None or node.type != NodeType.ELEMENT:
        return False
    a = node.attrs
    return bool(_ERROR_CLASS.search(str(a.get("class") or ""))) or str(a.get("role") or "").lower() == "alert"


class _Acc:
    def __init__(self) -> None:
        self.order: list[str] = []
        self.names: dict[str, str | None] = {}
        self.sessions: dict[str, set] = {}
        self.time_ms: dict[str, int] = {}
        self.corrections: dict[str, int] = {}
        self.errors: dict[str, int] = {}
        self.error_sessions: dict[str, set] = {}
        self.last: dict[str, int] = {}

    def key(self, node) -> str:
        g = _group(node)
        sel = f"input[name={g[1]}]" if isinstance(g, tuple) else (stable_selector(node) or f"node {node.id}")
        if sel not in self.names:
            self.order.append(sel)
            self.names[sel] = node.attrs.get("name") if node.attrs else None
        return sel


def _page_view(conn, acc: _Acc, rep: FieldReport, sid: str, t0: int, t1: int) -> None:
    mirror = Mirror()
    focus: dict[str, int] = {}  # field -> focus start
    lengths: dict[str, int] = {}
    shrunk: set[str] = set()
    last_field, last_t, submit_t = None, None, None
    t_end = t0
    for e in iter_events(conn, sid, t0, t1):
        ts = e.get("timestamp")
        t = int(ts) if isinstance(ts, (int, float)) and not isinstance(ts, bool) else t_end
        t_end = max(t_end, t)
        d = e.get("data") if isinstance(e.get("data"), dict) else {}
        inc = e.get("type") == 3
        src = d.get("source") if inc else None
        if src == 2 and d.get("type") == 2:  # click: before applying, as attribution does
            if click_target(mirror, d.get("id")).submits_form is not None:
                submit_t = t
        mirror.apply(e)
        if not inc:
            continue
        nodes = mirror.tree.nodes
        if src == 2 and d.get("type") in (5, 6):  # focus / blur
            n = nodes.get(d.get("id"))
            if not is_field(n):
                continue
            k = acc.key(n)
            if d["type"] == 5:
                focus[k] = t
                acc.sessions.setdefault(k, set()).add(sid)
                last_field, last_t = k, t
            elif k in focus:
                acc.time_ms[k] = acc.time_ms.get(k, 0) + max(0, t - focus.pop(k))
        elif src == 5:  # input
            n = nodes.get(d.get("id"))
            if not is_field(n):
                continue
            k = acc.key(n)
            acc.sessions.setdefault(k, set()).add(sid)
            last_field, last_t = k, t
            text = d.get("text")
            if isinstance(text, str):
                ln, prev = len(text), lengths.get(k)
                if prev is not None and ln < prev:
                    shrunk.add(k)
                elif prev is not None and ln > prev and k in shrunk:
                    shrunk.discard(k)
                    acc.corrections[k] = acc.corrections.get(k, 0) + 1
                lengths[k] = ln
        elif src == 0:  # mutation: validation errors
            marked = set()
            for a in d.get("attributes") or ():
                if not isinstance(a, dict) or not isinstance(a.get("attributes"), dict):
                    continue
                n = nodes.get(a.get("id"))
                attrs = a["attributes"]
                if n is None:
                    continue
                if is_field(n) and str(attrs.get("aria-invalid") or "").lower() == "true":
                    marked.add(n)
                elif "class" in attrs and _errorish(n):
                    f = _near_field(n)
                    if f is not None:
                        marked.add(f)
            for add in d.get("adds") or ():
                node = add.get("node") if isinstance(add, dict) else None
                n = nodes.get(node.get("id")) if isinstance(node, dict) else None
                if _errorish(n):
                    f = _near_field(n.parent)
                    if f is not None:
                        marked.add(f)
            for f in marked:
                k = acc.key(f)
                acc.errors[k] = acc.errors.get(k, 0) + 1
                acc.error_sessions.setdefault(k, set()).add(sid)
    for k, start in focus.items():  # still focused when the page was left
        acc.time_ms[k] = acc.time_ms.get(k, 0) + max(0, t_end - start)
    if last_field is None:
        return
    rep.with_input += 1
    if submit_t is not None and submit_t >= last_t:
        rep.submitted += 1
    else:
        rep.abandoned += 1
        acc.last[last_field] = acc.last.get(last_field, 0) + 1


def field_dropoff(db, selection: Selection, *, cancel: CancelToken | None = None,
                  progress: Callable[[int, int, str], None] | None = None) -> FieldReport:
    """Per-field drop-off of the selected page views (see the module doc). ValueError (one
    line) when no page view matches."""
    views = page_views(db, selection)
    if not views:
        raise ValueError(f"no page views match {selection.pattern!r}")
    conn = connection_of(db)
    rep = FieldReport(pattern=selection.pattern, page_views=len(views))
    acc = _Acc()
    for i, (sid, _seq, t0, t1, *_rest) in enumerate(views):
        if cancel is not None:
            cancel.check()
        if progress is not None and i % 16 == 0:
            progress(i, len(views), sid)
        _page_view(conn, acc, rep, sid, t0, t1)
    for k in acc.order:
        n_sess = len(acc.sessions.get(k, ()))
        ms = acc.time_ms.get(k, 0)
        rep.fields.append(FieldRow(
            selector=k, name=acc.names[k], sessions=n_sess, time_s=ms / 1000,
            avg_time_s=ms / 1000 / n_sess if n_sess else 0.0, corrections=acc.corrections.get(k, 0),
            errors=acc.errors.get(k, 0), error_sessions=len(acc.error_sessions.get(k, ())),
            last_touched=acc.last.get(k, 0)))
    total = sum(acc.last.values())
    rep.last_fields = sorted(((k, n, n / total) for k, n in acc.last.items()), key=lambda r: (-r[1], r[0]))
    return rep
