"""The replay pane's views (timeline + inspector rows): one scan, stored, loaded back equal."""

from __future__ import annotations

import numpy as np
import pytest

from replaydesk.analysis import timeline_for_session
from replaydesk.analysis.events import summarize_events
from replaydesk.analysis.views import (
    KIND, VIEWS_VERSION, ViewsBuilder, build_views, decode_views, encode_views, has_views, load_views, save_views,
)
from replaydesk.replay.session import build_session_checkpoints
from replaydesk.store import iter_events, session_ids
from replaydesk.store.checkpoints_table import session_content_hash
from replaydesk.store.derived import save_derived


def assert_same_timeline(a, b):
    assert (a.t0, a.t1, a.inactive_spans, a.session_id) == (b.t0, b.t1, b.inactive_spans, b.session_id)
    assert [(m.t, m.kind, m.label, dict(m.detail)) for m in a.markers] == [(m.t, m.kind, m.label, dict(m.detail)) for m in b.markers]
    for name in ("activity", "event_times", "page_times"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and np.array_equal(x, y), name


def assert_same_views(a, b):
    assert_same_timeline(a.timeline, b.timeline)
    assert a.rows == b.rows


def test_checkpoint_scan_views_equal_a_separate_pass(seeded_db):
    """Riding on the checkpoint builder's mirror gives exactly the separate passes' result."""
    for sid in session_ids(seeded_db):
        rider = ViewsBuilder(sid)
        build_session_checkpoints(seeded_db, sid, observe=rider.feed, save=False)
        ridden = rider.finish()
        alone = build_views(iter_events(seeded_db.conn, sid), sid)
        assert_same_views(ridden, alone)
        assert_same_timeline(alone.timeline, timeline_for_session(seeded_db, sid))
        assert alone.rows == summarize_events(iter_events(seeded_db.conn, sid))
        assert alone.rows and alone.timeline.markers  # real content, not two empty results


def test_encoded_views_decode_equal(seeded_db):
    for sid in session_ids(seeded_db):
        views = build_views(iter_events(seeded_db.conn, sid), sid)
        assert_same_views(decode_views(encode_views(views)), views)


def test_decoded_views_keep_one_string_per_distinct_text(seeded_db):
    """Rows and markers repeat a few hundred kinds, summaries and labels: a loaded session
    keeps one object of each, not one per row (issue 16, memory)."""
    for sid in session_ids(seeded_db):
        views = decode_views(encode_views(build_views(iter_events(seeded_db.conn, sid), sid)))
        texts = [r.kind for r in views.rows] + [r.summary for r in views.rows]
        texts += [m.kind for m in views.timeline.markers] + [m.label for m in views.timeline.markers]
        assert len({id(t) for t in texts}) == len(set(texts)), sid


def test_stored_views_load_for_the_same_content_only(seeded_db):
    sid = session_ids(seeded_db)[0]
    views = build_views(iter_events(seeded_db.conn, sid), sid)
    chash = session_content_hash(seeded_db, sid)
    assert load_views(seeded_db, sid) is None and not has_views(seeded_db, sid)
    assert save_views(seeded_db, sid, chash, views)
    assert has_views(seeded_db, sid)
    assert_same_views(load_views(seeded_db, sid), views)
    seeded_db.conn.execute("UPDATE sessions SET content_hash = 'other' WHERE id = ?", (sid,))
    assert load_views(seeded_db, sid) is None


@pytest.mark.parametrize("blob", [b"", b"not zstd", b"\x28\xb5\x2f\xfd truncated frame"])
def test_a_damaged_blob_is_rebuilt_not_shown(seeded_db, blob):
    import zstandard

    sid = session_ids(seeded_db)[0]
    save_derived(seeded_db, sid, KIND, VIEWS_VERSION, session_content_hash(seeded_db, sid), blob)
    assert load_views(seeded_db, sid) is None
    with pytest.raises(ValueError):
        decode_views(blob)
    truncated = zstandard.ZstdCompressor().compress(b'{"format": 1, "t0": 5}')
    with pytest.raises(ValueError):
        decode_views(truncated)


def test_views_version_moves_with_the_code_that_builds_them():
    """Stored views are reused until VIEWS_VERSION changes. If this fails, the timeline or
    the inspector summaries may now differ for the same events: bump VIEWS_VERSION in
    analysis/views.py (old blobs are then rebuilt) and record the new digest here."""
    import hashlib
    from pathlib import Path

    import replaydesk.analysis.activity as activity
    import replaydesk.analysis.events as events_mod
    import replaydesk.replay.selectors as selectors  # describe(): the summaries' element names

    source = b"".join(Path(m.__file__).read_bytes().replace(b"\r\n", b"\n") for m in (activity, events_mod, selectors))
    digest = hashlib.sha256(source).hexdigest()[:16]
    assert (VIEWS_VERSION, digest) == ("views-4", RECORDED_DIGEST), digest


RECORDED_DIGEST = "1f7576b8fc44571b"  # activity.py + events.py + replay/selectors.py at views-4
