"""Which element a click landed on, named so that it means the same thing in every session.

For each click or tap the DOM mirror *at that moment* gives the target node; this
module turns it into a :class:`ClickTarget`: tag, ARIA role, a short text snippet and a
stable CSS selector, plus the facts the dead-click rule needs (is it a text field, a
select, a label?).

Stable selectors. :func:`replaydesk.replay.selectors.css_selector` already builds
readable, unique selectors (``button#share-lab``, ``nav > a:nth-of-type(2)``). It takes
any unique id or first class, though, and frameworks generate ids and classes that
change with every build or page view (``css-1q2w3e``, ``ember1234``, ``:r3:``,
``item-829471``): a heatmap grouping clicks by such a selector would split one button
into many. So :func:`stable_selector` uses ``css_selector`` when nothing in its result
looks generated (:func:`looks_generated`), and otherwise builds an ``nth-of-type`` path
that skips the generated tokens, anchored at the nearest ancestor with a stable id.
(Box measurement, the click's position inside the element, needs the renderer and is
done in ui/.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...replay.selectors import SHADOW_SEP, css_selector, text_content
from ...rrweb import NodeType

MAX_TEXT = 40
#: input types whose response to a click is focus or a picker, not a DOM change
_TEXTLIKE_INPUTS = frozenset((
    "", "text", "email", "password", "search", "tel", "url", "number", "date", "datetime-local", "month", "week",
    "time", "file", "color", "range",
))
_NOT_CANDIDATE_TAGS = frozenset(("textarea", "select", "option", "optgroup", "label", "datalist"))
#: clicking empty page background is not an attempt to use the page
_BACKGROUND_TAGS = frozenset(("html", "body"))
_IMPLICIT_ROLES = {
    "button": "button", "select": "combobox", "textarea": "textbox", "img": "img", "nav": "navigation",
    "form": "form", "table": "table", "ul": "list", "ol": "list", "li": "listitem", "dialog": "dialog",
    "h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading",
    "option": "option", "summary": "button", "main": "main", "header": "banner", "footer": "contentinfo",
}
_INPUT_ROLES = {
    "button": "button", "submit": "button", "reset": "button", "image": "button", "checkbox": "checkbox",
    "radio": "radio", "range": "slider", "number": "spinbutton", "search": "searchbox",
}


@dataclass(frozen=True)
class ClickTarget:
    node_id: int | None
    tag: str | None
    role: str | None
    selector: str | None
    text: str
    #: could a click here be "dead"? False for text fields, selects, labels, editable
    #: text and the page background, whose response to a click is focus or nothing
    dead_candidate: bool = True
    #: id of the ``<form>`` this is a submit control of, else None
    submits_form: int | None = None

    def label(self) -> str:
        """``button#share-lab 'Share'``: what reports print instead of a node id."""
        base = self.selector or self.tag or (f"node {self.node_id}" if self.node_id is not None else "the page")
        return f"{base} '{self.text}'" if self.text else base


UNKNOWN = ClickTarget(None, None, None, None, "")


# --- generated-looking names -----------------------------------------------------------------

_DIGIT_RUN = re.compile(r"\d{4,}")
_RUNS = re.compile(r"\d+|[a-z]+")
_GENERATED_PREFIX = re.compile(r"^(css|sc|jsx|emotion|svelte|ng-tns|ng-c|tw|mui-\d|makeStyles|jss)-", re.I)


def looks_generated(name: str) -> bool:
    """Does an id or class look machine-made (changing between builds or page views)?

    True for: long digit runs (``item-829471``, ``ember1234``), a dash/underscore part of
    five or more characters interleaving digits and letters (``x-1q2w3e``, ``a1b2c3``), the
    prefixes CSS-in-JS tools use (``css-``, ``sc-``, ``jsx-``, ``svelte-``, ``ng-tns-``),
    and characters no hand-written id uses (React's ``:r3:``). ``step2``, ``col-12``,
    ``h264`` and ``mainMenu`` are kept.
    """
    if not name:
        return True
    if _DIGIT_RUN.search(name) or _GENERATED_PREFIX.match(name):
        return True
    if any(c in name for c in ":.[]()/\\ "):
        return True
    return any(_hashlike(p) for p in re.split(r"[-_]+", name.lower()))


def _hashlike(part: str) -> bool:
    """Five or more characters with digits and letters interleaved (``1q2w3e``, ``a3f9c2``),
    unlike words with a number (``h264``, ``col12``, ``step2``)."""
    if len(part) < 5 or not part.isalnum() or sum(c.isdigit() for c in part) < 2:
        return False
    return len(_RUNS.findall(part)) >= 4


_SEL_TOKENS = re.compile(r"#(-?[A-Za-z_][\w-]*)|\.(-?[A-Za-z_][\w-]*)|\[id=\"((?:[^\"\\]|\\.)*)\"\]")


def _selector_is_stable(sel: str) -> bool:
    for m in _SEL_TOKENS.finditer(sel):
        token = m.group(1) or m.group(2) or m.group(3)
        if token is not None and looks_generated(token):
            return False
    return True


def stable_selector(node) -> str | None:
    """A selector for ``node`` (a :class:`~replaydesk.replay.tree.Node`) that uses no
    generated-looking id or class; ``None`` for documents and detached nodes."""
    sel = css_selector(node)
    if sel is None or _selector_is_stable(sel):
        return sel
    if node.type != NodeType.ELEMENT:
        node = node.parent
    return _path_selector(node)


def _stable_classes(e) -> list[str]:
    c = e.attrs.get("class")
    if not isinstance(c, str):
        return []
    return [k for k in c.split() if re.match(r"^-?[A-Za-z_][\w-]*$", k) and not looks_generated(k)]


def _stable_id(e) -> str | None:
    eid = e.attrs.get("id")
    if isinstance(eid, str) and re.match(r"^-?[A-Za-z_][\w-]*$", eid) and not looks_generated(eid):
        return eid
    return None


def _path_selector(e) -> str:
    """``tag.class:nth-of-type(k)`` steps from ``e`` up to the nearest stable id (or the
    top of its document / shadow root), prefixed with the host's selector when ``e``
    lives in a shadow root or an iframe document (as ``css_selector`` does)."""
    steps: list[str] = []
    cur = e
    while True:
        sid = _stable_id(cur)
        if sid is not None:
            steps.append(f"{cur.tag}#{sid}")
            break
        step = cur.tag or "*"
        classes = _stable_classes(cur)
        twins = [s for s in (cur.sibling_list() or [cur]) if s.type == NodeType.ELEMENT and s.tag == cur.tag]
        if classes and all(classes[0] in _stable_classes(s) for s in twins):
            step += f".{classes[0]}"
        if len(twins) > 1:
            step += f":nth-of-type({twins.index(cur) + 1})"
        steps.append(step)
        if cur.is_shadow or cur.parent is None or cur.parent.type != NodeType.ELEMENT:
            break
        cur = cur.parent
    sel = " > ".join(reversed(steps))
    host = _host_of(e)
    if host is not None:
        outer = stable_selector(host)
        if outer:
            return outer + SHADOW_SEP + sel
    return sel


def _host_of(e):
    """The shadow host or ``<iframe>`` whose scope ``e`` is in, else None."""
    top = e
    while top.parent is not None and top.parent.type == NodeType.ELEMENT and not top.is_shadow:
        top = top.parent
    if top.is_shadow and top.parent is not None and top.parent.type == NodeType.ELEMENT:
        return top.parent
    doc = top.parent
    if doc is not None and doc.type == NodeType.DOCUMENT and doc.parent is not None and doc.parent.type == NodeType.ELEMENT:
        return doc.parent
    return None


# --- the target of a click -----------------------------------------------------------------

def _role(e) -> str | None:
    role = e.attrs.get("role")
    if isinstance(role, str) and role.strip():
        return role.strip().split()[0]
    if e.tag == "a":
        return "link" if "href" in e.attrs else None
    if e.tag == "input":
        t = str(e.attrs.get("type") or "text").lower()
        return _INPUT_ROLES.get(t, "textbox")
    return _IMPLICIT_ROLES.get(e.tag)


def _text(e) -> str:
    a = e.attrs
    for key in ("aria-label", "alt", "title", "placeholder"):
        v = a.get(key)
        if isinstance(v, str) and v.strip():
            return _clip(v)
    if e.tag in _BACKGROUND_TAGS:
        return ""  # the whole page's text says nothing about where the click went
    t = text_content(e, include_shadow=True, separate_blocks=True)
    if not t.strip() and e.tag in ("input", "button", "option") and isinstance(a.get("value"), str):
        if str(a.get("type", "")).lower() != "password":
            t = a["value"]
    return _clip(t)


def _clip(s: str) -> str:
    s = " ".join(s.split())
    return s if len(s) <= MAX_TEXT else s[: MAX_TEXT - 1] + "…"


def _is_editable(e) -> bool:
    n = e
    while n is not None and n.type == NodeType.ELEMENT:
        ce = n.attrs.get("contenteditable")
        if isinstance(ce, str) and ce.lower() in ("", "true", "plaintext-only"):
            return True
        if ce is not None and isinstance(ce, str) and ce.lower() == "false":
            return False
        n = n.parent
    return False


def _dead_candidate(e) -> bool:
    if e.tag in _BACKGROUND_TAGS or e.tag in _NOT_CANDIDATE_TAGS:
        return False
    if e.tag == "input" and str(e.attrs.get("type") or "").lower() in _TEXTLIKE_INPUTS:
        return False
    n = e.parent
    while n is not None and n.type == NodeType.ELEMENT:
        if n.tag == "label" or n.tag == "select":
            return False  # clicking label text focuses/toggles its control
        n = n.parent
    return not _is_editable(e)


def _submit_form(e) -> int | None:
    """The form submitted by clicking ``e`` (or its enclosing button), else None."""
    n = e
    control = None
    while n is not None and n.type == NodeType.ELEMENT:
        if control is None and n.tag in ("button", "input"):
            t = str(n.attrs.get("type") or ("submit" if n.tag == "button" else "text")).lower()
            if (n.tag == "button" and t == "submit") or (n.tag == "input" and t in ("submit", "image")):
                control = n
            else:
                return None
        if n.tag == "form":
            return n.id if control is not None else None
        n = n.parent
    return None


def click_target(mirror, node_id) -> ClickTarget:
    """Describe the click target ``node_id`` as it is in ``mirror`` now (call this
    *before* the click event is applied). Unknown nodes give a target with only the id."""
    if mirror is None or not isinstance(node_id, int):
        return ClickTarget(node_id if isinstance(node_id, int) else None, None, None, None, "")
    n = mirror.tree.nodes.get(node_id)
    if n is None:
        return ClickTarget(node_id, None, None, None, "")
    if n.type != NodeType.ELEMENT:
        if n.parent is None or n.parent.type != NodeType.ELEMENT:
            return ClickTarget(node_id, None, None, None, "", dead_candidate=False)
        n = n.parent
    return ClickTarget(
        node_id=node_id,
        tag=n.tag,
        role=_role(n),
        selector=stable_selector(n),
        text=_text(n),
        dead_candidate=_dead_candidate(n),
        submits_form=_submit_form(n),
    )
