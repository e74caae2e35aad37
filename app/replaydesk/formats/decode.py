"""Bytes of one recording file -> one or more event streams, by content.

Detected shapes (never by file name):
  * ``[...]`` an rrweb event array (events may be rrweb-packer strings);
  * JSON Lines: one event per line, or PostHog blob lines
    ``["<windowId>", {event}]`` / ``{"window_id": .., "data": [events]}``;
  * ``{"events": [...]}`` (legacy Sentry attachment, many tools);
  * PostHog "Export to file" v2 (``"2023-04-28"``) and v1 (``"2022-12-02"``).

Arrays are split with :mod:`jsonscan` and parsed a few thousand events at a
time so memory stays near the size of the file; the object shapes are small
exports and are parsed whole. A stream keeps the original bytes of each event
(see :func:`_array_stream`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import orjson

from .deepjson import parse
from .errors import FormatError, describe_json_error
from .jsonscan import first_char, group_spans, scan_array

Items = list  # parsed items: event dicts, packed strings, or junk to reject


@dataclass
class EventStream:
    """One session's worth of events from a file, parsed lazily in batches.

    ``batches()`` yields lists of parsed items (events, packed strings or
    placeholders for unparsable elements); ``warnings`` fills in while
    iterating.
    """

    label: str
    #: the batch just yielded (or, for a stream parsed whole, every batch) came
    #: from the deep-JSON parser: its values may be nested beyond MAX_DEPTH
    deep: bool = False
    session_id: str | None = None
    person: dict | None = None
    window_id: str | None = None
    warnings: list[str] = field(default_factory=list)
    _gen: object = None

    def batches(self) -> Iterator[Items]:
        return self._gen()  # type: ignore[misc]


def decode(buf: bytes, label: str) -> list[EventStream]:
    """Detect the shape of ``buf`` and return its event streams.

    Raises FormatError (one line) when nothing in the file is a recording.
    """
    if not isinstance(buf, bytes):
        buf = bytes(buf)
    if not len(buf):
        raise FormatError("the file is empty")
    if bytes(buf[:3]) == b"\xef\xbb\xbf":
        # a UTF-8 byte order mark (Notepad, .NET): orjson refuses it, so drop it
        buf = bytes(buf[3:])
    if bytes(buf[:2]) in (b"\xff\xfe", b"\xfe\xff"):
        # UTF-16 with a BOM (what Windows PowerShell's Out-File writes)
        try:
            buf = bytes(buf).decode("utf-16").encode("utf-8")
        except UnicodeError:
            raise FormatError("not valid text: starts like UTF-16 but does not decode as UTF-16") from None
    c = first_char(buf)
    if c is None:
        raise FormatError("the file holds only whitespace")
    if c == 0x5B:  # [
        # PostHog blob lines (``["<windowId>", {event}]`` per line) also start
        # with ``[``: a first line that is a whole JSON value, followed by
        # more lines, is JSONL. (Checked on the first line only: a full scan
        # here would cost as much as parsing.)
        nl = buf.find(b"\n", 0, 1 << 24)
        if nl >= 0 and _more_lines(buf, nl) and _is_json(memoryview(buf)[:nl]):
            return _lines(buf, label)
        return [_array_stream(buf, label)]
    if c == 0x7B:  # {
        return _object_or_lines(buf, label)
    if c == 0x22:  # "
        nl = bytes(buf).find(b"\n")
        if nl >= 0 and _more_lines(buf, nl):  # rrweb-packer strings, one per line
            return _lines(buf, label)
        raise FormatError(f"JSON of the wrong shape: a single string of {len(buf) // 1024} KB, expected an array of rrweb events")
    kind = _scalar_kind(buf)
    if kind:
        raise FormatError(f"JSON of the wrong shape: {kind}, expected an array of rrweb events")
    head = bytes(buf[:512])
    try:
        head.decode("utf-8")
        text = True
    except UnicodeDecodeError as exc:
        text = exc.reason == "unexpected end of data"  # a character cut at the edge
    if not text or b"\x00" in head:
        raise FormatError("not JSON: the file is binary data (not a recording archive)")
    raise FormatError("not JSON: expected an array of rrweb events, JSON Lines or an export object")


def _is_json(b) -> bool:
    try:
        parse(b)
    except orjson.JSONDecodeError:
        return False
    return True


def _more_lines(buf, offset: int) -> bool:
    """True when, after ``offset``, a line break is followed by another JSON value."""
    rest = bytes(memoryview(buf)[offset : offset + 4096])
    head = rest.lstrip(b" \t\r")
    if not head.startswith(b"\n"):
        return False
    nxt = head.lstrip()
    return nxt[:1] in (b"[", b"{", b'"')


def _starts_like_lines(buf) -> bool:
    """One of the first two lines is a whole JSON object and another line follows."""
    head = bytes(memoryview(buf)[: 1 << 24])
    lines = [ln for ln in head.split(b"\n", 64)[:64] if ln.strip()][:3]  # blank lines may come between
    if len(lines) < 2:
        return False
    for ln in lines[:2]:
        try:
            if isinstance(parse(ln)[0], dict):
                return True
        except orjson.JSONDecodeError:
            pass
    return False


def _scalar_kind(buf) -> str | None:
    """"a number"/"true"/... when the whole file is one JSON scalar, else None."""
    if len(buf) > (1 << 20):
        return None
    try:
        v = orjson.loads(buf)
    except orjson.JSONDecodeError:
        return None
    if isinstance(v, bool) or v is None:
        return f"the single value {orjson.dumps(v).decode()}"
    if isinstance(v, (int, float)):
        return "a single number"
    return None


# The end of one recorder event and the start of the next. rrweb writes
# {"type":..,"data":..,"timestamp":N}; nested nodes have "type" keys too but
# never end in a "timestamp" right before the next {"type":
_CUT = re.compile(rb'"timestamp":\s*-?\d+(?:\.\d+)?\s*\}\s*(,)\s*\{"type":')
#: bytes of JSON parsed at a time. Small on purpose: the objects one piece parses into (2.5-4x
#: its bytes) stay in the core's L2 cache while the normalizer, the redactor and the summary and
#: signals passes go over them; with 1 MB pieces every pass missed the cache and the whole import
#: took 15-30% more CPU (bench_ingest, BENCHMARKS.md "Redaction at import").
_PIECE = 1 << 16

#: a ``\uD800``-``\uDBFF`` escape not followed by a low one, and a ``\uDC00``-``\uDFFF`` escape
#: not preceded by a high one: what a browser's ``JSON.stringify`` writes for a string cut in the
#: middle of an emoji, and what orjson refuses (it has no str for them)
_LONE_HIGH = re.compile(rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})")
_LONE_LOW = re.compile(rb"(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")
REPAIRED_TEXT = ("repaired the text of {n} event(s): lone UTF-16 surrogates or bytes that are not UTF-8"
                 " became \N{REPLACEMENT CHARACTER}")


def parse_repairing(raw) -> tuple[object, bool, bool]:
    """``(value, deep, repaired)`` of one element. Why: one broken character (a lone surrogate
    escape, a byte that is not UTF-8) made orjson refuse the whole element, and when that was the
    FullSnapshot the session was lost as "no FullSnapshot". Only text problems get the second
    try (each bad character becomes U+FFFD, as a browser shows it); anything else still raises."""
    try:
        value, deep = parse(raw)
        return value, deep, False
    except orjson.JSONDecodeError as exc:
        msg = str(exc).lower()
        if "surrogate" not in msg and "utf-8" not in msg:
            raise
        fixed = _LONE_LOW.sub(rb"\\ufffd", _LONE_HIGH.sub(rb"\\ufffd", bytes(raw)))
        value, deep = parse(fixed.decode("utf-8", "replace").encode("utf-8"))
        return value, deep, True


def _array_stream(buf: bytes, label: str) -> EventStream:
    """An rrweb event array, parsed about 64 KB at a time (see :data:`_PIECE`).

    Fast path: cut before ``,{"type":`` (how recorders start every event).
    The cut pattern holds unescaped quotes, so it can never fall inside a
    string; a cut inside a nested object leaves unbalanced brackets and the
    piece fails to parse, in which case the exact (numpy) structural scan
    takes over from that point. Either way, no more than one piece of events
    exists as Python objects at a time.
    """
    stream = EventStream(label)

    def gen():
        mv = memoryview(buf)
        n = len(buf)
        start = buf.index(b"[") + 1
        tail = n
        while tail > 0 and buf[tail - 1] in b" \t\r\n":
            tail -= 1
        closed = tail > 0 and buf[tail - 1] == 0x5D  # ]
        end = tail - 1 if closed else n
        pos = start
        misses = 0
        search_from = pos + _PIECE
        while pos < end:
            m = _CUT.search(buf, search_from, end) if search_from < end else None
            stop = m.start(1) if m else end
            if m is None and not closed:
                break  # let the exact scan find where the truncated data stops
            try:
                items, stream.deep = parse(b"[" + mv[pos:stop] + b"]")
            except orjson.JSONDecodeError:
                misses += 1
                if m is None or misses > 3:
                    break
                search_from = m.end()  # try the next candidate cut
                continue
            misses = 0
            yield items
            pos = stop + 1
            search_from = pos + _PIECE
        else:
            return
        yield from _scanned(buf, stream, start=pos)

    stream._gen = gen
    return stream


def _scanned(buf: bytes, stream: EventStream, start: int):
    """The exact path: structural scan from ``start`` (just inside the array)."""
    scan = scan_array(buf, start=start)
    if scan.trailing:
        stream.warnings.append("extra data after the event array was ignored")
    mv = memoryview(buf)
    starts, ends = scan.starts, scan.ends
    repaired = 0
    for i, j in group_spans(scan):
        try:
            items, stream.deep = parse(b"[" + mv[starts[i] : ends[j - 1]] + b"]")
        except orjson.JSONDecodeError:
            items = []
            stream.deep = False
            for k in range(i, j):
                try:
                    item, deep, fixed = parse_repairing(mv[starts[k] : ends[k]])
                    items.append(item)
                    stream.deep = stream.deep or deep
                    repaired += fixed
                except orjson.JSONDecodeError as exc:
                    items.append(_Bad(f"event #{k + 1}: {describe_json_error(exc)}"))
        yield items
    if repaired:
        stream.warnings.append(REPAIRED_TEXT.format(n=repaired))
    if not scan.complete:
        if len(scan) == 0 and start == buf.index(b"[") + 1:
            raise FormatError("truncated JSON: the data ends before an event is complete")
        stream.warnings.append("truncated JSON: the file ends inside the event array; kept the complete events before the cut")


class _Bad:
    """A placeholder for an element that did not parse; the normalizer drops it."""

    __slots__ = ("why",)

    def __init__(self, why: str):
        self.why = why

    def __repr__(self) -> str:
        return self.why


def _object_or_lines(buf: bytes, label: str) -> list[EventStream]:
    try:
        obj, deep = parse(buf)
    except orjson.JSONDecodeError as exc:
        # JSON Lines: the first line (or, when that one is damaged, the
        # second) is a complete object and more lines follow. Decided by
        # content, not by the wording of orjson's message.
        if _starts_like_lines(buf):
            return _lines(buf, label)
        raise FormatError(describe_json_error(exc, buf)) from None
    if not isinstance(obj, dict):
        raise FormatError("JSON of the wrong shape")
    if isinstance(obj.get("events"), list):
        # Sentry's replay attachment and similar exports may name the recording
        rid = next((str(obj[k]).strip() for k in ("replay_id", "replayId", "session_id", "sessionId", "id")
                    if isinstance(obj.get(k), (str, int)) and not isinstance(obj.get(k), bool) and str(obj[k]).strip()), None)
        return [_list_stream(obj["events"], label, deep=deep, session_id=rid)]
    version = obj.get("version")
    data = obj.get("data")
    if version in ("2023-04-28", "2022-12-02") and isinstance(data, dict):
        streams = _posthog(version, data, label)
        for st in streams:
            st.deep = deep
        return streams
    if "type" in obj and "timestamp" in obj:
        return _lines(buf, label)
    keys = ", ".join(sorted(map(str, obj))[:5])
    raise FormatError(
        f"JSON of the wrong shape: an object with keys {keys or '(none)'}; expected an event array, "
        "{\"events\": [...]} or a PostHog export"
    )


def _list_stream(items: list, label: str, **kw) -> EventStream:
    stream = EventStream(label, **kw)

    def gen():
        step = 5000
        for i in range(0, len(items), step):
            yield items[i : i + step]

    stream._gen = gen
    return stream


def _posthog(version: str, data: dict, label: str) -> list[EventStream]:
    """PostHog file export. Each browser window is its own DOM stream."""
    rec_id = data.get("id") if isinstance(data.get("id"), str) else None
    person = data.get("person") if isinstance(data.get("person"), dict) else None
    windows: dict[str, list] = {}
    if version == "2023-04-28":
        snaps = data.get("snapshots")
        if not isinstance(snaps, list):
            raise FormatError("PostHog export v2 without a 'snapshots' list")
        for e in snaps:
            wid = str(e.get("windowId", "")) if isinstance(e, dict) else ""
            windows.setdefault(wid, []).append(e)
    else:
        by = data.get("snapshotsByWindowId")
        if not isinstance(by, dict):
            raise FormatError("PostHog export v1 without 'snapshotsByWindowId'")
        for wid, evs in by.items():
            if isinstance(evs, list):
                windows[str(wid)] = evs
    return _split_windows(windows, label, rec_id, person)


def _split_windows(windows: dict[str, list], label: str, rec_id, person) -> list[EventStream]:
    """One stream per window, largest first; extra windows get ``#w2``... ids."""
    order = sorted(windows, key=lambda w: -len(windows[w]))
    out = []
    for k, wid in enumerate(order, start=1):
        sid = rec_id if k == 1 else (f"{rec_id}#w{k}" if rec_id else None)
        st = _list_stream(windows[wid], label, session_id=sid, person=person, window_id=wid or None)
        if k > 1 and sid is None:
            st.session_id = f"#w{k}"  # the importer prefixes the file's id
        out.append(st)
    if not out:
        raise FormatError("the export contains no events")
    return out


def _lines(buf: bytes, label: str) -> list[EventStream]:
    """JSON Lines: events, or PostHog blob lines carrying a window id."""
    # keep each line's number in the file (blank lines count) for messages
    numbered = [(n, ln) for n, ln in enumerate(bytes(buf).split(b"\n"), start=1) if ln.strip()]
    lines = [ln for _, ln in numbered]
    numbers = [n for n, _ in numbered]
    try:
        first = parse(lines[0])[0]
    except orjson.JSONDecodeError:
        first = None
    if isinstance(first, dict) and "window_id" not in first:
        return [_event_lines(lines, label, numbers)]
    windows: dict[str, list] = {}
    bad: list[str] = []
    any_deep = False
    repaired = 0
    for n, ln in zip(numbers, lines):
        try:
            v, deep, fixed = parse_repairing(ln)
            any_deep = any_deep or deep
            repaired += fixed
        except orjson.JSONDecodeError as exc:
            bad.append(f"line {n}: {describe_json_error(exc)}")
            continue
        if isinstance(v, list) and len(v) == 2 and isinstance(v[0], (str, int)) and isinstance(v[1], (dict, str)):
            windows.setdefault(str(v[0]), []).append(v[1])
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            windows.setdefault("", []).extend(v)  # a batch of events on one line
        elif isinstance(v, dict) and isinstance(v.get("data"), list) and "window_id" in v:
            w = str(v.get("window_id"))
            windows.setdefault(w, []).extend(v["data"])
        else:
            windows.setdefault("", []).append(v)
    if not windows:
        raise FormatError(f"no readable JSON line ({bad[0] if bad else 'empty'})")
    streams = _split_windows(windows, label, None, None)
    for st in streams:
        st.deep = any_deep
    if bad:
        streams[0].warnings.append(f"skipped {len(bad)} unreadable line(s) (first: {bad[0]})")
    if repaired:
        streams[0].warnings.append(REPAIRED_TEXT.format(n=repaired))

    return streams


def _event_lines(lines: list[bytes], label: str, numbers: list[int] | None = None) -> EventStream:
    """Plain event-per-line JSONL, parsed a few thousand lines at a time.

    ``numbers[k]`` is the file line number of ``lines[k]`` (for messages).
    """
    stream = EventStream(label)

    def gen():
        bad = 0
        first_bad = None
        repaired = 0
        for i in range(0, len(lines), 2000):
            part = lines[i : i + 2000]
            try:
                items, stream.deep = parse(b"[" + b",".join(part) + b"]")
                yield items
                continue
            except orjson.JSONDecodeError:
                pass
            items = []
            stream.deep = False
            for k, ln in enumerate(part, start=i):
                try:
                    item, deep, fixed = parse_repairing(ln)
                    items.append(item)
                    stream.deep = stream.deep or deep
                    repaired += fixed
                except orjson.JSONDecodeError as exc:
                    bad += 1
                    n = numbers[k] if numbers else k + 1
                    first_bad = first_bad or f"line {n}: {describe_json_error(exc)}"
            yield items
        if bad:
            stream.warnings.append(f"skipped {bad} unreadable line(s) (first: {first_bad})")
        if repaired:
            stream.warnings.append(REPAIRED_TEXT.format(n=repaired))

    stream._gen = gen
    return stream
