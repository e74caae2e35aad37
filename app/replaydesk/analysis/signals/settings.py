"""Every threshold of the frustration rules, in one object the user can change.

Defaults follow the table in issue 11 (PostHog, Clarity, OpenReplay anchors). The
object is frozen and JSON-round-trippable so it can be stored in preferences and
compared: findings computed with other settings are stale and get recomputed (the
rules run on stored :class:`~.facts.SignalFacts`, so that is cheap).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace


@dataclass(frozen=True)
class SignalSettings:
    # rage click: N clicks/taps inside a time window, all within a radius of each other
    rage_min_clicks: int = 3
    rage_window_ms: int = 1_000
    rage_radius_px: float = 30.0
    # dead click: no response of the page within this long after the press
    dead_window_ms: int = 2_500
    # error click: a console error this soon after a click
    error_window_ms: int = 1_000
    # quick back: back on the previous URL this soon after leaving it
    quick_back_ms: int = 7_000
    # excessive scrolling: down-and-up cycles over one region inside a window, no click
    scroll_min_cycles: int = 3
    scroll_window_ms: int = 10_000
    # thrashed cursor: direction reversals inside a window, with this much pointer travel
    thrash_min_reversals: int = 4
    thrash_window_ms: int = 1_000
    thrash_min_distance_px: float = 200.0
    # form abandonment: fields filled (since the last submit) when the page was left.
    # Not in the table: 2 keeps a lone search box or a single toggle from counting.
    form_min_fields: int = 2

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes | None) -> "SignalSettings":
        """Settings from :meth:`to_json` output. Unknown keys (a newer version) are
        ignored and missing or invalid ones (an older version, a hand edit) keep their
        defaults, so stored preferences never stop the app from starting."""
        try:
            raw = json.loads(text) if text else {}
        except ValueError:
            raw = {}
        if not isinstance(raw, dict):
            raw = {}
        return cls.from_dict(raw)

    @classmethod
    def from_dict(cls, raw: dict) -> "SignalSettings":
        base = cls()
        changes = {}
        for f in fields(cls):
            if f.name not in raw:
                continue
            v = raw[f.name]
            default = getattr(base, f.name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v or v < 0 or v > 1e9:
                continue
            changes[f.name] = type(default)(v)
        return replace(base, **changes)
