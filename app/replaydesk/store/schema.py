"""The store's schema as named, ordered, transactional migrations.

Each migration is a function applied once and recorded in sqlite-utils'
``_sqlite_migrations`` table, in the same transaction as its changes, so a
store opened by a newer ReplayDesk is upgraded in place and never half-way.
Never edit a released migration: add a new one.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("replaydesk")
SCHEMA_VERSION = 1


@migrations()
def m001_initial(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            ended_at INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL,
            active_ms INTEGER NOT NULL,
            user_id TEXT,
            user_email TEXT,
            user_name TEXT,
            user_agent TEXT,
            browser TEXT,
            os TEXT,
            device TEXT NOT NULL DEFAULT 'unknown',
            viewport_width INTEGER,
            viewport_height INTEGER,
            page_count INTEGER NOT NULL,
            entry_url TEXT,
            exit_url TEXT,
            event_count INTEGER NOT NULL,
            click_count INTEGER NOT NULL,
            error_count INTEGER NOT NULL,
            chunk_count INTEGER NOT NULL,
            events_bytes INTEGER NOT NULL,
            content_hash TEXT NOT NULL,
            warnings TEXT,
            meta TEXT,
            imported_at TEXT NOT NULL
        );
        CREATE INDEX sessions_started ON sessions(started_at);
        CREATE INDEX sessions_duration ON sessions(duration_ms);
        CREATE INDEX sessions_hash ON sessions(content_hash);
        CREATE INDEX sessions_device ON sessions(device, started_at);

        CREATE TABLE pages (
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            seq INTEGER NOT NULL,
            url TEXT NOT NULL,
            t_enter INTEGER NOT NULL,
            t_leave INTEGER NOT NULL,
            viewport_width INTEGER,
            viewport_height INTEGER,
            PRIMARY KEY (session_id, seq)
        );

        CREATE TABLE event_chunks (
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            seq INTEGER NOT NULL,
            t_start INTEGER NOT NULL,
            t_end INTEGER NOT NULL,
            first_index INTEGER NOT NULL,
            n_events INTEGER NOT NULL,
            full_snapshot INTEGER NOT NULL DEFAULT 0,
            raw_bytes INTEGER NOT NULL,
            codec TEXT NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (session_id, seq)
        );
        CREATE INDEX event_chunks_time ON event_chunks(session_id, t_start);

        CREATE TABLE interactions (
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            t INTEGER NOT NULL,
            kind TEXT NOT NULL,
            x REAL NOT NULL,
            y REAL NOT NULL,
            scroll_x INTEGER NOT NULL,
            scroll_y INTEGER NOT NULL,
            url TEXT,
            viewport_width INTEGER,
            viewport_height INTEGER,
            target_id INTEGER,
            page_seq INTEGER
        );
        CREATE INDEX interactions_session ON interactions(session_id, t);
        CREATE INDEX interactions_url ON interactions(url);

        CREATE TABLE console (
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            t INTEGER NOT NULL,
            level TEXT NOT NULL,
            message TEXT NOT NULL,
            trace TEXT,
            url TEXT
        );
        CREATE INDEX console_session ON console(session_id, t);

        -- URL and user search: trigram FTS5 makes "contains" filters indexed.
        CREATE VIRTUAL TABLE session_search USING fts5(
            session_id UNINDEXED, urls, people, tokenize = 'trigram'
        );
        """
    )


def _run(db: Database, script: str) -> None:
    """Execute ``;``-separated DDL inside the migration's transaction.

    (``executescript`` would COMMIT first and break the migration's atomicity.)
    """
    lines = [ln for ln in script.splitlines() if not ln.strip().startswith("--")]
    for stmt in "\n".join(lines).split(";"):
        if stmt.strip():
            db.execute(stmt)


def upgrade(db: Database) -> None:
    """Apply every pending migration (each in its own transaction)."""
    migrations.apply(db)
