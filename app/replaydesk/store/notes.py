"""Analysts' notes on sessions (issue 13, m005): moments and ranges with text, a tag and a highlight.

Why a table of its own keyed by the session's *identity* (``sessions.id`` text) and not a
foreign key with a cascade: re-importing or replacing a session deletes and re-inserts its
storage rows, and an analyst's notes must survive that. So nothing here cascades; a note
goes only when it is deleted, when the analyst deletes its session and agrees to lose its
notes, or with an erasure (``store/retention.py`` deletes the notes of every session it
erases, so that none of their bytes stay).

Times are ms after the session's first event (as ``replaydesk render --at``); a moment has
``end_ms == start_ms``. A highlight is kept as JSON text: an element (its box when it was
picked, its CSS selector and recorded node id), a rectangle or an arrow, in CSS px of the
recorded viewport.

Sharing: :func:`export_notes` writes a session's notes as JSON; :func:`import_notes` reads
such a file back, skipping notes it already has (same ``uid``), so importing twice adds
nothing. Files come from other people: every field is checked and a bad file is refused
whole with one line saying what is wrong (:class:`NotesFileError`).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone

import orjson

from .db import connection_of, write_transaction

TAGS = ("issue", "design", "bug", "note")
HIGHLIGHT_KINDS = ("element", "rect", "arrow")
FORMAT = "replaydesk-notes"
FORMAT_VERSION = 1
#: limits on what an imported file may hold (files come from other people)
MAX_TEXT = 10_000
MAX_NOTES = 10_000
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_SELECTOR = 2_000


class NotesFileError(ValueError):
    """A notes file that cannot be imported; the message is one line for the user."""


@dataclass(frozen=True)
class Highlight:
    kind: str  # "element" | "rect" | "arrow"
    x: float
    y: float
    w: float
    h: float  # CSS px in the recorded viewport (element: its box when picked; arrow: (x,y) -> (x+w,y+h))
    selector: str | None = None
    node_id: int | None = None


@dataclass(frozen=True)
class Note:
    id: int
    uid: str
    session_id: str
    start_ms: int
    end_ms: int  # a moment has end_ms == start_ms
    text: str
    tag: str | None = None
    highlight: Highlight | None = None
    created_at: str = ""
    updated_at: str = ""

    @property
    def is_range(self) -> bool:
        return self.end_ms > self.start_ms

    def covers(self, t_ms: float) -> bool:
        """Whether the caption shows at ``t_ms``: ``start <= t < end`` (a moment: for
        :data:`MOMENT_SPAN_MS` after it), as clip export burns it in."""
        end = self.end_ms if self.is_range else self.start_ms + MOMENT_SPAN_MS
        return self.start_ms <= t_ms < end


#: how long a moment note's caption shows at 1x (it has no range of its own; the clip
#: export's ``MOMENT_CAPTION_MS`` is the same)
MOMENT_SPAN_MS = 2500


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    skipped: int = 0

    def summary(self) -> str:
        return f"{self.added} added, {self.updated} updated, {self.skipped} already there"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _highlight_json(h: Highlight | None) -> str | None:
    return None if h is None else orjson.dumps(asdict(h)).decode()


def _highlight_of(text: str | None) -> Highlight | None:
    if not text:
        return None
    try:
        return highlight_from_dict(orjson.loads(text))
    except (orjson.JSONDecodeError, ValueError):
        return None  # a damaged value loses the highlight, never the note


def highlight_from_dict(d) -> Highlight:
    """A :class:`Highlight` from its JSON form, checked (``ValueError`` says what is wrong)."""
    if not isinstance(d, dict):
        raise ValueError("highlight is not an object")
    kind = d.get("kind")
    if kind not in HIGHLIGHT_KINDS:
        raise ValueError(f"highlight kind must be one of {', '.join(HIGHLIGHT_KINDS)}")
    nums = []
    for k in ("x", "y", "w", "h"):
        v = d.get(k)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or abs(v) > 1e6:
            raise ValueError(f"highlight {k} must be a number")
        nums.append(float(v))
    sel = d.get("selector")
    if sel is not None and (not isinstance(sel, str) or len(sel) > MAX_SELECTOR):
        raise ValueError("highlight selector must be text")
    node = d.get("node_id")
    if node is not None and (isinstance(node, bool) or not isinstance(node, int)):
        raise ValueError("highlight node_id must be an integer")
    return Highlight(kind, *nums, selector=sel, node_id=node)


_COLS = "id, uid, session_id, start_ms, end_ms, text, tag, highlight, created_at, updated_at"


def _note(row) -> Note:
    nid, uid, sid, start, end, text, tag, hl, created, updated = row
    return Note(nid, uid, sid, start, end, text, tag, _highlight_of(hl), created, updated)


def _check(start_ms: int, end_ms: int, text: str, tag: str | None) -> None:
    if start_ms < 0 or end_ms < start_ms:
        raise ValueError(f"a note's range must be 0 <= start <= end ms, not {start_ms}-{end_ms}")
    if not text.strip():
        raise ValueError("a note needs some text")
    if len(text) > MAX_TEXT:
        raise ValueError(f"a note's text is limited to {MAX_TEXT:,} characters")
    if tag is not None and tag not in TAGS:
        raise ValueError(f"tag must be one of {', '.join(TAGS)}, not {tag!r}")


def list_notes(db, session_id: str) -> list[Note]:
    """The session's notes, ordered by start then id."""
    rows = connection_of(db).execute(
        f"SELECT {_COLS} FROM notes WHERE session_id = ? ORDER BY start_ms, id", (session_id,))
    return [_note(r) for r in rows]


def get_note(db, note_id) -> Note | None:
    """The note ``note_id`` (an int, or its digits as text: ``--note 12``), or None."""
    try:
        nid = int(note_id)
    except (TypeError, ValueError):
        return None
    row = connection_of(db).execute(f"SELECT {_COLS} FROM notes WHERE id = ?", (nid,)).fetchone()
    return None if row is None else _note(row)


def count_notes(db, session_id: str) -> int:
    return connection_of(db).execute("SELECT COUNT(*) FROM notes WHERE session_id = ?", (session_id,)).fetchone()[0]


def add_note(db, session_id: str, start_ms: int, end_ms: int | None = None, text: str = "", *,
             tag: str | None = None, highlight: Highlight | None = None) -> Note:
    """Store a new note (``end_ms`` None or equal to ``start_ms``: a moment) and return it."""
    start = int(start_ms)
    end = start if end_ms is None else int(end_ms)
    _check(start, end, text, tag)
    return restore_note(db, Note(0, uuid.uuid4().hex, session_id, start, end, text, tag, highlight, "", ""))


def restore_note(db, note: Note) -> Note:
    """Insert ``note`` as it is: its uid, times and (when non-zero) its id - undoing a delete
    brings the same note back, so a clip or a colleague's file naming it still finds it."""
    _check(note.start_ms, note.end_ms, note.text, note.tag)
    created = note.created_at or _now()
    updated = note.updated_at or created
    with write_transaction(connection_of(db), "rd_notes") as conn:
        cur = conn.execute(
            "INSERT INTO notes (id, uid, session_id, start_ms, end_ms, text, tag, highlight, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            (note.id or None, note.uid, note.session_id, note.start_ms, note.end_ms, note.text, note.tag,
             _highlight_json(note.highlight), created, updated),
        )
        nid = cur.lastrowid if not note.id else note.id
    return replace(note, id=nid, created_at=created, updated_at=updated)


def update_note(db, note: Note) -> Note:
    """Save ``note``'s times, text, tag and highlight (by id); returns it with its new
    ``updated_at``. ``KeyError`` when it is gone."""
    _check(note.start_ms, note.end_ms, note.text, note.tag)
    updated = _now()
    with write_transaction(connection_of(db), "rd_notes") as conn:
        n = conn.execute(
            "UPDATE notes SET start_ms = ?, end_ms = ?, text = ?, tag = ?, highlight = ?, updated_at = ? WHERE id = ?",
            (note.start_ms, note.end_ms, note.text, note.tag, _highlight_json(note.highlight), updated, note.id),
        ).rowcount
    if not n:
        raise KeyError(f"no note {note.id}")
    return replace(note, updated_at=updated)


def delete_note(db, note_id: int | None, uid: str | None = None) -> bool:
    """Delete one note by id (or, with ``note_id`` None, by ``uid``); False if there was none."""
    with write_transaction(connection_of(db), "rd_notes") as conn:
        if note_id is None:
            return conn.execute("DELETE FROM notes WHERE uid = ?", (uid,)).rowcount > 0
        return conn.execute("DELETE FROM notes WHERE id = ?", (int(note_id),)).rowcount > 0


def delete_session_notes(db, session_id: str) -> int:
    """Delete every note of a session (its deletion, agreed to; an erasure). Returns the count."""
    with write_transaction(connection_of(db), "rd_notes") as conn:
        return conn.execute("DELETE FROM notes WHERE session_id = ?", (session_id,)).rowcount


def note_to_dict(n: Note) -> dict:
    """The JSON form of one note (``replaydesk notes --json`` and the export file)."""
    return {
        "id": n.id, "uid": n.uid, "session_id": n.session_id, "start_ms": n.start_ms, "end_ms": n.end_ms,
        "text": n.text, "tag": n.tag, "highlight": None if n.highlight is None else asdict(n.highlight),
        "created_at": n.created_at, "updated_at": n.updated_at,
    }


def export_notes(db, session_id: str) -> bytes:
    """The session's notes as a JSON document for :func:`import_notes` elsewhere."""
    notes = [note_to_dict(n) for n in list_notes(db, session_id)]
    for d in notes:
        del d["id"]  # local to this store
    doc = {"format": FORMAT, "version": FORMAT_VERSION, "session_id": session_id, "notes": notes}
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2)


def _parse(data: bytes, session_id: str) -> list[Note]:
    if len(data) > MAX_FILE_BYTES:
        raise NotesFileError(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: not a notes file")
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise NotesFileError(f"not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("notes"), list):
        raise NotesFileError("not a ReplayDesk notes file (exported with Session > Export Notes… or"
                             " replaydesk notes --export)")
    if doc.get("version") != FORMAT_VERSION:
        raise NotesFileError(f"notes file version {doc.get('version')!r} is not supported (this ReplayDesk reads 1)")
    if doc.get("session_id") != session_id:
        raise NotesFileError(f"its notes are for session {str(doc.get('session_id'))[:80]!r}, not {session_id!r}")
    if len(doc["notes"]) > MAX_NOTES:
        raise NotesFileError(f"more than {MAX_NOTES:,} notes")
    out = []
    for i, d in enumerate(doc["notes"], 1):
        try:
            if not isinstance(d, dict):
                raise ValueError("not an object")
            uid, start, end, text, tag = d.get("uid"), d.get("start_ms"), d.get("end_ms", d.get("start_ms")), \
                d.get("text"), d.get("tag")
            if not isinstance(uid, str) or not 1 <= len(uid) <= 64:
                raise ValueError("uid must be text")
            if any(isinstance(v, bool) or not isinstance(v, int) for v in (start, end)):
                raise ValueError("start_ms and end_ms must be integers")
            if not isinstance(text, str) or (tag is not None and not isinstance(tag, str)):
                raise ValueError("text and tag must be text")
            _check(start, end, text, tag)
            hl = None if d.get("highlight") is None else highlight_from_dict(d["highlight"])
            stamps = [d.get(k) if isinstance(d.get(k), str) and len(d.get(k)) <= 40 else "" for k in
                      ("created_at", "updated_at")]
        except ValueError as exc:
            raise NotesFileError(f"note {i}: {exc}") from None
        out.append(Note(0, uid, session_id, start, end, text, tag, hl, *stamps))
    return out


def import_notes(db, session_id: str, data: bytes) -> ImportResult:
    """Add the notes of an exported file to ``session_id``: notes already here (same uid) are
    kept, or updated when the file's copy was edited later. All or nothing:
    :class:`NotesFileError` for a file that is not valid (checked before anything is written)."""
    notes = _parse(data, session_id)
    res = ImportResult()
    with write_transaction(connection_of(db), "rd_notes_import") as conn:
        for n in notes:
            row = conn.execute("SELECT id, session_id, updated_at FROM notes WHERE uid = ?", (n.uid,)).fetchone()
            if row is None:
                restore_note(conn, n)
                res.added += 1
            elif row[1] == session_id and n.updated_at and n.updated_at > (row[2] or ""):
                conn.execute(
                    "UPDATE notes SET start_ms = ?, end_ms = ?, text = ?, tag = ?, highlight = ?, updated_at = ?"
                    " WHERE id = ?",
                    (n.start_ms, n.end_ms, n.text, n.tag, _highlight_json(n.highlight), n.updated_at, row[0]))
                res.updated += 1
            else:
                res.skipped += 1
    return res
