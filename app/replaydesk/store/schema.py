"""The store's schema as named, ordered, transactional migrations.

Each migration is a function applied once and recorded in sqlite-utils'
``_sqlite_migrations`` table, in the same transaction as its changes, so a
store opened by a newer ReplayDesk is upgraded in place and never half-way.
Never edit a released migration: add a new one.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

# No SCHEMA_VERSION constant: the version of a store is the list of migrations recorded in
# its ``_sqlite_migrations`` table, and the code's is the list of functions below.
migrations = Migrations("replaydesk")


@migrations()
def m001_initial(db: Database) -> None:
    _run(
        db,
        """
        -- One lean row per session: everything the list shows, sorts and
        -- filters on. Bulky per-session text lives in session_details so
        -- list queries over 100,000 sessions touch few pages.
        CREATE TABLE sessions (
            id TEXT NOT NULL UNIQUE,
            started_at INTEGER NOT NULL,
            ended_at INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL,
            active_ms INTEGER NOT NULL,
            user_id TEXT,
            user_email TEXT,
            user_name TEXT,
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
            imported_at TEXT NOT NULL
        );
        -- one index per sortable column: ORDER BY col, rowid walks the index.
        -- The default order (newest first) gets a covering index with every
        -- numeric filter column, so filtering it never touches table rows.
        CREATE INDEX sessions_started ON sessions(
            started_at, device, error_count, duration_ms, click_count, viewport_width, active_ms, page_count
        );
        CREATE INDEX sessions_duration ON sessions(duration_ms);
        CREATE INDEX sessions_active ON sessions(active_ms);
        CREATE INDEX sessions_user ON sessions(COALESCE(user_email, user_id, ''));
        CREATE INDEX sessions_entry ON sessions(entry_url);
        CREATE INDEX sessions_pages ON sessions(page_count);
        CREATE INDEX sessions_clicks ON sessions(click_count);
        CREATE INDEX sessions_errors ON sessions(error_count);
        CREATE INDEX sessions_device ON sessions(device);
        CREATE INDEX sessions_viewport ON sessions(viewport_width);
        CREATE INDEX sessions_hash ON sessions(content_hash);

        CREATE TABLE session_details (
            id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            source TEXT NOT NULL,
            user_agent TEXT,
            warnings TEXT,
            meta TEXT
        );

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

        -- "Visited a URL containing ...": a site has few distinct URLs, so
        -- match the distinct URLs first, then walk to sessions by index.
        CREATE TABLE urls (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE
        );
        CREATE TABLE session_urls (
            url_id INTEGER NOT NULL,
            session_rowid INTEGER NOT NULL,
            PRIMARY KEY (url_id, session_rowid)
        ) WITHOUT ROWID;
        CREATE INDEX session_urls_session ON session_urls(session_rowid);

        -- User search (id, e-mail, name): trigram FTS5 makes "contains"
        -- indexed. Its rowid is the session's rowid.
        CREATE VIRTUAL TABLE session_search USING fts5(
            people, tokenize = 'trigram'
        );
        """
    )



@migrations()
def m002_checkpoints(db: Database) -> None:
    _run(
        db,
        """
        -- Replay checkpoints (compact mirror states) of a session, built once
        -- (at import or first open) so that a seek costs "restore one
        -- checkpoint + apply at most one interval of events" anywhere in the
        -- session. The store keeps them as opaque blobs: a delta blob is
        -- compressed against the keyframe blob of the same session whose seq
        -- is keyframe_seq, so a session's set is written and deleted as a
        -- whole (one transaction), never partially. ``version`` names the
        -- engine, state format and checkpoint policy that built the set; a
        -- reader with another version rebuilds it. ``content_hash`` is the
        -- session's content hash at build time (a replaced session's set is
        -- also removed by the cascade).
        CREATE TABLE checkpoints (
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            seq INTEGER NOT NULL,
            timestamp INTEGER NOT NULL,
            event_index INTEGER NOT NULL,
            is_keyframe INTEGER NOT NULL,
            keyframe_seq INTEGER NOT NULL,
            version TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (session_id, seq)
        )
        """,
    )


@migrations()
def m003_derived(db: Database) -> None:
    _run(
        db,
        """
        -- Results computed from a session's events by a later layer (the
        -- replay pane's timeline and inspector rows, later the analysis
        -- passes), cached so that opening a long session again does not
        -- replay all of it. Opaque blobs to the store, one per (session,
        -- kind); ``version`` names the code that built it and
        -- ``content_hash`` the session content it was built from: a reader
        -- with another version, or a session replaced since, rebuilds. A
        -- deleted session takes its rows with it (cascade).
        CREATE TABLE derived (
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            kind TEXT NOT NULL,
            version TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (session_id, kind)
        ) WITHOUT ROWID
        """,
    )


@migrations()
def m004_signals(db: Database) -> None:
    _run(
        db,
        """
        -- Frustration signals (issue 11). The store keeps them as plain rows
        -- written by the analysis layer through store/signals.py:
        --   * signal_facts: one compact, threshold-free digest per session
        --     (opaque blob), so a threshold change recomputes every session
        --     without reading events. ``version`` names the code that built
        --     it, ``content_hash`` the content it was built from (a stale row
        --     is rebuilt from the events), ``attributed`` whether it came
        --     from a pass with the DOM mirror (click targets named, forms
        --     tracked) or the import's mirror-less pass;
        --   * signals: the findings of the current thresholds, one row each;
        --   * sig_* on sessions: per-kind counts, so the list filters and
        --     sorts without a join;
        --   * click attribution on interactions: the target element named
        --     by the mirror pass, and its box measured by the renderer.
        -- A replaced or deleted session takes all of it along (cascade; the
        -- sig_* columns and interactions rows live and die with it).
        CREATE TABLE signal_facts (
            session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            version TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            attributed INTEGER NOT NULL DEFAULT 0,
            data BLOB NOT NULL
        );
        CREATE TABLE signals (
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            t_ms INTEGER NOT NULL,
            ts INTEGER NOT NULL,
            end_ms INTEGER,
            count INTEGER NOT NULL DEFAULT 1,
            node_id INTEGER,
            selector TEXT,
            target_label TEXT,
            rule TEXT NOT NULL,
            params TEXT NOT NULL,
            evidence TEXT NOT NULL,
            PRIMARY KEY (session_id, seq)
        ) WITHOUT ROWID;
        CREATE INDEX signals_kind ON signals(kind);
        -- the settings the stored findings were computed with (JSON), so an
        -- import detects with the thresholds the user chose last
        CREATE TABLE store_settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        ALTER TABLE sessions ADD COLUMN sig_rage INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sessions ADD COLUMN sig_dead INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sessions ADD COLUMN sig_error INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sessions ADD COLUMN sig_quick_back INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sessions ADD COLUMN sig_scroll INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sessions ADD COLUMN sig_thrash INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sessions ADD COLUMN sig_form INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sessions ADD COLUMN sig_total INTEGER NOT NULL DEFAULT 0;
        -- sorting by signal count walks this index; "has rage / dead / error
        -- click / quick back" filters use the partial indexes (few sessions
        -- have signals, so each holds only those that do)
        CREATE INDEX sessions_sig_total ON sessions(sig_total);
        CREATE INDEX sessions_sig_rage ON sessions(started_at) WHERE sig_rage > 0;
        CREATE INDEX sessions_sig_dead ON sessions(started_at) WHERE sig_dead > 0;
        CREATE INDEX sessions_sig_error ON sessions(started_at) WHERE sig_error > 0;
        CREATE INDEX sessions_sig_quick_back ON sessions(started_at) WHERE sig_quick_back > 0;
        ALTER TABLE interactions ADD COLUMN selector TEXT;
        ALTER TABLE interactions ADD COLUMN tag TEXT;
        ALTER TABLE interactions ADD COLUMN role TEXT;
        ALTER TABLE interactions ADD COLUMN target_text TEXT;
        -- the target's box in page coordinates (CSS px of the recorded
        -- viewport, scroll included) and the click's position in it (0..1);
        -- NULL with ``box_note`` saying why when no box could be measured
        -- (then x/y + scroll_x/scroll_y are the page coordinates to use)
        ALTER TABLE interactions ADD COLUMN box_x REAL;
        ALTER TABLE interactions ADD COLUMN box_y REAL;
        ALTER TABLE interactions ADD COLUMN box_w REAL;
        ALTER TABLE interactions ADD COLUMN box_h REAL;
        ALTER TABLE interactions ADD COLUMN rx REAL;
        ALTER TABLE interactions ADD COLUMN ry REAL;
        ALTER TABLE interactions ADD COLUMN box_note TEXT
        """,
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



@migrations()
def m006_insights_cache(db: Database) -> None:
    _run(
        db,
        """
        -- Page insights (issue 12): the clicks of one URL pattern as packed
        -- numpy records, one row per (pattern, session), so a heatmap over a
        -- million clicks reads ~10,000 blobs instead of a million rows. Built
        -- lazily by store/click_cache.py for sessions without a row (n = 0
        -- rows say "no clicks on this page"); a session's rows go when its
        -- interactions change (triggers below) or it is deleted (cascade).
        -- ``insights_selectors`` interns selector texts (ids in the blobs).
        -- ``insights_state.gen`` counts changes that alter any insight
        -- (sessions landing or leaving, click attribution), so cached results
        -- are reused until it moves.
        CREATE TABLE insights_clicks (
            pattern TEXT NOT NULL,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            version INTEGER NOT NULL,
            n INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (pattern, session_id)
        ) WITHOUT ROWID;
        CREATE INDEX insights_clicks_session ON insights_clicks(session_id);
        -- "is every session built?" counts this index, not the blob pages
        CREATE INDEX insights_clicks_pattern ON insights_clicks(pattern, version);
        CREATE TABLE insights_selectors (
            id INTEGER PRIMARY KEY,
            selector TEXT NOT NULL UNIQUE
        );
        CREATE TABLE insights_state (
            id INTEGER PRIMARY KEY CHECK (id = 0),
            gen INTEGER NOT NULL
        );
        INSERT INTO insights_state (id, gen) VALUES (0, 0)
        """,
    )
    # triggers hold ";" inside BEGIN ... END: one statement each (not through _run). The
    # per-click ones act only for a session with cache rows (an index probe otherwise), so
    # importing and attributing clicks costs nothing extra until a heatmap has been read.
    bump = "UPDATE insights_state SET gen = gen + 1 WHERE id = 0;"
    cached = "WHEN EXISTS (SELECT 1 FROM insights_clicks WHERE session_id = {}.session_id)"
    for name, when, body in (
        ("insights_session_in", "AFTER INSERT ON sessions", ""),
        ("insights_session_out", "AFTER DELETE ON sessions", ""),
        ("insights_click_in", "AFTER INSERT ON interactions " + cached.format("NEW"),
         "DELETE FROM insights_clicks WHERE session_id = NEW.session_id;"),
        ("insights_click_changed",
         "AFTER UPDATE OF session_id, t, kind, x, y, scroll_x, scroll_y, url, viewport_width, selector,"
         " box_x, box_y, box_w, box_h, rx, ry ON interactions " + cached.format("OLD"),
         "DELETE FROM insights_clicks WHERE session_id IN (NEW.session_id, OLD.session_id);"),
        ("insights_click_out", "AFTER DELETE ON interactions " + cached.format("OLD"),
         "DELETE FROM insights_clicks WHERE session_id = OLD.session_id;"),
    ):
        db.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} {bump} END")


@migrations()
def m005_notes(db: Database) -> None:
    _run(
        db,
        """
        -- Analysts' notes (issue 13, store/notes.py). Keyed by the session's
        -- identity (sessions.id text), deliberately WITHOUT a foreign key:
        -- re-importing or replacing a session re-creates its rows, and its
        -- notes must survive that. Erasures (retention.py) delete them.
        -- ``highlight`` is JSON (kind, x, y, w, h, selector, node_id).
        CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            session_id TEXT NOT NULL,
            start_ms INTEGER NOT NULL CHECK (start_ms >= 0),
            end_ms INTEGER NOT NULL CHECK (end_ms >= start_ms),
            text TEXT NOT NULL,
            tag TEXT,
            highlight TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX notes_session ON notes(session_id, start_ms, id)
        """,
    )
