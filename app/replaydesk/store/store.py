"""The one object that owns the store's connections: :class:`Store`.

SQLite allows one writer at a time, and every connection that writes must run
the migration check once. So the :class:`Store` keeps *one* writer connection,
opened (and upgraded) the first time a writer job needs it and handed to every
later one (``store.write(fn)`` calls ``fn(db)``, as Datasette's
``execute_write_fn`` and Anki's ``op(col)`` do), and one read-only connection per
thread (``store.reader()``): a reader never reopens, and a write never reruns the
migration check. The GUI's single writer thread is the only caller of
:meth:`Store.write`, so the writer connection is never used by two threads at once.

:func:`read_snapshot` replaces hand-written ``BEGIN``/``COMMIT`` pairs: rows read
inside it belong to one consistent state of the file (a content hash and the
events it hashes, say), even while the writer commits.

Everything here is Qt-free; code outside ``store/`` reaches SQLite only through
this package (an import-linter contract says so), and catches :data:`StoreError`
/ :data:`StoreBusy` instead of ``sqlite3``'s classes.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlite_utils import Database

from .cipher import StoreLocked
from .db import connection_of, open_store, stream_pragmas

T = TypeVar("T")

# A store is an ``sqlite3`` connection, or an ``sqlcipher3`` one when it is encrypted
# (cipher.py): two unrelated exception hierarchies, so each name below is a tuple of
# classes (``except StoreError:`` and ``isinstance`` take tuples).
try:
    import sqlcipher3 as _cipher_db
except ImportError:  # pragma: no cover - a dependency; without it only plain stores open
    _cipher_db = sqlite3

#: any failure of the database layer (corrupt file, not a database, I/O, locked by a
#: passphrase): ``sqlite3.Error`` and the same from sqlcipher3
StoreError = (sqlite3.Error, _cipher_db.Error, StoreLocked)
#: a database file that cannot be read as one (``DatabaseError``), or an encrypted one
#: without its passphrase (:class:`~.cipher.StoreLocked`)
StoreCorrupt = (sqlite3.DatabaseError, _cipher_db.DatabaseError, StoreLocked)
#: a read-only or busy store, a lock held too long (``OperationalError``)
StoreBusy = (sqlite3.OperationalError, _cipher_db.OperationalError)


def store_path(db) -> str:
    """The file the connection ``db`` has open ("" for an in-memory store)."""
    return connection_of(db).execute("PRAGMA database_list").fetchone()[2]


#: Page cache (KiB) of :func:`replay_connection`: a seek reads one or two chunks and the
#: index pages above them; the decoded chunks are cached by the replay itself
REPLAY_CACHE_KIB = 2048


def replay_connection(db):
    """A read-only connection of its own to ``db``'s store for the player's seeks (checkpoints
    and event chunks, read on the GUI thread), set up by :func:`~.db.stream_pragmas` for good:
    on ``db``, which maps the store for the session list, the chunks that seeks read stayed
    mapped, up to the whole session's events (~20 MB for the 60-minute benchmark session, issue
    16). ``db`` itself for an in-memory store (no file to open again); the caller closes any
    other with :func:`close_replay_connection`."""
    path = store_path(db)
    if not path:
        return db
    reader = open_store(path, readonly=True)
    stream_pragmas(reader.conn, REPLAY_CACHE_KIB)
    return reader


def close_replay_connection(replay_db, db) -> None:
    if replay_db is not db:
        connection_of(replay_db).close()


@contextmanager
def read_snapshot(db) -> Iterator[sqlite3.Connection]:
    """One read transaction: every query in the body sees the same committed state.
    Nested use (or a caller already in a transaction) joins the outer one."""
    conn = connection_of(db)
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    try:
        yield conn
    finally:
        if own and conn.in_transaction:
            conn.execute("COMMIT")


class Store:
    """The store at ``path``: one writer connection (lazy, upgraded once) for writer
    jobs and one read-only connection per thread. See the module docstring.

    :meth:`shared` gives every user of a file the same ``Store`` while one holds it;
    its connections close when the last holder drops it."""

    _shared: "weakref.WeakValueDictionary[str, Store]" = weakref.WeakValueDictionary()
    _shared_lock = threading.Lock()

    def __init__(self, path: str | os.PathLike):
        self.path = str(path)
        self._writer: Database | None = None
        self._writer_lock = threading.Lock()
        self._local = threading.local()

    @classmethod
    def shared(cls, path: str | os.PathLike) -> "Store":
        """The process's ``Store`` for ``path`` while anyone holds it (the window's player
        does), so the importer, the player's jobs and a recompute share one writer
        connection; a new one once every holder has dropped it."""
        key = os.path.abspath(os.fspath(path)) if str(path) else ""
        with cls._shared_lock:
            store = cls._shared.get(key)
            if store is None:
                store = cls(key)
                cls._shared[key] = store
            return store

    @classmethod
    def of(cls, db) -> "Store":
        """The shared ``Store`` (:meth:`shared`) of the file the connection ``db`` has open."""
        return cls.shared(store_path(db))

    @property
    def writer(self) -> Database:
        """The writer connection (opened and migrated the first time)."""
        with self._writer_lock:
            if self._writer is None:
                self._writer = open_store(self.path)
            return self._writer

    def write(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """Run ``fn(writer_db, *args, **kwargs)``: a writer job. Call it from one
        thread only (the GUI's writer pool)."""
        return fn(self.writer, *args, **kwargs)

    def reader(self) -> Database:
        """This thread's read-only connection (opened once per thread)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = open_store(self.path, readonly=True)
        return db

    def read(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """Run ``fn(reader_db, *args, **kwargs)`` on this thread's reader."""
        return fn(self.reader(), *args, **kwargs)

    def close_writer(self) -> None:
        """Close the writer connection (reopened by the next writer job). Readers
        close with the threads' ``threading.local`` when the store is dropped."""
        with self._writer_lock:
            if self._writer is not None:
                self._writer.conn.close()
                self._writer = None
