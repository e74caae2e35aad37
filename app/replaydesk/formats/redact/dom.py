"""The form-field map of :class:`~.redactor.Redactor`: which nodes are fields and labels,
built from full snapshots and mutation adds, and the rule each field falls under."""

from __future__ import annotations

import os
from dataclasses import dataclass

try:  # the C walk of plain nodes and events: setup.py builds it where a C compiler is installed
    from ._walk import drain as _drain, skip as _skip
except ImportError:  # no compiler at install: the same walk in Python
    _drain = _skip = None

from .rules import (
    AUTOCOMPLETE,
    FIELD_TAGS,
    HINT_ATTRS,
    MAPPED_TAGS,
    RUN,
    SCAN_ATTR_SET,
    VALUE_TYPES_SKIPPED,
    field_category,
    key,
)


@dataclass
class Field:
    __slots__ = ("tag", "attrs", "label", "rule")
    tag: str
    attrs: dict
    label: int  # id of the enclosing <label>, 0 if none
    rule: str | None




#: parent of a frame holding one node the hot loop could not read: it takes the checked path
_CHECKED = object()
#: False: walk in Python even where the C walk is built (REPLAYDESK_PURE_WALK=1; the tests
#: compare both, the benchmark measures both)
_C_WALK = _drain is not None and os.environ.get("REPLAYDESK_PURE_WALK", "") != "1"


def skip_events():
    """The C walk's ``skip`` (see ``_walk.c``), or None when the redactor walks in Python."""
    return _skip if _C_WALK else None


class DomMap:
    """Mixin of :class:`~.redactor.Redactor`: the field map and the tree walks."""

    def _tree(self, stack: list) -> None:
        """Walk serialized nodes (snapshot, iframe document): map the fields, then redact.

        ``stack`` holds ``(children, parent id, label id, masked)`` frames. Plain text is
        scanned on the way; text under a label, a textarea or a selected element waits
        until every field and label of the tree is known."""
        fields: list = []
        special: list = []
        labels, sels, short, text = self._labels, self._selectors, self._short, self._text
        masked_set = self._masked
        scan_keys = SCAN_ATTR_SET
        push, field_tags, mapped_tags = stack.append, FIELD_TAGS, MAPPED_TAGS
        # without user patterns or echoes only the Luhn rule reads plain text: a C-level search
        # for a 13-digit run decides whether the Python-level scan is needed
        scan_all, run = bool(self._patterns or self._echo), RUN.search
        # child lists of plain elements (no label, not masked, no user selectors): the hot loop
        # below needs no parent id for them, so no frame tuple is built per element
        plain_kids: list = []
        push_plain = plain_kids.append
        drain = _drain if _C_WALK else None
        while stack or plain_kids:
            if plain_kids and drain is not None:
                # Hot path in C: the same sorting as the Python loop below. It only reads; the
                # rules run here, then the nodes it left go to the checked path.
                texts, attrs_found, checked = [], [], []
                drain(plain_kids, short, scan_keys, mapped_tags, texts, attrs_found, checked)
                for node in texts:
                    s = node["textContent"]
                    if scan_all or run(s):
                        node["textContent"] = text(s, None)
                for attrs in attrs_found:
                    self._scan_attrs(attrs)
                for node in checked:
                    push(([node], _CHECKED, 0, False))
                continue
            if plain_kids:
                # Hot path (every node of every snapshot): a plain text node or an element that is
                # no form field or label, read by subscript. Anything unusual (a missing key, a
                # non-object node, a non-string tag) raises before any change and goes to the
                # checked path below as a frame of its own.
                for node in plain_kids.pop():
                    try:
                        nt = node["type"]
                        if nt == 3:
                            s = node["textContent"]
                            # len() first: most text is short; a non-string raises into the checked path
                            if len(s) >= short and type(s) is str and (scan_all or run(s)):
                                node["textContent"] = text(s, None)
                            continue
                        if nt == 2:
                            tag = node["tagName"]
                            if tag not in mapped_tags:
                                attrs = node["attributes"]
                                # (the type test last: attributes that are no object make isdisjoint
                                # raise, on a number, or find no key, in a string or list)
                                if attrs and not scan_keys.isdisjoint(attrs) and type(attrs) is dict:
                                    self._scan_attrs(attrs)
                                ckids = node["childNodes"]
                                if ckids and type(ckids) is list:  # anything else holds no node
                                    push_plain(ckids)
                                continue
                    except (KeyError, TypeError):
                        pass
                    push(([node], _CHECKED, 0, False))
                continue
            kids, parent, label, masked = stack.pop()
            if type(kids) is not list:  # a hostile childNodes (a number, a string...): no nodes
                continue
            plain = not (label or masked)
            if plain and not sels and parent is not _CHECKED:
                push_plain(kids)
                continue
            for node in kids:
                try:
                    nt = node.get("type")
                except AttributeError:
                    continue
                if nt == 3:
                    if plain:
                        s = node.get("textContent")
                        if type(s) is str and len(s) >= short and (scan_all or run(s)):
                            node["textContent"] = text(s, None)
                    else:
                        special.append((node, parent, label, masked))
                    continue
                if nt != 2:
                    if nt == 0 and nt is not False:
                        ckids = node.get("childNodes")
                        if ckids:
                            push((ckids, node.get("id"), 0, False))
                    else:  # doctype, comment, CDATA or unknown: shown or not, it is stored
                        self._scrub(node, 0)
                    continue
                tag = node.get("tagName")
                if type(tag) is not str:
                    tag = ""
                attrs = node.get("attributes")
                if plain and not sels and tag not in field_tags and tag != "label":
                    # the common element: nothing to map, only its text attributes to scan
                    if attrs and type(attrs) is dict and not scan_keys.isdisjoint(attrs):
                        self._scan_attrs(attrs)
                    ckids = node.get("childNodes")
                    if ckids:
                        push((ckids, node.get("id"), 0, False))
                    continue
                nid = key(node.get("id"))
                if type(attrs) is not dict:
                    attrs = {}
                k_label, k_masked = label, masked
                if tag == "label":
                    k_label = nid
                    hid = attrs.get("for")
                    labels[nid] = [hid, "", []]
                    if isinstance(hid, str) and hid in self._by_html_id:
                        labels[nid][2].append(self._by_html_id[hid])
                if sels and self._selected(tag, attrs):
                    k_masked = True
                if tag in field_tags:
                    fields.append((nid, tag, attrs, k_label, k_masked))
                    if tag == "textarea" and not k_masked:
                        k_masked = ("textarea", nid)
                else:
                    if k_masked:  # its text is masked; its attributes still get the text rules
                        masked_set.add(nid)
                    if attrs and not scan_keys.isdisjoint(attrs):
                        self._scan_attrs(attrs)
                ckids = node.get("childNodes")
                if ckids:
                    push((ckids, nid, k_label, k_masked))
        for node, _parent, label, _m in special:
            if label and type(node.get("textContent")) is str:
                lab = labels.get(label)
                if lab is not None:
                    lab[1] += " " + node["textContent"]
        for nid, tag, attrs, label, masked in fields:
            self._add_field(nid, tag, attrs, label, masked is True)
        for node, parent, label, masked in special:
            if type(masked) is tuple:  # textarea child: sensitive if the textarea is
                self._text_owner[key(node.get("id"))] = parent
                f = self._fields.get(masked[1])
                rule = f.rule if f is not None else None
            else:
                self._text_owner[key(node.get("id"))] = parent if masked else label
                rule = "selector" if masked else None
            s = node.get("textContent")
            if type(s) is str and s:
                node["textContent"] = text(s, rule)
        for nid, _tag, attrs, *_ in fields:
            f = self._fields.get(nid)
            if f is not None:
                self._field_value(nid, f, attrs)

    def _selected(self, tag, attrs) -> bool:
        return any(sel.matches(tag, attrs) for sel in self._selectors)

    def _add_field(self, nid, tag, attrs, label, selected: bool) -> None:
        f = Field(tag, {k: attrs[k] for k in ("type", "autocomplete", "data-rr-is-password", "value", *HINT_ATTRS) if k in attrs}, label, None)
        self._fields[nid] = f
        hid = attrs.get("id")
        if isinstance(hid, str) and hid:
            self._by_html_id[hid] = nid
            for lab in self._labels.values():
                if lab[0] == hid:
                    lab[2].append(nid)
        if label and label in self._labels:
            self._labels[label][2].append(nid)
        f.rule = "selector" if selected else self._field_rule(nid, f)

    def _label_text(self, nid: int, f: Field) -> str:
        parts = []
        if f.label and f.label in self._labels:
            parts.append(self._labels[f.label][1])
        for lab in self._labels.values():
            if nid in lab[2] and lab[1]:
                parts.append(lab[1])
        return " ".join(parts)

    def _field_rule(self, nid: int, f: Field) -> str | None:
        a = f.attrs
        typ = str(a.get("type") or "").lower()
        if typ == "password" or "data-rr-is-password" in a:
            return "password"
        if f.tag == "input" and typ in VALUE_TYPES_SKIPPED or typ == "hidden":
            return None
        ac = a.get("autocomplete")
        if isinstance(ac, str) and ac:
            for tok in ac.lower().split():
                if tok.startswith("cc-") or tok in AUTOCOMPLETE:
                    return "autocomplete"
        hint = " | ".join(str(a[k]) for k in HINT_ATTRS if isinstance(a.get(k), str))
        label = self._label_text(nid, f)
        if field_category(hint) or (label and field_category(label)):
            return "field-name"
        return None

    def _field_value(self, nid: int, f: Field, attrs: dict) -> None:
        v = attrs.get("value")
        if type(v) is str and v:
            attrs["value"] = self._value(nid, f.rule, v)
            if attrs is not f.attrs:
                f.attrs["value"] = attrs["value"]

    def _adds(self, adds: list) -> None:
        fields, texts, pending = [], [], set()  # pending: fields of this event, mapped after the loop
        labels, masked_set, sels, short = self._labels, self._masked, self._selectors, self._short
        fields_map, text_owner, text = self._fields, self._text_owner, self._text
        scan_all, run = bool(self._patterns or self._echo), RUN.search
        mapped_tags, scan_keys = MAPPED_TAGS, SCAN_ATTR_SET
        for a in adds:
            try:  # the usual well-formed add, by subscript
                node = a["node"]
                parent = a["parentId"]
                nt = node["type"]
            except (KeyError, TypeError, IndexError):
                if type(a) is not dict:
                    continue
                node = a.get("node")
                if type(node) is not dict:
                    continue
                parent = a.get("parentId")
                nt = node.get("type")
            if type(parent) is not int:
                parent = key(parent)
            # inlined _label_of (this runs for every added node): membership tests, no method calls
            if labels and (parent in labels or parent in text_owner):
                label = parent if parent in labels else text_owner[parent]
                if label not in labels:
                    label = 0
            else:
                label = 0
            masked = parent in masked_set
            if nt == 2 and not (label or masked or sels):
                # hot path: an element that is no field or label, outside any label or masked
                # element; a missing key or an unhashable tag takes the checked branch below
                try:
                    attrs = node["attributes"] if node["tagName"] not in mapped_tags else None
                except (KeyError, TypeError):
                    attrs = None
                if attrs is not None:  # (only the reads are guarded: nothing runs twice)
                    if attrs and type(attrs) is dict and not scan_keys.isdisjoint(attrs):
                        self._scan_attrs(attrs)
                    ckids = node.get("childNodes")
                    if ckids:  # isAttachIframe: a whole document
                        self._tree([(ckids, node.get("id"), 0, False)])
                    continue
            if nt == 3:
                if label or masked or parent in fields_map or parent in pending:
                    texts.append((node, parent, label))
                else:
                    s = node.get("textContent")
                    if type(s) is str and len(s) >= short and (scan_all or run(s)):
                        node["textContent"] = text(s, None)
            elif nt == 2:
                nid = key(node.get("id"))
                tag = node.get("tagName")
                if type(tag) is not str:
                    tag = ""
                attrs = node.get("attributes")
                if type(attrs) is not dict:
                    attrs = {}
                if tag == "label":
                    hid = attrs.get("for")
                    labels[nid] = [hid, "", []]
                    if isinstance(hid, str) and hid in self._by_html_id:
                        labels[nid][2].append(self._by_html_id[hid])
                if sels and self._selected(tag, attrs):
                    masked = True
                if label and tag != "label":
                    text_owner.setdefault(nid, label)  # element inside a label: its children inherit it
                if tag in FIELD_TAGS:
                    fields.append((nid, tag, attrs, label, masked))
                    pending.add(nid)
                else:
                    if masked:  # its text is masked; its attributes still get the text rules
                        masked_set.add(nid)
                    if attrs and not SCAN_ATTR_SET.isdisjoint(attrs):
                        self._scan_attrs(attrs)
                if node.get("childNodes"):  # isAttachIframe: a whole document
                    self._tree([(node["childNodes"], nid, 0, masked)])
            elif nt == 0 and nt is not False:
                self._tree([([node], parent, 0, False)])
            else:  # doctype, comment, CDATA or unknown: shown or not, it is stored
                self._scrub(node, 0)
        for nid, tag, attrs, label, masked in fields:
            self._add_field(nid, tag, attrs, label, masked)
            self._field_value(nid, self._fields[nid], attrs)
        for node, parent, label in texts:
            s = node.get("textContent")
            f = self._fields.get(parent)
            rule = f.rule if f is not None else ("selector" if parent in self._masked else None)
            self._text_owner[key(node.get("id"))] = label if label and f is None else parent
            if label and type(s) is str:
                lab = self._labels[label]
                lab[1] += " " + s
                self._relabel(lab)
            if type(s) is str and s:
                node["textContent"] = self._text(s, rule)

    def _relabel(self, lab: list) -> None:
        for fid in lab[2]:
            f = self._fields.get(fid)
            if f is not None and f.rule is None:
                f.rule = self._field_rule(fid, f)

    # -- values ---------------------------------------------------------------------------------
