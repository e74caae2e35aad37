"""Fixtures for the timeline/transport tests: timelines of the corpus sessions (built once)."""

from __future__ import annotations

import pytest

# the widget tests build Qt views: replaydesk:// must be registered before pytest-qt
# creates the QApplication (the environment is set in tests/conftest.py)
from replaydesk.ui.replay.scheme import register_scheme

register_scheme()

IDLE = "ses_eca6cdfc6b65"  # idle-and-quick-back: ~13 s without input from ~15.5 s
LAB = "ses_ac59c861b05d"  # lab-errors-rage: console errors, rage clicks
PHONE = "ses_894a31ac3a8c"  # mobile-shop-coupon-error: taps


@pytest.fixture(scope="session")
def corpus_timelines(seeded_db_path):
    """``{session_id: (SessionTimeline, session_info)}`` for the nine corpus sessions."""
    from replaydesk.analysis import timeline_for_session
    from replaydesk.store import open_store, session_ids, session_info

    db = open_store(seeded_db_path, readonly=True)
    try:
        return {sid: (timeline_for_session(db, sid), session_info(db, sid)) for sid in session_ids(db)}
    finally:
        db.conn.close()


@pytest.fixture
def idle_timeline(corpus_timelines):
    return corpus_timelines[IDLE][0]
