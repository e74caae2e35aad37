"""The one cancel/progress contract (replaydesk.work, issue 10 item 3)."""

from __future__ import annotations

import threading

import pytest

from replaydesk.work import CancelToken, Cancelled, Throttle, check_every


def test_token_cancels_across_threads():
    token = CancelToken()
    token.check()  # not cancelled: no-op
    assert not token.cancelled and not token.as_predicate()()
    t = threading.Thread(target=token.cancel)
    t.start()
    t.join()
    assert token.cancelled and token.as_predicate()()
    with pytest.raises(Cancelled):
        token.check()


def test_check_every_only_looks_every_nth_item():
    token = CancelToken()
    token.cancel()
    check_every(token, 5, every=4)  # not a multiple: no look
    check_every(None, 0)
    with pytest.raises(Cancelled):
        check_every(token, 8, every=4)


def test_throttle_forwards_start_end_and_one_call_per_interval():
    now = [0.0]
    seen = []
    p = Throttle(lambda d, t, label: seen.append((d, t, label)), interval=0.1, clock=lambda: now[0])
    for i in range(10):
        now[0] = i * 0.03
        p(i, 10, "x")
    p(10, 10, "done")
    p(3, None, "forced", force=True)
    assert seen == [(0, 10, "x"), (4, 10, "x"), (8, 10, "x"), (10, 10, "done"), (3, None, "forced")]


def test_import_and_replay_share_the_one_cancelled():
    from replaydesk.replay import session
    from replaydesk.store import Cancelled as StoreCancelled
    from replaydesk.store import ingest

    assert ingest.Cancelled is Cancelled and StoreCancelled is Cancelled and session.Cancelled is Cancelled
