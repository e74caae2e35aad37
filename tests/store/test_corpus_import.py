"""Importing the real corpus gives exactly its sessions, with the right facts."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from replaydesk.store import (
    SessionFilter,
    count_sessions,
    import_paths,
    iter_events,
    list_sessions,
    session_info,
)
from tests.conftest import load_events, load_meta


def _clicks(events):
    return [e for e in events if e["type"] == 3 and e["data"]["source"] == 2 and e["data"].get("type") == 2]


def _path(url):
    u = urlsplit(url)
    return u.path + (f"?{u.query}" if u.query else "")


def test_demo_archive_gives_every_session_with_meta_facts(seeded_db, corpus_sessions):
    rows = {r["id"]: r for r in list_sessions(seeded_db)}
    assert sorted(rows) == sorted(d.name for d in corpus_sessions)
    for d in corpus_sessions:
        meta, events = load_meta(d), load_events(d)
        r = rows[d.name]
        assert r["duration_ms"] == meta["durationMs"], d.name
        assert r["started_at"] == meta["startedAt"]
        assert r["ended_at"] == meta["endedAt"]
        assert r["page_count"] == meta["pageLoads"], d.name
        assert r["event_count"] == meta["eventCount"] == len(events)
        assert r["click_count"] == len(_clicks(events)), d.name
        assert (r["viewport_width"], r["viewport_height"]) == (meta["viewport"]["width"], meta["viewport"]["height"])
        assert r["user_email"] == meta["user"]["email"]
        assert r["device"] == ("mobile" if meta["device"]["isMobile"] else "desktop")
        info = session_info(seeded_db, d.name)
        assert [_path(p["url"]) for p in info["pages"]] == meta["urls"], d.name
        assert _path(r["entry_url"]) == meta["urls"][0]
        assert _path(r["exit_url"]) == meta["urls"][-1]
        assert 0 < r["active_ms"] <= r["duration_ms"]


def test_each_corpus_folder_imports_alone(fresh_db, corpus_sessions):
    for d in corpus_sessions:
        report = import_paths(fresh_db, [d])
        assert report.added == [d.name], report
        assert not report.rejected and not report.warnings
    assert count_sessions(fresh_db) == len(corpus_sessions)


def test_stored_events_round_trip_exactly(seeded_db, corpus_sessions):
    """Lossless storage: what was recorded comes back, except what redaction at import
    masked (issue 14; tests/formats/test_redact.py)."""
    from replaydesk.formats.redact import Redactor

    for d in corpus_sessions:
        events = load_events(d)
        for e in events:
            e.pop("delay", None)
        Redactor().events(events)
        assert list(iter_events(seeded_db.conn, d.name)) == events


def test_time_range_reads_only_overlapping_chunks(seeded_db, corpus):
    sid = "ses_49340e341bb8"  # busiest session: several chunks
    events = load_events(corpus / sid)
    t0 = events[0]["timestamp"]
    n_chunks = seeded_db.conn.execute("SELECT count(*) FROM event_chunks WHERE session_id=?", (sid,)).fetchone()[0]
    assert n_chunks >= 4
    lo, hi = t0 + 20_000, t0 + 25_000
    got = list(iter_events(seeded_db.conn, sid, lo, hi))
    assert got == [e for e in events if lo <= e["timestamp"] <= hi]
    touched = seeded_db.conn.execute(
        "SELECT count(*) FROM event_chunks WHERE session_id=? AND t_start<=? AND t_end>=?", (sid, hi, lo)
    ).fetchone()[0]
    assert touched < n_chunks / 2


def test_interactions_carry_scroll_viewport_and_target(seeded_db):
    info = session_info(seeded_db, "ses_8339d0629316")  # deep read: clicks far down the article
    assert any(c["scroll_y"] > 1000 for c in info["clicks"])
    for c in info["clicks"]:
        assert (c["viewport_width"], c["viewport_height"]) == (1280, 800)
        assert c["target_id"] is not None and c["url"].endswith("utm_source=search")
    phone = session_info(seeded_db, "ses_894a31ac3a8c")
    assert phone["clicks"] and all(c["kind"] == "tap" for c in phone["clicks"])


def test_console_errors_are_stored_with_messages(seeded_db):
    lab = session_info(seeded_db, "ses_ac59c861b05d")
    errors = [e for e in lab["errors"] if e["level"] == "error"]
    assert len(errors) == lab["error_count"] == 2
    assert all("sketchExporter is not defined" in e["message"] for e in errors)
    phone = session_info(seeded_db, "ses_894a31ac3a8c")
    assert phone["error_count"] == 3 and all("TypeError" in e["message"] for e in phone["errors"] if e["level"] == "error")


def test_idle_gap_is_not_active_time(seeded_db):
    r = session_info(seeded_db, "ses_eca6cdfc6b65")  # ~13 s idle
    assert r["duration_ms"] - r["active_ms"] >= 12_000


@pytest.mark.parametrize(
    "flt, expected",
    [
        (SessionFilter(url="cart"), {"ses_46d365862838", "ses_5924706e4bfc", "ses_894a31ac3a8c", "ses_eca6cdfc6b65", "ses_f69ef2c8dc31"}),
        (SessionFilter(url="CHECKOUT"), {"ses_46d365862838", "ses_5924706e4bfc", "ses_f69ef2c8dc31"}),
        (SessionFilter(device="mobile"), {"ses_894a31ac3a8c"}),
        (SessionFilter(has_errors=True), {"ses_894a31ac3a8c", "ses_ac59c861b05d"}),
        (SessionFilter(min_duration_ms=60_000), {"ses_49340e341bb8", "ses_f69ef2c8dc31"}),
        (SessionFilter(max_duration_ms=10_000), {"ses_6ef7552cd34d"}),
        (SessionFilter(user="aiko"), {"ses_8339d0629316"}),
        (SessionFilter(user="u_48213"), {"ses_46d365862838"}),
        (SessionFilter(min_viewport_width=1400), {"ses_5924706e4bfc", "ses_6ef7552cd34d", "ses_ac59c861b05d"}),
        (SessionFilter(max_viewport_width=800), {"ses_894a31ac3a8c", "ses_f69ef2c8dc31"}),
        (SessionFilter(min_clicks=20), {"ses_49340e341bb8", "ses_ac59c861b05d", "ses_f69ef2c8dc31"}),
        (SessionFilter(url="cart", device="mobile"), {"ses_894a31ac3a8c"}),
        (SessionFilter(url="50%_off"), set()),
        (SessionFilter(url="x" * 60_000), set()),  # over SQLite's LIKE limit: was a traceback
        (SessionFilter(user="%" * 60_000), set()),
    ],
)
def test_filters(seeded_db, flt, expected):
    assert {r["id"] for r in list_sessions(seeded_db, flt)} == expected
    assert count_sessions(seeded_db, flt) == len(expected)


def test_sorting(seeded_db):
    rows = list_sessions(seeded_db, sort="duration_ms", descending=False)
    durations = [r["duration_ms"] for r in rows]
    assert durations == sorted(durations)
    with pytest.raises(ValueError):
        list_sessions(seeded_db, sort="1; DROP TABLE sessions")
