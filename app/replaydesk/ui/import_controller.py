"""Imports run on the single writer thread, with progress, cancel and a report.

The controller owns no widgets: the main window shows its progress in the
status bar and its report in :class:`ImportReportDialog`. Sessions are
announced (``sessionsLanded``) as they commit, at most a few times a second,
so the list grows during a long import. Each path is imported on its own, so
``pathsImported`` can say which ones gave sessions (Open Recent lists only
those) and which gave none.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ..analysis.importing import import_paths  # the store ingest + signals on its pass
from ..store import ImportProgress, ImportReport, Store
from .tasks import TaskCancelled, TaskHandle, op


def _merge(into: ImportReport, part: ImportReport) -> None:
    into.added += part.added
    into.replaced += part.replaced
    into.skipped += part.skipped
    into.rejected += part.rejected
    into.warnings += part.warnings
    into.cancelled = into.cancelled or part.cancelled
    into.bytes_read += part.bytes_read
    into.seconds += part.seconds


def _run_import(db_path: str, paths: list[str], task) -> tuple[ImportReport, list[str], list[str]]:
    """Writer thread: import ``paths`` one after the other; returns the merged report and the
    paths that gave at least one session (added, replaced or already there) and those that
    gave none."""
    db = Store.shared(db_path).writer  # the writer connection (shared with the player's writer jobs)
    landed: list[str] = []
    last = [0.0]

    def on_session(sid: str) -> None:
        landed.append(sid)
        now = time.monotonic()
        if now - last[0] > 0.3:
            last[0] = now
            task.progress(("landed", list(landed)), force=True)
            landed.clear()

    report, good, bad = ImportReport(), [], []
    n = len(paths)
    for i, path in enumerate(paths):
        def progress(p: ImportProgress, i=i) -> None:
            # one bar over every path: path i covers the i-th n-th of it
            overall = ImportProgress(
                int((i + p.fraction) * 1000), n * 1000, p.sessions_done, p.sessions_total, p.label, p.note
            )
            task.progress(("progress", overall))

        part = import_paths(db, [path], progress=progress, cancel=lambda: task.cancelled, on_session=on_session)
        _merge(report, part)
        if part.added or part.replaced or part.skipped:
            good.append(path)
        elif not part.cancelled:  # a cancelled path says nothing about the file
            bad.append(path)
        if part.cancelled:
            break
    if landed:
        task.progress(("landed", list(landed)), force=True)
    return report, good, bad


class ImportController(QObject):
    """Start imports; report progress, landed sessions and the final report."""

    started = Signal(str)  # label
    progressed = Signal(float, str)  # fraction, text
    sessionsLanded = Signal(list)
    pathsImported = Signal(list, list)  # paths that gave sessions, paths that gave none
    finished = Signal(object)  # ImportReport
    failed = Signal(str)

    def __init__(self, db_path: str | Path, parent=None):
        super().__init__(parent)
        self._db_path = str(db_path)
        self._handle: TaskHandle | None = None
        self._queue: list[list[str]] = []

    @property
    def busy(self) -> bool:
        return self._handle is not None and not self._handle.done

    def start(self, paths: list[str | Path]) -> None:
        paths = [str(p) for p in paths]
        if self.busy:
            self._queue.append(paths)
            return
        label = Path(paths[0]).name if len(paths) == 1 else f"{len(paths)} items"
        self.started.emit(label)
        self._handle = (
            op(_run_import, self._db_path, paths)
            .on_writer()
            .on_progress(self._on_progress)
            .on_success(self._on_done)
            .on_failure(self._on_failed)
            .run()
        )

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self._queue.clear()

    def _on_progress(self, item) -> None:
        kind, value = item
        if kind == "landed":
            self.sessionsLanded.emit(value)
            return
        p = value
        text = f"Importing {p.sessions_done}/{p.sessions_total} — {Path(p.label.split(':')[-1]).parent.name or p.label}"
        if p.note:
            text += f" — {p.note}"
        self.progressed.emit(p.fraction, text)

    def _on_done(self, result) -> None:
        report, good, bad = result
        self.pathsImported.emit(good, bad)
        self.finished.emit(report)
        self._next()

    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, TaskCancelled):
            return
        self.failed.emit(f"Import failed: {exc}")
        self._next()

    def _next(self) -> None:
        if self._queue:
            self.start(self._queue.pop(0))

    def wait(self, timeout_ms: int = 60_000) -> None:
        from .tasks import writer_pool

        writer_pool().waitForDone(timeout_ms)
