"""The numpy structural scan that splits a top-level JSON array into elements.

Checked against orjson: the spans it finds must parse to exactly the elements
orjson sees, for any block size (escape runs and strings crossing block
edges), and a truncated array must give a prefix of complete elements.
"""

from __future__ import annotations

import json
import time

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replaydesk.formats.jsonscan import first_char, group_spans, scan_array

BLOCKS = (1, 2, 3, 7, 64, 8 << 20)


def elements(buf: bytes, scan) -> list:
    return [orjson.loads(buf[s:e]) for s, e in zip(scan.starts.tolist(), scan.ends.tolist())]


# ------------------------------------------------------------- examples


@pytest.mark.parametrize("block", BLOCKS)
@pytest.mark.parametrize(
    "text",
    [
        b"[]",
        b" [ ] ",
        b"[1]",
        b'[1, "two", null, true, {"a": [1, {"b": "]"}]}, [[[]]], -0.5e3]',
        b'["\\\\", "\\"", "\\\\\\"]", "\\\\\\\\", "[{,}]", "}\\"{"]',
        b'[{"s": "a \\"quoted\\" [bracket] {brace}, comma"}, {"t": "\\\\\\\\\\\\"}]',
        b'[\n  {"type": 4},\n  {"type": 2, "data": {"node": {"childNodes": []}}}\n]\n',
        '["caf\u00e9", "\U0001f600", "\u2028"]'.encode(),
    ],
)
def test_examples_agree_with_orjson(text, block):
    scan = scan_array(text, block=block)
    assert scan.complete and not scan.trailing
    assert elements(text, scan) == orjson.loads(text)
    assert scan.end_offset == text.rindex(b"]") + 1


@pytest.mark.parametrize("block", BLOCKS)
@pytest.mark.parametrize("run", range(0, 9))
def test_backslash_runs_across_block_edges(block, run):
    # a string ending in ``run`` backslashes (escaped in pairs) then a quote,
    # shifted so the run straddles every block edge for small blocks
    for shift in range(0, 6):
        s = "x" * shift + "\\" * run + '"],{'
        buf = orjson.dumps([s, {"k": s}, s])
        scan = scan_array(buf, block=block)
        assert scan.complete and not scan.trailing
        assert elements(buf, scan) == [s, {"k": s}, s]


def test_trailing_data_is_flagged():
    buf = b'[{"a": 1}] \n{"b": 2}'
    scan = scan_array(buf)
    assert scan.complete and scan.trailing
    assert elements(buf, scan) == [{"a": 1}]
    assert buf[scan.end_offset - 1 : scan.end_offset] == b"]"
    assert not scan_array(b"[1]  \n\t").trailing


@pytest.mark.parametrize("block", BLOCKS)
def test_truncated_array_keeps_complete_elements(block):
    buf = b'[{"a": 1}, {"b": [1, 2]}, {"c": "x]}'
    scan = scan_array(buf, block=block)
    assert not scan.complete and not scan.trailing
    assert elements(buf, scan) == [{"a": 1}, {"b": [1, 2]}]
    # an object whose closing brace made it is complete even without a comma after it
    assert elements(b'[{"a": 1}, {"b": 2}', scan_array(b'[{"a": 1}, {"b": 2}', block=block)) == [{"a": 1}, {"b": 2}]
    for cut in (b"[", b"[ ", b'[{"a"', b'[{"a": 1', b"[1"):
        s = scan_array(cut, block=block)
        assert not s.complete and len(s) == 0


def test_group_spans_cover_every_element_once_within_bounds():
    items = [{"i": i, "pad": "x" * (i % 50)} for i in range(2000)]
    buf = orjson.dumps(items)
    scan = scan_array(buf)
    ranges = list(group_spans(scan, max_bytes=4096, max_items=100))
    assert ranges[0][0] == 0 and ranges[-1][1] == len(items)
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    out = []
    for i, j in ranges:
        assert 0 < j - i <= 100
        piece = b"[" + buf[scan.starts[i] : scan.ends[j - 1]] + b"]"
        assert len(piece) <= 4096 + 2 or j - i == 1
        out.extend(orjson.loads(piece))
    assert out == items


def test_group_spans_single_oversized_element():
    buf = orjson.dumps(["y" * 10_000, 1, 2])
    ranges = list(group_spans(scan_array(buf), max_bytes=100))
    assert ranges[0] == (0, 1)
    assert ranges[-1][1] == 3


def test_scan_from_an_element_boundary():
    items = [{"n": i, "s": "a,b]c"} for i in range(50)]
    buf = orjson.dumps(items)
    full = scan_array(buf)
    for i in (0, 1, 17, 49):
        part = scan_array(buf, start=int(full.starts[i]))
        assert part.complete
        assert elements(buf, part) == items[i:]


def test_first_char():
    assert first_char(b"  \n\t[1]") == ord("[")
    assert first_char(b"\xef\xbb\xbf {") == ord("{")
    assert first_char(b" \r\n ") is None
    assert first_char(b"") is None
    t0 = time.perf_counter()
    assert first_char(b" " * (50 << 20) + b"[") == ord("[")
    assert time.perf_counter() - t0 < 2


def test_large_buffer_with_many_blocks_matches_orjson():
    rng = np.random.default_rng(3)
    items = [{"t": int(x), "s": "\\" * int(x % 5) + '"]' * int(x % 3)} for x in rng.integers(0, 10_000, 20_000)]
    buf = orjson.dumps(items)
    scan = scan_array(buf, block=4099)
    assert len(scan) == len(items)
    assert elements(buf, scan) == items


# ------------------------------------------------------------- property

_tricky = st.text(alphabet=st.sampled_from(list('ab\\"[]{},: \n\t/') + ["\u00e9", "\U0001f600", "\x00", "\x1f", "\u2028"]), max_size=16)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _tricky
    | st.text(max_size=8)
)
_values = st.recursive(_scalars, lambda ch: st.lists(ch, max_size=4) | st.dictionaries(_tricky, ch, max_size=4), max_leaves=16)


def _serialise(value: list, style: str) -> bytes:
    if style == "orjson":
        return orjson.dumps(value)
    if style == "indent":
        return orjson.dumps(value, option=orjson.OPT_INDENT_2)
    if style == "ascii":
        return json.dumps(value, ensure_ascii=True).encode()
    return json.dumps(value, ensure_ascii=False, indent="\t", separators=(" ,  ", " :")).encode()


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_values, max_size=10), st.sampled_from(["orjson", "indent", "ascii", "spacey"]), st.data())
def test_scan_agrees_with_orjson_and_truncation_keeps_a_prefix(value, style, data):
    buf = _serialise(value, style)
    expected = orjson.loads(buf)
    blocks = [b for b in BLOCKS if b > 2 or len(buf) < 400]
    for block in blocks:
        scan = scan_array(buf, block=block)
        assert scan.complete and not scan.trailing
        assert elements(buf, scan) == expected

    full = scan_array(buf)
    commas = full.ends.tolist()[:-1]  # the comma after element i (i < n-1)
    cut = data.draw(st.integers(1, len(buf) - 1), label="cut")
    part = buf[:cut]
    block = data.draw(st.sampled_from(blocks), label="block")
    scan = scan_array(part, block=block)
    assert not scan.complete
    got = elements(part, scan)
    assert got == expected[: len(got)]  # a prefix of complete elements
    must_keep = sum(1 for c in commas if c < cut)  # elements followed by their comma
    assert must_keep <= len(got) <= must_keep + 1
