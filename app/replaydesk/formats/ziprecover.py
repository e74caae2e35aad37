"""Read the members of a zip whose central directory is lost or damaged.

Why: a zip's directory sits at the end of the file, so a download cut short
loses it and :mod:`zipfile` refuses the whole archive, although every member
before the cut is intact. Each member also starts with a local header (zip
APPNOTE 4.3.7: name, method, flags and, unless flag bit 3 is set, CRC-32 and
sizes), so walking those headers front to back gets the sessions back.

A header is trusted only as far as it can be checked: a deflate member ends
where its stream ends, the CRC-32 is compared when the header or the data
descriptor after the data gives it, and the same size, compression-bomb and
member-count limits as the normal path apply. A member that cannot be vouched
for (cut by the truncation, encrypted, another method, stored with flag bit 3,
damaged) is returned with a one-line reason instead of being read.

The walk is bounded on hostile input: it inflates at most twice the file's
size in all, gives up after a fixed number of signatures that do not start a
plausible header, and stops at ``max_members``. The file is mapped, not read
into memory.
"""

from __future__ import annotations

import mmap
import re
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import FormatError
from .limits import Limits

LOCAL = b"PK\x03\x04"
_DESCRIPTOR = b"PK\x07\x08"
_DIRECTORY = (b"PK\x01\x02", b"PK\x05\x06", b"PK\x06\x06")  # central directory, its end (zip64 too)
_HEADER = struct.Struct("<IHHHHHIIIHH")  # signature, version, flags, method, time, date, crc, csize, usize, nlen, xlen
_ENCRYPTED, _DATA_DESCRIPTOR, _UTF8 = 0x1, 0x8, 0x800
_STORED, _DEFLATED = 0, 8
_FEED = 1 << 14  # compressed bytes fed per step: a damaged stream is noticed within this of its fault
_OUT = 1 << 20  # decompressed bytes per step
_BOMB_FLOOR = 64 << 20  # as the normal path: the ratio rule applies above this size
_MAX_BOGUS = 1000  # signatures that do not start a plausible header before the walk gives up
_CONTROL = re.compile("[\x00-\x1f\x7f]")  # never in a real member name: the header is garbage
_CUT = "cut"  # the file ends inside a header
TRUNCATED = "truncated: the archive ends inside this member"


@dataclass(frozen=True)
class Member:
    """A member whose data was checked during the walk: where to read it again."""

    name: str
    offset: int  # first byte of its (compressed) data
    compress_size: int
    file_size: int
    method: int
    crc: int


@dataclass(frozen=True)
class Damaged:
    """A member found by its header that cannot be read, and why (one line)."""

    name: str
    reason: str


@dataclass
class Scan:
    members: list[Member] = field(default_factory=list)
    damaged: list[Damaged] = field(default_factory=list)
    #: bytes passed over between members (not zip data the walk could read)
    skipped: int = 0
    #: why the walk stopped before the end of the file, if it did
    note: str = ""
    #: more members than ``Limits.max_members``: the walk stopped there
    too_many: bool = False


class _Bad(Exception):
    """A member that cannot be read; ``end``: where the next member starts, when known."""

    def __init__(self, reason: str, end: int | None = None):
        super().__init__(reason)
        self.reason, self.end = reason, end


class _Exhausted(Exception):
    """The walk fed its budget of compressed bytes to decompressors."""


class _Budget:
    """Compressed bytes the walk may still inflate. A member that fails with its end
    unknown is searched again from its data for the next header, so hostile nesting
    (headers inside headers' data) could otherwise inflate the same bytes again and again."""

    def __init__(self, left: int):
        self.left = left

    def take(self, k: int) -> None:
        self.left -= k
        if self.left < 0:
            raise _Exhausted


@dataclass(frozen=True)
class _Header:
    name: str
    flags: int
    method: int
    crc: int
    compress_size: int
    file_size: int
    start: int  # where the data begins


def size_problem(file_size: int, compress_size: int, cap: int, max_ratio: float) -> str | None:
    """Why a member with these declared sizes is refused before reading it, or None."""
    if file_size > cap:
        return f"member unpacks to {file_size >> 20} MB, over the {cap >> 20} MB limit"
    if file_size > _BOMB_FLOOR and file_size > max_ratio * max(compress_size, 1):
        return (f"compression bomb: {compress_size} bytes would unpack to {file_size >> 20} MB "
                f"(ratio over {max_ratio:.0f}:1)")
    return None


def scan(path: Path, limits: Limits) -> Scan | None:
    """The members found by walking local headers, or None when the file does not
    start with one (then it is not a zip whose directory was lost)."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        if buf[:4] != LOCAL:
            return None
        return _walk(buf, limits)


def read_member(path: Path, m: Member, limits: Limits) -> bytes:
    """The member's bytes, checked again against what the walk found (the file may
    have changed since)."""
    try:
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            _, size, crc, parts = _extract(buf, m.offset, m.offset + m.compress_size, m.method, m.file_size,
                                           limits.max_ratio, "member changed since the archive was listed", keep=True)
    except _Bad as exc:
        raise FormatError(exc.reason) from None
    except ValueError:  # mmap of a file emptied meanwhile
        raise FormatError("the archive changed since it was listed") from None
    if size != m.file_size or crc != m.crc:
        raise FormatError("the archive changed since it was listed (CRC-32 differs)")
    return b"".join(parts)


def _walk(buf, limits: Limits) -> Scan:
    out = Scan()
    n, pos, bogus, total = len(buf), 0, 0, 0
    budget = _Budget(2 * n + (1 << 20))
    after_damage = False  # data of a member that failed with its end unknown: already reported
    while pos < n:
        sig = buf[pos : pos + 4]
        if sig in _DIRECTORY:
            break  # the (damaged) directory: every member is before it
        if sig != LOCAL:
            nxt = buf.find(LOCAL, pos + 1)
            out.skipped += 0 if after_damage else (nxt if nxt >= 0 else n) - pos
            if nxt < 0:
                break
            pos = nxt
            continue
        h = _header(buf, pos)
        if h is None:
            bogus += 1
            if bogus > _MAX_BOGUS:
                out.note = "the rest of the file is not zip data"
                out.skipped += n - pos
                break
            out.skipped += 1
            pos += 1
            continue
        if h == _CUT:
            out.note = "the archive ends inside the header of one more member"
            break
        known_end = None if h.flags & _DATA_DESCRIPTOR else h.start + h.compress_size
        if h.name.endswith("/"):  # a folder entry: nothing to read
            pos = h.start if known_end is None else known_end
            continue
        if len(out.members) + len(out.damaged) >= limits.max_members:
            out.too_many = True
            break
        try:
            member, pos = _check(buf, h, known_end, limits, budget)
        except _Exhausted:
            out.note = "the walk stopped: too much of the file is damaged to search further"
            break
        except _Bad as exc:
            out.damaged.append(Damaged(h.name, exc.reason))
            if exc.reason == TRUNCATED or (known_end is not None and known_end > n):
                break  # nothing of the archive is left after it
            # past its end when known; else search on from its data for the next header
            # (the budget bounds how often the same bytes are inflated again)
            pos = exc.end if exc.end is not None else h.start if known_end is None else known_end
            after_damage = exc.end is None and known_end is None
            continue
        after_damage = False
        out.members.append(member)
        total += member.file_size
        if total > limits.max_archive_bytes:
            break  # the caller refuses the archive on the total
    return out


def _check(buf, h: _Header, known_end: int | None, limits: Limits, budget: _Budget) -> tuple[Member, int]:
    """The member behind header ``h``, its data checked, and where the next one starts."""
    n = len(buf)
    cap = min(limits.max_member_bytes, limits.max_session_bytes)
    if known_end is not None and known_end > n:
        raise _Bad(_refusal(h) or TRUNCATED)
    if refused := _refusal(h):
        raise _Bad(refused)
    if known_end is None:
        allowed, over = cap, f"member unpacks to more than the {cap >> 20} MB limit"
    elif problem := _declared_problem(h, cap, limits.max_ratio):
        raise _Bad(problem)
    else:
        allowed, over = h.file_size, "member unpacks to more than its header declares (possible compression bomb)"
    end, size, crc, _ = _extract(buf, h.start, n if known_end is None else known_end, h.method, allowed,
                                 limits.max_ratio, over, budget=budget)
    want, nxt = (h.crc, known_end) if known_end is not None else _descriptor(buf, end, end - h.start, size)
    if want is not None and want != crc:
        raise _Bad("corrupt zip member (CRC-32 mismatch: the data is damaged)", nxt)
    if known_end is not None and size != h.file_size:
        raise _Bad(f"corrupt zip member (unpacks to {size} bytes, its header declares {h.file_size})", nxt)
    return Member(h.name, h.start, end - h.start, size, h.method, crc), nxt


def _header(buf, pos: int) -> _Header | str | None:
    """The local header at ``pos``; :data:`_CUT` when the file ends inside it; None when
    this signature does not start a plausible header."""
    n = len(buf)
    if pos + _HEADER.size > n:
        return _CUT
    _, _, flags, method, _, _, crc, csize, usize, nlen, xlen = _HEADER.unpack_from(buf, pos)
    name_at = pos + _HEADER.size
    start = name_at + nlen + xlen
    if nlen == 0:
        return None
    if start > n:
        return _CUT
    try:
        name = buf[name_at : name_at + nlen].decode("utf-8" if flags & _UTF8 else "cp437")
    except UnicodeDecodeError:
        return None
    if _CONTROL.search(name):
        return None
    if 0xFFFFFFFF in (csize, usize):
        usize, csize = _zip64_sizes(buf[name_at + nlen : start], usize, csize)
    return _Header(name, flags, method, crc, csize, usize, start)


def _zip64_sizes(extra: bytes, usize: int, csize: int) -> tuple[int, int]:
    """Sizes from the zip64 extra field (id 1): each 8-byte value replaces a 0xFFFFFFFF one, in order."""
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        body = extra[at + 4 : at + 4 + length]
        if kind == 1:
            values = [v for (v,) in struct.iter_unpack("<Q", body[: len(body) // 8 * 8])]
            if usize == 0xFFFFFFFF and values:
                usize = values.pop(0)
            if csize == 0xFFFFFFFF and values:
                csize = values.pop(0)
            break
        at += 4 + length
    return usize, csize


def _refusal(h: _Header) -> str | None:
    if h.flags & _ENCRYPTED:
        return "encrypted (password-protected) zip member"
    if h.method not in (_STORED, _DEFLATED):
        return (f"zip member uses compression method {h.method}: without the zip's directory only "
                "stored and deflate members can be recovered")
    if h.method == _STORED and h.flags & _DATA_DESCRIPTOR:
        return "stored with its size after the data (flag bit 3): its end cannot be found without the zip's directory"
    return None


def _declared_problem(h: _Header, cap: int, max_ratio: float) -> str | None:
    if h.method == _STORED and h.compress_size != h.file_size:
        return "corrupt zip member (stored, but its header gives two different sizes)"
    return size_problem(h.file_size, h.compress_size, cap, max_ratio)


def _extract(buf, start: int, limit: int, method: int, allowed: int, max_ratio: float, over: str,
             keep: bool = False, budget: _Budget | None = None) -> tuple[int, int, int, list[bytes]]:
    """Copy or inflate the data from ``start`` (not past ``limit``, at most ``allowed``
    bytes out, +1 to notice): ``(end of the data, size, crc32, parts kept)``."""
    n = len(buf)
    parts: list[bytes] = []
    size = crc = 0
    if limit > n:
        raise _Bad(TRUNCATED)
    if method == _STORED:
        if limit - start > allowed:
            raise _Bad(over)
        for at in range(start, limit, _OUT):
            piece = buf[at : min(at + _OUT, limit)]
            crc = zlib.crc32(piece, crc)
            if keep:
                parts.append(piece)
        return limit, limit - start, crc, parts
    d = zlib.decompressobj(-15)
    fed, tail = start, b""
    while not d.eof:
        if not tail and fed < limit:
            tail = buf[fed : min(fed + _FEED, limit)]
            fed += len(tail)
            if budget is not None:
                budget.take(len(tail))
        before = len(tail)
        try:
            piece = d.decompress(tail, min(_OUT, allowed + 1 - size))  # b"" drains what zlib still holds
        except zlib.error as exc:
            raise _Bad(f"corrupt zip member ({exc})") from None
        tail = d.unconsumed_tail
        size += len(piece)
        if size > allowed:
            raise _Bad(over)
        consumed = fed - start - len(tail)
        if size > _BOMB_FLOOR and size > max_ratio * max(consumed, 1):
            raise _Bad(f"compression bomb: {consumed} bytes unpack to over {size >> 20} MB (ratio over {max_ratio:.0f}:1)")
        if not piece and not d.eof and len(tail) == before:  # no input left (or none taken), no output
            if limit == n:
                raise _Bad(TRUNCATED)
            raise _Bad("corrupt zip member (its deflate data does not end where its header says)")
        crc = zlib.crc32(piece, crc)
        if keep:
            parts.append(piece)
    end = fed - len(d.unused_data)
    return end, size, crc, parts


def _descriptor(buf, at: int, csize: int, size: int) -> tuple[int | None, int]:
    """The CRC-32 in the data descriptor after a flag-bit-3 member (None when there is
    none to read) and where the next member starts. Its signature is optional and its
    sizes are 4 or 8 bytes (zip64): the form whose sizes match the data is the one."""
    n = len(buf)
    signed = buf[at : at + 4] == _DESCRIPTOR
    base = at + 4 if signed else at
    for fmt, want in (("<III", (csize & 0xFFFFFFFF, size & 0xFFFFFFFF)), ("<IQQ", (csize, size))):
        end = base + struct.calcsize(fmt)
        if end <= n:
            crc, *sizes = struct.unpack_from(fmt, buf, base)
            if tuple(sizes) == want:
                return crc, end
    if signed and base + 12 <= n:  # a descriptor whose sizes are wrong: its CRC still decides
        return struct.unpack_from("<I", buf, base)[0], base + 12
    return None, at
