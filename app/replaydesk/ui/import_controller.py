"""Imports run on the single writer thread, with progress, cancel and a report.

The controller owns no widgets: the main window shows its progress in the
status bar and its report in :class:`ImportReportDialog`. Sessions are
announced (``sessionsLanded``) as they commit, at most a few times a second,
so the list grows during a long import.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ..store import ImportReport, import_paths, open_store
from .tasks import TaskCancelled, TaskHandle, op


def _run_import(db_path: str, paths: list[str], task) -> ImportReport:
    db = open_store(db_path)  # the writer's own connection
    landed: list[str] = []
    last = [0.0]

    def on_session(sid: str) -> None:
        landed.append(sid)
        now = time.monotonic()
        if now - last[0] > 0.3:
            last[0] = now
            task.progress(("landed", list(landed)), force=True)
            landed.clear()

    try:
        report = import_paths(
            db,
            paths,
            progress=lambda p: task.progress(("progress", p)),
            cancel=lambda: task.cancelled,
            on_session=on_session,
        )
    finally:
        db.conn.close()
    if landed:
        task.progress(("landed", list(landed)), force=True)
    return report


class ImportController(QObject):
    """Start imports; report progress, landed sessions and the final report."""

    started = Signal(str)  # label
    progressed = Signal(float, str)  # fraction, text
    sessionsLanded = Signal(list)
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
        self.progressed.emit(p.fraction, text)

    def _on_done(self, report: ImportReport) -> None:
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
