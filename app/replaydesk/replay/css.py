"""Tolerant CSS text handling for the DOM mirror.

The mirror never renders CSS, but it must *edit* it the way the browser's CSSOM
did at record time:

* ``style`` attribute diffs (Mutation ``attributes`` with a dict value) behave like
  ``element.style.setProperty/removeProperty``: an existing property is updated in
  place, a new one is appended, the attribute is re-serialised in the browser's
  canonical ``name: value;`` form.
* StyleSheetRule events (source 8) call ``insertRule/deleteRule`` at an index or a
  nested index path (inside ``@media``/``@supports`` groups), so a stylesheet has to
  be split into top-level rules and, on demand, into nested ones.
* StyleDeclaration events (source 13) edit the declaration block of one rule.

Recorded CSS comes from real sites and may be malformed (rrweb issue #1734 is a
crash on an empty rule), so nothing here raises on bad input: unbalanced braces,
stray quotes or comments degrade to "keep the text as it is".
"""

from __future__ import annotations

from typing import Union

#: At-rules whose block contains rules (so a nested index path may descend into them).
GROUPING_AT_RULES = ("@media", "@supports", "@layer", "@container", "@document", "@scope",
                     "@-moz-document", "@starting-style")


def _skip_opaque(text: str, i: int) -> int:
    """Past the comment or quoted string starting at ``i`` (``i`` itself if none does):
    their contents never count as CSS structure."""
    n = len(text)
    c = text[i]
    if c == "/" and text.startswith("/*", i):
        end = text.find("*/", i + 2)
        return n if end < 0 else end + 2
    if c in "\"'":
        j = i + 1
        while j < n and text[j] != c:
            j += 2 if text[j] == "\\" else 1
        return min(j + 1, n)
    return i


def _scan_until(text: str, start: int, stops: str) -> int:
    """Index of the first char in ``stops`` at nesting depth 0, skipping strings,
    comments and parenthesised parts (``url(data:...;base64,...)`` contains ``;``).
    Returns ``len(text)`` when none is found."""
    depth = 0
    i = start
    n = len(text)
    while i < n:
        c = text[i]
        skipped = _skip_opaque(text, i)
        if skipped != i:
            i = skipped
            continue
        if c == "(" or c == "[":
            depth += 1
        elif (c == ")" or c == "]") and depth:
            depth -= 1
        elif depth == 0 and c in stops:
            return i
        i += 1
    return n


def _match_brace(text: str, open_idx: int) -> int:
    """Index just past the ``}`` closing the ``{`` at ``open_idx`` (or ``len(text)``)."""
    depth = 0
    i = open_idx
    n = len(text)
    while i < n:
        c = text[i]
        skipped = _skip_opaque(text, i)
        if skipped != i:
            i = skipped
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def _strip_comments_ws(text: str) -> str:
    """Trim whitespace and leading comments (between rules they are not rules)."""
    text = text.strip()
    while text.startswith("/*"):
        end = text.find("*/")
        if end < 0:
            return ""
        text = text[end + 2:].strip()
    return text


def split_rules(text: str) -> list[str]:
    """Split stylesheet text into top-level rule strings (like ``sheet.cssRules``).

    Statement at-rules (``@import ...;``) end at ``;``; everything else ends at its
    matching ``}``. Comments between rules are dropped, as the CSSOM does.
    """
    rules: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        j = _scan_until(text, i, "{;}")
        if j >= n:
            tail = _strip_comments_ws(text[i:])
            if tail:
                rules.append(tail)
            break
        if text[j] == "{":
            end = _match_brace(text, j)
            rule = _strip_comments_ws(text[i:end])
        elif text[j] == ";":
            end = j + 1
            rule = _strip_comments_ws(text[i:end])
            if rule == ";":
                rule = ""
        else:  # stray "}" at top level: skip it
            end = j + 1
            rule = ""
        if rule:
            rules.append(rule)
        i = end
    return rules


def is_grouping_rule(rule: str) -> bool:
    low = rule[:20].lower()
    return low.startswith(GROUPING_AT_RULES) and "{" in rule


class GroupRule:
    """A grouping rule (``@media ... { rules }``) expanded for nested edits."""

    __slots__ = ("prelude", "rules")

    def __init__(self, prelude: str, rules: list["Rule"]):
        self.prelude = prelude
        self.rules = rules

    @classmethod
    def parse(cls, rule: str) -> "GroupRule":
        brace = _scan_until(rule, 0, "{")
        prelude = rule[:brace].strip()
        body = rule[brace + 1:]
        if body.rstrip().endswith("}"):
            body = body.rstrip()[:-1]
        return cls(prelude, list(split_rules(body)))

    def text(self) -> str:
        inner = " ".join(rule_text(r) for r in self.rules)
        return f"{self.prelude} {{ {inner} }}" if inner else f"{self.prelude} {{ }}"

    def to_json(self) -> list:
        return [self.prelude, [r.to_json() if isinstance(r, GroupRule) else r for r in self.rules]]

    @classmethod
    def from_json(cls, data: list) -> "GroupRule":
        return cls(data[0], [cls.from_json(r) if isinstance(r, list) else r for r in data[1]])


Rule = Union[str, GroupRule]


def rule_text(rule: Rule) -> str:
    return rule.text() if isinstance(rule, GroupRule) else rule


class StyleSheet:
    """An editable rule list: the state of one ``<style>`` sheet or constructed sheet.

    Rules stay plain strings until an index path needs to descend into a grouping
    rule; then that rule is expanded into a :class:`GroupRule`. Every edit method
    returns ``None`` on success or a short anomaly description (the caller counts it)
    instead of raising, mirroring rrweb's "swallow CSSOM errors" behaviour.
    """

    __slots__ = ("rules",)

    def __init__(self, rules: list[Rule] | None = None):
        self.rules: list[Rule] = rules if rules is not None else []

    @classmethod
    def from_text(cls, text: str) -> "StyleSheet":
        return cls(list(split_rules(text or "")))

    def text(self) -> str:
        return "".join(rule_text(r) for r in self.rules)

    def rule_texts(self) -> list[str]:
        return [rule_text(r) for r in self.rules]

    def _container(self, path: list[int]) -> list[Rule] | None:
        """The rule list addressed by all but the last element of ``path``."""
        rules = self.rules
        for idx in path[:-1]:
            if not isinstance(idx, int) or not 0 <= idx < len(rules):
                return None
            rule = rules[idx]
            if isinstance(rule, str):
                if not is_grouping_rule(rule):
                    return None
                rule = GroupRule.parse(rule)
                rules[idx] = rule
            rules = rule.rules
        return rules

    @staticmethod
    def _path(index) -> list[int] | None:
        if index is None:
            return None
        if isinstance(index, bool):
            return None
        if isinstance(index, (int, float)):
            return [int(index)]
        if isinstance(index, list) and index and all(isinstance(i, (int, float)) and not isinstance(i, bool) for i in index):
            return [int(i) for i in index]
        return None

    def insert(self, rule: str, index=None) -> str | None:
        """``insertRule``; ``index`` may be None, a number or a path.

        ``None`` inserts at 0: rrweb calls ``insertRule(rule, undefined)`` and the CSSOM
        default index is 0. Out-of-range indexes are clamped (the recorder's index was
        valid in the live sheet, ours may lag after an earlier swallowed error)."""
        if not isinstance(rule, str):
            return "insertRule: rule is not a string"
        path = self._path(index)
        if path is None:
            if index is not None:
                return "insertRule: bad index"
            path = [0]
        rules = self._container(path)
        if rules is None:
            return "insertRule: index path does not reach a grouping rule"
        pos = min(max(path[-1], 0), len(rules))
        rules.insert(pos, rule)
        return None

    def delete(self, index) -> str | None:
        path = self._path(index)
        if path is None:
            return "deleteRule: bad index"
        rules = self._container(path)
        if rules is None or not 0 <= path[-1] < len(rules):
            return "deleteRule: index out of range"
        del rules[path[-1]]
        return None

    def set_declaration(self, index, prop: str, value: str, priority: str | None) -> str | None:
        """StyleDeclaration ``set``: ``rule.style.setProperty(prop, value, priority)``."""
        return self._edit_declarations(index, lambda decls: set_property(decls, prop, value, priority))

    def remove_declaration(self, index, prop: str) -> str | None:
        return self._edit_declarations(index, lambda decls: remove_property(decls, prop))

    def _edit_declarations(self, index, edit) -> str | None:
        path = self._path(index)
        if path is None:
            return "styleDeclaration: bad index"
        rules = self._container(path)
        if rules is None or not 0 <= path[-1] < len(rules):
            return "styleDeclaration: rule not found"
        rule = rules[path[-1]]
        if not isinstance(rule, str) or "{" not in rule:
            return "styleDeclaration: not a style rule"
        brace = _scan_until(rule, 0, "{")
        selector = rule[:brace].strip()
        body = rule[brace + 1:].rstrip()
        if body.endswith("}"):
            body = body[:-1]
        decls = parse_declarations(body)
        edit(decls)
        inner = format_declarations(decls)
        rules[path[-1]] = f"{selector} {{ {inner} }}" if inner else f"{selector} {{ }}"
        return None

    def to_json(self) -> list:
        return [r.to_json() if isinstance(r, GroupRule) else r for r in self.rules]

    @classmethod
    def from_json(cls, data: list) -> "StyleSheet":
        return cls([GroupRule.from_json(r) if isinstance(r, list) else r for r in data])


# --- declarations (style attribute / rule bodies) ------------------------------------

Declaration = list  # [name, value, important: bool]


def parse_declarations(text: str) -> list[Declaration]:
    """Parse ``a: 1; b: url(x;y) !important`` into ``[[name, value, important], ...]``.

    Property names are lower-cased except custom properties (``--x`` is case-sensitive).
    Later duplicates replace earlier ones in place, like the CSSOM.
    """
    decls: list[Declaration] = []
    if not text:
        return decls
    i = 0
    n = len(text)
    while i < n:
        j = _scan_until(text, i, ";")
        part = text[i:j].strip()
        i = j + 1
        if not part or part.startswith("/*"):
            part = _strip_comments_ws(part)
            if not part:
                continue
        colon = part.find(":")
        if colon <= 0:
            continue
        name = part[:colon].strip()
        if not name.startswith("--"):
            name = name.lower()
        value = part[colon + 1:].strip()
        important = False
        low = value.lower()
        if low.endswith("!important"):
            important = True
            value = value[: -len("!important")].rstrip()
        set_property(decls, name, value, "important" if important else None)
    return decls


def set_property(decls: list[Declaration], name: str, value, priority) -> None:
    """``style.setProperty``: update in place or append; an empty value removes."""
    if not isinstance(name, str) or not name:
        return
    if value is None or value == "":
        remove_property(decls, name)
        return
    important = bool(priority) and str(priority).lower() == "important"
    for d in decls:
        if d[0] == name:
            d[1] = str(value)
            d[2] = important
            return
    decls.append([name, str(value), important])


def remove_property(decls: list[Declaration], name: str) -> None:
    for k, d in enumerate(decls):
        if d[0] == name:
            del decls[k]
            return


def format_declarations(decls: list[Declaration]) -> str:
    """Browser-canonical ``cssText``: ``name: value;`` (plus `` !important``), space separated."""
    return " ".join(f"{n}: {v}{' !important' if imp else ''};" for n, v, imp in decls)


def apply_style_diff(style: str | None, diff: dict) -> str:
    """Apply an rrweb style diff object to a ``style`` attribute value.

    ``{prop: "v"}`` sets, ``{prop: ["v", "important"]}`` sets with priority,
    ``{prop: False}`` removes (rrweb record/mutation.ts ``styleDiff``).
    """
    decls = parse_declarations(style or "")
    for name, val in diff.items():
        if val is False or val is None:
            remove_property(decls, name)
        elif isinstance(val, str):
            set_property(decls, name, val, None)
        elif isinstance(val, (list, tuple)) and val:
            set_property(decls, name, val[0], val[1] if len(val) > 1 else None)
        else:
            set_property(decls, name, str(val), None)
    return format_declarations(decls)
