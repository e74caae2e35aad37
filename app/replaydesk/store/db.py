"""Opening the store: where it lives, and the connection settings it needs.

WAL lets the GUI read while the single import writer commits; foreign keys
make replacing a session one DELETE; ``synchronous=NORMAL`` is durable across
application crashes under WAL (only an OS crash can lose the last commit,
never corrupt the file).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from . import cipher
from .schema import upgrade

ENV_DB = "REPLAYDESK_DB"


def default_db_path() -> Path:
    """``--db`` wins, then ``$REPLAYDESK_DB``, then the user data directory."""
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("ReplayDesk", "ReplayDesk")) / "replaydesk.db"


def owner_only(path: Path) -> None:
    """Make the store file readable by its owner only (0600 on POSIX), creating it empty
    if needed. Session recordings are personal data. SQLite creates the ``-wal`` and
    ``-shm`` files with the main file's permissions; existing ones are tightened too
    (a store made by an older version, or copied with a looser umask)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return  # read-only place or no permission: sqlite3.connect reports it
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
    except OSError:
        pass  # not ours: leave it
    finally:
        os.close(fd)
    for suffix in ("-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        try:
            if side.stat().st_mode & 0o077:
                side.chmod(0o600)
        except OSError:
            pass


def open_store(path: str | os.PathLike | None = None, *, readonly: bool = False,
               passphrase: str | None = None) -> Database:
    """Open (creating and upgrading when needed) the store at ``path``.

    ``":memory:"`` gives a private in-memory store (tests). An SQLCipher-encrypted store
    (store/cipher.py) is opened with ``passphrase``, else the one registered for it or
    ``$REPLAYDESK_PASSPHRASE``; a new store given a passphrase is created encrypted.
    Raises :class:`cipher.StoreLocked` (one line naming the file) when the passphrase is
    missing or wrong.
    """
    if path is None:
        path = default_db_path()
    key = None
    if str(path) == ":memory:":
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    else:
        p = Path(path)
        if readonly and not p.exists():
            raise FileNotFoundError(f"no store at {p}")
        if not readonly:
            p.parent.mkdir(parents=True, exist_ok=True)
            owner_only(p)
        key = cipher.key_for(p, passphrase)
        if key is not None:
            conn = cipher.connect(p, key, readonly=readonly)
        elif readonly:
            conn = sqlite3.connect(f"file:{p}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
        else:
            conn = sqlite3.connect(p, isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 30000")
    # list queries over 100,000 sessions walk indexes and rows: keep them hot
    conn.execute("PRAGMA cache_size = -65536")
    if key is None:  # SQLCipher with mmap wrote an all-zero salt in our tests: never on encrypted stores
        conn.execute("PRAGMA mmap_size = 268435456")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    db = Database(conn)
    if not readonly:
        upgrade(db)
    return db


#: Page cache (KiB) of a pass that reads event chunks: each chunk is read once and decoded
#: (the decoded events are what callers keep), so pages are not worth keeping
STREAM_CACHE_KIB = 8192


def stream_pragmas(conn: sqlite3.Connection, cache_kib: int = STREAM_CACHE_KIB) -> dict:
    """Set the connection up for reading event chunks: no mmap and a small page cache.
    Returns the previous values (for :func:`restore_pragmas`).

    Why: every connection maps the store (``mmap_size``, for fast lists) and the pages a read
    touches stay mapped, counted in the process's RSS, until the connection closes: a scan of a
    60-minute session left ~20 MB mapped per connection that read it (issue 16), and each new
    session read adds its own. Read with ``pread`` instead, pages go through the page cache,
    here bounded at ``cache_kib``; the OS's file cache keeps re-reads cheap."""
    saved = {name: (conn.execute(f"PRAGMA {name}").fetchone() or (None,))[0] for name in ("cache_size", "mmap_size")}
    conn.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
    conn.execute("PRAGMA mmap_size = 0")  # unmaps what the connection had mapped
    return saved


def restore_pragmas(conn: sqlite3.Connection, saved: dict) -> None:
    for name, value in saved.items():
        if value is not None:
            conn.execute(f"PRAGMA {name} = {int(value)}")


@contextmanager
def streaming_reads(db, cache_kib: int = STREAM_CACHE_KIB) -> Iterator[sqlite3.Connection]:
    """:func:`stream_pragmas` for the body (a scan of a session's chunks), restored after;
    the pages it read are no longer mapped, nor cached (``shrink_memory``: they were the
    scanned session's, not what the connection's next query needs)."""
    conn = connection_of(db)
    saved = stream_pragmas(conn, cache_kib)
    try:
        yield conn
    finally:
        restore_pragmas(conn, saved)
        conn.execute("PRAGMA shrink_memory")


def connect_file(path: str | os.PathLike, *, timeout: float = 30):
    """A bare writable connection to an existing store file (no pragmas, no upgrade):
    ``sqlite3``, or ``sqlcipher3`` keyed with the passphrase this process knows when the
    store is encrypted (store/cipher.py). For short side writes next to a read-only one."""
    p = Path(path)
    key = cipher.key_for(p)
    if key is not None:
        return cipher.connect(p, key, timeout=timeout)
    return sqlite3.connect(p, isolation_level=None, timeout=timeout, check_same_thread=False)


def connection_of(db) -> sqlite3.Connection:
    """The raw connection of a ``sqlite_utils.Database`` (or a connection itself):
    store functions take either."""
    return getattr(db, "conn", db)


@contextmanager
def write_transaction(conn: sqlite3.Connection, name: str) -> Iterator[sqlite3.Connection]:
    """One short write: ``BEGIN IMMEDIATE`` .. ``COMMIT``, or a savepoint named ``name``
    when the caller already holds a transaction (then the caller commits). Rolled back
    if the body raises."""
    outer = conn.in_transaction
    conn.execute(f"SAVEPOINT {name}" if outer else "BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if outer:
            conn.execute(f"ROLLBACK TO {name}")
            conn.execute(f"RELEASE {name}")
        else:
            conn.execute("ROLLBACK")
        raise
    conn.execute(f"RELEASE {name}" if outer else "COMMIT")


def delete_where(conn: sqlite3.Connection, table: str, *conditions: tuple[str, object]) -> int:
    """``DELETE FROM table`` where every ``(sql, value)`` condition whose value is not None
    holds (``("session_id = ?", sid)``); no conditions left deletes every row. Returns the count."""
    kept = [(sql, v) for sql, v in conditions if v is not None]
    where = " WHERE " + " AND ".join(sql for sql, _ in kept) if kept else ""
    return conn.execute(f"DELETE FROM {table}{where}", [v for _, v in kept]).rowcount
