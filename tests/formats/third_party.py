"""Recordings made by others (rrweb's and PostHog's own test fixtures): where they are,
and what each one states about itself, for tests/formats/test_third_party.py and
tests/ui/test_third_party_replay.py.

They are in ``tests/data/third_party`` (184 KB, with their licences): the data set names
repository, commit, path and licence of every file in its ``rrweb/SOURCES.json`` and README.
The rrweb part is rrweb's ``packages/rrweb/test/events/*.ts`` event arrays (MIT) written out
as JSON, the PostHog file is copied as is. Until 2026-12-05 they were kept beside the checkout
(``../shared/third_party``), which CI never had: all of these tests skipped there. The
converter is not kept: it runs the fetched TypeScript modules, and code built from fetched
sources stays out of the repository. ``$REPLAYDESK_THIRD_PARTY`` points the tests at another
copy of the data set (a newer rrweb, say).

The expected facts are computed from the fixture file itself (its events, its Meta), not
from what our importer says, so they are an independent oracle.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "third_party"
HOW = ("the data set (rrweb's test/events fixtures as JSON, PostHog's recording_snapshots.jsonl; "
       "see this module's docstring) belongs in tests/data/third_party, or REPLAYDESK_THIRD_PARTY")

#: rrweb fixtures (packages/rrweb/test/events/<name>.ts, MIT) converted to JSON arrays;
#: ``<name>--<export>`` where one module exports several recordings
RRWEB = [
    "adopted-style-sheet", "adopted-style-sheet-empty-replace--emptyReplaceEvents",
    "adopted-style-sheet-empty-replace--emptyReplaceSyncEvents", "bad-style", "bad-textarea", "canvas-in-iframe",
    "custom-element-define-class", "dialog-playback", "document-replacement", "hover", "iframe",
    "iframe-shadowdom-hover", "input", "nested-style-declaration", "ordering", "scroll", "scroll-with-parent-styles",
    "selection", "shadow-dom", "style-declaration-missing-rule", "style-sheet-rule-events",
    "style-sheet-text-mutation", "video-playback",
]
#: PostHog blob lines (frontend/src/scenes/session-recordings/__mocks__/recording_snapshots.jsonl, MIT):
#: one line per browser window, each ``{"window_id": .., "data": [events]}``
POSTHOG_BLOBS = "posthog/recording_snapshots.jsonl"

#: events the importer drops on purpose, per fixture, and the reason it must give
#: (hover.ts starts its clock at 0: normalize.py treats a timestamp of 0 as "not a time")
DROPPED: dict[str, tuple[int, str]] = {}  # fixture -> (events the importer drops, why): none now


def third_party_dir() -> Path:
    env = os.environ.get("REPLAYDESK_THIRD_PARTY")
    d = Path(env) if env else DATA
    if not d.is_dir():
        if not env:  # the repository's own copy is missing: that is a broken checkout, not a choice
            pytest.fail(f"third-party recordings not found at {d}: {HOW}", pytrace=False)
        pytest.skip(f"third-party recordings not found at {d}: {HOW}")
    return d


def fixture_path(rel: str) -> Path:
    p = third_party_dir() / rel
    if not p.is_file():
        pytest.fail(f"third-party recording {p} is missing: {HOW}", pytrace=False)
    return p


def rrweb_path(name: str) -> Path:
    return fixture_path(f"rrweb/{name}.json")


@dataclass(frozen=True)
class Stated:
    """What a recording says about itself (from its own events)."""

    events: int
    first_ts: int
    last_ts: int
    href: str | None
    viewport: tuple[int, int] | None
    clicks: int

    @property
    def duration_ms(self) -> int:
        return self.last_ts - self.first_ts


def stated(events: list[dict], drop_zero_ts: bool = False) -> Stated:
    """The facts of one event stream; ``drop_zero_ts``: leave out events at timestamp 0
    (the importer's documented rule), so the facts are those of what is stored."""
    kept = [e for e in events if not (drop_zero_ts and e["timestamp"] == 0)]
    ts = [e["timestamp"] for e in kept]
    meta = next((e["data"] for e in kept if e["type"] == 4), None)
    clicks = sum(1 for e in kept if e["type"] == 3 and e["data"].get("source") == 2 and e["data"].get("type") == 2)
    return Stated(len(kept), min(ts), max(ts), meta["href"] if meta else None,
                  (meta["width"], meta["height"]) if meta else None, clicks)


def rrweb_events(name: str) -> list[dict]:
    return orjson.loads(rrweb_path(name).read_bytes())


def posthog_windows() -> list[tuple[str, list[dict]]]:
    """(window id, events) per line of the PostHog blob file, in file order."""
    lines = fixture_path(POSTHOG_BLOBS).read_bytes().splitlines()
    return [(b["window_id"], b["data"]) for b in map(orjson.loads, filter(None, lines))]
