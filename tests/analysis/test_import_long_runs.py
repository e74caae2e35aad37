"""Sessions where a seek without checkpoints would replay too much are indexed at import
(issue 16).

Before its checkpoints exist, a seek starts at its page visit's FullSnapshot; in a single-page
hour-long recording that is the whole session, so the app's import builds what the player's
first open would (checkpoints, views, named signals) for those sessions only. The bound is
lowered here so that small corpus sessions stand for them."""

from __future__ import annotations

import replaydesk.analysis.importing as importing
from replaydesk.analysis.importing import import_paths, longest_snapshot_run
from replaydesk.analysis.views import has_views
from replaydesk.replay.session import open_session_replay
from replaydesk.store import iter_events, open_store
from replaydesk.store.checkpoints_table import has_checkpoints

#: one FullSnapshot and 1,661 events (a single-page recording)
SINGLE_PAGE = "ses_49340e341bb8"
#: five page visits of at most ~150 events
MULTI_PAGE = "ses_46d365862838"


def _attributed(db, sid: str) -> int:
    return db.conn.execute("SELECT attributed FROM signal_facts WHERE session_id = ?", (sid,)).fetchone()[0]


def test_the_longest_run_bounds_every_seek_without_checkpoints(tmp_path, corpus):
    """It is what the player's gate sees: no moment's replay_span exceeds it, and the
    longest visit's last moment comes within a stored chunk of it."""
    db = open_store(tmp_path / "s.db")
    import_paths(db, [corpus / SINGLE_PAGE, corpus / MULTI_PAGE], index_long_runs=False)
    for sid in (SINGLE_PAGE, MULTI_PAGE):
        longest = longest_snapshot_run(db, sid)
        replay = open_session_replay(db, sid, build_if_missing=False)
        times = sorted({e["timestamp"] for e in iter_events(db.conn, sid)})
        spans = [replay.replay_span(t) for t in times]
        assert max(spans) <= longest <= max(spans) + replay.source.max_chunk_events, sid
    assert longest_snapshot_run(db, SINGLE_PAGE) == 1_661  # one visit: every event
    assert longest_snapshot_run(db, MULTI_PAGE) < 360


def test_a_long_run_is_indexed_at_import_and_a_short_one_is_not(tmp_path, corpus, monkeypatch):
    monkeypatch.setattr(importing, "SEEK_MAX_EVENTS", 1_000)
    db = open_store(tmp_path / "s.db")
    landed = []
    report = import_paths(db, [corpus / SINGLE_PAGE, corpus / MULTI_PAGE], on_session=landed.append)
    assert sorted(report.added) == sorted([SINGLE_PAGE, MULTI_PAGE]) == sorted(landed)
    long = open_session_replay(db, SINGLE_PAGE, build_if_missing=False)
    assert long.status == "cached" and long.has_checkpoints  # the first open seeks anywhere at once
    assert has_views(db, SINGLE_PAGE)  # and shows its timeline and inspector from the store
    assert _attributed(db, SINGLE_PAGE) == 1  # the signals named through the mirror, as the first open does
    assert not has_checkpoints(db, MULTI_PAGE) and not has_views(db, MULTI_PAGE)  # cheap to import, as before
    assert _attributed(db, MULTI_PAGE) == 0
    # turned off, the import is the plain one
    db2 = open_store(tmp_path / "s2.db")
    import_paths(db2, [corpus / SINGLE_PAGE], index_long_runs=False)
    assert not has_checkpoints(db2, SINGLE_PAGE)


def test_cancelling_while_indexing_keeps_the_stored_session(tmp_path, corpus, monkeypatch):
    monkeypatch.setattr(importing, "SEEK_MAX_EVENTS", 1_000)
    stop = [False]

    class StopAfterStoring:  # an observer: its finish runs as the session's rows are written
        def feed(self, event):
            pass

        def finish(self, conn, session_id, content_hash):
            stop[0] = True

    db = open_store(tmp_path / "s.db")
    report = import_paths(db, [corpus / SINGLE_PAGE], cancel=lambda: stop[0], observers=(StopAfterStoring,))
    assert report.cancelled
    assert db.conn.execute("SELECT COUNT(*) FROM sessions WHERE id = ?", (SINGLE_PAGE,)).fetchone()[0] == 1
    assert not has_checkpoints(db, SINGLE_PAGE)  # built at its first open instead


def test_the_index_built_at_import_is_the_first_open_s(tmp_path, corpus, monkeypatch):
    """The stored set is the player's own (same version, content and policy)."""
    monkeypatch.setattr(importing, "SEEK_MAX_EVENTS", 1_000)
    a = open_store(tmp_path / "a.db")
    import_paths(a, [corpus / SINGLE_PAGE])
    b = open_store(tmp_path / "b.db")
    import_paths(b, [corpus / SINGLE_PAGE], index_long_runs=False)
    built = open_session_replay(b, SINGLE_PAGE)  # the first open's build
    stored = open_session_replay(a, SINGLE_PAGE, build_if_missing=False)
    assert [(c.timestamp, c.event_index, c.data) for c in stored.checkpoints] == \
        [(c.timestamp, c.event_index, c.data) for c in built.checkpoints]


def test_the_import_reports_progress_while_it_indexes(tmp_path, corpus, monkeypatch):
    """The scan takes seconds for an hour of events: the bar says so instead of standing still."""
    monkeypatch.setattr(importing, "SEEK_MAX_EVENTS", 1_000)
    seen = []
    db = open_store(tmp_path / "s.db")
    import_paths(db, [corpus / SINGLE_PAGE, corpus / MULTI_PAGE], progress=seen.append)
    notes = [p for p in seen if p.note]
    assert notes, "no progress while indexing"
    assert all(SINGLE_PAGE in p.label for p in notes)  # only the long run is indexed, at its file's place
    assert notes[-1].note == "indexing for fast seeks 100%"
    assert [p.note for p in notes] == sorted((p.note for p in notes), key=lambda n: int(n.split()[-1][:-1]))
    assert seen[-1].note == "" or seen[-1] is notes[-1]
