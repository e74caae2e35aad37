"""The import the app runs: the store's ingest plus the analysis passes that ride on it.

``store.import_paths`` cannot know about analysis (layering: store/ sits below
analysis/), so it takes generic per-session observers; this is where the app's
observers are chosen. The CLI and the GUI import through :func:`import_paths` so that
every session lands with its frustration signals (see :mod:`.signals_store`).
"""

from __future__ import annotations

from ..store import ImportReport
from ..store import import_paths as store_import_paths
from .signals import SignalSettings
from .signals_store import import_observer


def import_paths(db, paths: list, *, signal_settings: SignalSettings | None = None, observers=(),
                 **kwargs) -> ImportReport:
    """``store.import_paths`` with the signals observer (thresholds: ``signal_settings``,
    default those the store's findings were last computed with). Other keyword
    arguments (progress, cancel, on_session, limits, policy...) pass through."""
    return store_import_paths(db, paths, observers=(import_observer(db, signal_settings), *observers), **kwargs)
