"""Tap accuracy (issue 12): near-miss taps beside a small button are counted for it."""

from __future__ import annotations

import json

import pytest

from replaydesk.analysis.importing import import_paths
from replaydesk.analysis.signals_store import attribute_sessions
from replaydesk.analysis.tap_accuracy import NEAR_MISS_HEADER, direction, edge_offset, near_miss_csv_rows, tap_accuracy
from replaydesk.store import open_store
from replaydesk.store.insights import Selection
from replaydesk.store.signals import click_rows, set_click_boxes
from tests.replay.builders import T0, document, el, full, inc, meta, text

WRAP, OK = 10, 11
#: button#ok's layout at 390 px (what the renderer measures: position:absolute, fixed size)
OK_BOX = (100.0, 200.0, 40.0, 24.0)
WRAP_BOX = (0.0, 0.0, 390.0, 800.0)


def _tap(at: int, nid: int, x: float, y: float) -> list[dict]:
    t = T0 + at
    return [inc(2, t, type=7, id=nid, x=x, y=y), inc(2, t, type=9, id=nid, x=x, y=y),
            inc(2, t, type=2, id=nid, x=x, y=y)]


def _session(folder, sid: str, taps: list[tuple]) -> None:
    doc = document(el(WRAP, "div", {"id": "wrap"}, [
        el(OK, "button", {"id": "ok", "style": "position:absolute; left:100px; top:200px; width:40px; height:24px"},
           [text(12, "OK")]),
    ]))
    events = [meta(T0, href="http://shop.test/pay/7", width=390, height=800), full(doc, T0)]
    for at, nid, x, y in taps:
        events += _tap(at, nid, x, y)
    d = folder / sid
    d.mkdir()
    (d / "events.json").write_text(json.dumps(events))
    (d / "meta.json").write_text(json.dumps({"sessionId": sid, "viewport": {"width": 390, "height": 800}}))


def _measure(db, sid: str) -> None:
    """Store the boxes the renderer would measure for this fixed layout."""
    rows = []
    for c in click_rows(db, sid):
        box = OK_BOX if c["selector"] == "button#ok" else WRAP_BOX
        px, py = c["x"] + c["scroll_x"], c["y"] + c["scroll_y"]
        rows.append((c["click_id"], *box, (px - box[0]) / box[2], (py - box[1]) / box[3], None))
    set_click_boxes(db, rows)


@pytest.fixture
def store(tmp_path):
    _session(tmp_path, "ses_a", [
        (1000, WRAP, 120, 235), (1600, OK, 118, 210),  # 11 px below, retried: near-miss
        (5000, WRAP, 110, 232), (8500, OK, 112, 212),  # retried after 3.5 s: not one
        (12000, WRAP, 120, 300), (12500, OK, 121, 211),  # 76 px away: not one
    ])
    _session(tmp_path, "ses_b", [
        (1000, WRAP, 95, 210), (1200, WRAP, 94, 211), (1900, OK, 105, 212),  # twice 5-6 px left, then hit
    ])
    db = open_store(tmp_path / "s.db")
    report = import_paths(db, [tmp_path / "ses_a", tmp_path / "ses_b"])
    assert len(report.added) == 2, report.rejected
    attribute_sessions(db)
    for sid in ("ses_a", "ses_b"):
        _measure(db, sid)
    yield db
    db.conn.close()


def test_near_miss_taps_beside_a_small_button_are_counted_for_it(store):
    acc = tap_accuracy(store, Selection("/pay/:id"))
    assert acc.taps == 9
    assert [r.selector for r in acc.rows] == ["button#ok"]
    row = acc.rows[0]
    assert row.near_misses == 3 and row.taps == 4 and row.rate == pytest.approx(0.75)
    assert row.sessions == 2
    # one miss 11 px below, two 5 and 6 px left
    assert row.dy == pytest.approx(11 / 3) and row.dx == pytest.approx(-11 / 3)
    assert row.distance == pytest.approx((11 + 5 + 6) / 3)
    assert sorted((m.session_id, m.t - T0) for m in acc.misses) == [("ses_a", 1000), ("ses_b", 1000),
                                                                    ("ses_b", 1200)]


def test_edge_offset_and_direction():
    assert edge_offset(120, 235, OK_BOX) == (0, 11)
    assert edge_offset(120, 210, OK_BOX) == (0, 0)
    assert direction(0, 11) == "below" and direction(-5, 0) == "left" and direction(4, -4) == "above-right"


def test_near_miss_csv_rows_are_the_ranked_table(store):
    acc = tap_accuracy(store, Selection("/pay/7"))
    assert near_miss_csv_rows(acc) == [["button#ok", 3, 4, "0.7500", "-3.7", "3.7", "7.3", "below-left", 2]]
    assert NEAR_MISS_HEADER[:4] == ["element", "near_misses", "taps", "rate"]
