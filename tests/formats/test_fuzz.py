"""Property tests: hostile bytes never crash the readers or half-write the store.

(1) lives in test_jsonscan.py (the scan against orjson). Here:
(2) random corruptions/truncations of real recordings, in every shape, through
    ``decode`` + ``Normalizer``: the only exception allowed is FormatError,
    and whatever comes out is a clean event;
(3) ``import_paths`` on random junk files, folders and zips: never raises,
    reports one line per problem, and never leaves a partial session.
"""

from __future__ import annotations

import gzip
import tempfile
import zlib
from functools import lru_cache
from pathlib import Path

import orjson
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replaydesk.formats import FormatError, Normalizer, decode
from replaydesk.formats.compression import decompress
from replaydesk.store import import_paths, open_store

from . import builders as B
from .builders import SMALL

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _items(batch):
    # a stream yields lists of items (older readers: (items, raws) pairs)
    return batch[0] if isinstance(batch, tuple) else batch


def run_readers(buf: bytes) -> int:
    """decode + normalize everything; returns the number of clean events."""
    n = 0
    try:
        streams = decode(buf, "fuzz.json")
        for stream in streams:
            norm = Normalizer()
            for batch in stream.batches():
                events, _ = norm.batch(_items(batch))
                for e in events:
                    assert type(e) is dict
                    assert type(e["type"]) is int
                    assert type(e["timestamp"]) is int and e["timestamp"] > 0
                    assert "delay" not in e and "cv" not in e
                    if e["type"] in (2, 3, 4, 5, 6):
                        assert type(e["data"]) is dict
                n += len(events)
            problem = norm.problem_line()
            assert problem is None or "\n" not in problem
            assert all(isinstance(w, str) and "\n" not in w for w in stream.warnings)
    except FormatError as exc:
        msg = str(exc)
        assert msg and "\n" not in msg
    return n


@lru_cache(maxsize=None)
def shapes() -> dict[str, bytes]:
    evs = B.events(SMALL)
    return {
        "array": B.corpus_raw(SMALL),
        "pretty": orjson.dumps(evs[:12], option=orjson.OPT_INDENT_2),
        "jsonl": B.jsonl(evs),
        "blob-lines": B.posthog_blob_lines(evs),
        "wrapper": orjson.dumps({"events": evs}),
        "posthog-v2": B.posthog_v2(evs, "rec", B.PERSON),
        "posthog-v1": B.posthog_v1({"w1": evs[:15], "w2": evs[15:]}, B.PERSON),
        "packed": orjson.dumps([B.pack(e) for e in evs]),
        "packed-jsonl": B.jsonl([B.pack(e) for e in evs]),
        "cv": orjson.dumps([B.cv_compress(e) for e in evs]),
    }


_SPECIAL = [b'"', b"\\", b"[", b"]", b"{", b"}", b",", b":", b"\n", b"\x00", b"\xff", b"\xc3", b"x\x9c", b"\x1f\x8b", b"1e999", b"-", b"null"]
_edit = st.tuples(
    st.sampled_from(["replace", "insert", "delete"]),
    st.floats(0, 1, exclude_max=True),
    st.one_of(st.sampled_from(_SPECIAL), st.binary(min_size=1, max_size=4)),
)


def corrupt(buf: bytes, edits, cut) -> bytes:
    b = bytearray(buf)
    for op, where, piece in edits:
        if not b:
            break
        i = int(where * len(b))
        if op == "replace":
            b[i : i + len(piece)] = piece
        elif op == "insert":
            b[i:i] = piece
        else:
            del b[i : i + len(piece)]
    if cut is not None:
        del b[int(cut * len(b)) :]
    return bytes(b)


@FUZZ
@given(st.sampled_from(sorted(shapes())), st.lists(_edit, max_size=6), st.none() | st.floats(0, 1))
def test_corrupted_recordings_only_raise_format_error(shape, edits, cut):
    run_readers(corrupt(shapes()[shape], edits, cut))


@FUZZ
@given(st.lists(_edit, min_size=1, max_size=4), st.none() | st.floats(0, 1), st.sampled_from(["gzip", "zstd", "zlib"]))
def test_corrupted_compressed_files_only_raise_format_error(edits, cut, kind):
    raw = B.corpus_raw(SMALL)
    packed = {"gzip": gzip.compress, "zstd": zstandard.ZstdCompressor().compress, "zlib": zlib.compress}[kind](raw)
    bad = corrupt(packed, edits, cut)
    try:
        out = decompress(bad, 8 << 20, "file", 200.0)
    except FormatError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    run_readers(out)


def test_every_truncation_point_of_a_small_recording():
    """Exhaustive over the first FullSnapshot's end and every later byte: never a crash,
    and the number of events kept never decreases as the cut moves on."""
    evs = B.events(SMALL)
    raw = orjson.dumps(evs)
    first_ok = len(orjson.dumps(evs[:4]))  # through the FullSnapshot
    last = 0
    for cut in range(first_ok - 5, len(raw) + 1, 7):
        n = run_readers(raw[:cut])
        assert n >= last
        last = n
    assert run_readers(raw) == len(evs)


# ------------------------------------------------------------------ (3)

_weird_numbers = st.sampled_from([0, -1, 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1, 1.5, -0.0, 1e300, 1_700_000_000, 9_999_999_999])
_json_scalar = st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8) | _weird_numbers
_json = st.recursive(_json_scalar, lambda ch: st.lists(ch, max_size=3) | st.dictionaries(st.text(max_size=6), ch, max_size=3), max_leaves=8)


@st.composite
def eventish(draw):
    """Mostly a valid tiny event with one field made weird."""
    e = dict(draw(st.sampled_from(B.tiny_events(n_moves=2))))
    e["data"] = dict(e["data"])
    field = draw(st.sampled_from(["type", "timestamp", "data", "source", "node", "extra", "none", "delay", "console", "offset"]))
    if field in ("type", "timestamp", "data"):
        e[field] = draw(_json | _weird_numbers)
    elif field == "source":
        e["type"] = 3
        e["data"]["source"] = draw(_json)
    elif field == "node":
        e["type"] = 2
        e["data"]["node"] = draw(_json)
    elif field == "extra":
        e[draw(st.text(max_size=5))] = draw(_json)
    elif field == "delay":
        e["delay"] = draw(_json)
    elif field == "console":
        e = {"type": 6, "timestamp": e["timestamp"], "data": {"plugin": "rrweb/console@1", "payload": {"level": draw(st.sampled_from(["error", "warn", "log"])), "payload": draw(_json), "trace": draw(_json)}}}
    elif field == "offset":
        e["type"] = 2
        e["data"] = {"node": {"type": 0, "childNodes": [], "id": 1}, "initialOffset": draw(st.dictionaries(st.sampled_from(["top", "left"]), _json, max_size=2))}
    return e


def _session_bytes(draw) -> bytes:
    kind = draw(st.sampled_from(["events", "events", "jsonl", "json", "binary", "corrupted"]))
    if kind == "events":
        evs = B.tiny_events(t0=draw(st.integers(1, 2**41)), n_moves=draw(st.integers(0, 3)))
        evs += draw(st.lists(eventish(), max_size=4))
        if draw(st.booleans()):
            draw(st.randoms()).shuffle(evs)
        return orjson.dumps(evs)
    if kind == "jsonl":
        return B.jsonl(B.tiny_events() + draw(st.lists(eventish() | _json, max_size=3)))
    if kind == "json":
        return orjson.dumps(draw(_json))
    if kind == "binary":
        return draw(st.binary(max_size=300))
    return corrupt(orjson.dumps(B.tiny_events(n_moves=5)), draw(st.lists(_edit, min_size=1, max_size=3)), draw(st.none() | st.floats(0, 1)))


def _wrap(draw, data: bytes) -> bytes:
    how = draw(st.sampled_from(["plain", "plain", "gzip", "zstd", "broken-gzip"]))
    if how == "gzip":
        return gzip.compress(data)
    if how == "zstd":
        return zstandard.ZstdCompressor().compress(data)
    if how == "broken-gzip":
        g = gzip.compress(data)
        return g[: max(3, len(g) // 2)]
    return data


@st.composite
def junk_tree(draw) -> dict[str, bytes]:
    """A few files: loose recordings, session folders (+ meta.json), or a zip of them."""
    files: dict[str, bytes] = {}
    for k in range(draw(st.integers(1, 3))):
        layout = draw(st.sampled_from(["loose", "folder", "zip"]))
        body = _wrap(draw, _session_bytes(draw))
        if layout == "loose":
            files[f"f{k}" + draw(st.sampled_from([".json", ".jsonl", ".json.gz", ".gz", ".zst", ".ndjson"]))] = body
        elif layout == "folder":
            files[f"s{k}/" + draw(st.sampled_from(["events.json", "events.jsonl", "events.json.gz"]))] = body
            if draw(st.booleans()):
                files[f"s{k}/meta.json"] = draw(st.sampled_from([orjson.dumps(draw(_json)), b"{oops", orjson.dumps({"id": draw(_json_scalar), "user": draw(_json)})]))
        else:
            members = {f"z{k}/events.json": body, f"z{k}/meta.json": orjson.dumps(draw(_json))}
            if draw(st.booleans()):
                members[draw(st.sampled_from(["../up/events.json", "/abs/events.json", "loose.json"]))] = _session_bytes(draw)
            import io
            import zipfile

            bio = io.BytesIO()
            with zipfile.ZipFile(bio, "w", draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))) as zf:
                for name, data in members.items():
                    zf.writestr(zipfile.ZipInfo(name), data)
            z = bio.getvalue()
            if draw(st.booleans()):
                z = corrupt(z, draw(st.lists(_edit, min_size=1, max_size=3)), None)
            files[f"a{k}.zip"] = z
    return files


def check_report(db, report, before: set[str]) -> None:
    B.check_integrity(db)
    for label, why in report.rejected + report.warnings:
        assert isinstance(label, str) and isinstance(why, str) and why
        assert "\n" not in why
    # sessions are only ever added or replaced whole; nothing else appears or goes
    assert B.session_ids(db) == before | set(report.added) | set(report.replaced)
    assert set(report.replaced) <= before


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(junk_tree())
def test_import_of_junk_never_raises_nor_leaves_partial_sessions(files):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "in"
        for name, data in files.items():
            B.write(root / name, data)
        db = open_store(":memory:")
        try:
            report = import_paths(db, [root, *[root / n for n in files if "/" not in n]])
            check_report(db, report, set())
            # importing the same junk again is just as safe (replace/skip paths)
            before = B.session_ids(db)
            report2 = import_paths(db, [root])
            check_report(db, report2, before)
        finally:
            db.conn.close()


@settings(max_examples=100, deadline=None)
@given(st.lists(_edit, min_size=1, max_size=4))
def test_corrupted_zip_archive_never_raises(edits):
    members = B.folder_members({f"s{k}": orjson.dumps(B.tiny_events(t0=1_700_000_000_000 + k, n_moves=k)) for k in range(3)})
    with tempfile.TemporaryDirectory() as tmp:
        good = B.make_zip(Path(tmp) / "a.zip", members)
        bad = corrupt(good.read_bytes(), edits, None)
        good.write_bytes(bad)
        db = open_store(":memory:")
        try:
            report = import_paths(db, [good])
            check_report(db, report, set())
            assert len(report.added) + len(report.rejected) >= 1
        finally:
            db.conn.close()


# ---------------------------------------------- multi-MB files (the reader's fast path)


@lru_cache(maxsize=None)
def big() -> tuple[list[dict], bytes, list[int]]:
    evs = B.big_events()
    raw = orjson.dumps(evs)
    ends, pos = [], 1
    for e in evs:  # byte offset just after each event (where its comma is)
        pos += len(orjson.dumps(e))
        ends.append(pos)
        pos += 1
    return evs, raw, ends


def _collect(buf: bytes) -> list[dict]:
    (stream,) = decode(buf, "big.json")
    norm = Normalizer()
    out: list[dict] = []
    for batch in stream.batches():
        out.extend(norm.batch(_items(batch))[0])
    assert norm.dropped == 0
    return out


@settings(max_examples=40, deadline=None)
@given(st.floats(0.001, 0.999))
def test_truncated_big_file_keeps_exactly_the_complete_events(where):
    evs, raw, ends = big()
    cut = int(where * len(raw))
    got = _collect(raw[:cut])
    k = sum(1 for e in ends if e < cut)  # events whose comma made it
    assert len(got) in (k, k + 1)
    assert got == evs[: len(got)]


@settings(max_examples=40, deadline=None)
@given(st.lists(_edit, min_size=1, max_size=4))
def test_corrupted_big_file_only_raises_format_error(edits):
    evs, raw, _ = big()
    n = run_readers(corrupt(raw, edits, None))
    assert n <= len(evs) + len(edits)
