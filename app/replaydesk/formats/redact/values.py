"""The text rules of :class:`~.redactor.Redactor`: form values, text nodes, attributes,
console and custom payloads (Luhn runs, user patterns, echoes of masked values)."""

from __future__ import annotations

from .rules import RUN, SCAN_ATTR_SET, TEXT_ATTR_SET, card_like, key, mask


class TextRules:
    """Mixin of :class:`~.redactor.Redactor`: values and free text."""

    def _input(self, d: dict) -> None:
        v = d.get("text")
        if type(v) is str and v:
            nid = key(d.get("id"))
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
        if len(s) >= 13 and RUN.search(s):
            s = RUN.sub(lambda m: self._luhn(m, nid), s)
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
        keys = TEXT_ATTR_SET if skip_value else SCAN_ATTR_SET
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
