"""Enumerate the sessions inside the paths a user hands us.

A path may be a recording file (any shape :mod:`decode` reads, optionally
gzip/zstd-compressed), a session folder (``events.json[l][.gz]`` + optional
``meta.json``), a folder of such folders or loose recording files, or a
``.zip`` of the same. Nothing is extracted to disk; zip members are read with
hard caps so ``../`` names, absolute names and compression bombs are rejected
with a message instead of being followed or expanded. A zip whose directory
is lost (a truncated download) is read from its members' local headers
(:mod:`ziprecover`), with a line saying so.

Each :class:`SessionSource` reads its bytes only when asked, so the importer
holds one session at a time.
"""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from . import ziprecover
from .compression import compression_of, decompress
from .errors import FormatError
from .limits import DEFAULT_LIMITS, Limits

_EVENTS_RE = re.compile(r"^events\.(json|jsonl|ndjson)(\.gz|\.zst)?$", re.I)
_LOOSE_RE = re.compile(r"\.(json|jsonl|ndjson)(\.gz|\.zst)?$|\.gz$|\.zst$", re.I)
_META = "meta.json"


@dataclass
class SessionSource:
    """One session's files, not yet read."""

    label: str  # what messages name: "demo.zip:ses_1/events.json"
    default_id: str  # folder name or file name without extensions (a display name, not an id)
    size: int  # bytes on disk (compressed size inside a zip): progress unit
    read_events: Callable[[], bytes]
    read_meta: Callable[[], bytes] | None = None
    #: where the session came from, with absolute paths: a stored session is only
    #: replaced by one with the same id read from the same origin
    origin: str = ""

    def meta(self) -> tuple[dict | None, str | None]:
        """Parsed meta.json (or None) and a warning when it is unreadable."""
        if self.read_meta is None:
            return None, None
        try:
            m = orjson.loads(self.read_meta())
        except (orjson.JSONDecodeError, FormatError, OSError) as exc:
            return None, f"meta.json ignored: {str(exc).splitlines()[0]}"
        if not isinstance(m, dict):
            return None, "meta.json ignored: not a JSON object"
        try:
            orjson.dumps(m)  # metadata is shown and re-written everywhere: keep it within orjson's depth
        except TypeError:
            return None, "meta.json ignored: nested more than 255 levels deep"
        return m, None


@dataclass
class Rejected:
    """A path or archive member that is not readable at all."""

    label: str
    reason: str


@dataclass
class Ignored:
    """A file or folder passed over while listing (not a recording): reported, never silent."""

    label: str
    reason: str


def strip_ext(name: str) -> str:
    base = posixpath.basename(name.rstrip("/"))
    for ext in (".gz", ".zst"):
        if base.lower().endswith(ext):
            base = base[: -len(ext)]
    stem, dot, _ = base.rpartition(".")
    return stem if dot and stem else base


def iter_sources(paths: list[str | os.PathLike], limits: Limits = DEFAULT_LIMITS) -> Iterator[SessionSource | Rejected | Ignored]:
    for p in paths:
        path = Path(p)
        try:
            if path.is_dir():
                yield from _dir_sources(path, limits)
            elif path.is_file():
                yield from _file_sources(path, limits)
            elif path.exists():
                yield Rejected(str(path), "not a regular file or folder")
            else:
                yield Rejected(str(path), "no such file or folder")
        except PermissionError:
            yield Rejected(str(path), "permission denied")
        except OSError as exc:
            yield Rejected(str(path), f"cannot read ({exc.strerror or exc})")
        except Exception as exc:  # noqa: BLE001 - listing one bad path must not stop the others
            yield Rejected(str(path), f"cannot list its contents ({type(exc).__name__}: {str(exc)[:200]})")


def _read_file(path: Path, limits: Limits) -> Callable[[], bytes]:
    def read() -> bytes:
        size = path.stat().st_size
        if size > limits.max_session_bytes:
            raise FormatError(f"file is {size >> 20} MB, over the {limits.max_session_bytes >> 20} MB session limit")
        with open(path, "rb") as f:
            head = f.read(_SNIFF)
            if size > _SNIFF and _binary(head):  # said from its first bytes, not after reading 2 GB
                raise FormatError("not JSON: the file is binary data (not a recording archive)")
            f.seek(0)
            data = f.read()  # one read into one buffer (head + rest would copy a 2 GB file once more)
        return decompress(data, limits.max_session_bytes, "file", limits.max_ratio)

    return read


_SNIFF = 1 << 16


def _binary(head: bytes) -> bool:
    """No recording starts like this: NUL bytes in the first 64 KB of a file that is neither
    compressed nor UTF-16 (whose text holds NULs; with or without a byte order mark, the
    decoder says what is wrong with it)."""
    if compression_of(head[:4]) is not None or head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return False
    if not head.count(0):
        return False
    even, odd = head[0::2].count(0), head[1::2].count(0)
    utf16_text = (even == 0 or odd == 0) and max(even, odd) * 4 >= len(head)  # NULs in one parity only
    return not utf16_text


def _is_zip(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(4)
    return head in (b"PK\x03\x04", b"PK\x05\x06")


def _file_sources(path: Path, limits: Limits) -> Iterator[SessionSource | Rejected]:
    size = path.stat().st_size
    if size == 0:
        yield Rejected(str(path), "the file is empty (0 bytes)")
        return
    if _is_zip(path):
        yield from _zip_sources(path, limits)
        return
    if path.suffix.lower() == ".zip":
        yield Rejected(str(path), "not a zip archive (no zip header), although the name ends in .zip")
        return
    yield SessionSource(str(path), strip_ext(path.name), size, _read_file(path, limits), origin=str(path.absolute()))


_MAX_FOLDER_DEPTH = 32


def _hidden_line(container: str, names: list[str]) -> Ignored:
    shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
    return Ignored(container, f"{len(names)} hidden or system item(s) not read ({shown})")


def _dir_sources(root: Path, limits: Limits, depth: int = 0, seen: set | None = None) -> Iterator[SessionSource | Rejected | Ignored]:
    """Sessions under ``root``: a session folder, or folders of them at any depth, or
    loose recording files. Everything passed over is yielded as :class:`Ignored`."""
    seen = set() if seen is None else seen
    real = root.resolve()
    if real in seen:
        yield Ignored(str(root), "folder already read (a link back to a folder above it)")
        return
    seen.add(real)
    own = _session_in_dir(root, limits)
    if own is not None:
        yield from own
        return
    all_entries = sorted(root.iterdir(), key=lambda p: p.name)
    hidden = [e.name for e in all_entries if e.name.startswith(".") or e.name == "__MACOSX"]
    entries = [e for e in all_entries if not (e.name.startswith(".") or e.name == "__MACOSX")]
    if hidden:
        yield _hidden_line(str(root), hidden)
    folders = [e for e in entries if e.is_dir()]
    has_sessions = any(_has_events(f) for f in folders)
    found = False
    for f in folders:
        if depth + 1 > _MAX_FOLDER_DEPTH:
            yield Ignored(str(f), f"folder nested more than {_MAX_FOLDER_DEPTH} levels below {root}: not searched")
            continue
        for item in _dir_sources(f, limits, depth + 1, seen):
            if isinstance(item, SessionSource):
                found = True
            if isinstance(item, Rejected) and item.label == str(f):
                item = Ignored(item.label, item.reason)  # an empty sub-folder is not an error
            yield item
    # Loose recording files count only in a folder without session folders, so
    # an archive's index.json or notes are not mistaken for recordings.
    for e in entries:
        if e.is_dir():
            continue
        if not e.is_file():
            yield Ignored(str(e), "not a regular file")
        elif e.name == _META:
            yield Ignored(str(e), "meta.json without an events file beside it")
        elif not (_LOOSE_RE.search(e.name) or e.suffix.lower() == ".zip"):
            yield Ignored(str(e), "not a recording file (expected .json, .jsonl, .ndjson, .gz, .zst or .zip)")
        elif has_sessions:
            yield Ignored(str(e), "a loose file beside session folders is not read (import it on its own to read it)")
        else:
            found = True
            yield from _file_sources(e, limits)
    if not found:
        yield Rejected(str(root), "folder holds no recordings (no events.json in it or its sub-folders)")


def _has_events(folder: Path) -> bool:
    try:
        return any(p.is_file() and _EVENTS_RE.match(p.name) for p in folder.iterdir())
    except OSError:
        return False


def _session_in_dir(folder: Path, limits: Limits) -> list | None:
    """``[SessionSource, Ignored...]`` for a session folder (extra events files are
    reported), or None when ``folder`` has no events file."""
    events = sorted(p for p in folder.iterdir() if p.is_file() and _EVENTS_RE.match(p.name))
    if not events:
        return None
    ev = events[0]
    meta = folder / _META
    read_meta = _read_file(meta, limits) if meta.is_file() else None
    out: list = [SessionSource(str(ev), folder.name, ev.stat().st_size, _read_file(ev, limits), read_meta, origin=str(ev.absolute()))]
    for other in events[1:]:
        out.append(Ignored(str(other), f"a second events file in one session folder; {ev.name} was read"))
    return out


def _unsafe(name: str) -> bool:
    n = name.replace("\\", "/")
    return n.startswith("/") or bool(re.match(r"^[A-Za-z]:", n)) or ".." in n.split("/")


@dataclass(frozen=True)
class _Entry:
    """A zip member as the grouping sees it, listed by zipfile's directory or found by
    :mod:`ziprecover` when the directory is lost: one grouping serves both."""

    name: str
    file_size: int
    compress_size: int
    read: Callable[[], bytes]


def _corrupt(exc: Exception) -> str:
    return f"corrupt zip archive ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'unreadable'})"


def _zip_sources(path: Path, limits: Limits) -> Iterator[SessionSource | Rejected | Ignored]:
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:  # no directory (a truncated download?): walk the local headers
        yield from _recovered_sources(path, limits, _corrupt(exc))
        return
    except (ValueError, EOFError, NotImplementedError) as exc:
        # ValueError covers a member name flagged UTF-8 that is not UTF-8
        yield Rejected(str(path), _corrupt(exc))
        return
    entries = [_Entry(i.filename, i.file_size, i.compress_size, _member_reader(zf, i, limits))
               for i in zf.infolist() if not i.is_dir()]
    yield from _group_members(path, entries, limits)


def _recovered_sources(path: Path, limits: Limits, failure: str) -> Iterator[SessionSource | Rejected | Ignored]:
    found = ziprecover.scan(path, limits)
    if found is None:  # not a zip that starts with a member: nothing to recover
        yield Rejected(str(path), failure)
        return
    if found.too_many:
        yield Rejected(str(path), f"zip has more than {limits.max_members} members, over the limit of {limits.max_members}")
        return
    if not found.members:
        why = f"{failure}; no member could be recovered from its local headers"
        if found.damaged:
            first = found.damaged[0]
            more = f", and {len(found.damaged) - 1} more" if len(found.damaged) > 1 else ""
            why += f" ({first.name}: {first.reason}{more})"
        yield Rejected(str(path), why)
        return
    why = (f"the zip's directory is missing or damaged (truncated download?); "
           f"{len(found.members)} member(s) recovered from their local headers")
    if found.skipped:
        why += f"; {found.skipped} byte(s) that are not readable zip data skipped"
    if found.note:
        why += f"; {found.note}"
    yield Ignored(str(path), why)
    for d in found.damaged:
        yield Rejected(f"{path}:{d.name}", d.reason)
    entries = [_Entry(m.name, m.file_size, m.compress_size, _recovered_reader(path, m, limits)) for m in found.members]
    yield from _group_members(path, entries, limits)


def _group_members(path: Path, entries: list[_Entry], limits: Limits) -> Iterator[SessionSource | Rejected | Ignored]:
    """Session folders (events file + meta.json), loose recordings and what is passed
    over, from the members of one zip; every member not read is reported."""
    if len(entries) > limits.max_members:
        yield Rejected(str(path), f"zip has {len(entries)} members, over the limit of {limits.max_members}")
        return
    if not entries:
        yield Rejected(str(path), "zip archive is empty")
        return
    total_declared = sum(e.file_size for e in entries)
    if total_declared > limits.max_archive_bytes:
        yield Rejected(str(path), f"zip would unpack to {total_declared >> 20} MB, over the {limits.max_archive_bytes >> 20} MB limit")
        return
    by_name: dict[str, _Entry] = {}
    copies: Counter[str] = Counter()
    for entry in entries:
        if _unsafe(entry.name):
            yield Rejected(f"{path}:{entry.name}", "unsafe member name (absolute or '..' path); skipped")
            continue
        by_name[entry.name] = entry  # the last of equal names wins, as when unzip extracts it
        copies[entry.name] += 1
    for name, k in copies.items():
        if k > 1:
            yield Ignored(f"{path}:{name}", f"the archive holds {k} members with this name; the last one was read")
    folders: dict[str, _Entry] = {}
    loose: list[_Entry] = []
    other: list[_Entry] = []
    hidden: list[str] = []
    for name, entry in by_name.items():
        d, base = posixpath.split(name)
        if base.startswith(".") or name.split("/")[0] == "__MACOSX":
            hidden.append(name)
        elif _EVENTS_RE.match(base):
            if d in folders:
                first = min(folders[d], entry, key=lambda e: posixpath.basename(e.name))
                extra = entry if first is folders[d] else folders[d]
                other.append(extra)
                folders[d] = first
            else:
                folders[d] = entry
        elif base != _META and _LOOSE_RE.search(base):
            loose.append(entry)
        else:
            other.append(entry)
    origin = str(path.absolute())
    for d in sorted(folders):
        entry = folders[d]
        meta = by_name.get(posixpath.join(d, _META) if d else _META)
        yield SessionSource(
            f"{path}:{entry.name}",
            posixpath.basename(d) if d else strip_ext(path.name),
            entry.compress_size,
            entry.read,
            meta.read if meta else None,
            origin=f"{origin}:{entry.name}",
        )
    for entry in sorted(loose, key=lambda e: e.name):
        if folders:
            yield Ignored(f"{path}:{entry.name}", "a loose file beside session folders is not read")
        else:
            yield SessionSource(f"{path}:{entry.name}", strip_ext(entry.name), entry.compress_size,
                                entry.read, origin=f"{origin}:{entry.name}")
    in_session = tuple(d + "/" for d in folders if d)
    for entry in sorted(other, key=lambda e: e.name):
        d, base = posixpath.split(entry.name)
        if _EVENTS_RE.match(base):
            yield Ignored(f"{path}:{entry.name}", "a second events file in one session folder; the first by name was read")
        elif "" in folders or entry.name.startswith(in_session):
            continue  # a session folder's own files (screenshots, notes): part of that session
        elif base == _META:
            yield Ignored(f"{path}:{entry.name}", "meta.json without an events file beside it")
        else:
            yield Ignored(f"{path}:{entry.name}", "not a recording file (expected .json, .jsonl, .ndjson, .gz, .zst)")
    if hidden:
        yield _hidden_line(str(path), hidden)
    if not folders and not loose:
        yield Rejected(str(path), "zip holds no recordings (no events.json or .json/.jsonl files)")


def _recovered_reader(path: Path, member: ziprecover.Member, limits: Limits) -> Callable[[], bytes]:
    def read() -> bytes:
        cap = min(limits.max_member_bytes, limits.max_session_bytes)
        return decompress(ziprecover.read_member(path, member, limits), cap, "member", limits.max_ratio)

    return read


def _member_reader(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> Callable[[], bytes]:
    def read() -> bytes:
        cap = min(limits.max_member_bytes, limits.max_session_bytes)
        if problem := ziprecover.size_problem(info.file_size, info.compress_size, cap, limits.max_ratio):
            raise FormatError(problem)
        parts = []
        total = 0
        # the header may lie: never read more than it declared (+1 to notice)
        allowed = min(cap, info.file_size)
        try:
            with zf.open(info) as f:
                while True:
                    chunk = f.read(min(1 << 20, allowed + 1 - total))
                    if not chunk:
                        break
                    total += len(chunk)
                    if total > allowed:
                        raise FormatError("member unpacks to more than its header declares (possible compression bomb)")
                    parts.append(chunk)
        except zipfile.BadZipFile as exc:
            raise FormatError(f"corrupt zip member ({exc})") from None
        except (zlib.error, EOFError) as exc:
            raise FormatError(f"corrupt zip member ({exc})") from None
        except NotImplementedError as exc:
            raise FormatError(f"zip member uses an unsupported compression method ({exc})") from None
        except RuntimeError as exc:  # zipfile's "encrypted, password required"
            what = "encrypted (password-protected) zip member" if "encrypt" in str(exc) else f"unreadable zip member ({exc})"
            raise FormatError(what) from None
        data = b"".join(parts)
        return decompress(data, cap, "member", limits.max_ratio)

    return read

