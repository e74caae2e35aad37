"""Wrong-typed fields *inside* event payloads must not cost the whole session.

The envelope (type/timestamp/data) is checked by the Normalizer; what is inside
``data`` is read by the store's per-session summary. A junk value there should
at worst be ignored (or the event dropped with a warning), never turn the
session into an "internal error" rejection.
"""

from __future__ import annotations

import pytest

from replaydesk.store import import_paths

from . import builders as B


def _plus(extra: dict) -> list[dict]:
    evs = B.tiny_events()
    extra = {**extra, "timestamp": evs[-1]["timestamp"] + 1}
    return evs + [extra]


def _full_snapshot_offset(value) -> list[dict]:
    evs = B.tiny_events()
    evs[1]["data"]["initialOffset"] = value
    return evs


def _meta_width(value) -> list[dict]:
    evs = B.tiny_events()
    evs[0]["data"]["width"] = value
    return evs


CASES = {
    "click-with-junk-coordinates": (_plus({"type": 3, "data": {"source": 2, "type": 2, "x": [1], "y": "2", "id": {}}}), None),
    "meta-with-string-size": (_meta_width("wide"), None),
    "console-payload-not-a-list": (_plus({"type": 6, "data": {"plugin": "rrweb/console@1", "payload": {"level": "error", "payload": {"a": 1}, "trace": "x"}}}), None),
    # each of these once crashed the summary and rejected the whole session
    "console-level-is-a-list": (
        _plus({"type": 6, "data": {"plugin": "rrweb/console@1", "payload": {"level": ["error"], "payload": ["x"], "trace": []}}}), None),
    "legacy-log-level-is-an-object": (
        _plus({"type": 3, "data": {"source": 11, "level": {"name": "error"}, "payload": ["x"], "trace": []}}), None),
    "initial-offset-is-a-list": (
        _full_snapshot_offset([0, 0]), None),
    "meta-width-1e300": (
        _meta_width(1e300), None),
    "click-with-nan-and-huge-coordinates": (_plus({"type": 3, "data": {"source": 2, "type": 2, "x": float("nan"), "y": 1e300, "id": 5}}), None),
    "scroll-far-away": (_plus({"type": 3, "data": {"source": 3, "id": 1, "x": 1e300, "y": -1e300}}), None),
}


@pytest.mark.parametrize(
    "case",
    list(CASES),
)
def test_junk_inside_payload_keeps_the_session(fresh_db, tmp_path, case):
    evs, _ = CASES[case]
    p = B.write(tmp_path / "s.json", B.dumps(evs))
    report = import_paths(fresh_db, [p])
    assert report.rejected == [], report.rejected
    assert B.names(fresh_db, report.added) == ["s"]
    B.check_integrity(fresh_db)
    assert B.row(fresh_db, "s")["event_count"] >= len(evs) - 1
