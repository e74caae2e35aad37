"""Logging configured once: details (with tracebacks) go to a log file.

The terminal and the GUI show one-line messages; the full story for a bug
report is in ``replaydesk.log`` under the user log directory.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path


def log_path() -> Path:
    """``replaydesk.log`` in the platform's log folder: on Linux the user's *state* directory
    (``$XDG_STATE_HOME/ReplayDesk/log``, by default ``~/.local/state/ReplayDesk/log``), on macOS
    ``~/Library/Logs/ReplayDesk``, on Windows ``%LOCALAPPDATA%\\ReplayDesk\\ReplayDesk\\Logs``.
    Rotated at 2 MB, three old files kept."""
    from platformdirs import user_log_dir

    return Path(user_log_dir("ReplayDesk", "ReplayDesk")) / "replaydesk.log"


def setup_logging(verbose: bool = False) -> None:
    root = logging.getLogger()
    if getattr(root, "_replaydesk_configured", False):
        return
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    try:
        p = log_path()
        p.parent.mkdir(parents=True, exist_ok=True)
        fh = logging.handlers.RotatingFileHandler(p, maxBytes=2 << 20, backupCount=3, encoding="utf-8")
        fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(fh)
    except OSError:
        root.addHandler(logging.NullHandler())
    if verbose:
        sh = logging.StreamHandler()
        sh.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(sh)
    logging.captureWarnings(True)
    root._replaydesk_configured = True  # type: ignore[attr-defined]
