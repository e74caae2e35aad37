"""Re-importing adds nothing; a changed session replaces its old version."""

from __future__ import annotations

import shutil

import orjson

from replaydesk.store import import_paths, iter_events, list_sessions, open_store, session_info


def test_same_archive_twice_adds_nothing(db_path, corpus):
    db = open_store(db_path)
    first = import_paths(db, [corpus / "archive-demo.zip"])
    assert len(first.added) == 9
    before = db.conn.execute("SELECT count(*), sum(length(data)) FROM event_chunks").fetchone()
    second = import_paths(db, [corpus / "archive-demo.zip"])
    assert second.added == [] and second.replaced == [] and sorted(second.skipped) == sorted(first.added)
    # the same sessions from the loose folders are the same content too
    third = import_paths(db, [corpus])
    assert len(third.skipped) == 9 and not third.added
    assert db.conn.execute("SELECT count(*), sum(length(data)) FROM event_chunks").fetchone() == before
    assert len(list_sessions(db)) == 9


def test_changed_session_replaces_old_version(tmp_path, fresh_db, corpus):
    src = corpus / "ses_6ef7552cd34d"
    work = tmp_path / "ses_6ef7552cd34d"
    shutil.copytree(src, work, ignore=shutil.ignore_patterns("truth", "rrweb"))
    assert import_paths(fresh_db, [work]).added == ["ses_6ef7552cd34d"]
    events = orjson.loads((work / "events.json").read_bytes())
    extra = dict(events[-1])
    extra["timestamp"] += 5000
    events.append(extra)
    (work / "events.json").write_bytes(orjson.dumps(events))
    report = import_paths(fresh_db, [work])
    assert report.replaced == ["ses_6ef7552cd34d"] and not report.added
    info = session_info(fresh_db, "ses_6ef7552cd34d")
    assert info["event_count"] == len(events)
    assert len(list(iter_events(fresh_db.conn, "ses_6ef7552cd34d"))) == len(events)
    assert fresh_db.conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1
    assert fresh_db.conn.execute("SELECT count(*) FROM session_search").fetchone()[0] == 1
    assert fresh_db.conn.execute("SELECT count(*) FROM session_urls").fetchone()[0] == 1


def test_progress_reports_bytes_and_sessions(fresh_db, corpus):
    seen = []
    import_paths(fresh_db, [corpus / "archive-demo.zip"], progress=seen.append)
    assert seen[-1].sessions_done == seen[-1].sessions_total == 9
    assert seen[-1].bytes_done == seen[-1].bytes_total > 0
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert len(seen) > 9


def test_cancel_stops_between_sessions_and_keeps_whole_sessions(fresh_db, corpus):
    landed = []
    report = import_paths(
        fresh_db, [corpus / "archive-demo.zip"], on_session=landed.append, cancel=lambda: len(landed) >= 3
    )
    assert report.cancelled
    assert sorted(r["id"] for r in list_sessions(fresh_db)) == sorted(landed)
    assert len(landed) == 3
