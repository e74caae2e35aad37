"""``replaydesk clip``: export a stretch of a session as MP4, WebM or GIF (issue 13), headless.

The same export the window's File > Export Clip… runs (the window starts this command in a
helper process with ``--progress`` and reads its progress lines, so a clip never blocks the GUI
and Cancel is a signal: SIGTERM stops the export between two frames and leaves no file).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from ..state.privacy import DEFAULT_PRIVACY_MODE, PRIVACY_MODES
from . import argtypes, commands

FORMATS = ("mp4", "webm", "gif")
#: a moment note exported alone (``--note`` of a note without an end): this much before and after
NOTE_PAD_BEFORE_MS, NOTE_PAD_AFTER_MS = 2000, 3000


def add_parsers(sub, db_arg) -> None:
    sp = sub.add_parser("clip", help="export part of a session as a video (MP4, WebM or GIF) with notes burned in")
    sp.add_argument("session_id", metavar="SESSION_ID")
    sp.add_argument("--from", dest="start", type=argtypes.MS, metavar="MS", help="clip start, ms after the session start (default 0)")
    sp.add_argument("--to", dest="end", type=argtypes.MS, metavar="MS", help="clip end, ms after the session start (default: its end)")
    sp.add_argument("--note", metavar="ID", help="the range of this note (and burn its caption in)")
    sp.add_argument("--fps", type=argtypes.COUNT, default=15, metavar="N", help="frames per second (default 15)")
    sp.add_argument("--width", type=argtypes.COUNT, metavar="PX", help="scale to this width (default: the recorded viewport)")
    sp.add_argument("--format", choices=FORMATS, help="file format (default: from the output's extension, else mp4)")
    sp.add_argument("--speed", type=argtypes.FACTOR, default=1.0, metavar="X", help="playback speed: 1, 2 or 4 (default 1)")
    sp.add_argument("--skip-inactivity", action="store_true", help="jump over inactive spans (a \"skipped N s\" card shows)")
    sp.add_argument("--notes", action="store_true", help="burn the session's notes in (caption bar and highlights)")
    sp.add_argument("--blur-inputs", action="store_true", help="blur every form field's content")
    sp.add_argument("--blur-region", metavar="X,Y,W,H", help="blur this region (CSS px of the recorded viewport) in every frame")
    sp.add_argument("--privacy", choices=PRIVACY_MODES, default=DEFAULT_PRIVACY_MODE,
                    help="mask form inputs or all page text in every frame (default: as recorded)")
    sp.add_argument("--no-cursor", action="store_true", help="leave out the pointer, its trail and click ripples")
    sp.add_argument("--no-header", action="store_true", help="leave out the URL and time line")
    sp.add_argument("--no-progress-bar", action="store_true", help="leave out the progress bar")
    sp.add_argument("--web-assets", action="store_true", help="let the page load http(s) assets (off: nothing leaves this machine)")
    db_arg(sp)
    sp.add_argument("-o", "--output", required=True, metavar="FILE", help="video file to write")
    sp.add_argument("--progress", action="store_true", help=argparse.SUPPRESS)  # "progress DONE TOTAL" lines (the GUI's queue)


def _region(text: str | None) -> tuple[int, int, int, int] | None:
    if not text:
        return None
    try:
        x, y, w, h = (int(float(v)) for v in text.split(","))
    except ValueError:
        raise commands.UserError(f"--blur-region must be X,Y,W,H in px, not {text!r}") from None
    return x, y, w, h


def _notes_module():
    try:
        from ..store import notes
    except ImportError:  # notes arrive with the annotations half of issue 13
        return None
    return notes


def clip_spec(db, args, duration_ms: int):
    """The :class:`ClipSpec` and the notes to burn in, from the parsed options."""
    from ..export.spec import ClipSpec

    suffix = Path(args.output).suffix.lower().lstrip(".")
    fmt = args.format or (suffix if suffix in FORMATS else "mp4")
    notes_mod = _notes_module()
    notes: list = []
    start, end = args.start, args.end
    burn = bool(args.notes)
    if args.note is not None:
        if args.start is not None or args.end is not None:
            raise commands.UserError("give either --note or --from/--to, not both")
        note = notes_mod.get_note(db, args.note) if notes_mod is not None else None
        if note is None or note.session_id != args.session_id:
            raise commands.UserError(f"no note {args.note!r} on session {args.session_id!r}")
        if note.end_ms is not None and note.end_ms > note.start_ms:
            start, end = note.start_ms, note.end_ms
        else:
            start, end = max(0, note.start_ms - NOTE_PAD_BEFORE_MS), note.start_ms + NOTE_PAD_AFTER_MS
        burn = True
        notes = [note] if not args.notes else []
    if burn and not notes and notes_mod is not None:
        notes = list(notes_mod.list_notes(db, args.session_id))
    start = 0 if start is None else start
    end = duration_ms if end is None else min(end, duration_ms)
    if not 0 <= start < max(end, 1) or start > duration_ms:
        raise commands.UserError(f"the clip range {start}-{end} ms is not inside the session (0 to {duration_ms} ms)")
    spec = ClipSpec(args.session_id, int(start), int(max(end, start + 1)), fps=args.fps, width=args.width, format=fmt,
                    speed=args.speed, skip_inactivity=args.skip_inactivity, notes=burn, cursor=not args.no_cursor,
                    header=not args.no_header, progress_bar=not args.no_progress_bar, privacy=args.privacy,
                    blur_inputs=args.blur_inputs, blur_region=_region(args.blur_region), allow_web_assets=args.web_assets)
    return spec, notes


def cmd_clip(args) -> int:
    from ..store.queries import session_info
    from ..export.spec import ClipError

    db = commands._open(args, must_exist=True)
    info = session_info(db, args.session_id)
    if info is None:
        raise commands.UserError(f"no session {args.session_id!r} in the store")
    out = Path(args.output).expanduser()
    if not out.parent.is_dir():
        raise commands.UserError(f"cannot write {out}: no such folder {out.parent}")
    spec, notes = clip_spec(db, args, int(info["duration_ms"]))
    try:
        spec.validate()
    except ClipError as exc:
        raise commands.UserError(str(exc)) from None

    from ..ui.qtenv import prepare_qt_environment

    prepare_qt_environment(offscreen=True)
    from ..ui.replay import register_scheme

    register_scheme()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["replaydesk"])  # noqa: F841 - must outlive the export
    from ..export.job import run_clip
    from ..ui.replay.headless import RenderError
    from ..work import Cancelled

    stop = {"now": False}

    def on_signal(signum, frame) -> None:  # Cancel in the GUI's queue; Ctrl+C here
        if stop["now"]:  # asked twice (work that never reaches a frame boundary): stop now
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        stop["now"] = True

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    last = [-1]

    def progress(done: int, total: int) -> None:
        pct = done * 100 // max(total, 1)
        if args.progress and (pct != last[0] or done == total):
            last[0] = pct
            print(f"progress {done} {total}", flush=True)

    try:
        res = run_clip(db, spec, out, notes=notes, progress=progress, cancel=lambda: stop["now"])
    except Cancelled:
        print("replaydesk: clip export cancelled; nothing was written", file=sys.stderr)
        return 130
    except (RenderError, ClipError, OSError) as exc:
        print(f"replaydesk: {exc}", file=sys.stderr)
        return 1
    finally:
        for s, h in old.items():
            signal.signal(s, h)
    print(f"wrote {res.path} ({res.frames} frames, {res.width}x{res.height}, {spec.fps} fps, "
          f"{res.frames / spec.fps:.1f} s) in {res.seconds:.1f} s")
    return 0
