"""The per-event cleaning rules, one by one (the Normalizer on its own)."""

from __future__ import annotations

import gzip
import os
import zlib

import orjson
import pytest

from replaydesk.formats import Normalizer
from replaydesk.formats.normalize import UnitUndecided, seconds_unit, timestamps_in

from . import builders as B

T = 1_750_000_000_000


def run(items: list, norm: Normalizer | None = None) -> tuple[list[dict], Normalizer]:
    norm = norm or Normalizer()
    out, _ = norm.batch(items)
    return out, norm


def ev(t: int | float = T, type_: int = 3, **data) -> dict:
    return {"type": type_, "data": data or {"source": 1, "positions": []}, "timestamp": t}


def test_clean_events_pass_untouched_and_unchanged():
    evs = B.events()
    out, norm = run([dict(e) for e in evs])
    assert out == evs and norm.dropped == 0 and norm.problem_line() is None
    _, changed = Normalizer().batch([dict(e) for e in evs])
    assert changed is False


def test_delay_and_packer_version_are_stripped():
    out, _ = run([{**ev(), "delay": 120, "v": "v1"}])
    assert out == [ev()]


def test_packed_strings_are_unpacked_and_json_text_passes_through():
    e = ev(T + 5)
    out, norm = run([B.pack(e), orjson.dumps(e).decode()])
    assert out == [e, e] and norm.dropped == 0


def test_unknown_packer_version_is_dropped():
    s = zlib.compress(orjson.dumps({**ev(), "v": "v9"})).decode("latin-1")
    out, norm = run([s, ev()])
    assert out == [ev()]
    assert "packer version" in norm.problem_line() and "event #1" in norm.problem_line()


@pytest.mark.parametrize(
    "bad, why",
    [
        ({"data": {}, "timestamp": T}, "type"),
        ({"type": "3", "data": {"source": 1}, "timestamp": T}, "type"),
        ({"type": True, "data": {"source": 1}, "timestamp": T}, "type"),
        ({"type": 3, "data": {"source": 1}}, "timestamp"),
        ({"type": 3, "data": {"source": 1}, "timestamp": "1750000000000"}, "timestamp"),
        ({"type": 3, "data": {"source": 1}, "timestamp": True}, "timestamp"),
        ({"type": 3, "data": {"source": 1}, "timestamp": -5}, "not a time"),
        ({"type": 3, "data": {"source": 1}, "timestamp": 0}, "not a time"),
        ({"type": 3, "data": {"source": 1}, "timestamp": 2**63 - 1}, "not a time"),
        ({"type": 3, "data": "x", "timestamp": T}, "data"),
        ({"type": 3, "data": {"source": "1"}, "timestamp": T}, "source"),
        ({"type": 2, "data": {"node": None}, "timestamp": T}, "node"),
        ({"type": 4, "timestamp": T}, "data"),
        (None, "got NoneType"),
        ([1, 2], "got list"),
        (42, "got int"),
    ],
)
def test_unusable_envelopes_are_dropped_with_a_reason(bad, why):
    out, norm = run([ev(T), bad, ev(T + 1)])
    assert out == [ev(T), ev(T + 1)]
    assert norm.dropped == 1
    line = norm.problem_line()
    assert line.startswith("dropped 1 malformed event(s) (first: event #2:") and why in line


def test_timestamp_zero_is_a_moment_only_in_a_session_whose_clock_starts_there():
    """A clock from the page's start (rrweb's own fixtures) has a 0; an epoch clock's 0 is a
    placeholder that would stretch the session over 55 years."""
    from replaydesk.formats.normalize import zero_is_time

    small = [ev(0, type_=4, href="x", width=1, height=1), ev(0), ev(40)]
    assert timestamps_in(small) == [0, 0, 40] and zero_is_time(timestamps_in(small)) is True
    out, norm = run([dict(e) for e in small], Normalizer(seconds=False, zero_is_time=True))
    assert [e["timestamp"] for e in out] == [0, 0, 40] and norm.dropped == 0
    epoch = [ev(0), ev(T), ev(T + 5)]
    assert zero_is_time(timestamps_in(epoch)) is False
    assert zero_is_time([40, 80]) is False  # no 0: nothing to decide
    # an epoch clock in seconds, or one in ms set near 1970, with a stray 0: still a placeholder,
    # and it does not sway the unit
    secs = [0] + [1_750_000_000 + k * 0.25 for k in range(40)]
    assert zero_is_time(secs) is False and seconds_unit(secs) is True
    assert zero_is_time([0] + [1_900_000_000 + k * 40 for k in range(40)]) is False
    out, norm = run([dict(e) for e in epoch])
    assert [e["timestamp"] for e in out] == [T, T + 5] and "timestamp 0 is not a time" in norm.problem_line()
    out, norm = run([ev(-1), ev(0), ev(40)], Normalizer(seconds=False, zero_is_time=True))
    assert [e["timestamp"] for e in out] == [0, 40] and norm.dropped == 1  # a negative one never is


def test_first_problem_is_kept_and_all_are_counted_across_batches():
    norm = Normalizer()
    run([ev(), {"type": 3}], norm)
    run([None, ev(T + 1), "not packed"], norm)
    assert norm.dropped == 3
    assert "event #2:" in norm.problem_line()


def test_unknown_event_types_are_kept():
    odd = {"type": 99, "data": "whatever", "timestamp": T}
    asset = {"type": 7, "data": {"url": "x"}, "timestamp": T}
    out, norm = run([odd, asset, {"type": 0, "timestamp": T}])
    assert out == [odd, asset, {"type": 0, "timestamp": T}] and norm.dropped == 0


def test_seconds_are_decided_from_the_whole_session_and_converted():
    items = [ev(1_750_000_000.123), ev(1_750_000_001), ev(1_750_000_001.9996)]
    with pytest.raises(UnitUndecided):  # the first value alone does not decide
        run([dict(e) for e in items])
    assert seconds_unit(timestamps_in(items)) is True
    out, norm = run(items, Normalizer(seconds=True))
    assert [e["timestamp"] for e in out] == [1_750_000_000_123, 1_750_000_001_000, 1_750_000_002_000]
    out, norm = run([ev(T), ev(T + 0.4)])
    assert norm.seconds is False and [e["timestamp"] for e in out] == [T, T]


def _gz(v) -> str:
    return gzip.compress(orjson.dumps(v)).decode("latin-1")


def test_posthog_cv_fields():
    full = {"type": 2, "data": {"node": {"type": 0, "id": 1, "childNodes": []}, "initialOffset": {"top": 0, "left": 0}}, "timestamp": T}
    mut = {"type": 3, "data": {"source": 0, "adds": [{"parentId": 1}], "removes": [], "texts": [{"id": 2, "value": "hi"}], "attributes": []}, "timestamp": T + 1}
    css = {"type": 3, "data": {"source": 8, "id": 3, "adds": [{"rule": "a{}"}], "removes": [{"index": 0}]}, "timestamp": T + 2}
    packed = [
        {**full, "data": _gz(full["data"]), "cv": "2024-10"},
        {**mut, "data": {**mut["data"], **{k: _gz(mut["data"][k]) for k in ("adds", "removes", "texts", "attributes")}}, "cv": "2024-10"},
        {**css, "data": {**css["data"], "adds": _gz(css["data"]["adds"]), "removes": _gz(css["data"]["removes"])}, "cv": "2024-10"},
    ]
    out, norm = run(packed)
    assert out == [full, mut, css] and norm.dropped == 0


@pytest.mark.parametrize(
    "broken",
    [
        {"type": 2, "data": "not a gzip string", "cv": "2024-10", "timestamp": T},
        {"type": 2, "data": gzip.compress(b"{oops").decode("latin-1"), "cv": "2024-10", "timestamp": T},
        {"type": 2, "data": gzip.compress(b"[1]").decode("latin-1"), "cv": "2024-10", "timestamp": T},
        {"type": 3, "data": {"source": 0, "adds": "\u20ac not latin-1"}, "cv": "2024-10", "timestamp": T},
        {"type": 3, "data": {"source": 0, "texts": gzip.compress(b"{")[:-3].decode("latin-1")}, "cv": "2024-10", "timestamp": T},
    ],
)
def test_undecodable_cv_payload_drops_only_that_event(broken):
    out, norm = run([ev(T - 1), broken, ev(T + 1)])
    assert out == [ev(T - 1), ev(T + 1)]
    assert norm.dropped == 1 and "event #2" in norm.problem_line()


def test_packed_events_share_one_bomb_budget_per_session():
    """Each packed field alone may expand to 64 MB (the bomb rule's floor): 60 tiny ones of
    repeated bytes in a 22 MB file took 7.5 GB. Together they now get the zip member's rule:
    past 64 MB, at most 200x what they were packed in."""
    one = zlib.compress(orjson.dumps({**ev(T), "type": 5, "data": {"tag": "x", "payload": "A" * (8 << 20)}}), 9)
    assert len(one) < 20_000  # 8 MB from a few KB: far over 200x
    packed = one.decode("latin-1")
    out, norm = run([packed] * 30 + [ev(T + 1)])
    kept = [e for e in out if e["type"] == 5]
    assert len(kept) == 7  # 7 x 8 MB (and a bit) fit in 64 MB; the 8th would not
    assert out[-1] == ev(T + 1)  # plain events after them are untouched
    assert norm.dropped == 23 and "compression bomb" in norm.problem_line()
    # honest packing (a realistic ratio) is not limited by the budget
    honest = zlib.compress(orjson.dumps(ev(T + 2, type_=5, tag="y", payload=os.urandom(1 << 19).hex())), 6)
    out, norm = run([honest.decode("latin-1")] * 100)  # 100 MB: past the 64 MB floor
    assert len(out) == 100 and norm.dropped == 0
