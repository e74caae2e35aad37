"""The seek-to-paint benchmark's harness wakes up when the page is ready, and every
seek is answered (issue 16: ``make_player`` always sat out its 60 s timeout, and a
seek before the first full snapshot never fired ``framePainted``)."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.qt


def test_make_player_returns_when_the_page_is_ready_and_seeks_to_0_are_answered(qtbot, seeded_db):
    from bench import bench_seek_paint as bench
    from replaydesk.store.queries import session_info

    t0 = time.perf_counter()
    player, waiter = bench.make_player(seeded_db.conn)
    try:
        took = time.perf_counter() - t0
        assert player.view.is_ready
        assert took < 20, f"make_player took {took:.1f} s: nothing woke its wait"
        marks = bench.open_and_wait(player, waiter, session_info(seeded_db, "ses_46d365862838"))
        assert "first_frame_s" in marks  # the frame at 0 ms (before the first snapshot) was painted
        t1 = time.perf_counter()
        pixels, _, _, ack = bench.seek_and_wait(player, waiter, 0)  # Home: answered, not a 60 s timeout
        assert time.perf_counter() - t1 < 20
        # the headline is the widget's pixels (the frame marker), never earlier than the page's ack
        assert pixels >= ack > 0
    finally:
        waiter.close()
        player.shutdown()
        player.deleteLater()
