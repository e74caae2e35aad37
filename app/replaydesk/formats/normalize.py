"""Turn whatever a recorder or exporter wrote into clean rrweb events.

Applied batch by batch while streaming: unpack rrweb-packer strings and
PostHog ``cv`` partial compression, strip player-added ``delay`` (and the
packer's ``v``), convert second-based timestamps, and drop (with a counted,
described warning) events whose envelope is unusable. Unknown event types are
kept: the replayer skips them, an analyst may still want to see them.
"""

from __future__ import annotations

import re
import time

import orjson

from .compression import BOMB_FLOOR, unpack_latin1
from .deepjson import parse
from .depth import Clipped, clip_event
from .errors import FormatError
from .limits import DEFAULT_LIMITS, Limits

#: rrweb event types whose ``data`` must be an object for the event to mean anything
_NEEDS_DATA = {2, 3, 4, 5, 6}
_SECONDS_CUTOFF = 9_999_999_999  # Sentry's rule: only timestamps at or below *may* be seconds
_EPOCH_2000_S = 946_684_800  # 2000-01-01 in seconds: earlier is no recorder's clock in seconds
_MAX_TS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z: beyond this (or SQLite's int64) is junk
_POSTHOG_MUTATION_FIELDS = ("adds", "removes", "texts", "attributes")
_READER_NUMBER = re.compile(r"^event #\d+: ")


class UnitUndecided(Exception):
    """The first timestamp could be seconds or milliseconds: the caller must look at
    the whole session (:func:`timestamps_in`, :func:`seconds_unit`) and start again
    with ``Normalizer(seconds=...)``."""


def timestamps_in(items: list) -> list:
    """The usable ``timestamp`` values of a parsed batch, without changing anything."""
    out = []
    for e in items:
        if type(e) is dict:
            ts = e.get("timestamp")
            if (type(ts) is int or (type(ts) is float and ts == ts)) and 0 <= ts < 1e16:
                out.append(ts)
    return out


def seconds_unit(stamps: list, now_s: float | None = None) -> bool:
    """True when a session's timestamps are seconds, decided from all of them.

    Multiplying by 1000 stretches a session 1000-fold, so it needs strong evidence
    (a 4 s session recorded at 1.9e9 ms became 66 minutes; another "started in
    2030 and lasted 542 years"):

    * every value is at or below 9,999,999,999 and, read as seconds, falls between
      2000 and now (a clock in seconds, not the future);
    * and the spacing is that of seconds: sub-second fractions (millisecond clocks
      count in whole numbers), or whole numbers crowded many events to a unit
      (more than 4 per unit on average over 20+ events, which in milliseconds would
      be thousands of events a second).
    """
    stamps = [t for t in stamps if t > 0]  # a 0 is a placeholder or a clock's start, never a unit hint
    if not stamps:
        return False
    lo, hi = min(stamps), max(stamps)
    now_s = time.time() if now_s is None else now_s
    if hi > _SECONDS_CUTOFF or lo < _EPOCH_2000_S or hi > now_s + 2 * 86_400:
        return False
    if any(type(t) is float and t != int(t) for t in stamps):
        return True
    return len(stamps) >= 20 and (hi - lo) * 4 < len(stamps)


#: a clock that counts from the page's start stays below this (a week, in ms); anything later
#: is an epoch clock, in which a 0 is a placeholder
_FROM_ZERO_MAX = 7 * 86_400_000


def zero_is_time(stamps: list) -> bool:
    """True when a 0 among a session's timestamps is its clock's start, not a placeholder:
    the session has a 0 and every other timestamp is within a week of it. An epoch clock
    (in seconds or milliseconds, even one set near 1970) with a stray 0 answers False."""
    return bool(stamps) and min(stamps) == 0 and max(stamps) < _FROM_ZERO_MAX


class Normalizer:
    """Stateful per-session cleaner; call :meth:`batch` for each parsed batch.

    ``dropped`` counts rejected events and ``first_problem`` describes the first
    one, so the importer can print a single line for the whole session.
    """

    def __init__(self, limits: Limits = DEFAULT_LIMITS, seconds: bool | None = None, zero_is_time: bool = False):
        self.limits = limits
        #: the session's unit; None = not decided yet (see :class:`UnitUndecided`)
        self.seconds: bool | None = seconds
        #: timestamp 0 is a moment of this session, not a missing time: set when the whole
        #: session was looked at and its clock starts near 0 (:func:`zero_is_time`), as in
        #: recordings whose recorder clock counts from the page's start (rrweb's own test
        #: fixtures). In an epoch-clocked session a 0 is a placeholder, and keeping it would
        #: stretch the session over 55 years, so it is dropped there.
        self.zero_is_time = zero_is_time
        #: the timestamps were small enough to be seconds but were kept as milliseconds
        self.small_ms = False
        self.dropped = 0
        self.first_problem: str | None = None
        self.index = 0
        #: DOM nested beyond MAX_DEPTH that was cut (see :mod:`.depth`)
        self.clipped = Clipped()
        self._deep = False
        #: latin-1 characters of packed fields read, and the bytes they expanded to (the session's
        #: bomb budget: :meth:`_expand`)
        self._packed_in = 0
        self._packed_out = 0

    def _drop(self, why: str) -> None:
        self.dropped += 1
        if self.first_problem is None:
            self.first_problem = f"event #{self.index}: {why}"

    def batch(self, items: list, deep: bool = False) -> tuple[list[dict], bool]:
        """Clean ``items`` in place. Returns (events, changed).

        ``changed`` is False when every item was already a clean event, so the
        caller may store the original bytes instead of re-serialising.
        ``deep`` says the items came from the deep-JSON parser: only then can
        a node tree exceed MAX_DEPTH, so only then are the trees walked.
        """
        self._deep = deep
        changed = False
        out: list[dict] = []
        append = out.append
        for e in items:
            self.index += 1
            if type(e) is str:
                e = self._unpack(e)
                changed = True
                if e is None:
                    continue
            if type(e) is not dict:
                why = getattr(e, "why", None)
                if why:
                    # a reader's placeholder for an element that did not parse;
                    # numbered here, where the index counts the whole stream
                    # (a reader may only know its position within one piece)
                    self._drop(_READER_NUMBER.sub("", why, count=1))
                else:
                    self._drop(f"expected an event object, got {type(e).__name__}")
                changed = True
                continue
            if "delay" in e or "v" in e or "cv" in e:
                changed = True
                e.pop("delay", None)
                e.pop("v", None)
                if "cv" in e:
                    try:
                        self._posthog_decompress(e)
                    except FormatError as exc:
                        self._drop(f"undecodable compressed payload ({exc})")
                        continue
            t = e.get("type")
            ts = e.get("timestamp")
            if type(t) is not int:
                self._drop("missing or non-integer 'type'")
                changed = True
                continue
            if type(ts) is not int and not (type(ts) is float and ts == ts and abs(ts) < 1e16):
                self._drop("missing or non-numeric 'timestamp'")
                changed = True
                continue
            if ts < 0 or (ts == 0 and not self.zero_is_time):
                self._drop(f"timestamp {ts} is not a time")
                changed = True
                continue
            if self.seconds is None:
                if ts <= _SECONDS_CUTOFF:
                    raise UnitUndecided()
                self.seconds = False
            elif not self.seconds and ts <= _SECONDS_CUTOFF:
                self.small_ms = True
            if self.seconds or type(ts) is float:
                # seconds -> ms before rounding, so fractional seconds keep their ms
                e["timestamp"] = ts = round(ts * 1000) if self.seconds else round(ts)
                changed = True
            if ts > _MAX_TS:
                self._drop(f"timestamp {ts} is not a time (after year 9999)")
                changed = True
                continue
            if t in _NEEDS_DATA:
                d = e.get("data")
                if type(d) is not dict:
                    self._drop(f"type {t} event without a 'data' object")
                    changed = True
                    continue
                if t == 3 and type(d.get("source")) is not int:
                    self._drop("incremental snapshot without an integer 'source'")
                    changed = True
                    continue
                if t == 2 and type(d.get("node")) is not dict:
                    self._drop("full snapshot without a 'node' object")
                    changed = True
                    continue
            if self._deep:
                before = self.clipped.nodes
                clip_event(e, self.clipped)
                changed = changed or self.clipped.nodes != before
            append(e)
        return out, changed

    def _unpack(self, s: str) -> dict | None:
        """rrweb packer: JSON text passes through; else latin-1 -> zlib -> JSON."""
        try:
            if s[:1] == "{":
                try:
                    e = self._loads(s)
                    if isinstance(e, dict) and e.get("timestamp") is not None:
                        return e
                except orjson.JSONDecodeError:
                    pass
            raw = self._expand(s)
            e = self._loads(raw)
        except (FormatError, orjson.JSONDecodeError) as exc:
            self._drop(f"unreadable packed event ({exc})")
            return None
        if not isinstance(e, dict):
            self._drop("packed value is not an event object")
            return None
        if e.get("v") not in (None, "v1"):
            self._drop(f"packed with unknown packer version {e.get('v')!r}")
            return None
        return e

    def _posthog_decompress(self, e: dict) -> None:
        """PostHog ``cv: "2024-10"``: gzip/zstd latin-1 strings inside events."""
        e.pop("cv", None)
        d = e.get("data")
        if isinstance(d, str):
            try:
                e["data"] = self._loads(self._expand(d))
            except orjson.JSONDecodeError as exc:
                raise FormatError(f"field 'data': {exc}") from None
            return
        if not isinstance(d, dict):
            return
        fields = _POSTHOG_MUTATION_FIELDS if d.get("source") == 0 else ("adds", "removes")
        for f in fields:
            v = d.get(f)
            if isinstance(v, str):
                try:
                    d[f] = self._loads(self._expand(v))
                except orjson.JSONDecodeError as exc:
                    raise FormatError(f"field {f!r}: {exc}") from None

    def _expand(self, s: str) -> bytes:
        """A packed field's bytes, within the session's budget. Why a session budget: each field
        alone may expand to 64 MB (the bomb rule's floor), so 60 tiny packed events of repeated
        bytes in a 22 MB file took 7.5 GB. All of a session's packed fields together get the
        rule a zip member gets: past 64 MB, at most ``max_ratio`` times what they were packed
        in (real rrweb or PostHog compression stays far below 200x)."""
        self._packed_in += len(s)
        cap = min(self.limits.max_session_bytes, max(BOMB_FLOOR, int(self._packed_in * self.limits.max_ratio)))
        left = cap - self._packed_out
        if left <= 0:
            raise FormatError(f"packed fields expand past {cap >> 20} MB, over {self.limits.max_ratio:g} times"
                              " their size (a compression bomb)")
        raw = unpack_latin1(s, left, self.limits.max_ratio)
        self._packed_out += len(raw)
        return raw

    def _loads(self, data):
        value, deep = parse(data)
        self._deep = self._deep or deep
        return value

    def problem_line(self) -> str | None:
        if not self.dropped:
            return None
        return f"dropped {self.dropped} malformed event(s) (first: {self.first_problem})"
