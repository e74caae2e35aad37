"""Issue 14: an SQLCipher-encrypted store (store/cipher.py) - nothing readable in the file,
one clear line for a wrong passphrase, every command working on it, and ``encrypt``
turning a plain store into an encrypted one without losing a session. The window's
prompt, Preferences and ``render`` (Qt) are in tests/gui/test_encrypted_store_ui.py.

Every other store test can run against encrypted stores too: with
``REPLAYDESK_PASSPHRASE`` set, every new store is created encrypted
(``REPLAYDESK_PASSPHRASE=x pytest tests/store``).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from replaydesk.store import Store, StoreBusy, StoreCorrupt, StoreError, import_paths, list_sessions, open_store
from replaydesk.store.cipher import (
    ENV_PASSPHRASE,
    PassphraseNeeded,
    StoreLocked,
    WrongPassphrase,
    is_encrypted,
    register_passphrase,
)

PASS = "correct horse battery staple"
SESSION = "ses_894a31ac3a8c"  # the phone cart: render's truth frame is at 24075 ms
HEADER = b"SQLite format 3"


@pytest.fixture(autouse=True)
def _no_known_passphrase(monkeypatch):
    """Each test starts knowing no passphrase (registrations are process-wide)."""
    monkeypatch.delenv(ENV_PASSPHRASE, raising=False)
    yield
    register_passphrase(None)


def _raw(p: Path) -> bytes:
    return b"".join(Path(f"{p}{s}").read_bytes() for s in ("", "-wal", "-shm") if Path(f"{p}{s}").exists())


def _visible_strings(db) -> list[bytes]:
    """Text the store keeps uncompressed (URLs, user e-mails): found by a plain byte search
    of a plain store, so their absence from an encrypted one means something."""
    conn = db.conn
    urls = [r[0] for r in conn.execute("SELECT url FROM urls ORDER BY length(url) DESC LIMIT 3")]
    return [u.encode() for u in urls if u]


def _cli(*args, env_extra=None):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    env.pop(ENV_PASSPHRASE, None)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "replaydesk", *map(str, args)], capture_output=True, text=True,
                          timeout=180, env=env)


def test_encrypted_store_file_holds_no_corpus_text_and_no_sqlite_header(tmp_path, corpus):
    plain, enc = tmp_path / "plain.db", tmp_path / "enc.db"
    pdb = open_store(plain)
    import_paths(pdb, [corpus / SESSION])
    needles = _visible_strings(pdb)
    pdb.conn.close()
    raw_plain = _raw(plain)
    assert needles and all(n in raw_plain for n in needles)  # the control: a plain store shows them
    assert raw_plain.startswith(HEADER)

    db = open_store(enc, passphrase=PASS)
    assert import_paths(db, [corpus / SESSION]).added == [SESSION]
    raw_open = _raw(enc)  # WAL included, before any checkpoint
    db.conn.close()
    for raw in (raw_open, _raw(enc)):
        assert HEADER not in raw
        assert not [n for n in needles if n in raw]
    assert is_encrypted(enc) and not is_encrypted(plain)
    with pytest.raises(sqlite3.DatabaseError):  # the sqlite3 module cannot read it
        sqlite3.connect(enc).execute("SELECT count(*) FROM sqlite_master").fetchone()


def test_open_needs_the_right_passphrase_and_errors_map_to_store_errors(tmp_path, corpus):
    p = tmp_path / "enc.db"
    open_store(p, passphrase=PASS).conn.close()
    with pytest.raises(PassphraseNeeded, match="is encrypted"):
        open_store(p)
    with pytest.raises(WrongPassphrase) as exc:
        open_store(p, passphrase="nope", readonly=True)
    assert str(exc.value) == f"store {p}: wrong passphrase or not a ReplayDesk store"
    assert isinstance(exc.value, StoreCorrupt) and isinstance(exc.value, StoreError)
    ro = open_store(p, passphrase=PASS, readonly=True)
    assert "sqlcipher3" in type(ro.conn).__module__
    with pytest.raises(StoreBusy):  # sqlcipher3's OperationalError: "attempt to write a readonly database"
        ro.conn.execute("DELETE FROM sessions")
    ro.conn.close()


def test_store_object_writer_and_readers_use_the_registered_passphrase(tmp_path, corpus):
    p = tmp_path / "enc.db"
    open_store(p, passphrase=PASS).conn.close()
    register_passphrase(PASS, p)
    store = Store(p)
    assert store.write(lambda db: import_paths(db, [corpus / SESSION]).added) == [SESSION]
    assert [s["id"] for s in store.read(list_sessions)] == [SESSION]
    store.close_writer()


def test_cli_wrong_or_missing_passphrase_is_one_clear_line(tmp_path, corpus):
    p = tmp_path / "enc.db"
    open_store(p, passphrase=PASS).conn.close()
    bad = tmp_path / "bad.txt"
    bad.write_text("not it\n")
    r = _cli("sessions", "--db", p, "--passphrase-file", bad)
    assert r.returncode == 2
    assert r.stderr.strip() == f"replaydesk: store {p}: wrong passphrase or not a ReplayDesk store"
    r = _cli("info", SESSION, "--db", p)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "is encrypted" in r.stderr
    r = _cli("sessions", "--db", p, "--passphrase-file", tmp_path / "missing.txt")
    assert r.returncode == 2 and r.stderr.startswith("replaydesk: cannot read the passphrase file")


def test_cli_import_list_info_on_an_encrypted_store(tmp_path, corpus):
    p = tmp_path / "enc.db"
    pw = tmp_path / "pw.txt"
    pw.write_text(PASS + "\n")
    r = _cli("import", corpus / SESSION, "--db", p, "--passphrase-file", pw, "--quiet")
    assert r.returncode == 0, r.stderr
    assert is_encrypted(p)
    r = _cli("sessions", "--json", "--db", p, env_extra={ENV_PASSPHRASE: PASS})
    assert r.returncode == 0, r.stderr
    assert [s["id"] for s in orjson.loads(r.stdout)] == [SESSION]
    r = _cli("info", SESSION, "--db", p, "--passphrase-file", pw)
    assert r.returncode == 0 and SESSION in r.stdout


def test_encrypt_keeps_every_session_and_leaves_no_plain_bytes(tmp_path, corpus):
    p = tmp_path / "store.db"
    db = open_store(p)
    report = import_paths(db, [corpus / "archive-demo.zip"])
    assert len(report.added) == 9
    before = [(s["id"], s["duration_ms"], s["click_count"]) for s in list_sessions(db)]
    needles = _visible_strings(db)
    events_before = db.conn.execute("SELECT count(*), sum(length(data)) FROM event_chunks").fetchone()
    db.conn.close()
    pw = tmp_path / "pw.txt"
    pw.write_text(PASS)
    r = _cli("encrypt", "--db", p, "--passphrase-file", pw)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    raw = _raw(p)
    assert not raw.startswith(HEADER) and HEADER not in raw
    assert not [n for n in needles if n in raw]
    assert not list(tmp_path.glob("*.encrypting*"))
    assert os.stat(p).st_mode & 0o077 == 0
    enc = open_store(p, passphrase=PASS)
    assert [(s["id"], s["duration_ms"], s["click_count"]) for s in list_sessions(enc)] == before
    assert enc.conn.execute("SELECT count(*), sum(length(data)) FROM event_chunks").fetchone() == events_before
    enc.conn.close()
    again = _cli("encrypt", "--db", p, "--passphrase-file", pw)
    assert again.returncode == 2 and "already encrypted" in again.stderr


def test_locked_store_errors_are_store_errors():
    import sqlcipher3

    assert issubclass(PassphraseNeeded, StoreLocked) and issubclass(WrongPassphrase, StoreLocked)
    assert isinstance(sqlcipher3.OperationalError("database is locked"), StoreBusy)
    with pytest.raises(StoreCorrupt):
        raise sqlcipher3.DatabaseError("file is not a database")


def test_encrypt_flag_is_the_encrypt_subcommand(tmp_path, corpus):
    """``replaydesk --encrypt [--db F]`` (the flag issue 14 names) encrypts like ``replaydesk encrypt``."""
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    for p in (first, second):
        db = open_store(p)
        assert import_paths(db, [corpus / SESSION]).added == [SESSION]
        db.conn.close()
    r = _cli("--encrypt", "--db", first)  # no passphrase and no terminal: one line, nothing done
    assert r.returncode == 2 and r.stderr.strip().splitlines() == [
        f"replaydesk: no passphrase for {first}: give one with --passphrase-file FILE or ${ENV_PASSPHRASE}"]
    assert not is_encrypted(first)
    r = _cli("--encrypt", "--db", first, env_extra={ENV_PASSPHRASE: PASS})
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"encrypted {first} (SQLCipher)")
    pw = tmp_path / "pw.txt"
    pw.write_text(PASS + "\n")
    r = _cli("--db", second, "--encrypt", "--passphrase-file", pw)  # the flag anywhere before the options
    assert r.returncode == 0, r.stderr
    for p in (first, second):
        assert is_encrypted(p) and HEADER not in _raw(p)
        enc = open_store(p, passphrase=PASS, readonly=True)
        assert [s["id"] for s in list_sessions(enc)] == [SESSION]
        enc.conn.close()
    r = _cli("--encrypt", "--db", first, env_extra={ENV_PASSPHRASE: PASS})
    assert r.returncode == 2 and "already encrypted" in r.stderr
