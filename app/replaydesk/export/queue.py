"""Clip exports waiting their turn, each run by ``replaydesk clip`` in a helper process.

Why a process: the renderer is a Qt widget, so an export on the GUI thread would freeze the
window for as long as it runs, and QtWebEngine cannot run on another thread. The helper
process has its own offscreen renderer; it reports ``progress DONE TOTAL`` lines on stdout and
stops between two frames on SIGTERM (Cancel), deleting its temporary file. Should it die
hard, the queue deletes that file itself (:func:`~replaydesk.export.job.temp_path` of its pid).
One export runs at a time (the machine's cores go to one renderer); the others wait.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, Signal

from .job import temp_path
from .spec import ClipSpec

WAITING, RUNNING, DONE, FAILED, CANCELLED = "waiting", "running", "done", "failed", "cancelled"
#: after Cancel, how long the helper may take to stop cleanly before it is killed
KILL_AFTER_MS = 5000


def clip_arguments(spec: ClipSpec, out: str | Path, db_path: str | Path) -> list[str]:
    """``replaydesk clip`` arguments for ``spec`` (the GUI and the command line share them)."""
    args = ["clip", spec.session_id, "--from", str(spec.start_ms), "--to", str(spec.end_ms), "--fps", str(spec.fps),
            "--format", spec.format, "--speed", f"{spec.speed:g}", "--privacy", spec.privacy,
            "--db", str(db_path), "-o", str(out), "--progress"]
    if spec.width:
        args += ["--width", str(spec.width)]
    for flag, on in (("--skip-inactivity", spec.skip_inactivity), ("--notes", spec.notes),
                     ("--blur-inputs", spec.blur_inputs), ("--no-cursor", not spec.cursor),
                     ("--no-header", not spec.header), ("--no-progress-bar", not spec.progress_bar),
                     ("--web-assets", spec.allow_web_assets)):
        if on:
            args.append(flag)
    if spec.blur_region:
        args += ["--blur-region", ",".join(str(int(v)) for v in spec.blur_region)]
    return args


def _passphrase(db_path: Path) -> str | None:
    try:
        from ..store.cipher import registered_passphrase
    except ImportError:
        return None
    return registered_passphrase(db_path)


@dataclass
class QueuedClip:
    id: int
    spec: ClipSpec
    out: Path
    db_path: Path
    state: str = WAITING
    done: int = 0
    total: int = 0
    message: str = ""
    pid: int = 0
    _stderr: list[str] = field(default_factory=list, repr=False)

    @property
    def title(self) -> str:
        return self.out.name


class ExportQueue(QObject):
    """Signals: ``jobChanged(int id)`` on every state or progress change of a job."""

    jobChanged = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: dict[int, QueuedClip] = {}
        self._next = 1
        self._proc: QProcess | None = None
        self._running: QueuedClip | None = None

    def jobs(self) -> list[QueuedClip]:
        return list(self._jobs.values())

    def job(self, job_id: int) -> QueuedClip:
        return self._jobs[job_id]

    def add(self, spec: ClipSpec, out: str | Path, db_path: str | Path) -> int:
        spec.validate()
        job = QueuedClip(self._next, spec, Path(out), Path(db_path))
        self._next += 1
        self._jobs[job.id] = job
        self.jobChanged.emit(job.id)
        QTimer.singleShot(0, self._start_next)
        return job.id

    def cancel(self, job_id: int) -> None:
        job = self._jobs.get(job_id)
        if job is None or job.state not in (WAITING, RUNNING):
            return
        if job.state == WAITING:
            job.state, job.message = CANCELLED, "cancelled"
            self.jobChanged.emit(job.id)
            return
        job.message = "cancelling…"
        self.jobChanged.emit(job.id)
        proc = self._proc
        if proc is not None:
            proc.terminate()  # SIGTERM: the helper stops between two frames and deletes its file
            QTimer.singleShot(KILL_AFTER_MS, proc, proc.kill)  # dropped with the process once it is gone
        job.state = CANCELLED

    def busy(self) -> bool:
        return self._running is not None or any(j.state == WAITING for j in self._jobs.values())

    def wait_idle(self, timeout_ms: int = 120_000) -> bool:
        """Run the event loop until no export waits or runs (tests, quitting)."""
        from PySide6.QtCore import QDeadlineTimer, QEventLoop

        deadline = QDeadlineTimer(timeout_ms)
        loop = QEventLoop()
        while self.busy() and not deadline.hasExpired():
            loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        return not self.busy()

    def shutdown(self) -> None:
        """Cancel everything (the window closes): no helper and no temporary file stay behind."""
        for j in self._jobs.values():
            if j.state == WAITING:
                j.state = CANCELLED
        proc, job = self._proc, self._running
        if proc is not None and job is not None:
            job.state = CANCELLED
            proc.terminate()
            if not proc.waitForFinished(KILL_AFTER_MS):
                proc.kill()
                proc.waitForFinished(2000)
            self._cleanup(job)

    # ------------------------------------------------------------------ running

    def _start_next(self) -> None:
        if self._running is not None:
            return
        job = next((j for j in self._jobs.values() if j.state == WAITING), None)
        if job is None:
            return
        proc = QProcess(self)
        env = QProcessEnvironment.systemEnvironment()
        pkg_root = str(Path(__file__).resolve().parents[2])  # the folder holding replaydesk/
        env.insert("PYTHONPATH", os.pathsep.join(p for p in (pkg_root, env.value("PYTHONPATH")) if p))
        passphrase = _passphrase(job.db_path)
        if passphrase:  # an encrypted store: the helper reads the key the window was given, never from argv
            env.insert("REPLAYDESK_PASSPHRASE", passphrase)
        proc.setProcessEnvironment(env)
        proc.setProgram(sys.executable)
        proc.setArguments(["-m", "replaydesk", *clip_arguments(job.spec, job.out, job.db_path)])
        proc.readyReadStandardOutput.connect(lambda: self._read(job, proc))
        proc.readyReadStandardError.connect(lambda: job._stderr.extend(
            bytes(proc.readAllStandardError()).decode("utf-8", "replace").splitlines()))
        proc.finished.connect(lambda code, _status: self._finished(job, proc, code))
        proc.errorOccurred.connect(lambda err: self._failed_to_start(job, proc, err))
        self._proc, self._running = proc, job
        job.state, job.message = RUNNING, "starting…"
        proc.start()
        job.pid = int(proc.processId() or 0)
        self.jobChanged.emit(job.id)

    def _read(self, job: QueuedClip, proc: QProcess) -> None:
        while proc.canReadLine():
            line = bytes(proc.readLine()).decode("utf-8", "replace").split()
            if len(line) == 3 and line[0] == "progress":
                try:
                    job.done, job.total = int(line[1]), int(line[2])
                except ValueError:
                    continue
                if job.state == RUNNING:
                    job.message = f"{job.done} / {job.total} frames"
                self.jobChanged.emit(job.id)

    def _failed_to_start(self, job: QueuedClip, proc: QProcess, err) -> None:
        if err == QProcess.ProcessError.FailedToStart:
            job._stderr.append(f"could not start the export helper ({proc.errorString()})")
            self._finished(job, proc, -1)

    def _finished(self, job: QueuedClip, proc: QProcess, code: int) -> None:
        if self._running is not job:
            return
        self._running = self._proc = None
        if job.state == CANCELLED:
            job.message = "cancelled"
        elif code == 0:
            job.state, job.message = DONE, f"saved {job.out}"
        else:
            job.state = FAILED
            lines = [ln for ln in job._stderr if ln.startswith("replaydesk:")] or job._stderr[-1:] or ["the export failed"]
            job.message = lines[-1].removeprefix("replaydesk: ")
        if job.state != DONE:
            self._cleanup(job)
        proc.deleteLater()
        self.jobChanged.emit(job.id)
        QTimer.singleShot(0, self._start_next)

    @staticmethod
    def _cleanup(job: QueuedClip) -> None:
        if job.pid:
            temp_path(job.out, job.pid).unlink(missing_ok=True)
