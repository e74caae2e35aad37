"""``replaydesk notes`` and ``replaydesk note``: analysts' notes on a session (issue 13), headless.

The same store functions the window's Notes tab calls (store/notes.py). A notes file that
cannot be imported is refused whole, with one line naming the file and what is wrong.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import orjson

from ..store.notes import TAGS, NotesFileError, add_note, export_notes, import_notes, list_notes, note_to_dict
from ..store.queries import session_exists, session_info
from . import commands


def add_parsers(sub, db_arg) -> None:
    sp = sub.add_parser("notes", help="list a session's notes, or export / import them as JSON")
    sp.add_argument("session_id", metavar="SESSION_ID")
    db_arg(sp)
    sp.add_argument("--json", action="store_true", help="print one JSON array")
    sp.add_argument("--export", metavar="FILE.json", help="write the session's notes to FILE (for a colleague)")
    sp.add_argument("--import", dest="import_file", metavar="FILE.json",
                    help="add the notes of an exported FILE (notes already here are kept)")

    sp = sub.add_parser("note", help="add a note to a session at a moment or over a range")
    sp.add_argument("session_id", metavar="SESSION_ID")
    sp.add_argument("--at", required=True, metavar="MS[-MS]", help="ms after the session start, or a range START-END")
    sp.add_argument("--tag", choices=TAGS)
    sp.add_argument("text", nargs="+", metavar="TEXT")
    db_arg(sp)


def parse_at(text: str) -> tuple[int, int]:
    """``"1500"`` -> (1500, 1500); ``"1500-4000"`` -> (1500, 4000)."""
    parts = text.strip().split("-")
    try:
        if len(parts) == 1:
            start = end = int(parts[0])
        elif len(parts) == 2:
            start, end = int(parts[0]), int(parts[1])
        else:
            raise ValueError
    except ValueError:
        raise commands.UserError(f"--at must be MS or START-END in ms (e.g. 1500 or 1500-4000), not {text!r}") from None
    if start < 0 or end < start:
        raise commands.UserError(f"--at {text}: the range must start at 0 or later and not end before it starts")
    return start, end


def _session(args):
    db = commands._open(args, must_exist=True)
    if not session_exists(db, args.session_id):
        raise commands.UserError(f"no session {args.session_id!r} in the store")
    return db


def _clock(ms: int) -> str:
    s, ms_ = divmod(ms, 1000)
    return f"{s // 60}:{s % 60:02d}.{ms_ // 100}"


def cmd_notes(args) -> int:
    db = _session(args)
    if args.export and args.import_file:
        raise commands.UserError("give either --export or --import, not both")
    if args.import_file:
        path = Path(args.import_file).expanduser()
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise commands.UserError(f"cannot read {path}: {exc.strerror or exc}") from None
        try:
            res = import_notes(db, args.session_id, data)
        except NotesFileError as exc:
            raise commands.UserError(f"{path}: {exc}") from None
        print(f"imported notes from {path}: {res.summary()}")
        return 0
    if args.export:
        path = Path(args.export).expanduser()
        data = export_notes(db, args.session_id)
        try:  # never a half-written file: write beside it, then rename
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".notes-", suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except OSError as exc:
            raise commands.UserError(f"cannot write {path}: {exc.strerror or exc}") from None
        print(f"wrote {len(list_notes(db, args.session_id))} note(s) to {path}")
        return 0
    notes = list_notes(db, args.session_id)
    if args.json:
        sys.stdout.write(orjson.dumps([note_to_dict(n) for n in notes], option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    if not notes:
        print(f"no notes on {args.session_id}")
        return 0
    for n in notes:
        when = _clock(n.start_ms) + (f"–{_clock(n.end_ms)}" if n.is_range else "")
        tag = f"[{n.tag}] " if n.tag else ""
        hl = f"  ({n.highlight.kind})" if n.highlight else ""
        text = " ".join(n.text.split())
        print(f"{n.id:>5}  {when:<17} {tag}{text}{hl}")
    return 0


def cmd_note(args) -> int:
    start, end = parse_at(args.at)
    db = _session(args)
    duration = session_info(db, args.session_id)["duration_ms"]
    if end > duration:
        raise commands.UserError(f"--at {args.at} is outside the session (0 to {duration} ms)")
    text = " ".join(args.text).strip()
    try:
        note = add_note(db, args.session_id, start, end, text, tag=args.tag)
    except ValueError as exc:
        raise commands.UserError(str(exc)) from None
    print(f"added note {note.id} to {args.session_id} at {args.at}")
    return 0
