"""Encryption at rest: SQLCipher stores (issue 14).

Why SQLCipher through ``sqlcipher3`` (the ``sqlcipher3-binary`` wheel, SQLCipher 4 with
its own SQLite): the same DB-API as ``sqlite3``, so ``sqlite_utils``, WAL and FTS5 work on
it unchanged, and the whole file (pages, WAL frames, free pages) is AES-256 encrypted,
so neither the corpus text nor the "SQLite format 3" header is readable without the key.

A plain store starts with the 16-byte SQLite header; an encrypted one starts with its
random salt, which is how :func:`is_encrypted` tells them apart without a passphrase.

The passphrase is turned into a key with PBKDF2-HMAC-SHA512 (256,000 rounds, SQLCipher 4's
default): 0.15-0.3 s. The store opens one writer and one reader per thread, so the key is
derived once per process and file (from the salt) and handed to SQLCipher as a raw
``x'...'`` key, which skips the derivation; only a new store is keyed by the passphrase.

Passphrases come from the caller, :func:`register_passphrase` (the CLI's
``--passphrase-file``, the window's prompt) or ``$REPLAYDESK_PASSPHRASE``; they are never
written anywhere.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from pathlib import Path

HEADER = b"SQLite format 3\x00"
ENV_PASSPHRASE = "REPLAYDESK_PASSPHRASE"
_KDF_ROUNDS = 256_000  # SQLCipher 4 defaults: PBKDF2-HMAC-SHA512, 32-byte key, 16-byte salt


class StoreLocked(sqlite3.DatabaseError):
    """An encrypted store opened without its passphrase, or with a wrong one (one line).
    A ``DatabaseError``, as for any file that cannot be read as a database."""


class PassphraseNeeded(StoreLocked):
    pass


class WrongPassphrase(StoreLocked):
    pass


_registered: dict[str, str] = {}
_keys: dict[tuple[str, bytes, str], str] = {}
_lock = threading.Lock()


def _key_of(path) -> str:
    return os.path.abspath(os.fspath(path)) if path is not None else "*"


def register_passphrase(passphrase: str | None, path: str | os.PathLike | None = None) -> None:
    """Use ``passphrase`` for the store at ``path`` (every store of this process when
    ``path`` is None) from now on; ``None`` forgets it."""
    with _lock:
        if passphrase is None:
            _registered.pop(_key_of(path), None)
        else:
            _registered[_key_of(path)] = passphrase


def registered_passphrase(path: str | os.PathLike) -> str | None:
    """The passphrase this process knows for ``path``: registered for it, for every
    store, or ``$REPLAYDESK_PASSPHRASE``."""
    with _lock:
        pw = _registered.get(_key_of(path), _registered.get("*"))
    return pw if pw is not None else (os.environ.get(ENV_PASSPHRASE) or None)


def is_encrypted(path: str | os.PathLike) -> bool:
    """Whether the file at ``path`` looks like an SQLCipher store: whole pages (a multiple
    of 512 bytes) that do not start with the SQLite header. Only the key tells an encrypted
    store from random bytes; a file of another size is left to SQLite ("not a database")."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
            size = os.fstat(f.fileno()).st_size
    except OSError:
        return False
    return size >= 512 and size % 512 == 0 and head != HEADER


def needs_passphrase(path: str | os.PathLike) -> bool:
    """An encrypted store for which this process knows no passphrase (the window asks)."""
    return is_encrypted(path) and registered_passphrase(path) is None


def _quoted(passphrase: str) -> str:
    if not passphrase or "\0" in passphrase:
        raise ValueError("a passphrase must be non-empty text without NUL characters")
    return "'" + passphrase.replace("'", "''") + "'"


def key_for(path: Path, passphrase: str | None = None) -> str | None:
    """The ``PRAGMA key`` argument for the store at ``path``, or None to open it as a plain
    SQLite file (a plain store, or a new one without a passphrase). Raises
    :class:`PassphraseNeeded` for an encrypted store and no passphrase."""
    pw = passphrase if passphrase is not None else registered_passphrase(path)
    if not is_encrypted(path):
        try:
            empty = path.stat().st_size == 0
        except OSError:
            empty = True
        # a new store given a passphrase is created encrypted; a plain one stays plain
        return _quoted(pw) if pw is not None and empty else None
    if pw is None:
        raise PassphraseNeeded(
            f"store {path} is encrypted (or not a ReplayDesk store): give its passphrase with "
            f"--passphrase-file FILE or ${ENV_PASSPHRASE}"
        )
    _quoted(pw)  # same checks as a new store's
    with open(path, "rb") as f:
        salt = f.read(16)
    k = (os.path.abspath(path), salt, pw)
    with _lock:
        raw = _keys.get(k)
    if raw is None:
        raw = hashlib.pbkdf2_hmac("sha512", pw.encode(), salt, _KDF_ROUNDS, 32).hex()
        with _lock:
            _keys[k] = raw
    return f"\"x'{raw}'\""


def connect(path: Path, key: str, *, readonly: bool = False, timeout: float = 30):
    """An ``sqlcipher3`` connection to ``path`` keyed with ``key`` (:func:`key_for`); the key
    is the first statement. :class:`WrongPassphrase` when the key does not open it."""
    import sqlcipher3

    target = f"file:{path}?mode=ro" if readonly else str(path)
    conn = sqlcipher3.connect(target, uri=readonly, isolation_level=None, check_same_thread=False, timeout=timeout)
    try:
        conn.execute(f"PRAGMA key = {key}")
        # a wrong key is reported here, once, as one line; SQLCipher's own log would add
        # three "ERROR CORE" lines on stderr
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc) or "encrypted" in str(exc):
            raise WrongPassphrase(f"store {path}: wrong passphrase or not a ReplayDesk store") from None
        raise
    return conn


def encrypt_store(path: str | os.PathLike, passphrase: str) -> None:
    """Turn the plain store at ``path`` into an encrypted one, in place and safely:
    ``sqlcipher_export`` into a new file next to it (owner-only), fsync, rename over the
    store, fsync the folder; then the old file's bytes (and its WAL's) are overwritten
    with zeros before they are let go. Until the rename the plain store is untouched and
    no other writer can commit to it; a crash leaves at worst a stray ``.encrypting`` file.

    Raises :class:`StoreLocked` if it is already encrypted, ``FileNotFoundError`` if there
    is no store, and sqlcipher3's ``OperationalError`` if another process holds it."""
    import sqlcipher3

    from .db import owner_only

    p = Path(path)
    if not p.exists() or p.stat().st_size == 0:
        raise FileNotFoundError(f"no store at {p}")
    if is_encrypted(p):
        raise StoreLocked(f"store {p} is already encrypted (or not a ReplayDesk store)")
    key = _quoted(passphrase)
    tmp = Path(f"{p}.encrypting")
    for side in (tmp, Path(f"{tmp}-journal")):
        side.unlink(missing_ok=True)
    owner_only(tmp)
    # ``guard`` holds the write lock from before the copy until the rename: no other writer
    # can commit to the plain file in between (and be lost). Same library as the copy's
    # connection: two SQLite copies in one process would not see each other's locks.
    guard = sqlcipher3.connect(str(p), isolation_level=None, check_same_thread=False, timeout=5)
    old = None
    try:
        guard.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        guard.execute("BEGIN IMMEDIATE")
        src = sqlcipher3.connect(str(p), isolation_level=None, check_same_thread=False, timeout=5)
        try:
            src.execute(f"ATTACH DATABASE ? AS encrypted KEY {key}", (str(tmp),))
            src.execute("SELECT sqlcipher_export('encrypted')")
            src.execute("DETACH DATABASE encrypted")
        finally:
            src.close()
        fd = os.open(tmp, os.O_RDWR)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        old = open(p, "r+b")  # the plain file's inode: scrubbed once it is no longer the store
        os.replace(tmp, p)
        _fsync_dir(p.parent)
    except BaseException:
        if old is not None:
            old.close()
        tmp.unlink(missing_ok=True)
        raise
    finally:
        guard.close()
    try:
        _scrub(old)
    finally:
        old.close()
    for suffix in ("-wal", "-shm"):
        side = Path(f"{p}{suffix}")
        if side.exists():
            try:
                with open(side, "r+b") as f:
                    _scrub(f)
                side.unlink()
            except OSError:
                pass


def _scrub(f) -> None:
    """Overwrite an open file with zeros and flush it to disk (best effort: a copy-on-write
    file system or an SSD may still keep the old blocks; docs/privacy.md says so)."""
    f.seek(0, os.SEEK_END)
    size = f.tell()
    f.seek(0)
    block = b"\0" * (1 << 20)
    left = size
    while left > 0:
        n = min(left, len(block))
        f.write(block[:n])
        left -= n
    f.flush()
    os.fsync(f.fileno())


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
