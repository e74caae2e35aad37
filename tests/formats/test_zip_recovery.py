"""Zips whose central directory is lost (a download cut short) or damaged.

zipfile refuses such a file outright; the importer walks the members' local
headers instead (formats/ziprecover.py), imports every session that is whole,
names each member it cannot read, and says once that the archive was recovered.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path

import orjson
import pytest

from replaydesk.formats.limits import Limits
from replaydesk.formats.sources import Ignored, Rejected, SessionSource, iter_sources
from replaydesk.store import import_paths

from . import builders as B

SESSIONS = ("s1", "s2", "s3")
RECOVERED = r"directory is missing or damaged .* (\d+) member\(s\) recovered"


def _rec(k: int) -> bytes:
    return orjson.dumps(B.tiny_events(t0=1_700_000_000_000 + k * 10_000, n_moves=50 + k))


def _members() -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for k, s in enumerate(SESSIONS):
        out[f"{s}/meta.json"] = orjson.dumps({"note": s})
        out[f"{s}/events.json"] = _rec(k)
    return out


class _Unseekable(io.RawIOBase):
    """A write-only stream without seek: zipfile then sets flag bit 3 and writes each
    member's CRC and sizes in a data descriptor after its data."""

    def __init__(self):
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.data += b
        return len(b)


def _zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED, streamed: bool = False,
               stored: tuple[str, ...] = ()) -> bytes:
    """A zip of ``members`` (those named in ``stored`` stored, the rest with ``method``)."""
    sink = _Unseekable() if streamed else io.BytesIO()
    with zipfile.ZipFile(sink, "w") as zf:
        for name, data in members.items():
            how = zipfile.ZIP_STORED if name in stored else method
            zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 27, 0, 0, 0)), data, compress_type=how)
    return bytes(sink.data if streamed else sink.getvalue())


def _no_directory(data: bytes) -> bytes:
    """The zip cut exactly where its central directory begins."""
    return data[: data.index(b"PK\x01\x02")]


def _local(data: bytes, name: str) -> tuple[int, int, int]:
    """(local header offset, data offset, declared compressed size) of member ``name``."""
    at = data.index(name.encode()) - 30  # local headers come first; the name follows the fixed part
    assert data[at : at + 4] == b"PK\x03\x04"
    (csize,) = struct.unpack_from("<I", data, at + 18)
    nlen, xlen = struct.unpack_from("<HH", data, at + 26)
    return at, at + 30 + nlen + xlen, csize


def _cut_inside(data: bytes, name: str) -> bytes:
    _, start, csize = _local(data, name)
    return data[: start + csize // 2]


def _import(db, path: Path):
    report = import_paths(db, [path])  # must not raise
    B.check_integrity(db)
    return report


def _one_line(report, kind: str, suffix: str) -> str:
    found = [why for label, why in getattr(report, kind) if label.endswith(suffix)]
    assert len(found) == 1, (suffix, report.rejected, report.ignored)
    why = found[0]
    assert "\n" not in why and "Traceback" not in why and "internal error" not in why
    return why


def _recovered_count(report, name: str) -> int:
    m = re.search(RECOVERED, _one_line(report, "ignored", name))
    assert m, report.ignored
    return int(m.group(1))


def _sessions(db) -> set[str]:
    return set(B.names(db, sorted(B.session_ids(db))))


# ---------------------------------------------------------------- truncated downloads


def test_cut_inside_the_third_session_imports_the_first_two(fresh_db, tmp_path):
    path = B.write(tmp_path / "cut.zip", _cut_inside(_zip_bytes(_members()), "s3/events.json"))
    report = _import(fresh_db, path)
    assert _sessions(fresh_db) == {"s1", "s2"}
    assert report.added and not report.warnings
    assert _recovered_count(report, "cut.zip") == 5  # 2 sessions x 2 files, and s3's meta.json
    assert "truncated: the archive ends inside this member" in _one_line(report, "rejected", "cut.zip:s3/events.json")
    assert len(report.rejected) == 1
    assert B.stored(fresh_db, "s1") == orjson.loads(_rec(0))
    assert B.row(fresh_db, "s2")["meta"]["note"] == "s2"  # meta.json found beside it


def test_cut_exactly_at_the_directory_imports_everything(fresh_db, tmp_path):
    path = B.write(tmp_path / "nodir.zip", _no_directory(_zip_bytes(_members())))
    report = _import(fresh_db, path)
    assert _sessions(fresh_db) == set(SESSIONS)
    assert not report.rejected and _recovered_count(report, "nodir.zip") == 6
    assert [label for label, _ in report.ignored] == [str(path)]  # the one warning line
    for k, s in enumerate(SESSIONS):
        assert B.stored(fresh_db, s) == orjson.loads(_rec(k))


def test_a_cut_download_of_the_demo_archive(fresh_db, corpus, tmp_path):
    """The corpus archive cut at 60%: every session whose files lie before the cut is
    stored as a whole import of the archive stores it; the one cut is named."""
    data = (corpus / "archive-demo.zip").read_bytes()
    cut = len(data) * 6 // 10
    whole = {i.filename: i for i in zipfile.ZipFile(corpus / "archive-demo.zip").infolist()}
    before = {n.split("/")[0] for n, i in whole.items() if n.endswith("events.json") and _local(data, n)[1] + i.compress_size <= cut}
    [cut_member] = [n for n, i in whole.items() if _local(data, n)[1] <= cut < _local(data, n)[1] + i.compress_size]
    report = _import(fresh_db, B.write(tmp_path / "demo.zip", data[:cut]))
    assert 3 <= len(before) < 9 and set(report.added) == before  # corpus sessions carry their own ids
    for sid in before:
        assert B.stored(fresh_db, sid) == B.events(sid)
    assert [label.rpartition(":")[2] for label, _ in report.rejected] == [cut_member]
    assert _recovered_count(report, "demo.zip") == sum(1 for n in whole if _local(data, n)[1] + whole[n].compress_size <= cut)


def test_damaged_directory_is_recovered_too(fresh_db, tmp_path):
    data = bytearray(_zip_bytes(_members()))
    data[data.index(b"PK\x01\x02") + 2] = 0  # the first directory entry's signature
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(bytes(data)))
    report = _import(fresh_db, B.write(tmp_path / "baddir.zip", bytes(data)))
    assert _sessions(fresh_db) == set(SESSIONS) and not report.rejected
    assert _recovered_count(report, "baddir.zip") == 6


def test_data_descriptor_members_are_recovered(fresh_db, tmp_path):
    """Flag bit 3 (sizes and CRC after the data): a deflate member ends where its stream ends."""
    data = _zip_bytes(_members(), streamed=True)
    assert struct.unpack_from("<H", data, 6)[0] & 0x8  # zipfile did write them so
    path = B.write(tmp_path / "streamed.zip", _no_directory(data))
    report = _import(fresh_db, path)
    assert _sessions(fresh_db) == set(SESSIONS) and not report.rejected
    assert _recovered_count(report, "streamed.zip") == 6


def test_data_descriptor_crc_is_checked(tmp_path):
    data = bytearray(_no_directory(_zip_bytes(_members(), streamed=True)))
    _, start, _ = _local(bytes(data), "s2/events.json")
    d = data.index(b"PK\x07\x08", start)
    data[d + 4] ^= 0xFF  # the CRC-32 the descriptor gives
    out = list(iter_sources([B.write(tmp_path / "crc.zip", bytes(data))]))
    [bad] = [x for x in out if isinstance(x, Rejected)]
    assert bad.label.endswith("crc.zip:s2/events.json") and "CRC-32" in bad.reason
    assert {x.default_id for x in out if isinstance(x, SessionSource)} == {"s1", "s3"}


def test_stored_member_with_data_descriptor_is_named_not_guessed(fresh_db, tmp_path):
    """A stored member with flag bit 3 has no end to find: reported, and the walk goes on."""
    metas = tuple(f"{s}/meta.json" for s in SESSIONS)
    data = _no_directory(_zip_bytes(_members(), streamed=True, stored=metas))
    report = _import(fresh_db, B.write(tmp_path / "stored.zip", data))
    assert _sessions(fresh_db) == set(SESSIONS)  # read without their meta.json
    assert sorted(label.rpartition(":")[2] for label, _ in report.rejected) == sorted(metas)
    assert all("flag bit 3" in why for _, why in report.rejected)
    assert _recovered_count(report, "stored.zip") == 3


def test_crc_mismatch_in_a_stored_member_rejects_that_member(fresh_db, tmp_path):
    data = bytearray(_no_directory(_zip_bytes(_members(), method=zipfile.ZIP_STORED)))
    _, start, csize = _local(bytes(data), "s2/events.json")
    data[start + csize // 2] ^= 0x01
    report = _import(fresh_db, B.write(tmp_path / "flip.zip", bytes(data)))
    assert _sessions(fresh_db) == {"s1", "s3"}
    assert "CRC-32 mismatch" in _one_line(report, "rejected", "flip.zip:s2/events.json")
    assert len(report.rejected) == 1 and _recovered_count(report, "flip.zip") == 5


def test_encrypted_member_is_rejected_by_name(fresh_db, tmp_path):
    data = bytearray(_no_directory(_zip_bytes(_members())))
    at, _, _ = _local(bytes(data), "s1/events.json")
    data[at + 6] |= 0x1  # "encrypted"
    report = _import(fresh_db, B.write(tmp_path / "enc.zip", bytes(data)))
    assert _sessions(fresh_db) == {"s2", "s3"}
    assert "encrypted" in _one_line(report, "rejected", "enc.zip:s1/events.json")


def test_other_compression_method_is_rejected_by_name(tmp_path):
    data = bytearray(_no_directory(_zip_bytes(_members())))
    at, _, _ = _local(bytes(data), "s3/events.json")
    data[at + 8 : at + 10] = struct.pack("<H", 14)  # LZMA
    out = list(iter_sources([B.write(tmp_path / "lzma.zip", bytes(data))]))
    [bad] = [x for x in out if isinstance(x, Rejected)]
    assert bad.label.endswith(":s3/events.json") and "compression method 14" in bad.reason
    assert {x.default_id for x in out if isinstance(x, SessionSource)} == {"s1", "s2"}


def test_unsafe_names_in_a_recovered_zip_are_refused(tmp_path):
    members = _members()
    members["../evil/events.json"] = _rec(9)
    out = list(iter_sources([B.write(tmp_path / "evil.zip", _no_directory(_zip_bytes(members)))]))
    assert [x.label for x in out if isinstance(x, Rejected) and "unsafe" in x.reason] == [f"{tmp_path / 'evil.zip'}:../evil/events.json"]
    assert {x.default_id for x in out if isinstance(x, SessionSource)} == set(SESSIONS)


# ---------------------------------------------------------------- limits and hostile input


def test_recovery_keeps_the_size_limits(tmp_path):
    limits = Limits(max_member_bytes=1000)
    out = list(iter_sources([B.write(tmp_path / "big.zip", _no_directory(_zip_bytes(_members(), streamed=True)))], limits))
    over = [x for x in out if isinstance(x, Rejected) and "limit" in x.reason]
    assert {x.label.rpartition(":")[2] for x in over} == {f"{s}/events.json" for s in SESSIONS}
    assert not any(isinstance(x, SessionSource) for x in out)


def test_recovery_keeps_the_member_count_limit(tmp_path):
    out = list(iter_sources([B.write(tmp_path / "many.zip", _no_directory(_zip_bytes(_members())))], Limits(max_members=4)))
    assert len(out) == 1 and isinstance(out[0], Rejected) and "over the limit of 4" in out[0].reason


def test_deflate_bomb_without_sizes_is_stopped(tmp_path):
    """A flag-bit-3 member of 300 MB of zeros: refused by the ratio rule, not inflated whole."""
    deflate, _ = B.deflated_zeros(300 << 20)
    name = b"bomb/events.json"
    bomb = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x8, 8, 0, 0x21, 0, 0, 0, len(name), 0) + name + deflate
    good = _no_directory(_zip_bytes({"s1/events.json": _rec(1)}))
    out = list(iter_sources([B.write(tmp_path / "bomb.zip", good + bomb)]))
    [bad] = [x for x in out if isinstance(x, Rejected)]
    assert bad.label.endswith(":bomb/events.json") and "bomb" in bad.reason
    assert [x.default_id for x in out if isinstance(x, SessionSource)] == ["s1"]


@pytest.mark.parametrize("size", [1 << 10, 1 << 20])
def test_a_file_of_local_header_signatures_is_rejected_quickly(tmp_path, size):
    path = B.write(tmp_path / "sigs.zip", b"PK\x03\x04" * (size // 4))
    out = list(iter_sources([path]))  # finishes: the walk gives up on garbage
    assert len(out) == 1 and isinstance(out[0], Rejected) and "corrupt zip archive" in out[0].reason
    assert "no member could be recovered" in out[0].reason


def test_signatures_with_plausible_names_end_the_walk(tmp_path):
    """Headers that each claim to be encrypted with the end after their data unknown:
    one line each up to the member limit, never a walk back over the same bytes."""
    name = b"x/events.json"
    hdr = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x9, 8, 0, 0, 0, 0, 0, len(name), 0) + name
    path = B.write(tmp_path / "hdrs.zip", hdr * 2000)
    out = list(iter_sources([path], Limits(max_members=100)))
    assert len(out) == 1 and "over the limit of 100" in out[0].reason


def test_headers_nested_in_damaged_data_do_not_inflate_it_again_and_again(tmp_path):
    """Each header's deflate data is a stored block holding the next header, then an
    invalid block: every one fails with its end unknown, and the walk searches on inside
    it. The walk inflates at most about twice the file, then stops and says so."""
    name, inner = b"n/events.json", b""
    while len(inner) < 60_000:
        stream = b"\x00" + struct.pack("<HH", len(inner), len(inner) ^ 0xFFFF) + inner + b"\x07"
        inner = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x8, 8, 0, 0, 0, 0, 0, len(name), 0) + name + stream
    good = _no_directory(_zip_bytes({"s1/events.json": _rec(1)}))
    path = B.write(tmp_path / "nested.zip", good + inner)
    out = list(iter_sources([path]))
    [warning] = [x for x in out if isinstance(x, Ignored)]
    assert "1 member(s) recovered" in warning.reason and "walk stopped" in warning.reason
    bad = [x for x in out if isinstance(x, Rejected)]
    assert 1 <= len(bad) <= 50 and all("corrupt zip member" in x.reason for x in bad)
    assert [x.default_id for x in out if isinstance(x, SessionSource)] == ["s1"]


def test_a_zip_that_is_only_a_cut_member_says_why(tmp_path):
    out = list(iter_sources([B.write(tmp_path / "one.zip", _cut_inside(_zip_bytes({"s1/events.json": _rec(1)}), "s1/events.json"))]))
    assert len(out) == 1 and isinstance(out[0], Rejected)
    assert "corrupt zip archive" in out[0].reason and "s1/events.json: truncated" in out[0].reason


def test_the_cli_prints_one_line_each(tmp_path, capsys):
    from replaydesk.cli.commands import do_import
    from replaydesk.store import open_store

    path = B.write(tmp_path / "cut.zip", _cut_inside(_zip_bytes(_members()), "s3/events.json"))
    code, report = do_import(open_store(tmp_path / "s.db"), [path], quiet=True)
    err = capsys.readouterr().err.splitlines()
    assert code == 1 and len(report.added) == 2
    assert f"rejected: {path}:s3/events.json: truncated: the archive ends inside this member" in err
    assert any(line.startswith(f"ignored: {path}: the zip's directory is missing") for line in err)


# ---------------------------------------------------------------- duplicate member names


@pytest.mark.parametrize("recovered", [False, True])
def test_duplicate_member_names_read_the_last_and_say_so(fresh_db, tmp_path, recovered):
    sink = io.BytesIO()
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("s1/events.json", _rec(1))
        zf.writestr("s1/events.json", _rec(2))
        zf.writestr("s2/events.json", _rec(3))
    data = sink.getvalue()
    path = B.write(tmp_path / "dups.zip", _no_directory(data) if recovered else data)
    report = _import(fresh_db, path)
    assert _sessions(fresh_db) == {"s1", "s2"} and not report.rejected
    assert B.stored(fresh_db, "s1") == orjson.loads(_rec(2))  # the last one, as unzip would extract
    why = _one_line(report, "ignored", "dups.zip:s1/events.json")
    assert "2 members with this name" in why and "the last one was read" in why
    assert len(report.ignored) == (2 if recovered else 1)

