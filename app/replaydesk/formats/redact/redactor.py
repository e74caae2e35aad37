"""The stateful per-session redactor: event dispatch, attribute changes, the report."""

from __future__ import annotations

import gc
import re
from collections import Counter
from dataclasses import dataclass, field

import orjson

from . import dom
from .dom import DomMap, Field
from .policy import DEFAULT_POLICY, RedactionPolicy
from .rules import ATTR_KEYS, HINT_ATTRS, MAPPED_TAGS, RUN, SCAN_ATTR_SET, key
from .selectors import SimpleSelector
from .values import TextRules


@dataclass
class Redactor(DomMap, TextRules):
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
        self._fields: dict[int, Field] = {}
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
        attributes, disjoint = self._attributes, ATTR_KEYS.isdisjoint
        fields, masked, labels, owner = self._fields, self._masked, self._labels, self._text_owner
        mapped_tags, scan_keys, run = MAPPED_TAGS, SCAN_ATTR_SET, RUN.search
        # The C walk (dom.py) passes over the events this loop would let through unchanged
        # and stops at the next one to look at; without it, every event comes here.
        skip, sels, attr_keys = dom.skip_events(), bool(self._selectors), ATTR_KEYS
        i, n = 0, len(events)
        while True:
            if skip is not None:
                i = skip(events, i, labels, owner, masked, fields, self._short, sels, attr_keys, scan_keys,
                         mapped_tags)
            if i >= n:
                break
            e = events[i]
            i += 1
            t = e["type"]
            if t == 3:
                d = e["data"]
                src = d["source"]  # the normalizer drops incremental events without one
                if src == 0:
                    try:  # rrweb writes all four lists; subscripts cost less than .get calls
                        adds, texts, recs = d["adds"], d["texts"], d["attributes"]
                    except KeyError:
                        adds, texts, recs = d.get("adds"), d.get("texts"), d.get("attributes")
                    if adds or texts:
                        # Hot path, inline: one added node (most mutations with adds on the bench
                        # archive: a short text, often with attribute changes), outside any field,
                        # label or masked element, that no rule would change. The checks only read;
                        # anything else, or malformed, takes _mutation.
                        plain = False
                        if type(adds) is list and len(adds) == 1 and not texts and not self._selectors:
                            try:
                                a = adds[0]
                                node = a["node"]
                                parent = a["parentId"]
                                if (parent not in labels and parent not in owner and parent not in masked
                                        and parent not in fields):
                                    nt = node["type"]
                                    if nt == 3:
                                        s = node["textContent"]
                                        plain = type(s) is str and (len(s) < self._short or not (
                                            self._patterns or self._echo or run(s)))
                                    elif nt == 2 and node["tagName"] not in mapped_tags:
                                        at = node["attributes"]
                                        plain = (type(at) is dict and scan_keys.isdisjoint(at)
                                                 and not node.get("childNodes"))
                            except (KeyError, TypeError, IndexError):
                                plain = False
                        if not plain:
                            self._mutation(d)
                            continue
                    if recs:
                        # inline filter: a change of style/class/geometry only (almost all of
                        # them) costs no call; anything else, or malformed, takes _attributes
                        hit = False
                        try:
                            for a in recs:
                                if not disjoint(a["attributes"]):
                                    hit = True
                                    break
                        except (KeyError, TypeError):
                            hit = True
                        if hit:
                            attributes(recs)
                elif src == 5:
                    # inline: a value no rule changes (a field that is not sensitive, short text)
                    try:
                        v = d["text"]
                        f = fields.get(d["id"])
                        if (type(v) is str and (f.rule is None if f is not None else d["id"] not in masked)
                                and (len(v) < self._short or not (self._patterns or self._echo or run(v)))):
                            continue
                    except (KeyError, TypeError):
                        pass
                    self._input(d)
            elif t == 2:
                d = e["data"]
                node = d.get("node")
                if type(node) is dict:
                    self._reset_dom()
                    # new maps: the hot paths above read them through these names
                    fields, masked, labels, owner = self._fields, self._masked, self._labels, self._text_owner
                    self._tree([([node], 0, 0, False)])
            elif t == 5 or t == 6:
                e["data"] = self._scrub(e["data"], 0)

    def scrub_value(self, obj):
        """Luhn, user patterns and echoes in any JSON value (meta.json, payloads)."""
        if not self.policy.enabled:
            return obj
        return self._scrub(obj, 0)

    # -- DOM map --------------------------------------------------------------------------------

    def _mutation(self, d: dict) -> None:
        adds, texts = d.get("adds"), d.get("texts")
        if adds and type(adds) is list:  # anything else is no mutation rrweb writes: nothing to read
            self._adds(adds)
        for t in texts if type(texts) is list else ():
            if type(t) is dict and type(t.get("value")) is str and t["value"]:
                owner = self._text_owner.get(key(t.get("id")))
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
        if type(recs) is not list:
            return
        keys = ATTR_KEYS
        try:  # the usual case, by subscript: no record changes a key any rule reads
            for a in recs:
                if not keys.isdisjoint(a["attributes"]):
                    break
            else:
                return
        except (KeyError, TypeError):
            pass
        fields, masked = self._fields, self._masked
        for a in recs:
            if type(a) is not dict:
                continue
            attrs = a.get("attributes")
            if type(attrs) is not dict or keys.isdisjoint(attrs):
                continue  # the usual style/class/geometry change: nothing any rule reads
            nid = key(a.get("id"))
            f = fields.get(nid)
            if f is None and SCAN_ATTR_SET.isdisjoint(attrs):
                continue
            if f is not None:
                changed = False
                for k in ("type", "autocomplete", "data-rr-is-password", *HINT_ATTRS):
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
