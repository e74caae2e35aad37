"""Counting, not crashing: the mirror's record of inconsistent or unusable data.

rrweb treats "node not found" as a warning (docs/rrweb-format.md §3, §5 row 13 / rrweb issue #1690).
Recordings from mobile Safari, concatenated sessions or buggy recorders contain ops
that cannot be applied; the mirror skips them, counts them per kind and keeps a
short log so analysis and the UI can show "this replay may be inaccurate here".
"""

from __future__ import annotations

from collections import Counter

#: Size of the rolling log; the counters are exact, the log only keeps recent examples.
LOG_LIMIT = 200


class Anomalies:
    """Per-kind counters plus a bounded log of ``(event_index, timestamp, kind, detail)``."""

    __slots__ = ("counts", "log", "event_index", "timestamp")

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.log: list[list] = []
        self.event_index = -1
        self.timestamp = 0

    def add(self, kind: str, detail: str = "") -> None:
        self.counts[kind] += 1
        self.log.append([self.event_index, self.timestamp, kind, detail[:200]])
        if len(self.log) > LOG_LIMIT:
            del self.log[: len(self.log) - LOG_LIMIT]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_json(self) -> dict:
        return {"counts": dict(self.counts), "log": self.log}

    @classmethod
    def from_json(cls, data: dict) -> "Anomalies":
        a = cls()
        a.counts.update(data.get("counts", {}))
        a.log = [list(x) for x in data.get("log", [])]
        return a
