"""Near-miss taps on the heatmap (issue 12): carried over relative to their element."""

from __future__ import annotations

import pytest

from replaydesk.analysis.heatmap_taps import near_miss_marks
from replaydesk.analysis.tap_accuracy import tap_accuracy
from replaydesk.store.insights import Selection, select_clicks
from tests.analysis.test_tap_accuracy import store  # noqa: F401 - the two-session tap fixture


def test_near_misses_keep_their_offset_from_the_element_at_another_layout(store):  # noqa: F811
    sel = Selection("/pay/:id")
    acc = tap_accuracy(store, sel)
    clicks = select_clicks(store, sel, kinds=("tap",))
    # at the recorded layout the marks are the taps themselves
    same = near_miss_marks(acc, clicks, {"button#ok": (100.0, 200.0, 40.0, 24.0)})
    assert sorted((round(m.x), round(m.y)) for m in same) == [(94, 211), (95, 210), (120, 235)]
    # the button drawn elsewhere and twice the size: 11 px below its bottom edge, mid-width
    moved = near_miss_marks(acc, clicks, {"button#ok": (200.0, 300.0, 80.0, 48.0)})
    below = next(m for m in moved if m.y > m.ty)
    assert (below.tx, below.ty) == pytest.approx((240.0, 348.0))
    assert (below.x, below.y) == pytest.approx((240.0, 359.0))
    left = [m for m in moved if m.x < m.tx]
    assert len(left) == 2 and all(m.tx == pytest.approx(200.0) and 4 <= m.tx - m.x <= 7 for m in left)
    # no box at the shown width: nothing can be placed
    assert near_miss_marks(acc, clicks, {}) == []
