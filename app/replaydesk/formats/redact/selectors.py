"""User CSS selectors for redaction: simple compound selectors matched on one element's
attributes (no DOM mirror at import, so no combinators)."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
