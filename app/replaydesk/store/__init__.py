"""The local SQLite store: schema, migrations, ingest and queries (no Qt)."""

from .chunks import iter_events, iter_events_from_index
from .db import connection_of, default_db_path, open_store, streaming_reads
from .ingest import Cancelled, ImportProgress, ImportReport, import_paths
from .queries import SessionFilter, count_sessions, list_sessions, session_ids, session_info
from .store import (
    Store, StoreBusy, StoreCorrupt, StoreError, close_replay_connection, read_snapshot, replay_connection, store_path,
)

__all__ = [
    "Cancelled",
    "ImportProgress",
    "ImportReport",
    "SessionFilter",
    "Store",
    "StoreBusy",
    "StoreCorrupt",
    "StoreError",
    "close_replay_connection",
    "connection_of",
    "count_sessions",
    "default_db_path",
    "import_paths",
    "iter_events",
    "iter_events_from_index",
    "list_sessions",
    "open_store",
    "read_snapshot",
    "replay_connection",
    "session_ids",
    "session_info",
    "store_path",
    "streaming_reads",
]
