"""Redaction at import: payment and credential data never reach the store in clear.

Why here: recorders mask passwords by default but sites configure them badly
(the demo archive holds a card number, its expiry and CVC typed in clear).
Masking at view time would still leave the values in the SQLite file, its WAL
and every derived blob; so events are redacted as they stream from the
normalizer into the store, before anything (summary, console table, chunks,
checkpoints) sees them.

To know which inputs are sensitive without a DOM mirror, :class:`Redactor`
keeps a small map of form fields (tag, the attributes that name them, their
label) built from full snapshots and mutation adds. Rules, in the order they
are checked (the first that matches names the count in the report):

1. ``password``: ``<input type=password>`` (or rrweb's ``data-rr-is-password``);
2. ``autocomplete``: ``cc-*``, ``current-password``, ``new-password``, ``one-time-code``;
3. ``field-name``: a name, id, placeholder, aria-label or label that means card
   number, CVC, expiry, IBAN, account/routing number, social-security/tax
   number, PIN or password (English, German, French, Spanish);
4. ``luhn``: a 13-19 digit run (spaces or dashes allowed) passing the Luhn
   check, in any input value, text node, attribute, console message or custom
   event; only the run is masked;
5. ``selector`` / ``pattern``: the user's simple CSS selectors (``tag#id.class[attr=v]``,
   matched on the element's own attributes; text below a matched element is
   masked too) and regular expressions (the match is masked).

``echo``: once a sensitive field held a value of 5+ characters, the same
value found later in text, console or custom events is masked as well. A
"card ending 4242" text stays: four digits are conventionally allowed.

Masking replaces every non-space character with ``*``, keeping length and spaces.
"""

from __future__ import annotations

import gc
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

import orjson

#: bump when a rule changes: the policy hash changes and re-imports replace sessions
RULES_VERSION = "1"

RULES = ("password", "autocomplete", "field-name", "luhn", "selector", "pattern", "echo")

_NONSPACE = re.compile(r"\S")
_RUN = re.compile(r"\d(?:[ -]?\d){12,}")
_VALUE_TYPES_SKIPPED = frozenset({"radio", "checkbox", "submit", "button", "reset", "image", "file", "range", "color"})
_FIELD_TAGS = frozenset({"input", "textarea", "select"})
_MAPPED_TAGS = _FIELD_TAGS | {"label"}
_HINT_ATTRS = ("name", "id", "placeholder", "aria-label", "title", "data-name")
_AUTOCOMPLETE = frozenset({"current-password", "new-password", "one-time-code"})
_TEXT_ATTRS = ("title", "alt", "aria-label", "placeholder", "content")
_TEXT_ATTR_SET = frozenset(_TEXT_ATTRS)
_SCAN_ATTR_SET = frozenset(("value", *_TEXT_ATTRS))
#: every attribute key any rule reads; an attribute change without one (style, class, d, cx...:
#: almost all of them) is skipped with one set test
_ATTR_KEYS = frozenset(("type", "autocomplete", "data-rr-is-password", *_HINT_ATTRS, *_SCAN_ATTR_SET))
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SEPARATORS = re.compile(r"[\s_\-.:\[\]()*#]+")

_FIELD_WORDS = re.compile(
    r"\b(?:"
    # card number
    r"card|card ?(?:number|num|no|nr)|cc ?(?:number|num|no)?|ccnum|pan|credit ?card|debit ?card"
    r"|kreditkarten?(?:nummer)?|karten ?(?:nummer|nr)|kartennummer"
    r"|num[ée]ro de (?:la )?carte|carte (?:bancaire|de cr[ée]dit)"
    r"|n[úu]mero de (?:la )?tarjeta|tarjeta(?: de cr[ée]dito)?"
    # CVC
    r"|cvc2?|cvv2?|cvn|csc|cid|security code|card code|card verification\w*"
    r"|kartenpr[üu]fnummer|pr[üu]fziffer|pr[üu]fnummer|sicherheitscode"
    r"|cryptogramme(?: visuel)?|code de s[ée]curit[ée]|c[óo]digo de seguridad"
    # expiry
    r"|exp|expiry|expiration(?: date)?|expires|exp ?(?:date|month|year|mm|yy)|cc ?exp\w*|valid (?:thru|through|until)"
    r"|ablaufdatum|g[üu]ltig bis|verfallsdatum|date d ?'? ?expiration|date d ?'? ?exp|expire le"
    r"|fecha de (?:caducidad|vencimiento|expiraci[óo]n)|caducidad|vencimiento"
    r"|mm ?/ ?(?:yy|yyyy|aa|jj)"
    # IBAN, account / routing numbers
    r"|iban|account ?(?:number|num|no|nr)|acct ?(?:number|num|no)|routing(?: ?(?:number|num|no))?|sort ?code"
    r"|kontonummer|konto ?nr|bankleitzahl|blz|num[ée]ro de compte|n[úu]mero de cuenta|rib"
    # social security / tax numbers
    r"|ssn|social security(?: number)?|sozialversicherungs ?(?:nummer)?|steuernummer|steuer ?id\w*"
    r"|steueridentifikationsnummer|tax ?(?:id|number|no)|tin|itin"
    r"|num[ée]ro fiscal|num[ée]ro de s[ée]curit[ée] sociale|num[ée]ro d ?'? ?identification fiscale"
    r"|nif|dni|nss|n[úu]mero de (?:la )?seguridad social|seguridad social|identificaci[óo]n fiscal"
    # PIN, one-time codes, passwords
    r"|pin|pin ?code|pincode|geheimzahl|code pin|c[óo]digo pin|one ?time ?code|otp"
    r"|password|passwort|kennwort|mot de passe|contrase[ñn]a|passwd|pwd"
    r")\b"
)
#: "Name on card", "cardholder": the card word names a person's name field, not the number
_FIELD_NOT = re.compile(r"\b(?:name|holder|cardholder|inhaber|titulaire|titular|nom|nombre)\b")


def mask(s: str) -> str:
    """Every non-space character replaced by ``*`` (length and spaces kept)."""
    return _NONSPACE.sub("*", s)


def card_like(digits: str) -> bool:
    """13-19 digits passing Luhn, except a bare 13-digit number starting with 1: that is
    an epoch-milliseconds timestamp (2001-2033), and no card brand issues such numbers."""
    n = len(digits)
    if n < 13 or n > 19 or (n == 13 and digits[0] == "1"):
        return False
    return luhn_ok(digits)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i & 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _normal_hint(s: str) -> str:
    return _SEPARATORS.sub(" ", _CAMEL.sub(" ", s)).lower()


def field_category(hint: str) -> bool:
    """Whether the words naming a field (name, id, placeholder, label...) mean sensitive data."""
    h = _normal_hint(hint)
    m = _FIELD_WORDS.search(h)
    if m is None:
        return False
    if m.group(0) in ("card", "tarjeta", "cc") and _FIELD_NOT.search(h):
        return False
    return True


# ---------------------------------------------------------------------------------------------
# user selectors


class SelectorError(ValueError):
    pass


_SEL_PART = re.compile(
    r"""(?P<tag>^[A-Za-z][\w-]*|^\*)|\#(?P<id>[\w-]+)|\.(?P<cls>[\w-]+)"""
    r"""|\[\s*(?P<attr>[\w:-]+)\s*(?:(?P<op>[~^$*|]?=)\s*(?P<val>"[^"]*"|'[^']*'|[^\]\s]+)\s*)?\]"""
)


@dataclass(frozen=True)
class SimpleSelector:
    """One compound selector (``tag#id.class[attr=value]``) matched on one element's attributes."""

    text: str
    tag: str | None
    conds: tuple

    @classmethod
    def parse(cls, text: str) -> list["SimpleSelector"]:
        out = []
        for part in text.split(","):
            s = part.strip()
            if not s:
                continue
            pos, tag, conds = 0, None, []
            while pos < len(s):
                m = _SEL_PART.match(s, pos)
                if m is None or m.end() == pos:
                    raise SelectorError(f"unsupported selector {s!r} (only tag#id.class[attr=value], no combinators)")
                if m.group("tag"):
                    tag = None if m.group("tag") == "*" else m.group("tag").lower()
                elif m.group("id"):
                    conds.append(("id", "=", m.group("id")))
                elif m.group("cls"):
                    conds.append(("class", "~=", m.group("cls")))
                else:
                    val = m.group("val")
                    if val is not None and val[:1] in "\"'":
                        val = val[1:-1]
                    conds.append((m.group("attr").lower(), m.group("op"), val))
                pos = m.end()
            out.append(cls(s, tag, tuple(conds)))
        return out

    def matches(self, tag: str, attrs: dict) -> bool:
        if self.tag is not None and self.tag != tag:
            return False
        for name, op, val in self.conds:
            v = attrs.get(name)
            if v is None or v is False:
                return False
            if op is None:
                continue
            v = str(v)
            if op == "=" and v != val:
                return False
            if op == "~=" and val not in v.split():
                return False
            if op == "^=" and not v.startswith(val):
                return False
            if op == "$=" and not v.endswith(val):
                return False
            if op == "*=" and val not in v:
                return False
            if op == "|=" and not (v == val or v.startswith(val + "-")):
                return False
        return True


# ---------------------------------------------------------------------------------------------
# policy and report


@dataclass(frozen=True)
class RedactionPolicy:
    """What to redact beyond the built-in rules; ``enabled=False`` stores events as recorded."""

    selectors: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    enabled: bool = True

    def __post_init__(self):
        for s in self.selectors:
            SimpleSelector.parse(s)  # raises SelectorError with a readable line
        for p in self.patterns:
            try:
                re.compile(p)
            except re.error as exc:
                raise SelectorError(f"bad redaction pattern {p!r}: {exc}") from None

    def digest(self) -> str:
        """Stored with each session: a different policy on re-import replaces the session."""
        if not self.enabled:
            return "off"
        h = hashlib.blake2b(digest_size=8)
        h.update(RULES_VERSION.encode())
        for part in ("S", *self.selectors, "P", *self.patterns):
            h.update(part.encode() + b"\0")
        return h.hexdigest()


DEFAULT_POLICY = RedactionPolicy()


@dataclass
class _Field:
    __slots__ = ("tag", "attrs", "label", "rule")
    tag: str
    attrs: dict
    label: int  # id of the enclosing <label>, 0 if none
    rule: str | None


@dataclass
class Redactor:
    """Stateful per-session redactor: feed it the session's events in order with :meth:`events`."""

    policy: RedactionPolicy = DEFAULT_POLICY
    counts: Counter = field(default_factory=Counter)

    def __post_init__(self):
        self._selectors = [sel for s in self.policy.selectors for sel in SimpleSelector.parse(s)]
        self._patterns = [re.compile(p) for p in self.policy.patterns]
        self._reset_dom()
        self._echo: dict[int, str] = {}
        #: strings shorter than this cannot hold anything the text rules find
        self._short = 1 if self._patterns else 13

    def _reset_dom(self) -> None:
        self._fields: dict[int, _Field] = {}
        self._labels: dict[int, list] = {}  # label id -> [for, text, [field ids]]
        self._by_html_id: dict[str, int] = {}
        self._masked: set[int] = set()  # element ids whose text is masked (sensitive textarea, selector)
        self._text_owner: dict[int, int] = {}  # text id -> label/masked element id

    def restart(self):
        """Forget everything (a new pass over the same session); returns :meth:`events`."""
        self.counts.clear()
        self._echo.clear()
        self._short = 1 if self._patterns else 13
        self._reset_dom()
        return self.events

    def annotate(self, meta: dict | None) -> dict:
        """A copy of ``meta`` (meta.json) scrubbed by the text rules, with this session's
        redaction report under ``replaydesk_redaction`` (the Details tab's raw metadata
        shows it; re-imports compare its ``policy``)."""
        try:
            out = orjson.loads(orjson.dumps(meta)) if isinstance(meta, dict) else {}
        except (orjson.JSONEncodeError, orjson.JSONDecodeError):  # deeper than orjson goes: keep as is
            out = dict(meta)
        out = self.scrub_value(out)
        out["replaydesk_redaction"] = self.report()
        return out

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def report(self) -> dict:
        return {"policy": self.policy.digest(), "redacted": self.total, "by_rule": dict(sorted(self.counts.items()))}

    # -- events ---------------------------------------------------------------------------------

    def events(self, events: list) -> None:
        """Redact ``events`` (normalized rrweb events) in place."""
        if not self.policy.enabled:
            return
        # The walk allocates short-lived tuples and lists, no cycles: with the collector on, those
        # allocations trigger collections that rescan the freshly parsed events (measured: ~20% of
        # the redaction time on the bench archive). Same reasoning as deepjson.loads.
        was = gc.isenabled()
        gc.disable()
        try:
            self._events(events)
        finally:
            if was:
                gc.enable()

    def _events(self, events: list) -> None:
        attributes = self._attributes
        for e in events:
            t = e["type"]
            if t == 3:
                d = e["data"]
                src = d["source"]  # the normalizer drops incremental events without one
                if src == 0:
                    if d.get("adds") or d.get("texts"):
                        self._mutation(d)
                    else:  # the common attribute-only mutation
                        recs = d.get("attributes")
                        if recs:
                            attributes(recs)
                elif src == 5:
                    self._input(d)
            elif t == 2:
                d = e["data"]
                node = d.get("node")
                if type(node) is dict:
                    self._reset_dom()
                    self._tree([([node], 0, 0, False)])
            elif t == 5 or t == 6:
                e["data"] = self._scrub(e["data"], 0)

    def scrub_value(self, obj):
        """Luhn, user patterns and echoes in any JSON value (meta.json, payloads)."""
        if not self.policy.enabled:
            return obj
        return self._scrub(obj, 0)

    # -- DOM map --------------------------------------------------------------------------------

    def _tree(self, stack: list) -> None:
        """Walk serialized nodes (snapshot, iframe document): map the fields, then redact.

        ``stack`` holds ``(children, parent id, label id, masked)`` frames. Plain text is
        scanned on the way; text under a label, a textarea or a selected element waits
        until every field and label of the tree is known."""
        fields: list = []
        special: list = []
        labels, sels, short, text = self._labels, self._selectors, self._short, self._text
        masked_set = self._masked
        scan_keys = _SCAN_ATTR_SET
        push, field_tags, mapped_tags = stack.append, _FIELD_TAGS, _MAPPED_TAGS
        # without user patterns or echoes only the Luhn rule reads plain text: a C-level search
        # for a 13-digit run decides whether the Python-level scan is needed
        scan_all, run = bool(self._patterns or self._echo), _RUN.search
        while stack:
            kids, parent, label, masked = stack.pop()
            plain = not (label or masked)
            fast = plain and not sels
            for node in kids:
                if fast:
                    # Hot path (every node of every snapshot): a plain text node or an element that
                    # is no form field or label, read by subscript. Anything unusual (a missing
                    # key, a non-object node, a non-string tag) raises before any change and takes
                    # the checked path below.
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
                                if attrs and type(attrs) is dict and not scan_keys.isdisjoint(attrs):
                                    self._scan_attrs(attrs)
                                ckids = node["childNodes"]
                                if ckids:
                                    push((ckids, node["id"], 0, False))
                                continue
                    except (KeyError, TypeError):
                        pass
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
                    if nt == 0:
                        ckids = node.get("childNodes")
                        if ckids:
                            push((ckids, node.get("id"), 0, False))
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
                nid = node.get("id")
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
                elif k_masked:
                    masked_set.add(nid)
                elif attrs and not scan_keys.isdisjoint(attrs):
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
                self._text_owner[node.get("id")] = parent
                f = self._fields.get(masked[1])
                rule = f.rule if f is not None else None
            else:
                self._text_owner[node.get("id")] = parent if masked else label
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
        f = _Field(tag, {k: attrs[k] for k in ("type", "autocomplete", "data-rr-is-password", "value", *_HINT_ATTRS) if k in attrs}, label, None)
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

    def _label_text(self, nid: int, f: _Field) -> str:
        parts = []
        if f.label and f.label in self._labels:
            parts.append(self._labels[f.label][1])
        for lab in self._labels.values():
            if nid in lab[2] and lab[1]:
                parts.append(lab[1])
        return " ".join(parts)

    def _field_rule(self, nid: int, f: _Field) -> str | None:
        a = f.attrs
        typ = str(a.get("type") or "").lower()
        if typ == "password" or "data-rr-is-password" in a:
            return "password"
        if f.tag == "input" and typ in _VALUE_TYPES_SKIPPED or typ == "hidden":
            return None
        ac = a.get("autocomplete")
        if isinstance(ac, str) and ac:
            for tok in ac.lower().split():
                if tok.startswith("cc-") or tok in _AUTOCOMPLETE:
                    return "autocomplete"
        hint = " | ".join(str(a[k]) for k in _HINT_ATTRS if isinstance(a.get(k), str))
        label = self._label_text(nid, f)
        if field_category(hint) or (label and field_category(label)):
            return "field-name"
        return None

    def _field_value(self, nid: int, f: _Field, attrs: dict) -> None:
        v = attrs.get("value")
        if type(v) is str and v:
            attrs["value"] = self._value(nid, f.rule, v)
            if attrs is not f.attrs:
                f.attrs["value"] = attrs["value"]

    def _mutation(self, d: dict) -> None:
        adds = d.get("adds")
        if adds:
            self._adds(adds)
        for t in d.get("texts") or ():
            if type(t) is dict and type(t.get("value")) is str and t["value"]:
                owner = self._text_owner.get(t.get("id"))
                rule = None
                if owner is not None:
                    f = self._fields.get(owner)
                    if f is not None:
                        rule = f.rule
                    elif owner in self._masked:
                        rule = "selector"
                    lab = self._labels.get(owner)
                    if lab is not None:
                        lab[1] = t["value"]
                        self._relabel(lab)
                t["value"] = self._text(t["value"], rule)
        recs = d.get("attributes")
        if recs:
            self._attributes(recs)

    def _attributes(self, recs: list) -> None:
        fields, masked, keys = self._fields, self._masked, _ATTR_KEYS
        for a in recs:
            if type(a) is not dict:
                continue
            attrs = a.get("attributes")
            if type(attrs) is not dict or keys.isdisjoint(attrs):
                continue  # the usual style/class/geometry change: nothing any rule reads
            nid = a.get("id")
            f = fields.get(nid)
            if f is None and _SCAN_ATTR_SET.isdisjoint(attrs):
                continue
            if f is not None:
                changed = False
                for k in ("type", "autocomplete", "data-rr-is-password", *_HINT_ATTRS):
                    if k in attrs:
                        if attrs[k] is None:
                            f.attrs.pop(k, None)
                        else:
                            f.attrs[k] = attrs[k]
                        changed = True
                if changed and f.rule != "selector":
                    f.rule = self._field_rule(nid, f) or (f.rule if f.rule == "password" else None)
                self._field_value(nid, f, attrs)
                if "placeholder" in attrs or "title" in attrs:
                    self._scan_attrs(attrs, skip_value=True)
            elif nid in masked and type(attrs.get("value")) is str:
                attrs["value"] = self._value(nid, "selector", attrs["value"])
            else:
                self._scan_attrs(attrs)

    def _adds(self, adds: list) -> None:
        fields, texts, pending = [], [], set()  # pending: fields of this event, mapped after the loop
        labels, masked_set, sels, short = self._labels, self._masked, self._selectors, self._short
        fields_map, text_owner, text = self._fields, self._text_owner, self._text
        scan_all, run = bool(self._patterns or self._echo), _RUN.search
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
            if not labels:
                label = 0
            elif parent in labels:
                label = parent
            else:  # inlined _label_of: this runs for every added node
                label = text_owner.get(parent, 0)
                if label not in labels:
                    label = 0
            masked = parent in masked_set
            if nt == 3:
                if label or masked or parent in fields_map or parent in pending:
                    texts.append((node, parent, label))
                else:
                    s = node.get("textContent")
                    if type(s) is str and len(s) >= short and (scan_all or run(s)):
                        node["textContent"] = text(s, None)
            elif nt == 2:
                nid = node.get("id")
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
                if tag in _FIELD_TAGS:
                    fields.append((nid, tag, attrs, label, masked))
                    pending.add(nid)
                elif masked:
                    masked_set.add(nid)
                elif attrs and not _SCAN_ATTR_SET.isdisjoint(attrs):
                    self._scan_attrs(attrs)
                if node.get("childNodes"):  # isAttachIframe: a whole document
                    self._tree([(node["childNodes"], nid, 0, masked)])
            elif nt == 0:
                self._tree([([node], parent, 0, False)])
        for nid, tag, attrs, label, masked in fields:
            self._add_field(nid, tag, attrs, label, masked)
            self._field_value(nid, self._fields[nid], attrs)
        for node, parent, label in texts:
            s = node.get("textContent")
            f = self._fields.get(parent)
            rule = f.rule if f is not None else ("selector" if parent in self._masked else None)
            self._text_owner[node.get("id")] = label if label and f is None else parent
            if label and type(s) is str:
                lab = self._labels[label]
                lab[1] += " " + s
                self._relabel(lab)
            if type(s) is str and s:
                node["textContent"] = self._text(s, rule)

    def _label_of(self, parent) -> int:
        if parent in self._labels:
            return parent
        owner = self._text_owner.get(parent)
        return owner if owner in self._labels else 0

    def _relabel(self, lab: list) -> None:
        for fid in lab[2]:
            f = self._fields.get(fid)
            if f is not None and f.rule is None:
                f.rule = self._field_rule(fid, f)

    # -- values ---------------------------------------------------------------------------------

    def _input(self, d: dict) -> None:
        v = d.get("text")
        if type(v) is str and v:
            nid = d.get("id")
            f = self._fields.get(nid)
            d["text"] = self._value(nid, f.rule if f is not None else ("selector" if nid in self._masked else None), v)

    def _value(self, nid, rule: str | None, v: str) -> str:
        """A form value: all of it when the field is sensitive, else only what the text rules find."""
        if rule is not None:
            m = mask(v)
            if m != v:
                self.counts[rule] += 1
                if len(v.strip()) >= 5:
                    self._echo[nid] = v
                    self._short = min(self._short, 5)
            return m
        return self._text(v, None, nid)

    def _text(self, s: str, rule: str | None, nid=None) -> str:
        if rule is not None:
            m = mask(s)
            if m != s:
                self.counts[rule] += 1
            return m
        if len(s) < self._short:
            return s
        if len(s) >= 13 and _RUN.search(s):
            s = _RUN.sub(lambda m: self._luhn(m, nid), s)
        for p in self._patterns:
            s = p.sub(self._pattern, s)
        if self._echo:
            for v in self._echo.values():
                if v in s:
                    s = s.replace(v, mask(v))
                    self.counts["echo"] += 1
        return s

    def _luhn(self, m, nid) -> str:
        run = m.group(0)
        digits = run.replace(" ", "").replace("-", "")
        if card_like(digits):
            self.counts["luhn"] += 1
            if nid is not None:
                self._echo[nid] = run
                self._short = min(self._short, 5)
            return mask(run)
        return run

    def _pattern(self, m) -> str:
        if not m.group(0):
            return ""
        self.counts["pattern"] += 1
        return mask(m.group(0))

    def _scan_attrs(self, attrs: dict, skip_value: bool = False) -> None:
        keys = _TEXT_ATTR_SET if skip_value else _SCAN_ATTR_SET
        short = self._short
        for k, v in attrs.items():
            if k in keys and type(v) is str and len(v) >= short:
                attrs[k] = self._text(v, None)

    def _scrub(self, obj, depth: int):
        if type(obj) is str:
            return self._text(obj, None) if obj else obj
        if depth > 64:
            return obj
        if type(obj) is dict:
            for k, v in obj.items():
                t = type(v)
                if t is str or t is dict or t is list:
                    obj[k] = self._scrub(v, depth + 1)
                elif t is int and v > 999_999_999_999:
                    obj[k] = self._number(v)
            return obj
        if type(obj) is list:
            for i, v in enumerate(obj):
                t = type(v)
                if t is str or t is dict or t is list:
                    obj[i] = self._scrub(v, depth + 1)
                elif t is int and v > 999_999_999_999:
                    obj[i] = self._number(v)
            return obj
        return obj

    def _number(self, v: int):
        s = str(v)
        if card_like(s):
            self.counts["luhn"] += 1
            return mask(s)
        return v
