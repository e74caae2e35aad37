"""Typed settings over QSettings (INI format), declared once with defaults.

Every option has a name, a type, a default and a doc string; reading an
option that was never written gives its default. Tests point the settings at
a temporary file with :func:`use_settings_file`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QSettings


@dataclass(frozen=True)
class Option:
    key: str
    type: type
    default: Any
    doc: str


OPTIONS = {
    o.key: o
    for o in (
        Option("window/geometry", QByteArray, QByteArray(), "main window geometry"),
        Option("window/state", QByteArray, QByteArray(), "dock and toolbar layout"),
        Option("window/centre_splitter", QByteArray, QByteArray(), "replay / timeline split"),
        Option("window/dock_fractions", str, "", "widths of the Sessions and Inspector panes as shares of the window width (JSON)"),
        Option("view/theme", str, "system", "colour theme: system, light or dark"),
        Option("list/filter", str, "", "last session filter (JSON)"),
        Option("list/saved_filters", str, "{}", "saved filters by name (JSON)"),
        Option("list/sort", str, "started_at", "session list sort column"),
        Option("list/descending", bool, True, "session list sort order"),
        Option("list/columns", str, "", "session list columns: order, hidden, widths by name (JSON)"),
        Option("files/recent", list, [], "recently opened archives"),
        Option("files/last_dir", str, "", "folder of the last archive opened"),
        Option("replay/web_assets", bool, False, "load page assets from the web (off: nothing leaves the machine)"),
        Option("view/privacy", str, "as-recorded", "replay privacy mode: as-recorded, mask-inputs or mask-text"),
        Option("view/mask_emails", bool, False, "mask e-mail addresses everywhere in the UI (demos)"),
        Option("signals/settings", str, "", "frustration signal thresholds (SignalSettings JSON; empty: the store's)"),
        Option("store/path", str, "", "store file used from the next start (empty: $REPLAYDESK_DB or the user data directory)"),
        Option("store/encrypt", bool, False, "encrypt the store (SQLCipher) at the next start, asking a new passphrase"),
        Option("store/retention_days", int, 0, "delete sessions older than this many days, at start and after each "
               "import, as `replaydesk prune --older-than` does (0: keep every session)"),
        Option("export/fps", int, 15, "default frames per second of an exported clip"),
        Option("export/width", str, "recorded", "default width of an exported clip in px, or \"recorded\" (the viewport's)"),
        Option("export/format", str, "mp4", "default file format of an exported clip: mp4, webm or gif"),
    )
}

_file: str | None = None


def use_settings_file(path: str | None) -> None:
    """Store settings in ``path`` (INI) instead of the user's config (tests)."""
    global _file
    _file = path


def _qsettings() -> QSettings:
    if _file is not None:
        return QSettings(_file, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "ReplayDesk", "ReplayDesk")


class Settings:
    """``settings.get("list/sort")`` / ``settings.set("list/sort", "duration_ms")``."""

    def __init__(self) -> None:
        self._q = _qsettings()

    def get(self, key: str) -> Any:
        opt = OPTIONS[key]
        if not self._q.contains(key):
            return opt.default
        v = self._q.value(key)
        if opt.type is bool:
            return v in (True, "true", "1", 1)
        if opt.type is list:
            if v is None:
                return []
            return list(v) if isinstance(v, (list, tuple)) else [v]
        if opt.type is QByteArray:
            return v if isinstance(v, QByteArray) else QByteArray()
        try:
            return opt.type(v)
        except (TypeError, ValueError):
            return opt.default

    def set(self, key: str, value: Any) -> None:
        if key not in OPTIONS:
            raise KeyError(key)
        self._q.setValue(key, value)

    def remove(self, key: str) -> None:
        """Forget ``key``: the next :meth:`get` gives its default."""
        if key not in OPTIONS:
            raise KeyError(key)
        self._q.remove(key)

    def sync(self) -> None:
        self._q.sync()

    def remove_recent(self, path: str) -> list[str]:
        recent = [p for p in self.get("files/recent") if p != path]
        self.set("files/recent", recent)
        return recent

    def add_recent(self, path: str, limit: int = 10) -> list[str]:
        recent = [p for p in self.get("files/recent") if p != path]
        recent.insert(0, path)
        recent = recent[:limit]
        self.set("files/recent", recent)
        return recent


def configured_store_path() -> "Path | None":
    """The store chosen in Preferences, or ``None`` when ``$REPLAYDESK_DB`` is set (scripts and
    tests win) or nothing was chosen. Read once at start-up: the window keeps its store open."""
    import os
    from pathlib import Path

    from ..store.db import ENV_DB

    if os.environ.get(ENV_DB):
        return None
    chosen = Settings().get("store/path")
    return Path(chosen).expanduser() if chosen else None
