"""CSSOM state: rule edits on ``<style>`` sheets and constructed (adopted) stylesheets.

* StyleSheetRule (source 8) / StyleDeclaration (13) with ``id`` edit the sheet of a
  ``<style>`` (or inlined ``<link>``) element. The sheet is parsed from the element's
  ``_cssText`` (or its text children for old recordings) the first time it is edited
  and kept as an editable rule list until the element's CSS text is replaced.
  :meth:`StyleState.css_overrides` feeds the edited text back into ``_cssText`` in
  :meth:`Mirror.serialize`, i.e. what a FullSnapshot taken now would record.
* With ``styleId`` they edit a constructed stylesheet. Constructed sheets live in
  their own ``styleId -> rules`` store, independent of any host (PostHog #4435/#4731:
  sheets can arrive before the shadow root, hosts can be removed and re-added).
* AdoptedStyleSheet (15) registers new sheets and sets a target's adopted list.
  Quirk: rrweb can emit it with ``id: -1`` *before* the page's Meta/FullSnapshot (the
  host was not serialized yet). Its sheets are kept across that FullSnapshot's reset
  so a later adoption by ``styleId`` still finds them; the ``-1`` adoption itself is
  meaningless and ignored (not counted as an anomaly: it is documented recorder
  behaviour, see the corpus README).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .constants import NodeType
from .css import StyleSheet


def _key(v) -> int | None:
    """A usable styleId/node id, or None for malformed values (lists, dicts...)."""
    return v if isinstance(v, int) and not isinstance(v, bool) else None

if TYPE_CHECKING:  # pragma: no cover
    from .mirror import Mirror
    from .tree import Node


#: How many removed hosts keep their adopted-sheet list in case they are re-inserted later.
DETACHED_LIMIT = 256


class StyleState:
    def __init__(self) -> None:
        self.sheets: dict[int, StyleSheet] = {}        # style/link node id -> edited sheet
        self.constructed: dict[int, StyleSheet] = {}   # styleId -> sheet
        self.adoptions: dict[int, list[int]] = {}      # document/host id -> styleIds
        self.detached: dict[int, list[int]] = {}       # removed host id -> styleIds (bounded)
        self.carry: dict[int, StyleSheet] = {}         # id:-1 sheets waiting for the snapshot

    def reset_document(self) -> None:
        carry = self.carry
        self.__init__()
        self.constructed = carry

    def forget(self, nid: int) -> None:
        """A node left the document. Its adopted sheets are remembered (bounded): a
        host removed and re-inserted later is the same element and keeps its
        ``adoptedStyleSheets``, but the recorder does not re-send them (PostHog #4731)."""
        self.sheets.pop(nid, None)
        adopted = self.adoptions.pop(nid, None)
        if adopted:
            self.detached[nid] = adopted
            while len(self.detached) > DETACHED_LIMIT:
                del self.detached[next(iter(self.detached))]

    def node_added(self, nid: int) -> None:
        adopted = self.detached.pop(nid, None)
        if adopted is not None:
            self.adoptions[nid] = adopted

    def invalidate(self, nid: int) -> None:
        """The element's CSS text was replaced: drop the CSSOM edits made on the old text."""
        self.sheets.pop(nid, None)

    def css_overrides(self) -> dict[int, dict]:
        return {nid: {"_cssText": sheet.text()} for nid, sheet in self.sheets.items()}

    def snapshot(self) -> dict:
        return {
            "stylesheets": {nid: s.rule_texts() for nid, s in self.sheets.items()},
            "adopted": {
                "sheets": {sid: s.rule_texts() for sid, s in self.constructed.items()},
                "targets": {nid: list(ids) for nid, ids in self.adoptions.items()},
            },
        }

    def to_json(self) -> dict:
        return {
            "sheets": [[k, v.to_json()] for k, v in self.sheets.items()],
            "constructed": [[k, v.to_json()] for k, v in self.constructed.items()],
            "adoptions": [[k, v] for k, v in self.adoptions.items()],
            "detached": [[k, v] for k, v in self.detached.items()],
            "carry": [[k, v.to_json()] for k, v in self.carry.items()],
        }

    @classmethod
    def from_json(cls, data: dict) -> "StyleState":
        s = cls()
        s.sheets = {k: StyleSheet.from_json(v) for k, v in data.get("sheets", [])}
        s.constructed = {k: StyleSheet.from_json(v) for k, v in data.get("constructed", [])}
        s.adoptions = {k: list(v) for k, v in data.get("adoptions", [])}
        s.detached = {k: list(v) for k, v in data.get("detached", [])}
        s.carry = {k: StyleSheet.from_json(v) for k, v in data.get("carry", [])}
        return s


def _element_css(node: "Node") -> str:
    css = node.attrs.get("_cssText")
    if isinstance(css, str):
        return css
    return "".join(c.text or "" for c in node.children if c.type == NodeType.TEXT)


def _target_sheet(m: "Mirror", data: dict) -> StyleSheet | None:
    st = m.styles
    if data.get("styleId") is not None:
        sheet = st.constructed.get(_key(data["styleId"]))
        if sheet is None:
            m.anomalies.add("stylesheet_missing", f"styleId {data['styleId']}")
        return sheet
    nid = data.get("id")
    node = m.tree.nodes.get(nid)
    if node is None or node.type != NodeType.ELEMENT:
        m.anomalies.add("stylesheet_missing", f"id {nid}")
        return None
    sheet = st.sheets.get(nid)
    if sheet is None:
        sheet = st.sheets[nid] = StyleSheet.from_text(_element_css(node))
    return sheet


def on_stylesheet_rule(m: "Mirror", data: dict) -> None:
    """insertRule/deleteRule/replace in rrweb's order: adds, removes, replace, replaceSync."""
    sheet = _target_sheet(m, data)
    if sheet is None:
        return
    for add in data.get("adds") if isinstance(data.get("adds"), list) else ():
        err = sheet.insert(add.get("rule"), add.get("index")) if isinstance(add, dict) else "bad add"
        if err:
            m.anomalies.add("css_rule", err)
    for rem in data.get("removes") if isinstance(data.get("removes"), list) else ():
        err = sheet.delete(rem.get("index")) if isinstance(rem, dict) else "bad remove"
        if err:
            m.anomalies.add("css_rule", err)
    for key in ("replace", "replaceSync"):
        if isinstance(data.get(key), str):
            sheet.rules = StyleSheet.from_text(data[key]).rules


def on_style_declaration(m: "Mirror", data: dict) -> None:
    sheet = _target_sheet(m, data)
    if sheet is None:
        return
    index = data.get("index")
    s, r = data.get("set"), data.get("remove")
    if isinstance(s, dict) and isinstance(s.get("property"), str):
        err = sheet.set_declaration(index, s["property"], s.get("value"), s.get("priority"))
        if err:
            m.anomalies.add("css_rule", err)
    if isinstance(r, dict) and isinstance(r.get("property"), str):
        err = sheet.remove_declaration(index, r["property"])
        if err:
            m.anomalies.add("css_rule", err)


def on_adopted(m: "Mirror", data: dict) -> None:
    st = m.styles
    target = data.get("id")
    for style in data.get("styles") if isinstance(data.get("styles"), list) else ():
        if not isinstance(style, dict) or _key(style.get("styleId")) is None:
            m.anomalies.add("bad_event", "adopted sheet without styleId")
            continue
        sheet = StyleSheet()
        for rule in style.get("rules") if isinstance(style.get("rules"), list) else ():
            if isinstance(rule, dict):
                # rules arrive in order with their final index; appending keeps them in order
                sheet.rules.append(rule.get("rule", "")) if rule.get("index") is None \
                    else sheet.insert(rule.get("rule", ""), rule.get("index"))
        st.constructed[style["styleId"]] = sheet
        if target == -1:
            st.carry[style["styleId"]] = sheet
    ids = data.get("styleIds")
    if target == -1:
        return
    if target not in m.tree.nodes:
        m.anomalies.add("adopt_target_missing", f"id {target}")
        return
    if isinstance(ids, list):
        st.adoptions[target] = [i for i in ids if _key(i) is not None and i in st.constructed]
        if len(st.adoptions[target]) != len(ids):
            m.anomalies.add("stylesheet_missing", f"adopted by {target}: unknown styleId")
