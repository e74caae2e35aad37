"""Issue 14: the store never holds payment or credential data in clear, and is the owner's only.

The byte checks search the raw store file, its WAL and SHM, *and* every compressed
blob after decompressing it (event chunks, checkpoints, derived caches): zstd hides
the clear bytes from a plain search of the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import orjson
import pytest
import zstandard

from replaydesk.analysis.views import build_views, save_views
from replaydesk.formats.redact import RedactionPolicy
from replaydesk.replay.checkpoints import checkpoint_raw
from replaydesk.replay.session import _from_rows, checkpoint_version, ensure_checkpoints
from replaydesk.store import import_paths, iter_events, open_store, session_info
from replaydesk.store.checkpoints_table import load_checkpoints
from replaydesk.store.chunks import decode_chunk

CHECKOUTS = ("ses_46d365862838", "ses_5924706e4bfc", "ses_f69ef2c8dc31")
#: what the three checkout sessions typed into the card, expiry and CVC fields
#: (see their events.json); short values are searched in their JSON context
NEEDLES = (
    b"4242 4242 4242 4242",
    b"4242424242424242",
    b"4242 4242 4242 4241",
    b'"4000 12"',
    b"09/27",
    b"11/26",
    b"13/26",
    b'"text":"314"',
    b'"value":"314"',
    b'"text":"123"',
    b'"value":"123"',
)


def _blobs(db_path: Path, conn) -> dict[str, bytes]:
    """Every byte the store holds, decompressed where it is compressed."""
    out = {}
    for suffix in ("", "-wal", "-shm"):
        f = Path(f"{db_path}{suffix}")
        if f.exists():
            out[f.name] = f.read_bytes()
    for sid, seq, codec, data in conn.execute("SELECT session_id, seq, codec, data FROM event_chunks"):
        out[f"chunk {sid}/{seq}"] = orjson.dumps(decode_chunk(codec, bytes(data)))
    sids = [r[0] for r in conn.execute("SELECT DISTINCT session_id FROM checkpoints")]
    for sid in sids:
        rows = load_checkpoints(conn, sid, checkpoint_version())
        cps = _from_rows(rows)
        for k in range(len(cps)):
            out[f"checkpoint {sid}/{k}"] = checkpoint_raw(cps, k)
    for sid, kind, data in conn.execute("SELECT session_id, kind, data FROM derived"):
        try:
            out[f"derived {sid}/{kind}"] = zstandard.ZstdDecompressor().decompress(bytes(data), max_output_size=1 << 28)
        except zstandard.ZstdError:
            out[f"derived {sid}/{kind}"] = bytes(data)
    for table in ("sessions", "session_details", "console", "pages", "interactions"):
        out[f"table {table}"] = orjson.dumps([list(r) for r in conn.execute(f"SELECT * FROM {table}")], default=str)
    return out


def _found(blobs: dict[str, bytes], needles) -> list[tuple[str, bytes]]:
    return [(name, n) for name, b in blobs.items() for n in needles if n in b]


def _import_with_derived(db_path: Path, corpus: Path, policy: RedactionPolicy):
    db = open_store(db_path)
    report = import_paths(db, [corpus / "archive-demo.zip"], policy=policy)
    assert len(report.added) == 9, report.rejected
    for sid in CHECKOUTS:  # checkpoints and inspector rows: what opening the session stores
        ensure_checkpoints(db, sid)
        chash = db.conn.execute("SELECT content_hash FROM sessions WHERE id = ?", (sid,)).fetchone()[0]
        assert save_views(db, sid, chash, build_views(iter_events(db.conn, sid), sid))
    return db, report


def test_without_redaction_the_search_finds_the_clear_values(tmp_path, corpus):
    """Control: the byte search sees through compression (the check below can fail)."""
    db, _ = _import_with_derived(tmp_path / "clear.db", corpus, RedactionPolicy(enabled=False))
    blobs = _blobs(tmp_path / "clear.db", db.conn)
    found = {n for _, n in _found(blobs, NEEDLES)}
    assert found == set(NEEDLES) - {b"4242424242424242"}  # (never typed without spaces; searched anyway)
    assert any(name.startswith("checkpoint") for name, n in _found(blobs, (b"4242 4242 4242 4242",)))
    assert not any(name.endswith(".db") for name, _ in _found(blobs, NEEDLES))  # compressed: invisible raw
    db.conn.close()


def test_store_holds_no_card_expiry_or_cvc_anywhere(tmp_path, corpus):
    p = tmp_path / "store.db"
    db, report = _import_with_derived(p, corpus, RedactionPolicy())
    assert _found(_blobs(p, db.conn), NEEDLES) == []
    db.conn.close()
    assert _found(_blobs(p, open_store(p).conn), NEEDLES) == []
    # the masked form is there instead, and the report says per session and rule
    r = report.redactions
    assert r["ses_46d365862838"]["by_rule"]["field-name"] >= 27
    assert r["ses_f69ef2c8dc31"]["redacted"] >= 53
    assert r["ses_49340e341bb8"]["redacted"] == 0
    assert "value(s) redacted" in report.summary_line()


def test_inspector_rows_show_the_masked_form(tmp_path, corpus):
    db, _ = _import_with_derived(tmp_path / "s.db", corpus, RedactionPolicy())
    from replaydesk.analysis.views import load_views

    views = load_views(db, "ses_46d365862838")
    text = orjson.dumps(views, default=lambda o: o._asdict() if hasattr(o, "_asdict") else str(o))
    assert b"**** **** **** ****" in text and b"4242 4242" not in text
    db.conn.close()


def test_details_show_the_redaction_report(seeded_db):
    info = session_info(seeded_db, "ses_46d365862838")
    rep = info["meta"]["replaydesk_redaction"]
    assert rep["policy"] == RedactionPolicy().digest()
    assert rep["by_rule"]["field-name"] >= 27


def test_reimport_with_another_policy_replaces_and_says_so(tmp_path, corpus):
    db = open_store(tmp_path / "s.db")
    first = import_paths(db, [corpus / "archive-demo.zip"])
    assert len(first.added) == 9
    same = import_paths(db, [corpus / "archive-demo.zip"])
    assert len(same.skipped) == 9 and not same.replaced
    other = RedactionPolicy(patterns=(r"maria\.keller@example\.com",))
    again = import_paths(db, [corpus / "archive-demo.zip"], policy=other)
    assert sorted(again.replaced) == sorted(first.added) and sorted(again.policy_replaced) == sorted(first.added)
    assert db.conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 9
    assert again.redactions["ses_46d365862838"]["by_rule"]["pattern"] >= 1
    info = session_info(db, "ses_46d365862838")
    assert info["meta"]["replaydesk_redaction"]["policy"] == other.digest()
    db.conn.close()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_store_wal_and_shm_are_owner_only(tmp_path, corpus):
    old = os.umask(0o022)
    try:
        p = tmp_path / "perm.db"
        db = open_store(p)
        import_paths(db, [corpus / "ses_6ef7552cd34d"])
        for f in (p, Path(f"{p}-wal"), Path(f"{p}-shm")):
            assert f.exists(), f
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, (f, oct(f.stat().st_mode))
        db.conn.close()
        # an existing store made with a looser mode is tightened when opened
        os.chmod(p, 0o644)
        open_store(p).conn.close()
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
    finally:
        os.umask(old)


# -- retention and erasure (store/retention.py, `replaydesk prune` / `forget`) -------------------

EMAIL = b"maria.keller@example.com"


def _raw_files(p: Path) -> bytes:
    return b"".join(Path(f"{p}{s}").read_bytes() for s in ("", "-wal", "-shm") if Path(f"{p}{s}").exists())


def test_forget_user_leaves_no_byte_of_theirs(tmp_path, corpus):
    from replaydesk.cli import main

    p = tmp_path / "f.db"
    db, _ = _import_with_derived(p, corpus, RedactionPolicy())
    assert EMAIL in _raw_files(p) or any(EMAIL in b for b in _blobs(p, db.conn).values())
    before = db.conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
    # the CLI runs while this connection stays open (the GUI case): the WAL must still be emptied
    assert main(["forget", "--user", "Maria.Keller@example.com", "--db", str(p)]) == 0
    assert db.conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == before - 1
    assert _found(_blobs(p, db.conn), (EMAIL, b"Maria Keller", b"ses_46d365862838")) == []
    assert not Path(f"{p}-wal").exists() or Path(f"{p}-wal").stat().st_size == 0
    # the user search finds nothing either
    assert db.conn.execute("SELECT count(*) FROM session_search WHERE people LIKE '%maria%'").fetchone()[0] == 0
    db.conn.close()
    assert EMAIL not in _raw_files(p)


def test_forget_by_user_id_and_unknown_user(tmp_path, corpus, capsys):
    from replaydesk.cli import main

    p = tmp_path / "f.db"
    db = open_store(p)
    import_paths(db, [corpus / "archive-demo.zip"])
    uid = db.conn.execute("SELECT user_id FROM sessions WHERE id = 'ses_f69ef2c8dc31'").fetchone()[0]
    db.conn.close()
    assert main(["forget", "--user", uid, "--db", str(p)]) == 0
    assert main(["forget", "--user", "nobody@example.com", "--db", str(p)]) == 0
    out = capsys.readouterr().out
    assert "deleted 1 session(s)" in out and "no sessions of user 'nobody@example.com'" in out
    assert b"sam.lee@example.com" not in _raw_files(p)


def test_prune_older_than(tmp_path, corpus, capsys):
    from replaydesk.cli import main
    from replaydesk.store.retention import sessions_older_than

    p = tmp_path / "p.db"
    db = open_store(p)
    import_paths(db, [corpus / "archive-demo.zip"])
    starts = sorted(r[0] for r in db.conn.execute("SELECT started_at FROM sessions"))
    # a clock 10 days after the 5th session started: the first five are older than 10 days... minus ties
    now = starts[4] + 10 * 86_400_000 + 1
    assert len(sessions_older_than(db.conn, 10, now_ms=now)) == 5
    db.conn.close()
    assert main(["prune", "--older-than", "100000", "--db", str(p)]) == 0
    assert "no sessions older than" in capsys.readouterr().out
    assert main(["prune", "--older-than", "0", "--db", str(p)]) == 0
    assert "deleted 9 session(s)" in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:  # argparse's usage error: nothing deleted
        main(["prune", "--older-than", "-1", "--db", str(p)])
    assert refused.value.code == 2


def test_import_cli_prints_the_redaction_report_and_bad_selector_is_one_line(tmp_path, corpus, capsys):
    from replaydesk.cli import main

    p = tmp_path / "c.db"
    assert main(["import", str(corpus / "archive-demo.zip"), "--db", str(p), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "redacted: ses_46d365862838: 27 value(s) (field-name 27)" in out
    assert "value(s) redacted" in out
    assert main(["import", str(corpus / "archive-demo.zip"), "--db", str(p), "--quiet", "--redact-pattern", "Keller"]) == 0
    cap = capsys.readouterr()
    assert "replaced: ses_46d365862838: stored under another redaction policy" in cap.err
    assert main(["import", str(corpus / "archive-demo.zip"), "--db", str(p), "--redact-selector", "form > input"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unsupported selector" in err[0]
