"""Every archive shape the importer reads, end to end into a fresh store.

Each test re-encodes real corpus sessions (tests/formats/builders.py), imports
them with ``import_paths`` and checks the sessions, their ids, event counts and
the stored events themselves.
"""

from __future__ import annotations

import gzip
import random

import orjson
import pytest
import zstandard

from replaydesk.store import import_paths, session_info

from . import builders as B
from .builders import MULTI_PAGE, SMALL, TWO_PAGES

OTHER = "ses_5924706e4bfc"  # 159 events, 4 pages
PHONE = "ses_894a31ac3a8c"  # 153 events, 5 pages


def clean_import(db, *paths):
    """Import and insist on no rejection, no warning."""
    report = import_paths(db, list(paths))
    assert report.rejected == [], report.rejected
    assert report.warnings == [], report.warnings
    B.check_integrity(db)
    return report


def assert_session(db, sid: str, expected: list[dict]) -> None:
    """``sid`` holds exactly ``expected`` (the events and their count)."""
    r = B.row(db, sid)
    assert r is not None, f"no session {sid!r}; have {sorted(B.session_ids(db))}"
    assert r["event_count"] == len(expected)
    assert B.stored(db, sid) == expected


# ------------------------------------------------------------- single files


@pytest.mark.parametrize(
    "name, pack",
    [
        ("visit-1.json", lambda raw: raw),  # a plain event array
        ("visit-2.json.gz", gzip.compress),
        ("visit-3.json.zst", lambda raw: zstandard.ZstdCompressor().compress(raw)),
        ("visit-4.json", gzip.compress),  # gzip detected by content, not by name
    ],
    ids=["plain-array", "gzip", "zstd", "gzip-by-content-not-name"],
)
def test_event_array_plain_or_compressed(fresh_db, tmp_path, name, pack):
    p = B.write(tmp_path / name, pack(B.corpus_raw(SMALL)))
    sid = name.split(".")[0]
    report = clean_import(fresh_db, p)
    assert B.names(fresh_db, report.added) == [sid]
    assert_session(fresh_db, sid, B.events(SMALL))


def test_events_wrapper_object(fresh_db, tmp_path):
    p = B.write(tmp_path / "rrweb.json", B.dumps({"events": B.events(SMALL)}))
    report = clean_import(fresh_db, p)
    assert B.names(fresh_db, report.added) == ["rrweb"]
    assert_session(fresh_db, "rrweb", B.events(SMALL))


def test_json_lines_one_event_per_line(fresh_db, tmp_path):
    p = B.write(tmp_path / "lines.jsonl", B.jsonl(B.events(OTHER)))
    report = clean_import(fresh_db, p)
    assert B.names(fresh_db, report.added) == ["lines"]
    assert_session(fresh_db, "lines", B.events(OTHER))


def test_json_lines_with_crlf_and_blank_lines(fresh_db, tmp_path):
    body = b"\r\n\r\n".join(orjson.dumps(e) for e in B.events(SMALL)) + b"\r\n"
    p = B.write(tmp_path / "crlf.ndjson", body)
    report = clean_import(fresh_db, p)
    assert B.names(fresh_db, report.added) == ["crlf"]
    assert_session(fresh_db, "crlf", B.events(SMALL))


def test_json_lines_of_posthog_blob_lines(fresh_db, tmp_path):
    p = B.write(tmp_path / "blob.jsonl", B.posthog_blob_lines(B.events(OTHER), "0191c5a4-7e1f"))
    report = clean_import(fresh_db, p)
    assert B.names(fresh_db, report.added) == ["blob"]
    assert_session(fresh_db, "blob", B.events(OTHER))


def test_posthog_blob_lines_of_two_windows_are_two_sessions(fresh_db, tmp_path):
    a, b = B.events(OTHER), B.events(SMALL)
    lines = [orjson.dumps(["win-a", e]) for e in a] + [orjson.dumps(["win-b", e]) for e in b]
    p = B.write(tmp_path / "two.jsonl", b"\n".join(lines) + b"\n")
    report = clean_import(fresh_db, p)
    assert B.names(fresh_db, report.added) == ["two", "two"]  # no recorded id: each window is its own snapshot-hash id
    first, second = report.added  # the larger window first
    assert_session(fresh_db, first, a)
    assert_session(fresh_db, second, b)


def test_posthog_older_blob_lines_with_window_id_and_data(fresh_db, tmp_path):
    evs = B.events(OTHER)
    lines = [orjson.dumps({"window_id": "w-1", "data": evs[i : i + 40]}) for i in range(0, len(evs), 40)]
    p = B.write(tmp_path / "old-blob.jsonl", b"\n".join(lines) + b"\n")
    report = clean_import(fresh_db, p)
    assert B.names(fresh_db, report.added) == ["old-blob"]
    assert_session(fresh_db, "old-blob", evs)


# ------------------------------------------------------- folders and zips

VARIANTS = {
    "events.json": lambda evs: orjson.dumps(evs),
    "events.jsonl": B.jsonl,
    "events.json.gz": lambda evs: gzip.compress(orjson.dumps(evs)),
}


@pytest.mark.parametrize("container", ["folder", "zip"])
@pytest.mark.parametrize("events_file", list(VARIANTS))
def test_one_subfolder_per_session(fresh_db, tmp_path, container, events_file):
    enc = VARIANTS[events_file]
    sessions = {"alpha": SMALL, "beta": OTHER, "gamma": PHONE}
    metas = {"alpha": {"sessionId": "alpha-from-meta", "user": {"id": "u1", "email": "a@example.org"}}, "gamma": {"note": "no id here"}}
    members = B.folder_members({k: enc(B.events(v)) for k, v in sessions.items()}, events_file, metas)
    if container == "zip":
        path = B.make_zip(tmp_path / "archive.zip", members)
    else:
        path = tmp_path / "archive"
        for name, data in members.items():
            B.write(path / name, data)
    report = clean_import(fresh_db, path)
    assert sorted(B.names(fresh_db, report.added)) == ["alpha-from-meta", "beta", "gamma"]
    assert_session(fresh_db, "alpha-from-meta", B.events(SMALL))
    assert_session(fresh_db, "beta", B.events(OTHER))
    assert_session(fresh_db, "gamma", B.events(PHONE))
    r = B.row(fresh_db, "alpha-from-meta")
    assert (r["user_id"], r["user_email"]) == ("u1", "a@example.org")
    assert "alpha/" + events_file in r["source"]


def test_corpus_archive_demo_zip(fresh_db, corpus, corpus_sessions):
    report = clean_import(fresh_db, corpus / "archive-demo.zip")
    assert sorted(B.names(fresh_db, report.added)) == sorted(p.name for p in corpus_sessions)
    for folder in corpus_sessions:
        meta = B.meta(folder.name)
        r = B.row(fresh_db, folder.name)
        assert r["event_count"] == meta["eventCount"]
        assert r["page_count"] == meta["pageLoads"]
        assert r["started_at"] == meta["startedAt"] and r["ended_at"] == meta["endedAt"]


def test_folder_of_loose_files_and_single_session_folder(fresh_db, tmp_path):
    loose = tmp_path / "loose"
    B.write(loose / "one.json", B.corpus_raw(SMALL))
    B.write(loose / "two.jsonl.gz", gzip.compress(B.jsonl(B.events(OTHER))))
    B.write(loose / "notes.txt", b"not a recording, and not looked at")
    single = B.session_folder(tmp_path, "ses_single", B.corpus_raw(PHONE))
    report = clean_import(fresh_db, loose, single)
    assert sorted(B.names(fresh_db, report.added)) == ["one", "ses_single", "two"]
    assert_session(fresh_db, "two", B.events(OTHER))
    assert_session(fresh_db, "ses_single", B.events(PHONE))


def test_zip_with_top_folder_and_loose_zip_members(fresh_db, tmp_path):
    nested = B.make_zip(tmp_path / "nested.zip", B.folder_members({"export-2026/s1": B.corpus_raw(SMALL), "export-2026/s2": B.corpus_raw(OTHER)}))
    loose = B.make_zip(tmp_path / "loose.zip", {"a.json": B.corpus_raw(TWO_PAGES), "b.jsonl": B.jsonl(B.events(PHONE))}, compression=0)
    report = clean_import(fresh_db, nested, loose)
    assert sorted(B.names(fresh_db, report.added)) == ["a", "b", "s1", "s2"]
    assert_session(fresh_db, "s2", B.events(OTHER))
    assert_session(fresh_db, "b", B.events(PHONE))


# ------------------------------------------------------------------ PostHog


def test_posthog_export_v2(fresh_db, tmp_path):
    evs = B.events(OTHER)
    p = B.write(tmp_path / "export.json", B.posthog_v2(evs, "0191c5a4-rec-7", B.PERSON, window=1))
    report = clean_import(fresh_db, p)
    assert B.names(fresh_db, report.added) == ["0191c5a4-rec-7"]
    r = B.row(fresh_db, "0191c5a4-rec-7")
    assert r["event_count"] == len(evs)
    assert B.without(B.stored(fresh_db, "0191c5a4-rec-7"), "windowId") == evs


def test_posthog_export_v2_two_windows(fresh_db, tmp_path):
    a, b = B.events(OTHER), B.events(SMALL)
    snaps = sorted(B.with_window(a, 1) + B.with_window(b, 2), key=lambda e: e["timestamp"])
    p = B.write(tmp_path / "export.json", B.dumps({"version": "2023-04-28", "data": {"id": "rec-9", "person": None, "snapshots": snaps}}))
    report = clean_import(fresh_db, p)
    assert sorted(B.names(fresh_db, report.added)) == ["rec-9", "rec-9#w2"]
    assert B.without(B.stored(fresh_db, "rec-9"), "windowId") == a
    assert B.without(B.stored(fresh_db, "rec-9#w2"), "windowId") == b


def test_posthog_export_v1(fresh_db, tmp_path):
    evs = B.events(OTHER)
    p = B.write(tmp_path / "legacy.json", B.posthog_v1({"0187d7c7-aaaa": evs}, B.PERSON))
    report = clean_import(fresh_db, p)
    assert B.names(fresh_db, report.added) == ["legacy"]
    assert_session(fresh_db, "legacy", evs)


def test_posthog_export_v1_two_windows_is_two_sessions(fresh_db, tmp_path):
    small, big = B.events(SMALL), B.events(OTHER)
    p = B.write(tmp_path / "legacy2.json", B.posthog_v1({"0187-win-small": small, "0187-win-big": big}, B.PERSON))
    report = clean_import(fresh_db, p)
    assert B.names(fresh_db, report.added) == ["legacy2", "legacy2"]
    assert_session(fresh_db, report.added[0], big)
    assert_session(fresh_db, report.added[1], small)
    for sid in report.added:
        r = B.row(fresh_db, sid)
        assert (r["user_id"], r["user_email"]) == ("user-42", "ada@example.org")


def test_person_from_posthog(fresh_db, tmp_path):
    p = B.write(tmp_path / "export.json", B.posthog_v2(B.events(SMALL), "rec-p", B.PERSON))
    clean_import(fresh_db, p)
    info = session_info(fresh_db, "rec-p")
    assert info["user_id"] == "user-42"  # first distinct id
    assert info["user_email"] == "ada@example.org"  # properties.email
    from replaydesk.store import SessionFilter, session_ids

    assert session_ids(fresh_db, SessionFilter(user="ada@example")) == ["rec-p"]
    assert session_ids(fresh_db, SessionFilter(user="user-42")) == ["rec-p"]


def test_posthog_cv_2024_10_partial_compression(fresh_db, tmp_path):
    evs = B.events(TWO_PAGES)
    packed = [B.cv_compress(e) for e in evs]
    assert sum(1 for e in packed if isinstance(e["data"], str)) == 2  # both FullSnapshots
    assert sum(1 for e in packed if e.get("cv") and isinstance(e["data"], dict) and isinstance(e["data"]["adds"], str)) >= 5
    p = B.write(tmp_path / "cv.json", B.posthog_v2(packed, "rec-cv", None, window=None))
    report = clean_import(fresh_db, p)
    assert B.names(fresh_db, report.added) == ["rec-cv"]
    assert_session(fresh_db, "rec-cv", evs)


def test_posthog_cv_in_plain_array_with_zstd_field(fresh_db, tmp_path):
    evs = B.events(SMALL)
    out = []
    for e in evs:
        if e["type"] == 2:  # PostHog's newer server code re-emits payloads with zstd
            e = {**e, "data": zstandard.ZstdCompressor().compress(orjson.dumps(e["data"])).decode("latin-1"), "cv": "2024-10"}
        out.append(e)
    p = B.write(tmp_path / "zcv.json", B.dumps(out))
    clean_import(fresh_db, p)
    assert_session(fresh_db, "zcv", evs)


# ------------------------------------------------------------------- packer


def test_packed_events_in_array(fresh_db, tmp_path):
    evs = B.events(OTHER)
    p = B.write(tmp_path / "packed.json", B.dumps([B.pack(e) for e in evs]))
    clean_import(fresh_db, p)
    assert_session(fresh_db, "packed", evs)  # and no "v" left on stored events


def test_packed_and_plain_events_mixed(fresh_db, tmp_path):
    evs = B.events(SMALL)
    mixed = [B.pack(e) if k % 2 else e for k, e in enumerate(evs)]
    mixed[2] = orjson.dumps(evs[2]).decode()  # JSON text passes through unpack
    p = B.write(tmp_path / "mixed.json", B.dumps(mixed))
    clean_import(fresh_db, p)
    assert_session(fresh_db, "mixed", evs)


def test_packed_events_in_json_lines(fresh_db, tmp_path):
    evs = B.events(OTHER)
    p = B.write(tmp_path / "packed.jsonl", B.jsonl([B.pack(e) for e in evs]))
    clean_import(fresh_db, p)
    assert_session(fresh_db, "packed", evs)


def test_packed_events_in_zip(fresh_db, tmp_path):
    members = B.folder_members({"s-packed": B.dumps([B.pack(e) for e in B.events(PHONE)]), "s-plain": B.corpus_raw(SMALL)})
    report = clean_import(fresh_db, B.make_zip(tmp_path / "packed.zip", members))
    assert sorted(B.names(fresh_db, report.added)) == ["s-packed", "s-plain"]
    assert_session(fresh_db, "s-packed", B.events(PHONE))


# --------------------------------------------------------------- session ids


@pytest.mark.parametrize("key", ["id", "session_id", "sessionId"])
def test_session_id_from_meta(fresh_db, tmp_path, key):
    folder = B.session_folder(tmp_path / "arch", "folder-name", B.corpus_raw(SMALL), meta_obj={key: f"from-{key}"})
    report = clean_import(fresh_db, folder.parent)
    assert B.names(fresh_db, report.added) == [f"from-{key}"]


def test_meta_id_wins_in_documented_order(fresh_db, tmp_path):
    folder = B.session_folder(tmp_path / "arch", "f", B.corpus_raw(SMALL), meta_obj={"sessionId": "c", "session_id": "b", "id": "a"})
    assert B.names(fresh_db, clean_import(fresh_db, folder).added) == ["a"]


@pytest.mark.parametrize(
    "name, expected",
    [("abc.json", "abc"), ("abc.json.gz", "abc"), ("rec.2026-11-27.jsonl", "rec.2026-11-27"), ("x.ndjson.zst", "x")],
)
def test_session_id_from_file_name(fresh_db, tmp_path, name, expected):
    data = B.jsonl(B.events(SMALL)) if ".jsonl" in name or ".ndjson" in name else B.corpus_raw(SMALL)
    if name.endswith(".gz"):
        data = gzip.compress(data)
    elif name.endswith(".zst"):
        data = zstandard.ZstdCompressor().compress(data)
    assert B.names(fresh_db, clean_import(fresh_db, B.write(tmp_path / name, data)).added) == [expected]


def test_session_id_from_folder_name_without_meta(fresh_db, tmp_path):
    folder = B.session_folder(tmp_path, "ses_from_folder", B.corpus_raw(SMALL))
    assert B.names(fresh_db, clean_import(fresh_db, folder).added) == ["ses_from_folder"]


# ------------------------------------------------------------ event content


def test_multi_page_session_is_one_session_with_its_pages(fresh_db, corpus):
    folder = corpus / MULTI_PAGE
    report = clean_import(fresh_db, folder)
    assert B.names(fresh_db, report.added) == [MULTI_PAGE]
    meta = B.meta(MULTI_PAGE)
    info = session_info(fresh_db, MULTI_PAGE)
    assert info["page_count"] == 5 == len(info["pages"])
    assert [p["url"] for p in info["pages"]] == [meta["origin"] + u for u in meta["urls"]]
    assert [p["seq"] for p in info["pages"]] == list(range(5))
    assert all(a["t_enter"] <= a["t_leave"] <= b["t_enter"] for a, b in zip(info["pages"], info["pages"][1:]))
    assert sum(1 for e in B.stored(fresh_db, MULTI_PAGE) if e["type"] == 2) == 5
    assert info["event_count"] == meta["eventCount"] == 360


def test_delay_is_stripped(fresh_db, tmp_path):
    evs = B.events(OTHER)
    with_delay = [{**e, "delay": e["timestamp"] - evs[0]["timestamp"]} for e in evs]
    p = B.write(tmp_path / "played.json", B.dumps(with_delay))
    clean_import(fresh_db, p)
    got = B.stored(fresh_db, "played")
    assert not any("delay" in e for e in got)
    assert got == evs


def test_stable_sort_keeps_meta_before_full_snapshot(fresh_db, tmp_path):
    t0 = 1_750_000_000_000
    evs = B.tiny_events(t0, n_moves=4)
    # a second page load whose Meta and FullSnapshot share a timestamp, written
    # before a mouse move that happened earlier (out of order)
    page2 = B.tiny_events(t0 + 5_000, n_moves=0, href="http://example.test/two")
    late_move = evs.pop(3)
    shuffled = evs + page2 + [late_move]
    p = B.write(tmp_path / "unsorted.json", B.dumps(shuffled))
    report = import_paths(fresh_db, [p])
    assert report.rejected == []
    assert B.names(fresh_db, report.added) == ["unsorted"]
    got = B.stored(fresh_db, "unsorted")
    assert got == sorted(shuffled, key=lambda e: e["timestamp"])  # Python's sort is stable
    ts = [e["timestamp"] for e in got]
    assert ts == sorted(ts)
    types_at_page2 = [e["type"] for e in got if e["timestamp"] == t0 + 5_000]
    assert types_at_page2 == [4, 2]
    assert [e["type"] for e in got[:2]] == [4, 2]
    (w,) = [msg for _, msg in report.warnings]
    assert "backwards" in w and "sorted" in w


def test_equal_timestamps_in_order_are_not_reordered(fresh_db, tmp_path):
    evs = B.events(SMALL)
    # the corpus has Load and Meta at the same ms; make Meta and FullSnapshot share one too
    meta_i = next(i for i, e in enumerate(evs) if e["type"] == 4)
    evs[meta_i + 1]["timestamp"] = evs[meta_i]["timestamp"]
    p = B.write(tmp_path / "eq.json", B.dumps(evs))
    clean_import(fresh_db, p)
    assert [e["type"] for e in B.stored(fresh_db, "eq")][:4] == [0, 1, 4, 2]
    assert_session(fresh_db, "eq", evs)


@pytest.mark.parametrize("as_float", [True, False], ids=["fractional-seconds", "whole-seconds"])
def test_second_based_timestamps_are_converted(fresh_db, tmp_path, as_float):
    evs = B.events(OTHER)
    if as_float:
        secs = [{**e, "timestamp": e["timestamp"] / 1000} for e in evs]
        expected = evs
    else:
        secs = [{**e, "timestamp": e["timestamp"] // 1000} for e in evs]
        expected = [{**e, "timestamp": e["timestamp"] // 1000 * 1000} for e in evs]
    p = B.write(tmp_path / "secs.json", B.dumps(secs))
    report = import_paths(fresh_db, [p])
    assert report.rejected == []
    assert B.names(fresh_db, report.added) == ["secs"]
    (label, w), = report.warnings
    assert "secs" in label and "seconds" in w
    assert_session(fresh_db, "secs", expected)
    r = B.row(fresh_db, "secs")
    assert r["started_at"] == expected[0]["timestamp"]
    assert r["duration_ms"] == expected[-1]["timestamp"] - expected[0]["timestamp"]


def test_float_millisecond_timestamps_are_rounded_not_mistaken_for_seconds(fresh_db, tmp_path):
    evs = B.events(SMALL)
    floats = [{**e, "timestamp": e["timestamp"] + 0.25} for e in evs]
    clean_import(fresh_db, B.write(tmp_path / "f.json", B.dumps(floats)))
    assert_session(fresh_db, "f", evs)


def test_bom_and_whitespace_around_array(fresh_db, tmp_path):
    p = B.write(tmp_path / "bom.json", b"\xef\xbb\xbf \n\t" + B.corpus_raw(SMALL) + b"\n\n")
    clean_import(fresh_db, p)
    assert_session(fresh_db, "bom", B.events(SMALL))


def test_pretty_printed_array(fresh_db, tmp_path):
    evs = B.events(OTHER)
    p = B.write(tmp_path / "pretty.json", orjson.dumps(evs, option=orjson.OPT_INDENT_2))
    clean_import(fresh_db, p)
    assert_session(fresh_db, "pretty", evs)


def test_large_array_spanning_many_parse_pieces(fresh_db, tmp_path):
    """A few MB (over the reader's parse-piece size), with tricky strings at piece edges."""
    evs = B.big_events()
    rnd = random.Random(7)
    for e in rnd.sample(evs, 40):  # strings that look like the event separator
        if e["type"] == 3 and e["data"].get("source") == 5:
            e["data"]["text"] = ',{"type":2,"data":{"node":{}},"timestamp":1}'
    raw = orjson.dumps(evs)
    assert len(raw) > 3 << 20
    p = B.write(tmp_path / "big.json", raw)
    clean_import(fresh_db, p)
    from replaydesk.formats.redact import Redactor

    Redactor().events(evs)  # some lookalikes went into a card field, masked at import (issue 14)
    assert_session(fresh_db, "big", evs)


def test_large_array_with_event_lookalikes_nested_in_payloads(fresh_db, tmp_path):
    """Custom events whose payloads contain ``..."timestamp":N},{"type":...`` (what a
    fast splitter might take for an event boundary) all over a multi-MB file."""
    evs = B.big_events()
    decoy = [{"timestamp": 1}, {"type": 2, "data": {}, "timestamp": 3}, {"timestamp": 4}, {"type": 4}]
    for i in range(100, len(evs), 97):
        t = evs[i - 1]["timestamp"]
        evs.insert(i, {"type": 5, "data": {"tag": "decoy", "payload": decoy * (1 + i % 4)}, "timestamp": t})
    raw = orjson.dumps(evs)
    assert raw.count(b'"timestamp":1},{"type":') > 40
    clean_import(fresh_db, B.write(tmp_path / "decoys.json", raw))
    assert_session(fresh_db, "decoys", evs)


def test_large_json_lines_and_gzip(fresh_db, tmp_path):
    evs = B.big_events()
    clean_import(fresh_db, B.write(tmp_path / "big-lines.jsonl.gz", gzip.compress(B.jsonl(evs), 1)))
    assert_session(fresh_db, "big-lines", evs)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_text_with_bom(fresh_db, tmp_path, encoding):
    """What Windows PowerShell's Out-File writes; read as the same events."""
    text = B.corpus_raw(SMALL).decode()
    data = text.encode(encoding) if encoding == "utf-16" else b"\xfe\xff" + text.encode(encoding)
    clean_import(fresh_db, B.write(tmp_path / "ps.json", data))
    assert_session(fresh_db, "ps", B.events(SMALL))


@pytest.mark.parametrize(
    "shape",
    ["array", "jsonl", "blob-lines", "posthog-v2", "wrapper", "packed-jsonl"],
)
def test_utf8_bom_before_any_shape(fresh_db, tmp_path, shape):
    """Windows tools (Notepad, .NET) write a UTF-8 byte order mark first."""
    evs = B.events(SMALL)
    body = {
        "array": orjson.dumps(evs),
        "jsonl": B.jsonl(evs),
        "blob-lines": B.posthog_blob_lines(evs),
        "posthog-v2": B.posthog_v2(evs, "bom", None, window=None),
        "wrapper": orjson.dumps({"events": evs}),
        "packed-jsonl": B.jsonl([B.pack(e) for e in evs]),
    }[shape]
    clean_import(fresh_db, B.write(tmp_path / "bom.json", b"\xef\xbb\xbf" + body))
    assert_session(fresh_db, "bom", evs)


def test_json_lines_of_event_batches(fresh_db, tmp_path):
    """One array of events per line (a flush of the recorder's buffer each),
    including batches of exactly two events (not to be taken for blob lines)."""
    evs = B.events(OTHER)
    sizes = [2, 5, 2, 30, 1]
    lines, i, k = [], 0, 0
    while i < len(evs):
        n = sizes[k % len(sizes)]
        lines.append(orjson.dumps(evs[i : i + n]))
        i += n
        k += 1
    clean_import(fresh_db, B.write(tmp_path / "batches.jsonl", b"\n".join(lines) + b"\n"))
    assert_session(fresh_db, "batches", evs)
