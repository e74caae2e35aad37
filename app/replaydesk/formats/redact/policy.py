"""What to redact beyond the built-in rules, and its digest (stored per session)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .rules import RULES_VERSION
from .selectors import SelectorError, SimpleSelector

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
