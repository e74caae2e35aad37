"""index_session (Qt-free): one scan stores checkpoints, views and named signals;
the next open reads the views instead of replaying the events."""

from __future__ import annotations

import pytest

import replaydesk.analysis.indexing as indexing
from replaydesk.analysis.views import has_views
from replaydesk.replay.session import SessionNotFound, open_session_replay
from replaydesk.store import Store
from replaydesk.store.queries import all_session_ids
from replaydesk.work import CancelToken, Cancelled


def test_index_once_then_load_from_the_store(seeded_db, monkeypatch):
    store = Store.of(seeded_db)
    sid = all_session_ids(seeded_db)[0]
    assert open_session_replay(seeded_db, sid, build_if_missing=False).status == "missing"
    progress: list[tuple[int, int]] = []
    views = store.write(indexing.index_session, sid, with_views=True, progress=lambda d, t: progress.append((d, t)))
    assert views is not None and views.rows
    assert progress and progress[-1][0] == progress[-1][1]
    assert open_session_replay(seeded_db, sid, build_if_missing=False).status == "cached"
    assert has_views(seeded_db, sid)
    monkeypatch.setattr(indexing, "build_views", lambda *a, **k: pytest.fail("views were rebuilt"))
    loaded, build_hash = store.read(indexing.load_or_build_views, sid)
    assert build_hash is None and loaded.rows == views.rows


def test_views_built_on_a_reader_come_with_the_hash_to_store(seeded_db):
    store = Store.of(seeded_db)
    sid = all_session_ids(seeded_db)[1]
    views, build_hash = store.read(indexing.load_or_build_views, sid)
    assert build_hash is not None and views.rows
    store.write(indexing.store_views, sid, build_hash, views)
    assert store.read(indexing.load_or_build_views, sid)[1] is None


def test_cancel_and_missing_session(seeded_db):
    store = Store.of(seeded_db)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        store.write(indexing.index_session, all_session_ids(seeded_db)[0], with_views=False, token=token)
    with pytest.raises(SessionNotFound):
        store.write(indexing.index_session, "ses_nope", with_views=True)
    with pytest.raises(SessionNotFound):
        store.read(indexing.load_or_build_views, "ses_nope")
