"""One clip export: schedule -> frames -> overlays -> encoder, into a temporary file renamed at the end.

A cancelled or failed export leaves no file: frames are written to a hidden temporary file
beside the output (:func:`temp_path`, so the rename is atomic on one file system) that is
deleted on any error or cancel and moved over ``out`` only once the encoder has finished.
Runs on the thread that owns the renderer (Qt widgets); the encoder works on its own thread.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from ..analysis.activity import timeline_for_session
from ..work import Cancelled
from .encoder import Encoder
from .overlays import Caption, OverlayState, RIPPLE_MS, Shape, TRAIL_MS, draw_overlays
from .source import FrameSource, StepTimings
from .spec import ClipError, ClipSpec, schedule

ProgressFn = Callable[[int, int], None]
#: a moment note (no end) shows its caption for this long of clip time
MOMENT_CAPTION_MS = 2500


@dataclass
class ClipResult:
    path: Path
    frames: int
    width: int
    height: int
    seconds: float
    timings: StepTimings
    overlay_s: float = 0.0
    encode_s: float = 0.0  # on the encoder thread (overlaps painting)
    encode_wait_s: float = 0.0  # the producer waiting for the encoder (queue full) and the final flush
    skipped: list = field(default_factory=list)


def temp_path(out: Path, pid: int | None = None) -> Path:
    """Where an export to ``out`` is written before its rename (one per process)."""
    return out.with_name(f".{out.name}.{os.getpid() if pid is None else pid}.part")


def output_size(spec: ClipSpec, viewport: tuple[int, int]) -> tuple[int, int]:
    """The clip's frame size: the recorded viewport or scaled to ``spec.width``; even for video."""
    w, h = viewport
    if spec.width:
        w, h = int(spec.width), round(h * int(spec.width) / max(w, 1))
    if spec.format != "gif":
        w, h = w - w % 2, h - h % 2
    return max(w, 2), max(h, 2)


def note_span(note, speed: float) -> tuple[int, int]:
    end = getattr(note, "end_ms", None)
    start = int(note.start_ms)
    return start, int(end) if end is not None and end > start else start + int(MOMENT_CAPTION_MS * speed)


def active_notes(notes: Sequence, t_ms: int, speed: float) -> list:
    out = []
    for n in notes:
        a, b = note_span(n, speed)
        if a <= t_ms < b:
            out.append(n)
    return out


def _bgra(img: QImage) -> np.ndarray:
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), dtype=np.uint8, count=bpl * h).reshape(h, bpl)
    return buf[:, : w * 4].reshape(h, w, 4).copy()


def run_clip(db, spec: ClipSpec, out: str | Path, *, notes: Sequence = (), progress: ProgressFn | None = None,
             cancel: Callable[[], bool] | None = None, source: FrameSource | None = None,
             frame_hook: Callable[[int, QImage, list], None] | None = None) -> ClipResult:
    """Export ``spec`` to ``out``. ``notes`` (store/notes.py ``Note``) are burned in when
    ``spec.notes``; ``frame_hook(index, image, overlay_rects)`` sees every finished frame (tests,
    screenshots). Raises :class:`~replaydesk.work.Cancelled` when ``cancel()`` turns true,
    :class:`~replaydesk.export.spec.ClipError` for bad options and
    :class:`~replaydesk.ui.replay.headless.RenderError` when a frame cannot be rendered."""
    spec.validate()
    out = Path(out)
    t_start = time.perf_counter()
    tmp = temp_path(out)
    own = source is None
    src = source or FrameSource(db, spec)
    enc: Encoder | None = None
    ok = False
    try:
        duration = src.replay.duration_ms
        if spec.start_ms >= duration and duration > 0:
            raise ClipError(f"the clip starts at {spec.start_ms} ms, after the session's end ({duration} ms)")
        spec_end = min(spec.end_ms, max(duration, spec.start_ms + 1))
        spans = ()
        if spec.skip_inactivity:
            tl = timeline_for_session(db, spec.session_id)
            spans = tl.inactive_spans if tl is not None else ()
        sched = schedule(replace(spec, end_ms=spec_end), spans)
        times = sched.frames
        track = src.prepare(times[0].t_ms, times[-1].t_ms)
        notes = list(notes) if spec.notes else []

        def highlight_at(t_ms: int) -> int | None:
            for n in active_notes(notes, t_ms, spec.speed):
                hl = getattr(n, "highlight", None)
                if hl is not None and hl.kind == "element" and hl.node_id is not None:
                    return int(hl.node_id)
            return None

        overlay_s = 0.0
        wait_s = 0.0
        out_w = out_h = 0
        total = len(times)
        scaled: QImage | None = None
        last_src: QImage | None = None
        for sf in src.frames(times, highlight_at=highlight_at if notes else None, cancel=cancel):
            t0 = time.perf_counter()
            vw, vh = sf.image.width(), sf.image.height()
            if enc is None:
                out_w, out_h = output_size(spec, (vw, vh))
                tmp.parent.mkdir(parents=True, exist_ok=True)
                enc = Encoder(str(tmp), spec.format, out_w, out_h, spec.fps)
            if sf.image is not last_src or scaled is None:
                last_src = sf.image
                scaled = sf.image if (vw, vh) == (out_w, out_h) else sf.image.scaled(
                    out_w, out_h, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)
            img = scaled.copy()
            scale = out_w / max(vw, 1)
            active = active_notes(notes, sf.time.t_ms, spec.speed)
            shapes = []
            for n in active:
                hl = getattr(n, "highlight", None)
                if hl is not None and hl.kind in ("rect", "arrow"):
                    shapes.append(Shape(hl.kind, hl.x, hl.y, hl.w, hl.h))
            t_abs = sf.t_abs
            st = OverlayState(
                t_ms=sf.time.t_ms, duration_ms=duration, progress=sf.time.progress,
                href=track.href(t_abs, src.start_href),
                pointer=track.position(t_abs) if spec.cursor else None,
                trail=track.trail(t_abs, int(TRAIL_MS * spec.speed)) if spec.cursor else (),
                presses=track.presses_near(t_abs, int(RIPPLE_MS * spec.speed)) if spec.cursor else (),
                captions=[Caption(n.text, getattr(n, "tag", None)) for n in active],
                shapes=shapes, skipped_ms=sf.time.skipped_ms,
                input_boxes=sf.input_boxes if spec.blur_inputs else (),
                blur_region=spec.blur_region, header=spec.header, cursor=spec.cursor, progress_bar=spec.progress_bar,
            )
            rects = draw_overlays(img, st, scale)
            if frame_hook is not None:
                frame_hook(sf.time.index, img, rects)
            arr = _bgra(img)
            t1 = time.perf_counter()
            overlay_s += t1 - t0
            enc.put(arr)
            wait_s += time.perf_counter() - t1
            if progress is not None:
                progress(sf.time.index + 1, total)
        if cancel is not None and cancel():
            raise Cancelled()
        if enc is None:
            raise Cancelled()
        t1 = time.perf_counter()
        enc.close()
        wait_s += time.perf_counter() - t1
        os.replace(tmp, out)
        ok = True
        return ClipResult(out, enc.frames, out_w, out_h, time.perf_counter() - t_start, src.timings, overlay_s,
                          enc.seconds, wait_s, sched.skipped)
    finally:
        if not ok:
            if enc is not None:
                enc.abort()
            try:
                tmp.unlink()
            except FileNotFoundError:
                pass
        if own:
            src.close()
