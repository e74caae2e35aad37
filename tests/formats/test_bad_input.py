"""Bad input: one clear line per bad file, the rest of the archive still imports.

Every case puts one bad session folder (``bad_case/``) into an archive (a
folder, and a zip) next to two good sessions, and imports it into a store that
already holds an earlier session. Each case checks that:

  * ``import_paths`` returns (nothing escapes);
  * the report has exactly one rejected line, or for the cases the design
    salvages exactly one warning line, naming the file and session, with a
    reason a user can act on;
  * both good sessions of the same archive are imported in full;
  * the earlier session is still there, byte for byte unchanged;
  * no partial session is left behind.
"""

from __future__ import annotations

import gzip
import re
import struct
import time
import tracemalloc
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

from replaydesk.store import import_paths

from . import builders as B
from .builders import SMALL, TWO_PAGES

GOOD = {"good_a": SMALL, "good_b": "ses_5924706e4bfc"}
EARLIER = "ses_894a31ac3a8c"
BAD = "bad_case"


@pytest.fixture
def store(fresh_db, corpus):
    """A store with one session imported earlier, and its state to compare."""
    report = import_paths(fresh_db, [corpus / EARLIER])
    assert report.added == [EARLIER] and report.ok
    return fresh_db, B.store_state(fresh_db, EARLIER)


def build_archive(tmp_path: Path, container: str, bad_files: dict[str, bytes]) -> Path:
    members = B.folder_members({sid: B.corpus_raw(name) for sid, name in GOOD.items()})
    members.update({f"{BAD}/{name}": data for name, data in bad_files.items()})
    if container == "zip":
        return B.make_zip(tmp_path / "archive.zip", members)
    root = tmp_path / "archive"
    for name, data in members.items():
        B.write(root / name, data)
    return root


def import_and_check_rest(store, paths: list) -> "ImportResult":
    db, earlier_state = store
    report = import_paths(db, paths)  # must not raise
    for folder, name in GOOD.items():
        assert B.sid(db, folder) in report.added, (report.added, report.rejected)
        assert B.stored(db, folder) == B.events(name)
    assert B.store_state(db, EARLIER) == earlier_state
    B.check_integrity(db)
    return ImportResult(db, report)


@dataclass
class ImportResult:
    db: object
    report: object

    def rejected_once(self, reason: str, *names: str) -> str:
        """Exactly one rejected line, naming every one of ``names``; no warnings."""
        rep = self.report
        assert len(rep.rejected) == 1, rep.rejected
        label, why = rep.rejected[0]
        for n in names:
            assert n in label, (n, label)
        assert re.search(reason, why, re.I), why
        assert "\n" not in why and "internal error" not in why and "Traceback" not in why
        assert rep.warnings == [], rep.warnings
        return why

    def warned_once(self, reason: str, sid: str = BAD, *names: str) -> str:
        """Salvaged: nothing rejected, exactly one warning naming file and session."""
        rep = self.report
        assert rep.rejected == [], rep.rejected
        sid = B.sid(self.db, sid)
        assert sid in rep.added
        assert len(rep.warnings) == 1, rep.warnings
        label, why = rep.warnings[0]
        assert sid in label and f"(session {sid})" in label, label
        for n in names:
            assert n in label, (n, label)
        assert re.search(reason, why, re.I), why
        assert "\n" not in why and "internal error" not in why
        return why


# ---------------------------------------------------------------- the cases


def raw_small() -> bytes:
    return B.corpus_raw(SMALL)


def _mutated(fn: Callable[[list], object], name: str = SMALL) -> bytes:
    evs = B.events(name)
    out = fn(evs)
    return orjson.dumps(evs if out is None else out)


def _inject_invalid_utf8() -> bytes:
    raw = raw_small()
    ts = B.events(SMALL)[10]["timestamp"]
    key = b'"timestamp":%d}' % ts
    assert raw.count(key) == 1
    return raw.replace(key, b'"timestamp":%d,"note":"caf\xe9 \xff"}' % ts)


def _bad_fields(evs: list) -> list:
    del evs[5]["timestamp"]  # missing
    evs[7]["type"] = "3"  # wrong type
    evs[9]["data"] = "oops"  # data not an object
    evs[11]["timestamp"] = "yesterday"  # wrong type
    evs[12] = None  # not an object at all
    return evs


def _no_full_snapshot(evs: list) -> list:
    return [e for e in evs if e["type"] != 2]


def _unknown_types(evs: list) -> list:
    t = evs[-1]["timestamp"]
    return evs + [{"type": 42, "data": {"x": 1}, "timestamp": t + 1}, {"type": 42, "data": {}, "timestamp": t + 2}]


def _backwards(evs: list) -> list:
    evs[10]["timestamp"], evs[20]["timestamp"] = evs[20]["timestamp"], evs[10]["timestamp"]
    return evs


def _cv_broken_mutation(evs: list) -> list:
    out = [B.cv_compress(e) for e in evs]
    k = next(i for i, e in enumerate(out) if e.get("cv") and isinstance(e["data"], dict))
    out[k]["data"]["adds"] = out[k]["data"]["adds"][:20]  # truncated gzip
    return out


def _cv_full_snapshot_not_json(evs: list) -> list:
    # TWO_PAGES has two FullSnapshots: the second one's payload is not JSON
    k = [i for i, e in enumerate(evs) if e["type"] == 2][1]
    evs[k] = {**evs[k], "data": gzip.compress(b'{"node": {"type": 0, "childNo').decode("latin-1"), "cv": "2024-10"}
    return evs


def _packed_corrupt(evs: list) -> list:
    out = [B.pack(e) for e in evs]
    s = out[14]
    out[14] = s[:10] + "\x00\x01garbage" + s[20:]
    return out


def _jsonl_one_bad_line() -> bytes:
    lines = B.jsonl(B.events(SMALL)).split(b"\n")
    lines[2] = lines[2][: len(lines[2]) // 2]
    return b"\n".join(lines)


@dataclass
class Case:
    files: Callable[[], dict[str, bytes]]
    outcome: str  # "rejected" | "warning"
    reason: str  # regex the reason must match
    check: Callable | None = None  # extra checks on the imported session
    file: str = "events.json"


def _cut_inside_event(k: int) -> bytes:
    """The corpus file cut in the middle of event #k+1 (after its first 30 bytes)."""
    raw = raw_small()
    start = len(orjson.dumps(B.events(SMALL)[:k]))  # up to and including the comma
    return raw[: start + 30]


def _truncated_mid_check(db) -> None:
    assert B.stored(db, BAD) == B.events(SMALL)[:20]


def _utf8_check(db) -> None:
    assert B.row(db, BAD)["event_count"] == 28  # the event is kept, its bad bytes shown as U+FFFD
    assert B.stored(db, BAD)[10]["note"] == "caf\ufffd \ufffd"


def _bad_fields_check(db) -> None:
    got = B.stored(db, BAD)
    full = B.events(SMALL)
    assert got == [e for i, e in enumerate(full) if i not in (5, 7, 9, 11, 12)]


def _unknown_check(db) -> None:
    got = B.stored(db, BAD)
    assert [e["type"] for e in got[-2:]] == [42, 42]
    assert len(got) == 30


def _backwards_check(db) -> None:
    got = B.stored(db, BAD)
    assert [e["timestamp"] for e in got] == sorted(e["timestamp"] for e in B.events(SMALL))
    assert len(got) == 28


def _meta_broken_check(db) -> None:
    # (other events than the good sessions: the same content would be skipped as a duplicate)
    r = B.row(db, BAD)
    assert r["event_count"] == 291 and set(r["meta"] or {}) <= {"replaydesk_redaction"}  # the recorded meta is gone
    assert B.stored(db, BAD) == B.events(TWO_PAGES)


CASES = {
    # truncation
    "truncated-mid-array": Case(lambda: {"events.json": _cut_inside_event(20)}, "warning", r"truncated", _truncated_mid_check),
    "truncated-before-first-event": Case(lambda: {"events.json": raw_small()[:25]}, "rejected", r"truncated"),
    "truncated-gzip": Case(lambda: {"events.json.gz": gzip.compress(raw_small())[:-200]}, "rejected", r"truncated|corrupt", file="events.json.gz"),
    "corrupt-gzip": Case(lambda: {"events.json.gz": b"\x1f\x8b\x08\x00" + bytes(range(200))}, "rejected", r"corrupt", file="events.json.gz"),
    # encoding / not JSON
    "invalid-utf8": Case(lambda: {"events.json": _inject_invalid_utf8()}, "warning", r"repaired the text of 1 event.*not UTF-8", _utf8_check),
    "binary": Case(lambda: {"events.json": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8}, "rejected", r"not JSON.*binary"),
    "text": Case(lambda: {"events.json": b"Export failed: upstream timed out.\nPlease try again later.\n"}, "rejected", r"not JSON"),
    "empty-file": Case(lambda: {"events.json": b""}, "rejected", r"empty"),
    "whitespace-only": Case(lambda: {"events.json": b" \n\t\r\n" * 1000}, "rejected", r"whitespace|empty"),
    # JSON of the wrong shape
    "number": Case(lambda: {"events.json": b"1795737332900\n"}, "rejected", r"wrong shape.*number"),
    "string": Case(lambda: {"events.json": b'"rrweb events go here"'}, "rejected", r"wrong shape.*string"),
    "null": Case(lambda: {"events.json": b"null"}, "rejected", r"wrong shape"),
    "object-other-keys": Case(lambda: {"events.json": b'{"recording": {"frames": []}, "ok": true}'}, "rejected", r"wrong shape.*recording"),
    "array-of-numbers": Case(lambda: {"events.json": b"[1, 2, 3]"}, "rejected", r"no usable events.*event #1"),
    "empty-array": Case(lambda: {"events.json": b"[]"}, "rejected", r"no usable events|no events|empty"),
    "posthog-v2-without-snapshots": Case(lambda: {"events.json": b'{"version":"2023-04-28","data":{"id":"x"}}'}, "rejected", r"snapshots"),
    # events
    "bad-fields": Case(lambda: {"events.json": _mutated(_bad_fields)}, "warning", r"dropped 5 malformed event.*first: event #6\b.*timestamp", _bad_fields_check),
    "no-full-snapshot": Case(lambda: {"events.json": _mutated(_no_full_snapshot)}, "rejected", r"FullSnapshot"),
    "unknown-event-types": Case(lambda: {"events.json": _mutated(_unknown_types)}, "warning", r"unknown type.*42 x2", _unknown_check),
    "timestamps-backwards": Case(lambda: {"events.json": _mutated(_backwards)}, "warning", r"backwards.*re-sorted", _backwards_check),
    "trailing-garbage": Case(lambda: {"events.json": raw_small() + b"\n<html>oops</html>"}, "warning", r"extra data"),
    "jsonl-one-bad-line": Case(lambda: {"events.jsonl": _jsonl_one_bad_line()}, "warning", r"line 3\b", file="events.jsonl"),
    "jsonl-first-line-bad": Case(lambda: {"events.jsonl": b'{"type":0,"da\n' + B.jsonl(B.events(SMALL)[1:])}, "warning", r"skipped 1 .*line 1\b", file="events.jsonl"),
    "posthog-export-truncated": Case(lambda: {"events.json": B.posthog_v2(B.events(SMALL), "rec")[:5000]}, "rejected", r"truncated"),
    "packed-event-corrupt": Case(lambda: {"events.json": _mutated(_packed_corrupt)}, "warning", r"event #15\b.*packed"),
    "cv-mutation-corrupt": Case(lambda: {"events.json": _mutated(_cv_broken_mutation)}, "warning", r"dropped 1 .*compressed"),
    "cv-full-snapshot-not-json": Case(lambda: {"events.json": _mutated(_cv_full_snapshot_not_json, TWO_PAGES)}, "warning", r"dropped 1 .*compressed"),
    # meta.json
    "meta-broken": Case(lambda: {"events.json": B.corpus_raw(TWO_PAGES), "meta.json": b'{"id": "never-used", "user": '}, "warning", r"meta\.json", _meta_broken_check),
    "meta-not-object": Case(lambda: {"events.json": B.corpus_raw(TWO_PAGES), "meta.json": b'["id", "x"]'}, "warning", r"meta\.json.*not a JSON object", _meta_broken_check),
    "meta-binary": Case(lambda: {"events.json": B.corpus_raw(TWO_PAGES), "meta.json": b"\xff\xfe\x00\x01"}, "warning", r"meta\.json", _meta_broken_check),
}


@pytest.mark.parametrize("container", ["folder", "zip"])
@pytest.mark.parametrize("case", list(CASES))
def test_bad_session_in_archive(store, tmp_path, container, case):
    c = CASES[case]
    archive = build_archive(tmp_path, container, c.files())
    res = import_and_check_rest(store, [archive])
    names = (f"{BAD}/{c.file}", archive.name)
    if c.outcome == "rejected":
        res.rejected_once(c.reason, *names)
        assert B.row(res.db, BAD) is None
        assert sorted(res.report.added) == sorted(B.sid(res.db, g) for g in GOOD)
    else:
        res.warned_once(c.reason, BAD, *names)
        assert sorted(res.report.added) == sorted(B.sid(res.db, g) for g in [*GOOD, BAD])
        if c.check:
            c.check(res.db)


def test_truncated_large_file_keeps_a_prefix(store, tmp_path):
    """A multi-MB array (the reader's fast path) cut in the middle of an event."""
    evs = B.big_events()
    raw = orjson.dumps(evs)
    keep = len(evs) * 7 // 10
    cut = len(orjson.dumps(evs[:keep])) + 40  # 40 bytes into event #keep+1
    archive = tmp_path / "archive"
    B.write(archive / BAD / "events.json", raw[:cut])
    for sid, name in GOOD.items():
        B.write(archive / sid / "events.json", B.corpus_raw(name))
    res = import_and_check_rest(store, [archive])
    res.warned_once(r"truncated", BAD, "events.json")
    got = B.stored(res.db, BAD)
    # every event that ends before the cut is kept, and nothing else
    assert len(got) == keep
    assert got == evs[:keep]


def test_invalid_utf8_in_large_file_is_repaired_in_its_event(store, tmp_path):
    """A byte that is not UTF-8 used to drop its whole event (and a FullSnapshot with one lost
    the session): the event is kept, the byte becomes U+FFFD, and the import says so once."""
    evs = B.big_events()
    k = len(evs) * 2 // 3
    while evs[k]["type"] != 3:
        k += 1
    raw = orjson.dumps(evs)
    key = b'"timestamp":%d}' % evs[k]["timestamp"]
    pos = raw.index(key, len(orjson.dumps(evs[:k])) - 1)
    raw = raw[:pos] + b'"bad":"\xc3\x28",' + raw[pos:]
    archive = tmp_path / "archive"
    B.write(archive / BAD / "events.json", raw)
    for sid, name in GOOD.items():
        B.write(archive / sid / "events.json", B.corpus_raw(name))
    res = import_and_check_rest(store, [archive])
    res.warned_once(r"repaired the text of 1 event\(s\): lone UTF-16 surrogates or bytes that are not UTF-8", BAD)
    assert B.stored(res.db, BAD) == evs[:k] + [{**evs[k], "bad": "\ufffd("}] + evs[k + 1 :]


@pytest.mark.parametrize("bad, shown", [
    (b"\\ud83d", "\ufffd"),  # JSON.stringify of a string cut inside an emoji: a lone high surrogate
    (b"\\ude00", "\ufffd"),  # a lone low one
    (b"\\ud83d\\ude00", "\U0001f600"),  # a whole pair is no problem (the fast path)
    (b"\xff", "\ufffd"),  # a byte that is not UTF-8
])
def test_a_full_snapshot_with_one_broken_character_keeps_its_session(fresh_db, tmp_path, bad, shown):
    """The session was rejected as "no FullSnapshot" (the snapshot had been dropped, and the
    reason with it)."""
    evs = B.events()
    raw = orjson.dumps(evs)
    snap = next(i for i, e in enumerate(evs) if e["type"] == 2)
    pos = raw.index(b'"type":2')
    raw = raw[:pos] + b'"note":"a' + bad + b'b",' + raw[pos:]
    path = B.write(tmp_path / "broken.json", raw)
    store = fresh_db
    report = import_paths(store, [path])
    assert not report.rejected and len(report.added) == 1
    (sid,) = report.added
    assert B.stored(store, sid)[snap]["note"] == f"a{shown}b"
    repaired = [w for _, w in report.warnings if "repaired the text" in w]
    assert len(repaired) == (0 if shown == "\U0001f600" else 1), report.warnings


def test_a_session_whose_snapshot_was_cut_says_why_it_has_none(fresh_db, tmp_path):
    raw = orjson.dumps(B.events())
    path = B.write(tmp_path / "cut.json", raw[: raw.index(b'"type":2') + 40])
    report = import_paths(fresh_db, [path])
    ((_, why),) = report.rejected
    assert why.startswith("no FullSnapshot (type 2) event") and "truncated JSON" in why


def test_timestamps_in_seconds_warn_once(store, tmp_path):
    secs = [{**e, "timestamp": e["timestamp"] / 1000} for e in B.events(SMALL)]
    archive = build_archive(tmp_path, "folder", {"events.json": orjson.dumps(secs)})
    res = import_and_check_rest(store, [archive])
    res.warned_once(r"seconds", BAD)
    assert B.stored(res.db, BAD) == B.events(SMALL)


def test_several_bad_files_one_line_each(store, tmp_path):
    archive = build_archive(tmp_path, "zip", {"events.json": b"[1,2"})
    members = {
        "x1/events.json": b"",
        "x2/events.json": b"not json",
        "x3/events.json": orjson.dumps(_no_full_snapshot(B.events(SMALL))),
        **B.folder_members({"good_c": B.corpus_raw(TWO_PAGES)}),
    }
    other = B.make_zip(tmp_path / "other.zip", members)
    res = import_and_check_rest(store, [archive, other])
    assert B.sid(res.db, "good_c") in res.report.added
    labels = sorted(label for label, _ in res.report.rejected)
    assert len(labels) == 4
    for n in ("bad_case/events.json", "x1/events.json", "x2/events.json", "x3/events.json"):
        assert sum(n in lb for lb in labels) == 1, (n, labels)


# ------------------------------------------------------------------- zips


@pytest.mark.parametrize(
    "member",
    ["../evil/events.json", "../../evil/events.json", "ok/../../evil/events.json", "/tmp/replaydesk-abs-test/events.json", "..\\evil\\events.json", "C:/evil/events.json"],
)
def test_zip_unsafe_member_names(store, tmp_path, member):
    members = B.folder_members({sid: B.corpus_raw(name) for sid, name in GOOD.items()})
    members[member] = B.corpus_raw(TWO_PAGES)
    work = tmp_path / "work"
    work.mkdir()
    archive = B.make_zip(work / "archive.zip", members)
    before = sorted(p for p in tmp_path.rglob("*"))
    res = import_and_check_rest(store, [archive])
    res.rejected_once(r"unsafe", member)
    assert sorted(p for p in tmp_path.rglob("*")) == before  # nothing written anywhere near
    assert not (tmp_path / "evil").exists() and not Path("/tmp/replaydesk-abs-test").exists()
    assert not B.session_ids(res.db) & {"evil", "replaydesk-abs-test"}


@pytest.fixture(scope="module")
def zeros_300mb() -> tuple[bytes, int, int]:
    n = 300 << 20
    data, crc = B.deflated_zeros(n)
    return data, crc, n


def _gzip_from_deflate(deflate: bytes, crc: int, n: int) -> bytes:
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + deflate + struct.pack("<II", crc, n & 0xFFFFFFFF)


def _measure(fn):
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        out = fn()
    finally:
        seconds = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return out, seconds, peak


@pytest.mark.parametrize("declared", ["honest", "lying"])
def test_zip_bomb_member(store, tmp_path, zeros_300mb, declared):
    deflate, crc, n = zeros_300mb
    good = [(f"{sid}/events.json", B.corpus_raw(name)) for sid, name in GOOD.items()]
    members = [(name, zlib.compress(data)[2:-4], zlib.crc32(data), len(data), 8) for name, data in good]
    size = n if declared == "honest" else 4096  # a lying header claims a small member
    members.append((f"{BAD}/events.json", deflate, crc, size, 8))
    archive = B.raw_zip(tmp_path / "bomb.zip", members)
    res, seconds, peak = _measure(lambda: import_and_check_rest(store, [archive]))
    # a lying header is caught either by the size cap or by the CRC at its declared end
    res.rejected_once(r"bomb|limit" if declared == "honest" else r"bomb|limit|declares|corrupt", f"{BAD}/events.json")
    assert seconds < 5, seconds
    assert peak < 48 << 20, f"peak {peak >> 20} MB"


@pytest.mark.parametrize("where", ["file", "zip-member"])
def test_gzip_bomb(store, tmp_path, zeros_300mb, where):
    gz = _gzip_from_deflate(*zeros_300mb)
    assert len(gz) < 1 << 20
    if where == "file":
        archive = build_archive(tmp_path, "folder", {"events.json.gz": gz})
    else:
        archive = build_archive(tmp_path, "zip", {"events.json.gz": gz})
    res, seconds, peak = _measure(lambda: import_and_check_rest(store, [archive]))
    res.rejected_once(r"bomb|limit", f"{BAD}/events.json.gz")
    assert seconds < 10, seconds
    assert peak < 80 << 20, f"peak {peak >> 20} MB"  # bounded by the 64 MB bomb floor, not the 300 MB payload


def test_packed_event_bomb_is_dropped(store, tmp_path, zeros_300mb):
    """One rrweb-packer string that inflates to 300 MB: that event goes, the session stays."""
    deflate, crc, n = zeros_300mb
    bomb = (b"\x78\xda" + deflate + struct.pack(">I", zlib.adler32(b""))).decode("latin-1")
    evs = [B.pack(e) for e in B.events(SMALL)]
    evs.insert(20, bomb)
    archive = build_archive(tmp_path, "folder", {"events.json": orjson.dumps(evs)})
    res, seconds, peak = _measure(lambda: import_and_check_rest(store, [archive]))
    res.warned_once(r"event #21\b.*(bomb|limit)", BAD)
    assert B.stored(res.db, BAD) == B.events(SMALL)
    assert peak < 80 << 20, f"peak {peak >> 20} MB"


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("empty.zip", b"", r"empty"),
        ("corrupt.zip", b"PK\x03\x04" + bytes(range(256)) * 4, r"corrupt"),
        ("renamed.zip", b"just text", r"not a zip"),
        ("no-recordings.zip", None, r"no recordings"),
    ],
)
def test_broken_zip_files(store, tmp_path, name, data, reason):
    if data is None:
        B.make_zip(tmp_path / name, {"README.txt": b"hello", "img/logo.png": b"\x89PNG"})
    else:
        B.write(tmp_path / name, data)
    good = build_archive(tmp_path, "zip", {})
    res = import_and_check_rest(store, [tmp_path / name, good])
    res.rejected_once(reason, name)


def test_zip_with_undecodable_utf8_member_name(store, tmp_path):
    bad = B.make_zip(tmp_path / "names.zip", {"s1/events.json": B.corpus_raw(TWO_PAGES)})
    b = bytearray(bad.read_bytes())
    i = b.index(b"PK\x01\x02")
    b[i + 8 : i + 10] = struct.pack("<H", 0x800)  # "names are UTF-8"
    b[b.index(b"s1/events.json", i)] = 0xFF  # ... but this one is not
    bad.write_bytes(bytes(b))
    good = build_archive(tmp_path, "zip", {})
    res = import_and_check_rest(store, [bad, good])
    res.rejected_once(r"corrupt zip", "names.zip")


@pytest.mark.parametrize("flag, method, reason", [(0x1, 8, r"encrypted"), (0, 99, r"unsupported compression")])
def test_zip_member_we_cannot_read(store, tmp_path, flag, method, reason):
    members = B.folder_members({sid: B.corpus_raw(name) for sid, name in GOOD.items()})
    members[f"{BAD}/events.json"] = B.corpus_raw(TWO_PAGES)
    archive = B.make_zip(tmp_path / "archive.zip", members)
    b = bytearray(archive.read_bytes())
    name = f"{BAD}/events.json".encode()
    loc = b.index(b"PK\x03\x04" + b[4:6], max(0, b.index(name) - 40))  # local header of that member
    cen = b.rindex(name) - 46
    assert b[cen : cen + 4] == b"PK\x01\x02" and b[loc + 30 : loc + 30 + len(name)] == name
    for off, (fo, mo) in ((loc, (6, 8)), (cen, (8, 10))):
        b[off + fo : off + fo + 2] = struct.pack("<H", flag)
        b[off + mo : off + mo + 2] = struct.pack("<H", method)
    archive.write_bytes(bytes(b))
    res = import_and_check_rest(store, [archive])
    res.rejected_once(reason, f"{BAD}/events.json")


def test_single_200mb_json_string(store, tmp_path):
    p = tmp_path / "huge.json"
    block = b"a" * (1 << 20)
    with open(p, "wb") as f:
        f.write(b'"')
        for _ in range(200):
            f.write(block)
        f.write(b'"')
    good = build_archive(tmp_path, "zip", {})
    t0 = time.perf_counter()
    res = import_and_check_rest(store, [p, good])
    assert time.perf_counter() - t0 < 10
    why = res.rejected_once(r"wrong shape.*string", "huge.json")
    assert len(why) < 200


def test_missing_path_and_folder_without_recordings(store, tmp_path):
    empty = tmp_path / "nothing-here"
    B.write(empty / "notes.txt", b"hello")
    res = import_and_check_rest(store, [tmp_path / "does-not-exist.json", build_archive(tmp_path, "folder", {})])
    res.rejected_once(r"no such file", "does-not-exist.json")
    report = import_paths(res.db, [empty])
    assert len(report.rejected) == 1 and "no recordings" in report.rejected[0][1]


# ------------------------------------------- a bad file must not replace a good session


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(lambda: orjson.dumps(_no_full_snapshot(B.events(SMALL))), id="no-full-snapshot"),
        pytest.param(lambda: raw_small()[:25], id="truncated-before-first-event"),
        pytest.param(lambda: b"[1, 2, 3]", id="array-of-numbers"),
        pytest.param(lambda: b"\x00\x01binary", id="binary"),
    ],
)
def test_rejected_file_with_an_existing_id_leaves_that_session_alone(store, tmp_path, bad):
    """Same session id as the earlier import (folder name): the replace is rolled back."""
    db, earlier_state = store
    folder = B.session_folder(tmp_path, EARLIER, bad())
    report = import_paths(db, [folder])
    assert len(report.rejected) == 1 and EARLIER in report.rejected[0][0]
    assert report.added == [] and report.replaced == []
    assert B.store_state(db, EARLIER) == earlier_state
    B.check_integrity(db)


def test_salvaged_file_with_an_existing_id_replaces_it_whole(store, tmp_path):
    """Same recorded id from the same place: the salvaged prefix replaces the stored
    session. (The same id read from elsewhere is another session: issue 9.)"""
    db, earlier_state = store
    evs = B.events(EARLIER)
    folder = B.session_folder(tmp_path, EARLIER, orjson.dumps(evs[:150]), meta_obj=B.meta(EARLIER))
    assert import_paths(db, [folder]).added == [f"{EARLIER}~2"]
    (folder / "events.json").write_bytes(orjson.dumps(evs)[: len(orjson.dumps(evs[:100])) + 10])
    report = import_paths(db, [folder])
    assert report.replaced == [f"{EARLIER}~2"] and report.rejected == [] and report.added == []
    assert B.stored(db, f"{EARLIER}~2") == evs[:100]
    assert B.store_state(db, EARLIER) == earlier_state
    B.check_integrity(db)


def test_cancel_in_the_middle_of_a_session_leaves_no_trace(store, tmp_path):
    from replaydesk.store import Cancelled  # noqa: F401 - the importer turns it into report.cancelled

    db, earlier_state = store
    big = B.write(tmp_path / "big.json", orjson.dumps(B.big_events()))
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 3  # after a few batches of the big session

    report = import_paths(db, [big], cancel=cancel)
    assert report.cancelled
    assert report.added == []
    assert B.session_ids(db) == {EARLIER}
    assert B.store_state(db, EARLIER) == earlier_state
    B.check_integrity(db)


# ------------------------------------------------------------------ limits


def test_size_limits_reject_one_line_each(store, tmp_path):
    from replaydesk.formats import Limits

    lim = Limits(max_session_bytes=150_000, max_members=50)
    big = B.corpus_raw("ses_ac59c861b05d")  # 175 KB
    assert len(big) > 150_000
    archive = tmp_path / "archive"
    B.write(archive / "loose" / "too-big.json", big)
    B.write(archive / "loose" / "too-big-unpacked.json.gz", gzip.compress(big))
    zipped = B.make_zip(tmp_path / "z.zip", B.folder_members({"zbig": big, "zsmall": B.corpus_raw(SMALL)}))
    many = B.make_zip(tmp_path / "many.zip", {f"m{k}/events.json": b"[]" for k in range(51)})
    db, earlier_state = store
    report = import_paths(db, [archive / "loose", zipped, many], limits=lim)
    assert B.names(db, report.added) == ["zsmall"]
    reasons = dict(report.rejected)
    assert len(reasons) == 4, report.rejected
    for label, why in reasons.items():
        assert re.search(r"limit", why), (label, why)
    assert any("too-big.json" in lb for lb in reasons) and any("too-big-unpacked.json.gz" in lb for lb in reasons)
    assert any("zbig/events.json" in lb for lb in reasons) and any(lb.endswith("many.zip") for lb in reasons)
    assert B.store_state(db, EARLIER) == earlier_state
    B.check_integrity(db)


@pytest.mark.parametrize("blob", [False, True], ids=["event-lines", "blob-lines"])
def test_json_lines_warning_names_the_line_as_an_editor_shows_it(store, tmp_path, blob):
    evs = B.events(SMALL)
    lines = [orjson.dumps(["w", e] if blob else e) for e in evs]
    lines[6] = lines[6][:-9]  # broken: file line 9 once two blank lines are put before it
    body = lines[0] + b"\n\n\r\n" + b"\n".join(lines[1:]) + b"\n"
    archive = build_archive(tmp_path, "folder", {"events.jsonl": body})
    res = import_and_check_rest(store, [archive])
    res.warned_once(r"skipped 1 unreadable line\(s\) \(first: line 9\b", BAD, "events.jsonl")
    assert B.stored(res.db, BAD) == evs[:6] + evs[7:]


@pytest.mark.parametrize("head", [b"", b'[{"type":4'])
def test_a_huge_file_of_zeros_is_called_binary_from_its_first_bytes(fresh_db, tmp_path, head):
    """A 1.9 GB file of NULs was read whole (1.95 GB) before it was called binary data."""
    path = tmp_path / "zeros.json"
    with open(path, "wb") as f:
        f.write(head)
        f.truncate(1 << 30)  # sparse: a gigabyte of NULs without writing one
    report, _, peak = _measure(lambda: import_paths(fresh_db, [path]))
    ((label, why),) = report.rejected
    assert label == str(path) and why == "not JSON: the file is binary data (not a recording archive)"
    assert peak < 8 << 20
