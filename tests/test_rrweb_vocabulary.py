"""The one rrweb vocabulary (replaydesk.rrweb): its predicates, and the JS renderer's
switch statements checked against the same enums (issue 10, item 1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from replaydesk import rrweb
from replaydesk.rrweb import (
    EventType, MouseInteraction, Source, TapClassifier, console_message, is_click, is_tap, is_user_activity,
)

JS = Path(__file__).resolve().parents[1] / "resources" / "replay"
T = 1_700_000_000_000


def _function_body(src: str, marker: str) -> str:
    """The text of the brace block that follows ``marker`` (first occurrence)."""
    i = src.index(marker)
    i = src.index("{", i)
    depth = 0
    for j in range(i, len(src)):
        depth += {"{": 1, "}": -1}.get(src[j], 0)
        if depth == 0:
            return src[i: j + 1]
    raise AssertionError(f"unbalanced braces after {marker!r}")


def _cases(block: str) -> list[tuple[int, str]]:
    """``case N:`` labels of a switch, with the comment on the same line (if any)."""
    return [(int(n), (c or "").strip()) for n, c in re.findall(r"case\s+(\d+)\s*:[^\n]*?(?://\s*([^\n]*))?\n", block)]


def _camel(name: str) -> str:
    """MOUSE_UP -> mouseup (for comparing with comments like ``// MouseUp``)."""
    return name.replace("_", "").lower()


def test_incremental_dispatch_covers_every_drawable_source():
    src = (JS / "apply.js").read_text()
    block = _function_body(src, "function applyIncremental(")
    cases = {n for n, _ in _cases(block)}
    assert cases <= {int(s) for s in Source}, f"unknown sources in apply.js: {cases - {int(s) for s in Source}}"
    # everything the Python mirror applies has a renderer case; Log and CustomElement draw nothing
    assert cases == {int(s) for s in Source} - {Source.LOG, Source.CUSTOM_ELEMENT}
    default = re.search(r"default:[^}]*?//([^\n]*)", block).group(1)
    for s in (Source.LOG, Source.CUSTOM_ELEMENT):
        assert str(int(s)) in default and _camel(s.name) in default.replace(" ", "").lower()


def test_event_type_dispatch_uses_the_same_numbers():
    src = (JS / "apply.js").read_text()
    block = _function_body(src, "RD.applyEvents = function")
    cases = {n for n, _ in _cases(block)}
    assert cases == {EventType.META, EventType.FULL_SNAPSHOT, EventType.INCREMENTAL}


def test_cursor_interaction_cases_match_their_names():
    src = (JS / "cursor.js").read_text()
    named = [(n, c) for n, c in _cases(src) if c]
    assert len(named) >= 6
    for n, comment in named:
        assert _camel(MouseInteraction(n).name) == _camel(comment.split()[0]), (n, comment)


def test_switch_parser_reads_cases_and_comments():
    assert _cases("switch (x) {\n  case 1: // MouseDown\n  case 12:\n    break;\n}\n") == [(1, "MouseDown"), (12, "")]


# --- predicates ------------------------------------------------------------------------------

def mi(kind, ts=T, **extra):
    return {"type": 3, "timestamp": ts, "data": {"source": 2, "type": kind, "id": 5, "x": 10, "y": 20, **extra}}


def test_is_click_needs_a_click_with_coordinates():
    assert is_click(mi(2))
    assert not is_click(mi(4))  # a double click already came as two clicks
    assert not is_click(mi(2, x=None)) and not is_click(mi(2, x=float("nan")))
    assert not is_click({"type": 3, "data": "x"}) and not is_click(None)


def test_tap_rule():
    assert is_tap(mi(2, T + 1000), T) and not is_tap(mi(2, T + 1001), T)
    assert not is_tap(mi(2), None) and not is_tap(mi(2, T - 5), T)
    c = TapClassifier()
    assert [c.feed(e) for e in (mi(2), mi(7, T + 10), mi(9, T + 60), mi(2, T + 70), mi(2, T + 2000))] == [
        "click", None, None, "tap", "click"]


def test_touch_move_is_user_activity_mutation_is_not():
    assert is_user_activity({"type": 3, "data": {"source": Source.TOUCH_MOVE}})
    assert is_user_activity({"type": 3, "data": {"source": Source.INPUT}})
    assert not is_user_activity({"type": 3, "data": {"source": Source.MUTATION}})
    assert not is_user_activity({"type": 6, "data": {"source": 1}})


@pytest.mark.parametrize("event, expected", [
    ({"type": 6, "data": {"plugin": "rrweb/console@1", "payload": {
        "level": "error", "payload": ['"Uncaught TypeError: x"', "42", '{"a":1}'], "trace": ["at f (a.js:1)", 3]}}},
     ("error", 'Uncaught TypeError: x 42 {"a":1}', ("at f (a.js:1)",))),
    ({"type": 3, "data": {"source": 11, "level": "warn", "payload": ['"slow"'], "trace": []}}, ("warn", "slow", ())),
    ({"type": 6, "data": {"plugin": "rrweb/console@1", "payload": {"payload": "raw"}}}, ("log", "raw", ())),
    ({"type": 6, "data": {"plugin": "rrweb/network@1", "payload": {}}}, None),
    ({"type": 6, "data": {"plugin": "rrweb/console@1", "payload": "x"}}, None),
    ({"type": 5, "data": {}}, None),
])
def test_console_message(event, expected):
    assert console_message(event) == expected


def test_console_message_is_capped_and_knows_errors():
    msg = console_message({"type": 6, "data": {"plugin": "rrweb/console@1", "payload": {
        "level": "log", "payload": ['"Uncaught ' + "x" * 5000 + '"']}}})
    assert len(msg.text) == rrweb.MAX_CONSOLE_TEXT and msg.is_error and msg.level == "log"


def test_replay_constants_are_the_same_enums():
    from replaydesk.replay import constants

    assert constants.Source is Source and constants.EventType is EventType
    assert constants.MouseInteraction is MouseInteraction and constants.NodeType is rrweb.NodeType
