"""Pages nested deeper than orjson reads (1024 JSON levels) or writes (255) (issue 9).

A DOM level costs two JSON levels (``childNodes`` list + node object): a 124-level
page used to fail with "internal error: TypeError: Recursion limit reached" and a
20,000-level one was rejected as "no FullSnapshot", the wrong reason.
"""

from __future__ import annotations

import json

import orjson
import pytest

from replaydesk.formats import Normalizer, decode, deepjson
from replaydesk.formats.depth import clip_tree
from replaydesk.formats.limits import MAX_DEPTH, MAX_JSON_DEPTH
from tests.formats.builders import deep_json, deep_mutation_events, deep_snapshot_events


def _levels(node: dict) -> int:
    deepest, stack = 0, [(node, 0)]
    while stack:
        n, lv = stack.pop()
        deepest = max(deepest, lv)
        stack.extend((c, lv + 1) for c in n.get("childNodes", []))
    return deepest


def _session(raw: bytes) -> tuple[list[dict], Normalizer]:
    (stream,) = decode(raw, "deep.json")
    norm = Normalizer()
    events = []
    for items in stream.batches():
        events += norm.batch(items, stream.deep)[0]
    return events, norm


@pytest.mark.parametrize("depth", [10, 300, 20_000])
def test_deep_json_round_trips_and_matches_orjson_bytes(depth):
    value = deep_snapshot_events(depth)
    raw = deepjson.dumps(value)
    assert deepjson.dumps(deepjson.loads(raw)) == raw
    if depth <= 100:
        assert raw == orjson.dumps(value)  # fast path untouched
    else:
        with pytest.raises(TypeError):
            orjson.dumps(value)
    if depth == 300:  # 600 JSON levels: within the stdlib's recursion limit, byte-exact compare
        assert raw == json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def test_deep_json_sorted_keys_and_unicode_like_orjson():
    v = {"b": [1, 2.5, None, True], "a": "é\u2028\"\\\n", "c": {"z": 1, "y": []}}
    assert deepjson.slow_dumps(v, orjson.OPT_SORT_KEYS) == orjson.dumps(v, option=orjson.OPT_SORT_KEYS)
    assert deepjson.slow_dumps(v) == orjson.dumps(v)
    assert deepjson.slow_loads(orjson.dumps(v)) == v


@pytest.mark.parametrize("bad", [b"[1,", b"[1 2]", b'{"a":1,}', b"[01]", b"[tru]", b"[1]x", b'{"a" 1}', b"", b"\xff"])
def test_deep_parser_rejects_bad_json_with_the_orjson_error_type(bad):
    with pytest.raises(orjson.JSONDecodeError):
        deepjson.slow_loads(bad)


def test_deep_parser_bounds_nesting_with_a_message_naming_the_depth():
    with pytest.raises(orjson.JSONDecodeError, match=f"nested more than {MAX_JSON_DEPTH} levels"):
        deepjson.loads(b"[" * (MAX_JSON_DEPTH + 5))


@pytest.mark.parametrize("depth", [130, 1000])
def test_deep_snapshot_is_read_whole(depth):
    events, norm = _session(deep_json(deep_snapshot_events(depth)))
    assert [e["type"] for e in events] == [4, 2, 3]
    assert _levels(events[1]["data"]["node"]) == depth + 1  # + the text at the bottom
    assert norm.clipped.message() is None and norm.dropped == 0


def test_20000_deep_snapshot_is_clipped_with_a_warning_naming_the_depth():
    events, norm = _session(deep_json(deep_snapshot_events(20_000)))
    assert [e["type"] for e in events] == [4, 2, 3]  # not "no FullSnapshot"
    assert _levels(events[1]["data"]["node"]) == MAX_DEPTH
    msg = norm.clipped.message()
    assert msg and "20001 levels deep" in msg and str(MAX_DEPTH) in msg


def test_deep_snapshot_in_json_lines_and_events_object_shapes():
    evs = deep_snapshot_events(5000)
    for raw in (b"\n".join(deep_json(e) for e in evs), deep_json({"events": evs})):
        events, norm = _session(raw)
        assert [e["type"] for e in events] == [4, 2, 3]
        assert "5001 levels deep" in norm.clipped.message()


def test_deep_single_mutation_add_is_clipped_relative_to_its_parent():
    evs = deep_mutation_events(10, per_event=10)
    chain = {"type": 2, "tagName": "div", "attributes": {}, "childNodes": [], "id": 5000}
    node = chain
    for k in range(1, MAX_DEPTH + 50):
        child = {"type": 2, "tagName": "div", "attributes": {}, "childNodes": [], "id": 5000 + k}
        node["childNodes"].append(child)
        node = child
    evs.insert(-1, {"type": 3, "data": {"source": 0, "adds": [{"parentId": 3, "nextId": None, "node": chain}], "removes": [], "texts": [], "attributes": []}, "timestamp": evs[-1]["timestamp"] - 1})
    events, norm = _session(deep_json(evs))
    add = events[-2]["data"]["adds"][0]["node"]
    assert _levels(add) == MAX_DEPTH - 1
    assert norm.clipped.nodes == 50


def test_shallow_sessions_are_not_walked():
    """Only values from the deep parser are checked: the fast path stays as fast."""
    (stream,) = decode(orjson.dumps(deep_snapshot_events(100)), "x.json")
    for _ in stream.batches():
        assert stream.deep is False


def test_clip_tree_counts_and_measures_what_it_cuts():
    node = deep_snapshot_events(30)[1]["data"]["node"]
    assert clip_tree(node, 10) == (31, 21)
    assert _levels(node) == 10
