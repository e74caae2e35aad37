"""Seconds or milliseconds: decided from the whole session (issue 9).

Before: any first timestamp at or below 9,999,999,999 meant seconds, so sessions
recorded with millisecond timestamps near 1.9e9 (a clock reading 1970-01-23) were
stretched 1000-fold: a 4 s session became 66 minutes, another started in 2030 and
lasted 542 years.
"""

from __future__ import annotations

import pytest

from replaydesk.formats.normalize import seconds_unit
from replaydesk.store import import_paths

from . import builders as B

NOW_S = 1_780_000_000  # "now" for the pure decisions below (2026)


def _session(stamps: list) -> list[dict]:
    """Meta + FullSnapshot at the first stamp, then a mouse move at each other one."""
    evs = B.tiny_events(t0=0, n_moves=len(stamps) - 1)
    for e, t in zip(evs[:1] + evs[2:], stamps):
        e["timestamp"] = t
    evs[1]["timestamp"] = stamps[0]
    return evs


@pytest.mark.parametrize(
    "stamps, seconds",
    [
        ([1_900_000_000 + k * 40 for k in range(100)], False),  # ms near 1.9e9: 4 s at 25 events/s
        ([1_900_000_000, 1_900_000_003], False),  # as seconds: 2030, the future
        ([1_700_000_000.25 + k * 0.04 for k in range(100)], True),  # real seconds, sub-second spread
        ([1_700_000_000 + k // 10 for k in range(100)], True),  # whole seconds, 10 events each
        ([1_700_000_000 + k * 40 for k in range(100)], False),  # whole numbers 40 apart: milliseconds
        ([5.5, 7.25], False),  # not an epoch in seconds (1970)
        ([1_700_000_000_000 + k for k in range(10)], False),  # ordinary ms
    ],
)
def test_unit_decision(stamps, seconds):
    assert seconds_unit(stamps, now_s=NOW_S) is seconds


def _import(fresh_db, tmp_path, name, evs):
    report = import_paths(fresh_db, [B.write(tmp_path / f"{name}.json", B.dumps(evs))])
    assert not report.rejected, report.rejected
    (sid,) = report.added
    return B.row(fresh_db, sid), [w for _, w in report.warnings]


def test_millisecond_session_near_1_9e9_keeps_its_length(fresh_db, tmp_path):
    stamps = [1_900_000_000 + k * 40 for k in range(101)]  # 4 s
    row, warnings = _import(fresh_db, tmp_path, "ms19", _session(stamps))
    assert row["duration_ms"] == 4000 and row["started_at"] == 1_900_000_000
    assert not any("converted" in w for w in warnings)
    assert any("kept as milliseconds" in w for w in warnings), warnings


def test_millisecond_session_that_would_land_in_2030(fresh_db, tmp_path):
    stamps = [1_900_000_000 + k * 1000 for k in range(60)]  # one a second for a minute
    row, _ = _import(fresh_db, tmp_path, "ms2030", _session(stamps))
    assert row["duration_ms"] == 59_000


def test_real_seconds_with_sub_second_spread_are_converted(fresh_db, tmp_path):
    stamps = [1_700_000_000.125 + k * 0.05 for k in range(81)]  # 4 s
    row, warnings = _import(fresh_db, tmp_path, "secs", _session(stamps))
    assert row["started_at"] == 1_700_000_000_125 and row["duration_ms"] == 4000
    assert any("converted to milliseconds" in w for w in warnings)


def test_a_clock_from_zero_keeps_its_first_events(fresh_db, tmp_path):
    """The Meta and the FullSnapshot at 0 are the session's start, kept (they were dropped, and
    with them the only snapshot: the session could not be imported)."""
    stamps = [0] + [k * 40 for k in range(1, 101)]
    row, warnings = _import(fresh_db, tmp_path, "zero", _session(stamps))
    assert row["started_at"] == 0 and row["duration_ms"] == 4000
    assert row["event_count"] == 102 and not any("dropped" in w for w in warnings), warnings


def test_an_epoch_session_drops_a_stray_zero(fresh_db, tmp_path):
    stamps = [1_750_000_000_000 + k * 40 for k in range(101)]
    evs = _session(stamps)
    evs.insert(5, {**evs[5], "timestamp": 0})
    row, warnings = _import(fresh_db, tmp_path, "stray", evs)
    assert row["started_at"] == 1_750_000_000_000 and row["duration_ms"] == 4000
    assert any("dropped 1 malformed event(s)" in w and "timestamp 0 is not a time" in w for w in warnings), warnings
