"""Build recording archives of every supported shape in ``tmp_path``.

Everything here starts from real corpus sessions (or a tiny synthetic one for
fuzzing) and re-encodes them the way recorders and exporters in the wild do
(see docs/rrweb-format.md §6): plain arrays, gzip, ``{"events": [...]}``,
JSON Lines, PostHog blob lines and file exports, rrweb's packer, PostHog's
``cv: "2024-10"`` partial compression, session folders and zips.
"""

from __future__ import annotations

import copy
import gzip
import re
import struct
import zipfile
import zlib
from functools import lru_cache
from pathlib import Path

import orjson

from tests.conftest import corpus_dir

#: the smallest corpus session (28 events, 1 page) and the multi-page one
SMALL = "ses_6ef7552cd34d"
MULTI_PAGE = "ses_46d365862838"  # 5 page loads
TWO_PAGES = "ses_ac59c861b05d"


@lru_cache(maxsize=None)
def _corpus_bytes(name: str, file: str) -> bytes:
    return (corpus_dir() / name / file).read_bytes()


def corpus_raw(name: str = SMALL) -> bytes:
    """The corpus ``events.json`` bytes, exactly as on disk."""
    return _corpus_bytes(name, "events.json")


def events(name: str = SMALL) -> list[dict]:
    """A fresh (mutable) copy of a corpus session's events, with the card numbers and
    CVCs the recorder left in clear already masked the way the import masks them
    (issue 14), so a stored copy equals its source. Redaction itself is tested in
    tests/formats/test_redact.py; see :func:`raw_events` for the recording as is."""
    from replaydesk.formats.redact import Redactor

    evs = raw_events(name)
    Redactor().events(evs)
    return evs


def raw_events(name: str = SMALL) -> list[dict]:
    """A fresh (mutable) copy of a corpus session's events exactly as recorded."""
    return orjson.loads(_corpus_bytes(name, "events.json"))


def meta(name: str = SMALL) -> dict:
    return orjson.loads(_corpus_bytes(name, "meta.json"))


def dumps(obj) -> bytes:
    return orjson.dumps(obj)


# ---------------------------------------------------------------- synthetic


def tiny_events(t0: int = 1_700_000_000_000, n_moves: int = 3, href: str = "http://example.test/") -> list[dict]:
    """A minimal replayable session: Meta, FullSnapshot, a few mouse moves."""
    evs = [
        {"type": 4, "data": {"href": href, "width": 800, "height": 600}, "timestamp": t0},
        {
            "type": 2,
            "data": {
                "node": {"type": 0, "childNodes": [{"type": 2, "tagName": "html", "attributes": {}, "childNodes": [], "id": 2}], "id": 1},
                "initialOffset": {"top": 0, "left": 0},
            },
            "timestamp": t0,
        },
    ]
    for k in range(n_moves):
        evs.append(
            {"type": 3, "data": {"source": 1, "positions": [{"x": 10 * k, "y": 5 * k, "id": 2, "timeOffset": 0}]}, "timestamp": t0 + 100 * (k + 1)}
        )
    return evs


# ---------------------------------------------------------------- encodings


def jsonl(evs: list) -> bytes:
    """JSON Lines: one value per line."""
    return b"\n".join(orjson.dumps(e) for e in evs) + b"\n"


def posthog_blob_lines(evs: list, window: str = "0191c5a4-window-1") -> bytes:
    """PostHog blob_v2 content: ``["<windowId>", {event}]`` per line."""
    return b"\n".join(orjson.dumps([window, e]) for e in evs) + b"\n"


def pack(e: dict) -> str:
    """rrweb's packer: JSON of ``{...e, v: "v1"}`` -> zlib -> latin-1 string."""
    return zlib.compress(orjson.dumps({**e, "v": "v1"})).decode("latin-1")


def _gz_str(value) -> str:
    return gzip.compress(orjson.dumps(value)).decode("latin-1")


def cv_compress(e: dict) -> dict:
    """PostHog ``cv: "2024-10"`` partial compression of one event (posthog-js compressEvent)."""
    if e["type"] == 2:
        return {**e, "data": _gz_str(e["data"]), "cv": "2024-10"}
    if e["type"] == 3 and e["data"].get("source") == 0:
        d = dict(e["data"])
        for f in ("adds", "removes", "texts", "attributes"):
            d[f] = _gz_str(d.get(f, []))
        return {**e, "data": d, "cv": "2024-10"}
    return e


def with_window(evs: list, window) -> list[dict]:
    return [{**e, "windowId": window} for e in evs]


def posthog_v2(evs: list, rec_id: str, person: dict | None = None, window=1) -> bytes:
    """PostHog "Export to file" v2: events carry their window id."""
    snaps = evs if window is None else with_window(evs, window)
    return dumps({"version": "2023-04-28", "data": {"id": rec_id, "person": person, "snapshots": snaps}})


def posthog_v1(windows: dict[str, list], person: dict | None = None) -> bytes:
    """PostHog "Export to file" v1: ``snapshotsByWindowId``."""
    return dumps({"version": "2022-12-02", "data": {"person": person, "snapshotsByWindowId": windows}})


PERSON = {
    "uuid": "01890d2c-aaaa-bbbb-cccc-000000000001",
    "distinct_ids": ["user-42", "anon-17"],
    "properties": {"email": "ada@example.org", "name": "Ada Lovelace"},
}


# ---------------------------------------------------------------- containers


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def session_folder(root: Path, name: str, events_bytes: bytes, events_file: str = "events.json", meta_obj=None) -> Path:
    """``root/name/<events_file>`` (+ ``meta.json`` when given; bytes are written as-is)."""
    folder = root / name
    write(folder / events_file, events_bytes)
    if meta_obj is not None:
        write(folder / "meta.json", meta_obj if isinstance(meta_obj, bytes) else dumps(meta_obj))
    return folder


def make_zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """A zip with the given member names (kept verbatim, even ``../`` or ``/abs``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 27, 0, 0, 0)), data, compress_type=compression)
    return path


def folder_members(sessions: dict[str, bytes], events_file: str = "events.json", metas: dict[str, object] | None = None) -> dict[str, bytes]:
    """Zip members for one sub-folder per session."""
    out: dict[str, bytes] = {}
    for sid, data in sessions.items():
        out[f"{sid}/{events_file}"] = data
        m = (metas or {}).get(sid)
        if m is not None:
            out[f"{sid}/meta.json"] = m if isinstance(m, bytes) else dumps(m)
    return out


def deflated_zeros(n: int, chunk: int = 16 << 20) -> tuple[bytes, int]:
    """Raw deflate of ``n`` zero bytes (and its CRC), without holding ``n`` bytes."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = []
    crc = 0
    zeros = bytes(chunk)
    left = n
    while left:
        k = min(chunk, left)
        block = zeros if k == chunk else bytes(k)
        parts.append(comp.compress(block))
        crc = zlib.crc32(block, crc)
        left -= k
    parts.append(comp.flush())
    return b"".join(parts), crc


def raw_zip(path: Path, members: list[tuple[str, bytes, int, int, int]]) -> Path:
    """Write a zip by hand: (name, deflated data, crc, declared size, method).

    Lets a test declare any uncompressed size in the headers (a lying bomb).
    """
    out = bytearray()
    central = bytearray()
    for name, data, crc, size, method in members:
        n = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), size, len(n), 0) + n + data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, len(data), size, len(n), 0, 0, 0, 0, 0, offset
        ) + n
    cd_off = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), cd_off, 0)
    return write(path, bytes(out))


def clone(obj):
    return copy.deepcopy(obj)


# ---------------------------------------------------------------- store checks


def sid(db, name: str) -> str | None:
    """The id of the session stored as ``name`` or read from folder/file ``name``.

    A recording without an id of its own is stored as ``rec-<hash>`` (issue 9: file
    names are not ids); tests still name such sessions by their folder or file.
    """
    conn = db.conn
    if conn.execute("SELECT 1 FROM sessions WHERE id = ?", (name,)).fetchone():
        return name
    found = [
        r[0]
        for r in conn.execute("SELECT id, source FROM session_details")
        if any(f"{sep}{name}{end}" in r[1] for sep in ("/", ":") for end in ("/", "."))
    ]
    assert len(found) <= 1, found
    return found[0] if found else None


def stored(db, name: str) -> list[dict]:
    from replaydesk.store import iter_events

    return list(iter_events(db.conn, sid(db, name) or name))


def row(db, name: str) -> dict | None:
    """The session's row with its details (source, warnings, meta), via the public query."""
    from replaydesk.store import session_info

    found = sid(db, name)
    return session_info(db, found) if found else None


def session_ids(db) -> set[str]:
    return {r[0] for r in db.conn.execute("SELECT id FROM sessions")}


def without(evs: list[dict], *keys: str) -> list[dict]:
    return [{k: v for k, v in e.items() if k not in keys} for e in evs]


def _columns(conn, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}


def check_integrity(db) -> None:
    """No partial session: chunk rows and counts agree for every session, and
    nothing (chunks, pages, details, search rows) is left without its session."""
    conn = db.conn
    bad = conn.execute(
        "SELECT s.id, s.chunk_count, s.event_count, count(c.seq), coalesce(sum(c.n_events), 0)"
        " FROM sessions s LEFT JOIN event_chunks c ON c.session_id = s.id GROUP BY s.id"
        " HAVING s.chunk_count != count(c.seq) OR s.event_count != coalesce(sum(c.n_events), 0)"
    ).fetchall()
    assert not bad, f"partial sessions (id, chunk_count, event_count, chunks, sum n_events): {bad}"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in ("event_chunks", "pages", "interactions", "console", "session_details"):
        if table not in tables:
            continue
        key = "session_id" if "session_id" in _columns(conn, table) else "id"
        orphans = conn.execute(f"SELECT count(*) FROM {table} WHERE {key} NOT IN (SELECT id FROM sessions)").fetchone()[0]
        assert orphans == 0, f"{orphans} orphan row(s) in {table}"
    if "session_details" in tables:
        missing = conn.execute("SELECT count(*) FROM sessions WHERE id NOT IN (SELECT id FROM session_details)").fetchone()[0]
        assert missing == 0, f"{missing} session(s) without details"
    if "session_search" in tables:
        if "session_id" in _columns(conn, "session_search"):
            q = "SELECT count(*) FROM session_search WHERE session_id NOT IN (SELECT id FROM sessions)"
        else:  # keyed by the session's rowid
            q = "SELECT count(*) FROM session_search WHERE rowid NOT IN (SELECT rowid FROM sessions)"
        assert conn.execute(q).fetchone()[0] == 0, "orphan search row(s)"
        n_search = conn.execute("SELECT count(*) FROM session_search").fetchone()[0]
        assert n_search == conn.execute("SELECT count(*) FROM sessions").fetchone()[0], "sessions and search rows differ"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def store_state(db, sid: str) -> tuple:
    """Everything stored for ``sid`` except the import time: to prove it is unchanged."""
    conn = db.conn
    r = row(db, sid)
    assert r is not None, f"session {sid} is gone"
    r.pop("imported_at")
    r.pop("rowid", None)
    chunks = conn.execute("SELECT seq, t_start, t_end, first_index, n_events, data FROM event_chunks WHERE session_id = ? ORDER BY seq", (sid,)).fetchall()
    pages = conn.execute("SELECT * FROM pages WHERE session_id = ? ORDER BY seq", (sid,)).fetchall()
    clicks = conn.execute("SELECT * FROM interactions WHERE session_id = ? ORDER BY t, rowid", (sid,)).fetchall()
    return r, chunks, pages, clicks


ALL = (
    "ses_46d365862838", "ses_49340e341bb8", "ses_5924706e4bfc", "ses_6ef7552cd34d", "ses_8339d0629316",
    "ses_894a31ac3a8c", "ses_ac59c861b05d", "ses_eca6cdfc6b65", "ses_f69ef2c8dc31",
)


def big_events(min_bytes: int = 4 << 20) -> list[dict]:
    """One long session (several MB): corpus sessions back to back in time."""
    out: list[dict] = []
    size = 0
    k = 0
    while size < min_bytes:
        name = ALL[k % len(ALL)]
        evs = events(name)
        shift = (out[-1]["timestamp"] + 1_000 - evs[0]["timestamp"]) if out else 0
        for e in evs:
            e["timestamp"] += shift
        out.extend(evs)
        size += len(corpus_raw(name))
        k += 1
    return out


# ---------------------------------------------------------------- hostile: deep nesting


def _deep_div_chain(depth: int, first_id: int) -> tuple[dict, dict]:
    """``depth`` nested ``<div>`` elements (ids from ``first_id``): (outermost, innermost)."""
    top = node = {"type": 2, "tagName": "div", "attributes": {"style": "padding-left:1px"}, "childNodes": [], "id": first_id}
    for k in range(1, depth):
        child = {"type": 2, "tagName": "div", "attributes": {}, "childNodes": [], "id": first_id + k}
        node["childNodes"].append(child)
        node = child
    node["childNodes"].append({"type": 3, "textContent": f"bottom of {depth}", "id": first_id + depth})
    return top, node


def deep_snapshot_events(depth: int, t0: int = 1_700_000_000_000) -> list[dict]:
    """A session whose FullSnapshot nests ``depth`` DOM levels below the document
    (document > html > body > div x (depth - 2))."""
    chain, _ = _deep_div_chain(max(depth - 2, 1), 10)
    body = {"type": 2, "tagName": "body", "attributes": {}, "childNodes": [chain], "id": 3}
    html = {"type": 2, "tagName": "html", "attributes": {}, "childNodes": [body], "id": 2}
    return [
        {"type": 4, "data": {"href": "http://deep.test/", "width": 800, "height": 600}, "timestamp": t0},
        {"type": 2, "data": {"node": {"type": 0, "childNodes": [html], "id": 1}, "initialOffset": {"top": 0, "left": 0}}, "timestamp": t0 + 5},
        {"type": 3, "data": {"source": 1, "positions": [{"x": 5, "y": 5, "id": 3, "timeOffset": 0}]}, "timestamp": t0 + 1000},
    ]


def deep_mutation_events(depth: int, per_event: int = 100, t0: int = 1_700_000_000_000) -> list[dict]:
    """A shallow snapshot, then Mutation events each adding ``per_event`` more nested
    ``<div>`` levels under the previous innermost one until ``depth`` DOM levels.
    Like rrweb's recorder, every add is one node without children (``skipChild``)."""
    evs = tiny_events(t0, n_moves=0)
    evs[1]["data"]["node"]["childNodes"][0]["childNodes"] = [
        {"type": 2, "tagName": "body", "attributes": {}, "childNodes": [], "id": 3}
    ]
    parent, level, t = 3, 2, t0 + 100
    while level < depth:
        adds = []
        for _ in range(min(per_event, depth - level)):
            nid = level + 10
            adds.append({"parentId": parent, "nextId": None,
                         "node": {"type": 2, "tagName": "div", "attributes": {}, "childNodes": [], "id": nid}})
            parent, level = nid, level + 1
        if level >= depth:
            adds.append({"parentId": parent, "nextId": None, "node": {"type": 3, "textContent": f"bottom of {depth}", "id": 10**7}})
        evs.append({"type": 3, "data": {"source": 0, "texts": [], "attributes": [], "removes": [], "adds": adds}, "timestamp": t})
        t += 10
    evs.append({"type": 3, "data": {"source": 1, "positions": [{"x": 5, "y": 5, "id": 3, "timeOffset": 0}]}, "timestamp": t + 500})
    return evs


def deep_json(value) -> bytes:
    """``value`` as JSON without orjson's 255-level write limit."""
    from replaydesk.formats.deepjson import dumps as deep_dumps

    return deep_dumps(value)


def names(db, ids: list[str]) -> list[str]:
    """Each session's id, or, for one without an id of its own (``rec-<hash>``), the
    folder or file it was read from (its display name): what the older tests named."""
    out = []
    for i in ids:
        if not re.fullmatch(r"rec-[0-9a-f]{16}(~\d+)?", i):
            out.append(i)
            continue
        source = db.conn.execute("SELECT source FROM session_details WHERE id = ?", (i,)).fetchone()[0]
        path = source.rpartition(":")[2] if ".zip:" in source else source
        parts = path.replace("\\", "/").split("/")
        base = parts[-1]
        if base.lower().startswith("events.") and len(parts) > 1:
            out.append(parts[-2])
        else:
            from replaydesk.formats.sources import strip_ext

            out.append(strip_ext(base))
    return out
