"""Import archives into the store: streaming, per-session atomic, idempotent.

Guarantees (tested):
  * one session in memory at a time (its bytes plus one batch of events);
  * each session is written in one transaction: a crash or kill at any moment
    leaves only whole sessions and an intact database;
  * the same content imported twice is skipped (content hash);
  * a session's id comes from the recording (meta.json, the PostHog/Sentry
    id, else a hash of its first full snapshot and start time), never from a
    file name; a stored session is replaced only by one with the same id read
    from the same origin (path), anything else adds a session;
  * every file or folder passed over is listed in ``ignored`` with a reason;
  * bad input never raises out of :func:`import_paths`: each unreadable file
    or session becomes one ``rejected`` line naming it and the problem.

This module is the single writer: the GUI runs :func:`import_paths` on its one
write worker, never alongside another writer.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Protocol

import orjson
from sqlite_utils import Database

from ..formats import deepjson
from ..formats.deepjson import gc_paused
from ..formats import DEFAULT_LIMITS, FormatError, Ignored, Limits, Normalizer, Rejected, decode, iter_sources
from ..formats.decode import EventStream
from ..formats.normalize import UnitUndecided, seconds_unit, timestamps_in, zero_is_time
from ..formats.redact import DEFAULT_POLICY, RedactionPolicy, Redactor
from ..formats.sources import SessionSource
from ..formats.useragent import parse_user_agent
from .chunks import ChunkWriter
from .db import streaming_reads
from .summary import SessionSummary

log = logging.getLogger(__name__)


from ..work import Cancelled  # noqa: E402,F401 - the one cancel exception; replay/ and store/__init__ import it from here


@dataclass
class ImportProgress:
    bytes_done: int
    bytes_total: int
    sessions_done: int
    sessions_total: int
    label: str
    #: what is being done beyond reading the file, e.g. "indexing for fast seeks 40%"
    note: str = ""

    @property
    def fraction(self) -> float:
        return min(1.0, self.bytes_done / self.bytes_total) if self.bytes_total else 1.0


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    #: files and folders passed over while listing (not recordings), with why
    ignored: list[tuple[str, str]] = field(default_factory=list)
    cancelled: bool = False
    bytes_read: int = 0
    seconds: float = 0.0
    #: redaction at import (formats/redact/): the policy used, and per stored session
    #: ``{"policy", "redacted", "by_rule"}``; ``policy_replaced`` lists sessions replaced
    #: because the same content was stored under another redaction policy
    policy: RedactionPolicy = DEFAULT_POLICY
    redactions: dict = field(default_factory=dict)
    policy_replaced: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.cancelled

    def summary_line(self) -> str:
        s = (
            f"{len(self.added)} added, {len(self.replaced)} replaced, {len(self.skipped)} skipped, "
            f"{len(self.rejected)} rejected"
        )
        redacted = sum(r["redacted"] for r in self.redactions.values())
        if redacted:
            s += f", {redacted} value(s) redacted"
        if self.ignored:
            s += f", {len(self.ignored)} ignored"
        if self.warnings:
            s += f", {len(self.warnings)} warning(s)"
        if self.cancelled:
            s += " (cancelled)"
        return s


ProgressFn = Callable[[ImportProgress], None]


class SessionObserver(Protocol):
    """A later layer's pass riding on the import's single pass over a session (the
    store cannot import analysis/, so it runs what it is given): ``feed`` sees every
    stored event in time order; ``finish`` runs inside the session's write transaction,
    after its rows are inserted, to write what the pass derived (frustration signals,
    store/signals.py). An exception there is logged and the session is kept without
    those rows (they count as missing and are rebuilt later)."""

    def feed(self, event: dict) -> None: ...

    def finish(self, conn, session_id: str, content_hash: str) -> None: ...


#: makes one fresh observer per session (stream) imported
ObserverFactory = Callable[[], SessionObserver]


def import_paths(
    db: Database,
    paths: list,
    *,
    progress: ProgressFn | None = None,
    cancel: Callable[[], bool] | None = None,
    on_session: Callable[[str], None] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    policy: RedactionPolicy = DEFAULT_POLICY,
    observers: Sequence[ObserverFactory] = (),
) -> ImportReport:
    """Import every session found in ``paths``. Never raises for bad input.

    ``observers``: factories of :class:`SessionObserver`, run on each session's pass."""
    t0 = time.perf_counter()
    report = ImportReport(policy=policy)
    conn = db.conn
    # Reader connections keep a large page cache and mmap for fast lists; an
    # import only appends, so a small cache keeps its memory near one session.
    with streaming_reads(conn):
        return _import_all(db, paths, report, t0, progress, cancel, on_session, limits, observers=tuple(observers))


def _import_all(db, paths, report: ImportReport, t0: float, progress, cancel, on_session, limits: Limits,
                observers=()) -> ImportReport:
    sources = list(iter_sources(paths, limits))
    total = sum(s.size for s in sources if isinstance(s, SessionSource))
    n_total = sum(1 for s in sources if isinstance(s, SessionSource))
    done_bytes = 0
    done = 0
    for src in sources:
        if isinstance(src, Rejected):
            report.rejected.append((src.label, src.reason))
            continue
        if isinstance(src, Ignored):
            report.ignored.append((src.label, src.reason))
            continue
        if cancel is not None and cancel():
            report.cancelled = True
            break

        def tick(frac: float, _src=src, _base=done_bytes, _done=done) -> None:
            if progress is not None:
                progress(ImportProgress(_base + int(_src.size * frac), total, _done, n_total, _src.label))

        tick(0.0)
        try:
            _import_source(db, src, report, tick, cancel, on_session, limits, observers=observers)
        except Cancelled:
            report.cancelled = True
            break
        except FormatError as exc:
            report.rejected.append((src.label, str(exc)))
        except MemoryError:
            report.rejected.append((src.label, "too large to import with the memory available"))
        except OSError as exc:
            report.rejected.append((src.label, f"cannot read ({exc.strerror or exc})"))
        except Exception as exc:  # noqa: BLE001 - one bad session must not stop the rest
            log.exception("unexpected error importing %s", src.label)
            report.rejected.append((src.label, f"internal error: {type(exc).__name__}: {exc}"))
        done_bytes += src.size
        done += 1
        report.bytes_read = done_bytes
        if progress is not None:
            progress(ImportProgress(done_bytes, total, done, n_total, src.label))
    report.seconds = time.perf_counter() - t0
    return report


def _recorded_id(meta: dict | None, stream: EventStream) -> str | None:
    """The id the recording itself carries (meta.json, PostHog/Sentry export), or None.

    A second browser window of one recording gets ``#w2``...; without a recorded
    id each window is identified by its own first snapshot (see :func:`_snapshot_id`).
    """
    base = None
    for key in ("id", "session_id", "sessionId"):
        v = (meta or {}).get(key)
        if isinstance(v, (str, int)) and not isinstance(v, bool) and (usable := _usable_id(str(v))):
            base = usable
            break
    sid = _usable_id(stream.session_id) if stream.session_id else None
    if sid and sid.startswith("#w"):
        return f"{base}{sid}" if base else None
    return base or sid


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _usable_id(text: str) -> str:
    """``text`` as an id a user can type and see: each control character (a NUL, an ESC, a
    newline from a hostile meta.json) becomes ``_``; surrounding spaces go. An id with a NUL
    imported, and then no command line could name it."""
    if not _CONTROL.sub("", text).strip():
        return ""  # nothing but control characters and spaces: no id
    return _CONTROL.sub("_", text).strip()


def _snapshot_id(first_ts: int, snapshot: dict) -> str:
    """A stable id from the recording's content: its first full snapshot and start time."""
    h = hashlib.blake2b(digest_size=8)
    h.update(str(first_ts).encode())
    h.update(deepjson.dumps(snapshot))
    return "rec-" + h.hexdigest()


def _place(conn, rid: str, src: SessionSource) -> tuple[str, bool]:
    """``(id to store under, replaces?)``: the stored session with id ``rid`` (or a
    ``rid~N`` sibling) is replaced only when it came from the same origin."""
    # the siblings by range, not LIKE: SQLite refuses LIKE patterns over 50,000 bytes, and an id
    # from a hostile meta.json can be that long ("~" is 0x7E, so "rid~..." sorts below "rid\x7f")
    rows = conn.execute(
        "SELECT s.id, d.source FROM sessions s LEFT JOIN session_details d ON d.id = s.id"
        " WHERE s.id = ? OR (s.id >= ? AND s.id < ?)",
        (rid, rid + "~", rid + "\x7f"),
    ).fetchall()
    origins = {src.origin or src.label, src.label}
    for sid, source in rows:
        if source in origins:
            return sid, True
    taken = {r[0] for r in rows}
    if rid not in taken:
        return rid, False
    k = 2
    while f"{rid}~{k}" in taken:
        k += 1
    return f"{rid}~{k}", False


def _import_source(db, src: SessionSource, report: ImportReport, tick, cancel, on_session, limits: Limits,
                   observers=()) -> None:
    raw = src.read_events()
    meta, meta_warning = src.meta()
    h = hashlib.blake2b(raw, digest_size=16)
    if meta is not None:
        h.update(deepjson.dumps(meta, option=orjson.OPT_SORT_KEYS))
    digest = h.hexdigest()
    conn = db.conn
    existing = [r[0] for r in conn.execute("SELECT id FROM sessions WHERE content_hash = ? OR content_hash LIKE ?", (digest, digest + "#%"))]
    stale = _other_policy(conn, existing, report.policy)
    if existing and not stale:
        report.skipped.extend(existing)
        return
    streams = decode(raw, src.label)
    for k, stream in enumerate(streams):
        rid = _recorded_id(meta, stream)
        chash = digest if k == 0 else f"{digest}#{k + 1}"
        redactor = Redactor(report.policy)
        try:
            sid, replaced, warnings = _store_stream(
                db, stream, rid, meta, src, chash, tick, cancel, limits, raw_len=len(raw), redactor=redactor, stale=stale,
                observers=observers,
            )
        except FormatError as exc:
            what = f"session {rid}" if rid else (f"window {k + 1}" if len(streams) > 1 else None)
            report.rejected.append((f"{src.label} ({what})" if what else src.label, str(exc)))
            continue
        if meta_warning:
            warnings.insert(0, meta_warning)
        report.redactions[sid] = redactor.report()
        if stale:
            report.policy_replaced.append(sid)
            replaced, stale = True, []
        (report.replaced if replaced else report.added).append(sid)
        for w in warnings:
            report.warnings.append((f"{src.label} (session {sid})", w))
        if on_session is not None:
            on_session(sid)


def _store_stream(db, stream, rid, meta, src, chash, tick, cancel, limits, raw_len, redactor=None, stale=(),
                  observers=()) -> tuple[str, bool, list[str]]:
    """Write one stream in one transaction. Without a recorded id the session's id
    comes from its first full snapshot: chunks closed before it wait in memory.
    ``stale``: sessions of the same content stored under another redaction policy,
    deleted in the same transaction."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        placed: dict = {}
        for old in stale:
            _delete_session(conn, old)

        def name(rid_: str) -> str:
            sid_, replaced_ = _place(conn, rid_, src)
            if replaced_:
                _delete_session(conn, sid_)
            placed.update(sid=sid_, replaced=replaced_)
            return sid_

        def name_from_snapshot(first_ts: int, data: dict) -> str:
            return name(_snapshot_id(first_ts, data))

        if rid is not None:
            name(rid)
        observed: list = []  # this session's observers (made afresh if the pass restarts)
        # The write parses, normalizes, redacts, summarises and serialises millions of small
        # acyclic containers that live one 64 KB piece each: with the cyclic collector on, its
        # generational passes rescan them thousands of times per archive for nothing (measured on
        # the bench archive: ~4,000 young and ~30 full collections; the import takes 8-13% less CPU without).
        with gc_paused():
            summary, writer, norm, resorted = _write_events(
                conn, stream, placed.get("sid"), name_from_snapshot, tick, cancel, limits, raw_len, redactor,
                observe=(observers, observed),
            )
        if summary.event_count == 0:
            raise FormatError("no usable events" + (f" ({norm.problem_line()})" if norm.dropped else ""))
        if summary.full_snapshots == 0:  # say why when it was dropped (a cut file, a bad snapshot)
            why = norm.problem_line() if norm.dropped else next(
                (w for w in stream.warnings if w.startswith("truncated")), None)
            raise FormatError("no FullSnapshot (type 2) event: the session cannot be replayed" + (f"; {why}" if why else ""))
        warnings = list(dict.fromkeys(stream.warnings))
        if norm.dropped:
            warnings.append(norm.problem_line())
        clipped = norm.clipped.message()
        if clipped:
            log.info("%s: %s", src.label, clipped)
            warnings.append(clipped)
        if resorted:
            warnings.append(f"timestamps went backwards {resorted} time(s); events were re-sorted by time")
        if norm.seconds:
            warnings.append("timestamps were in seconds; converted to milliseconds")
        elif norm.small_ms:
            warnings.append(
                "timestamps are small enough to be seconds, but their spacing is that of milliseconds;"
                " kept as milliseconds (the recorder's clock was probably not set)"
            )
        if summary.unknown:
            kinds = ", ".join(f"{k} x{v}" for k, v in sorted(summary.unknown.items()))
            warnings.append(f"kept events of unknown type ({kinds}); replay and analysis skip them")
        sid, replaced = placed["sid"], placed["replaced"]
        if redactor is not None:
            meta = redactor.annotate(meta)
        _insert_session(conn, sid, src, meta, stream, summary, writer, chash, warnings)
        _finish_observers(conn, observed, sid, chash, src.label)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return sid, replaced, warnings


def _delete_session(conn, sid: str) -> bool:
    row = conn.execute("SELECT rowid FROM sessions WHERE id = ?", (sid,)).fetchone()
    if row is None:
        return False
    conn.execute("DELETE FROM session_search WHERE rowid = ?", (row[0],))
    conn.execute("DELETE FROM session_urls WHERE session_rowid = ?", (row[0],))
    conn.execute("DELETE FROM sessions WHERE rowid = ?", (row[0],))
    return True


def _other_policy(conn, ids: list, policy: RedactionPolicy) -> list:
    """Those of ``ids`` stored under another redaction policy (or before redaction existed)."""
    out = []
    for sid in ids:
        row = conn.execute("SELECT meta FROM session_details WHERE id = ?", (sid,)).fetchone()
        try:
            stored = orjson.loads(row[0])["replaydesk_redaction"]["policy"] if row and row[0] else None
        except (orjson.JSONDecodeError, KeyError, TypeError):
            stored = None
        if stored != policy.digest():
            out.append(sid)
    return out


def _finish_observers(conn, observed: list, sid: str, chash: str, label: str) -> None:
    for obs in observed:
        try:
            obs.finish(conn, sid, chash)
        except Exception:  # noqa: BLE001 - derived rows must not cost the session
            log.exception("%s: a pass over session %s failed; the session is kept without its results", label, sid)


def _write_events(conn, stream: EventStream, sid, namer, tick, cancel, limits, raw_len, redactor=None, observe=((), [])):
    """Stream events into chunks; fall back to an in-memory sort if needed.

    ``sid`` None: ``namer(first_ts, snapshot data)`` gives the id at the first full snapshot.
    """
    try:
        return _write_sorted(conn, stream, sid, namer, tick, cancel, limits, raw_len, Normalizer(limits), redactor, observe)
    except UnitUndecided:
        pass
    # Rare: the first timestamp could be seconds. Decide from the whole session
    # (one more pass over its batches), then start again with the unit fixed.
    stamps: list = []
    for items in stream.batches():
        if cancel is not None and cancel():
            raise Cancelled()
        stamps += timestamps_in(items)
    seconds = seconds_unit(stamps)
    zero = zero_is_time(stamps)
    del stamps
    return _write_sorted(
        conn, stream, sid, namer, tick, cancel, limits, raw_len, Normalizer(limits, seconds=seconds, zero_is_time=zero),
        redactor, observe,
    )


def _write_sorted(conn, stream: EventStream, sid, namer, tick, cancel, limits, raw_len, norm: Normalizer, redactor=None,
                  observe=((), [])):
    """``observe``: ``(observer factories, list to hold this pass's observers)``."""
    factories, observed = observe
    observed[:] = [make() for make in factories]
    feeds = [o.feed for o in observed]
    redact = redactor.restart() if redactor is not None else (lambda events: None)
    summary = SessionSummary()
    writer = ChunkWriter(conn, sid)
    unnamed = sid is None
    last = None
    consumed = 0
    total_items = max(1, raw_len // 700)  # ~700 bytes per event: a progress estimate
    unsorted = False
    for items in stream.batches():
        if cancel is not None and cancel():
            raise Cancelled()
        events, _ = norm.batch(items, stream.deep)
        redact(events)
        add, write = summary.add, writer.add
        for e in events:
            ts = e["timestamp"]
            if last is not None and ts < last:
                unsorted = True
                break
            last = ts
            add(e)
            write(e)
            for feed in feeds:
                feed(e)
            if unnamed and e["type"] == 2:
                writer.name(namer(summary.first_ts, e["data"]))
                unnamed = False
        if unsorted:
            break
        consumed += len(items)
        if total_items:
            tick(min(0.99, consumed / total_items))
    if not unsorted:
        writer.flush()
        return summary, writer, norm, 0
    # Rare: out-of-order events. Start again holding the session in memory,
    # sort stably by time (Meta stays before its FullSnapshot) and rewrite.
    sid = writer.session_id
    if sid is not None:
        conn.execute("DELETE FROM event_chunks WHERE session_id = ?", (sid,))
    norm = Normalizer(limits, seconds=norm.seconds, zero_is_time=norm.zero_is_time)
    redact = redactor.restart() if redactor is not None else redact
    events: list[dict] = []
    for items in stream.batches():
        if cancel is not None and cancel():
            raise Cancelled()
        events.extend(norm.batch(items, stream.deep)[0])
    backwards = sum(1 for a, b in zip(events, events[1:]) if b["timestamp"] < a["timestamp"])
    events.sort(key=lambda e: e["timestamp"])
    redact(events)
    summary = SessionSummary()
    writer = ChunkWriter(conn, sid)
    observed[:] = [make() for make in factories]
    for e in events:
        summary.add(e)
        writer.add(e)
        for obs in observed:
            obs.feed(e)
        if writer.session_id is None and e["type"] == 2:
            writer.name(namer(summary.first_ts, e["data"]))
    writer.flush()
    return summary, writer, norm, backwards


def _person(meta: dict | None, stream: EventStream) -> tuple[str | None, str | None, str | None]:
    uid = email = name = None
    user = (meta or {}).get("user")
    if isinstance(user, dict):
        uid, email, name = user.get("id"), user.get("email"), user.get("name")
    for key, val in (("userId", "uid"), ("user_id", "uid"), ("email", "email")):
        v = (meta or {}).get(key)
        if isinstance(v, (str, int)):
            if val == "uid":
                uid = uid or v
            else:
                email = email or v
    p = stream.person
    if isinstance(p, dict):
        props = p.get("properties") if isinstance(p.get("properties"), dict) else {}
        ids = p.get("distinct_ids") if isinstance(p.get("distinct_ids"), list) else []
        uid = uid or (ids[0] if ids else None) or p.get("uuid") or p.get("id")
        email = email or props.get("email") or props.get("$email")
        name = name or p.get("name") or props.get("name")
    s = lambda v: str(v) if v not in (None, "") else None  # noqa: E731
    return s(uid), s(email), s(name)


def _insert_session(conn, sid, src, meta, stream, summary: SessionSummary, writer: ChunkWriter, chash, warnings) -> None:
    m = meta or {}
    ua_str = m.get("userAgent") or m.get("user_agent")
    dev = m.get("device") if isinstance(m.get("device"), dict) else {}
    ua = parse_user_agent(ua_str if isinstance(ua_str, str) else None, is_mobile=dev.get("isMobile"))
    device = ua.device
    vw, vh = summary.first_viewport or (None, None)
    if device == "unknown":
        if dev.get("isMobile"):
            device = "mobile"
        elif vw:
            device = "mobile" if vw <= 500 else ("tablet" if vw <= 1024 and summary.touches else "desktop")
    uid, email, name = _person(meta, stream)
    pages = summary.pages
    cur = conn.execute(
        "INSERT INTO sessions (id, started_at, ended_at, duration_ms, active_ms, user_id, user_email, user_name,"
        " browser, os, device, viewport_width, viewport_height, page_count, entry_url, exit_url,"
        " event_count, click_count, error_count, chunk_count, events_bytes, content_hash, imported_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            sid,
            summary.first_ts,
            summary.last_ts,
            summary.duration_ms,
            summary.active_ms,
            uid,
            email,
            name,
            f"{ua.browser} {ua.browser_version}".strip() if ua_str else None,
            ua.os if ua_str else None,
            device,
            vw,
            vh,
            len(pages),
            pages[0].url if pages else None,
            pages[-1].url if pages else None,
            summary.event_count,
            len(summary.clicks),
            summary.error_count,
            writer.seq,
            writer.stored_total,
            chash,
            datetime.now(timezone.utc).isoformat(timespec="seconds"),
        ),
    )
    rowid = cur.lastrowid
    conn.execute(
        "INSERT INTO session_details (id, source, user_agent, warnings, meta) VALUES (?,?,?,?,?)",
        (
            sid,
            src.origin or src.label,
            ua_str if isinstance(ua_str, str) else None,
            orjson.dumps(warnings).decode() if warnings else None,
            deepjson.dumps(meta).decode() if meta else None,
        ),
    )
    conn.executemany(
        "INSERT INTO pages (session_id, seq, url, t_enter, t_leave, viewport_width, viewport_height) VALUES (?,?,?,?,?,?,?)",
        [(sid, p.seq, p.url, p.t_enter, p.t_leave, p.width, p.height) for p in pages],
    )
    conn.executemany(
        "INSERT INTO interactions (session_id, t, kind, x, y, scroll_x, scroll_y, url, viewport_width, viewport_height,"
        " target_id, page_seq) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [(sid, *c) for c in summary.clicks],
    )
    conn.executemany(
        "INSERT INTO console (session_id, t, level, message, trace, url) VALUES (?,?,?,?,?,?)",
        [(sid, *c) for c in summary.console],
    )
    for url in dict.fromkeys(p.url for p in pages):
        conn.execute("INSERT INTO urls (url) VALUES (?) ON CONFLICT (url) DO NOTHING", (url,))
        conn.execute(
            "INSERT OR IGNORE INTO session_urls (url_id, session_rowid) SELECT id, ? FROM urls WHERE url = ?", (rowid, url)
        )
    people = " ".join(x for x in (uid, email, name) if x)
    conn.execute("INSERT INTO session_search (rowid, people) VALUES (?,?)", (rowid, people))
