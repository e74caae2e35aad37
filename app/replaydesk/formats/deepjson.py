"""JSON for documents nested deeper than orjson allows, without recursion.

Why: browsers render pages nested thousands of elements deep, and each DOM
level costs two JSON levels in rrweb's format (a ``childNodes`` list and a node
object). orjson refuses to parse more than 1024 levels and to write more than
255, so a 124-level page could not be stored and a 600-level one not even
read. orjson stays the fast path: :func:`loads` and :func:`dumps` call it
first and only fall back to the explicit-stack code below when orjson gives up
*because of depth*, so ordinary sessions pay one ``try`` per call.

The fallbacks use heap stacks, never the C or Python call stack, so depth costs
memory, not a crash; :data:`~.limits.MAX_JSON_DEPTH` bounds that memory.
"""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from json.decoder import scanstring

import orjson

from .limits import MAX_JSON_DEPTH

JSONDecodeError = orjson.JSONDecodeError

#: orjson writes at most this many levels (found by experiment; documented as 255)
_ORJSON_DUMPS_DEPTH = 255
#: containers this shallow are handed back to orjson whole by the slow writer
_SAFE_HEIGHT = 200


def loads(data):
    """``orjson.loads``, or the iterative parser when the data is nested too deep for orjson."""
    return parse(data)[0]


def parse(data) -> tuple[object, bool]:
    """``(value, deep)``: like :func:`loads`; ``deep`` says the slow parser was needed.

    Readers pass ``deep`` on so that only values that may be nested beyond
    orjson's 1024 levels are checked against :data:`~.limits.MAX_DEPTH`.
    """
    try:
        return orjson.loads(data), False
    except orjson.JSONDecodeError as exc:
        if not too_deep(exc):
            raise
    with gc_paused():
        return slow_loads(data), True


def too_deep(exc: Exception) -> bool:
    """True when orjson gave up because of nesting depth (not bad JSON)."""
    msg = str(exc)
    return "depth" in msg or "ecursion" in msg


@contextmanager
def gc_paused():
    """Building or walking a very deep value makes the cyclic GC re-traverse it
    on every generation-2 pass (seconds for 20,000 levels); nothing here makes cycles."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def dumps(obj, option: int | None = None) -> bytes:
    """``orjson.dumps``, or the iterative writer when ``obj`` is nested too deep for orjson.

    The output is byte-identical to what orjson would write for a shallower
    value (compact, UTF-8, keys in insertion order or sorted with
    ``OPT_SORT_KEYS``).
    """
    try:
        return orjson.dumps(obj, option=option)
    except TypeError as exc:
        if not too_deep(exc):
            raise
    with gc_paused():
        return slow_dumps(obj, option)


# --------------------------------------------------------------------------- reading

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_LITERALS = {"t": ("true", True), "f": ("false", False), "n": ("null", None)}


def slow_loads(data, max_depth: int = MAX_JSON_DEPTH):
    """Parse JSON of any depth up to ``max_depth`` with an explicit stack.

    Raises :class:`orjson.JSONDecodeError` (so callers catch one type) for bad
    JSON and for nesting deeper than ``max_depth``, naming the depth.
    """
    if isinstance(data, str):
        s = data
    else:
        try:
            s = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JSONDecodeError(f"str is not valid UTF-8: {exc.reason}", "", exc.start) from None
    ws = _WS.match
    num = _NUMBER.match
    n = len(s)
    # stack entries: [container, pending_key]; a list's pending_key stays None
    stack: list[list] = []
    pos = ws(s, 0).end()

    def fail(msg: str, at: int):
        return JSONDecodeError(msg, s[max(0, at - 20) : at + 20], at)

    while True:
        # ---- a value starts at pos
        if pos >= n:
            raise fail("unexpected end of data", pos)
        c = s[pos]
        if c == "{" or c == "[":
            if len(stack) >= max_depth:
                raise fail(f"JSON nested more than {max_depth} levels deep", pos)
            pos = ws(s, pos + 1).end()
            if c == "{":
                box: list = [{}, None]
                if pos < n and s[pos] == "}":
                    value = box[0]
                    pos += 1
                else:
                    stack.append(box)
                    if pos >= n or s[pos] != '"':
                        raise fail("expected a key string", pos)
                    key, pos = scanstring(s, pos + 1, True)
                    pos = ws(s, pos).end()
                    if pos >= n or s[pos] != ":":
                        raise fail("expected ':'", pos)
                    box[1] = key
                    pos = ws(s, pos + 1).end()
                    continue
            else:
                if pos < n and s[pos] == "]":
                    value = []
                    pos += 1
                else:
                    stack.append([[], None])
                    continue
        elif c == '"':
            try:
                value, pos = scanstring(s, pos + 1, True)
            except ValueError as exc:
                raise fail(f"bad string ({str(exc).split(':')[0]})", pos) from None
        elif c in _LITERALS:
            word, value = _LITERALS[c]
            if s.startswith(word, pos):
                pos += len(word)
            else:
                raise fail("unexpected character", pos)
        else:
            m = num(s, pos)
            if m is None or m.end() == pos:
                raise fail("unexpected character", pos)
            text = m.group()
            value = float(text) if (m.group(1) or m.group(2)) else int(text)
            pos = m.end()
        # ---- a complete value: put it into its container, close what closes
        while True:
            if not stack:
                pos = ws(s, pos).end()
                if pos != n:
                    raise fail("trailing characters", pos)
                return value
            top = stack[-1]
            box = top[0]
            if type(box) is list:
                box.append(value)
            else:
                box[top[1]] = value
            pos = ws(s, pos).end()
            if pos >= n:
                raise fail("unexpected end of data", pos)
            c = s[pos]
            if c == ",":
                pos = ws(s, pos + 1).end()
                if type(box) is dict:
                    if pos >= n or s[pos] != '"':
                        raise fail("expected a key string", pos)
                    key, pos = scanstring(s, pos + 1, True)
                    pos = ws(s, pos).end()
                    if pos >= n or s[pos] != ":":
                        raise fail("expected ':'", pos)
                    top[1] = key
                    pos = ws(s, pos + 1).end()
                break  # the next value
            if (c == "]" and type(box) is list) or (c == "}" and type(box) is dict):
                stack.pop()
                value = box
                pos += 1
                continue
            raise fail("expected ',' or a closing bracket", pos)


# --------------------------------------------------------------------------- writing


def _heights(obj) -> dict[int, int]:
    """Height (levels of containers, 1 for an empty or flat one) of every container in ``obj``.

    Post-order with an explicit stack; keyed by ``id`` (the objects stay alive
    while the caller writes them).
    """
    heights: dict[int, int] = {}
    stack = [(obj, False)]
    while stack:
        o, done = stack.pop()
        kids = o.values() if type(o) is dict else o
        if done:
            h = 0
            for k in kids:
                if type(k) is dict or type(k) is list:
                    hk = heights[id(k)]
                    if hk > h:
                        h = hk
            heights[id(o)] = h + 1
            continue
        if id(o) in heights:
            continue
        stack.append((o, True))
        for k in kids:
            if (type(k) is dict or type(k) is list) and id(k) not in heights:
                stack.append((k, False))
    return heights


def slow_dumps(obj, option: int | None = None) -> bytes:
    """Write ``obj`` as compact JSON with an explicit stack (any depth).

    Sub-values shallow enough for orjson are written by orjson in one call,
    so only the deep spine is walked in Python.
    """
    if type(obj) is not dict and type(obj) is not list:
        return orjson.dumps(obj, option=option)
    sort = bool(option and option & orjson.OPT_SORT_KEYS)
    heights = _heights(obj)
    out: list[bytes] = []
    w = out.append
    # frames: (iterator over (key_or_None, value), closing byte, first?)
    stack: list[list] = []

    def open_(o) -> None:
        if type(o) is dict:
            items = sorted(o.items()) if sort else o.items()
            for k in o:
                if type(k) is not str:
                    raise TypeError("Dict key must be str")
            w(b"{")
            stack.append([iter(items), b"}", True])
        else:
            w(b"[")
            stack.append([iter((None, v) for v in o), b"]", True])

    open_(obj)
    while stack:
        frame = stack[-1]
        nxt = next(frame[0], frame)
        if nxt is frame:
            w(frame[1])
            stack.pop()
            continue
        key, v = nxt
        if not frame[2]:
            w(b",")
        frame[2] = False
        if key is not None:
            w(orjson.dumps(key))
            w(b":")
        if (type(v) is dict or type(v) is list) and heights[id(v)] > _SAFE_HEIGHT:
            open_(v)
        else:
            w(orjson.dumps(v, option=option))
    return b"".join(out)
