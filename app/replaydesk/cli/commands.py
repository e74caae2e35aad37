"""Implementations of the headless subcommands (thin: the core does the work)."""

from __future__ import annotations

import logging
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import orjson

from ..analysis.importing import import_paths
from ..store import ImportProgress, SessionFilter, list_sessions, open_store, session_info
from ..store.queries import all_session_ids, session_exists
from ..store.signals import SIGNAL_KINDS
from ..store.db import default_db_path
from ..store.queries import parse_date


log = logging.getLogger(__name__)


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


def _open(args, *, must_exist: bool = False):
    path = Path(args.db).expanduser() if getattr(args, "db", None) else default_db_path()
    if must_exist and not path.exists():
        raise UserError(f"no store at {path} (import an archive first: replaydesk import PATH)")
    try:
        return open_store(path)
    except PermissionError:
        raise UserError(f"cannot open the store {path}: permission denied") from None


class _ProgressBar:
    """A one-line terminal progress bar, redrawn at most 10 times a second."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._last = 0.0

    def __call__(self, p: ImportProgress) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self._last < 0.1 and p.bytes_done < p.bytes_total):
            return
        self._last = now
        width = 30
        filled = int(width * p.fraction)
        label = p.label if len(p.label) <= 40 else "…" + p.label[-39:]
        if p.note:
            label += f"  ({p.note})"
        line = f"\r[{'#' * filled}{'.' * (width - filled)}] {p.fraction * 100:5.1f}%  {p.sessions_done}/{p.sessions_total}  {label}"
        sys.stderr.write(line.ljust(100)[:120])
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 120 + "\r")
            sys.stderr.flush()


def do_import(db, paths, quiet: bool = False, policy=None) -> tuple[int, object]:
    bar = _ProgressBar(not quiet and sys.stderr.isatty())
    try:
        report = import_paths(db, paths, progress=bar, **({"policy": policy} if policy is not None else {}))
    finally:
        bar.close()
    for label, reason in report.rejected:
        print(f"rejected: {label}: {reason}", file=sys.stderr)
    for label, msg in report.warnings:
        print(f"warning: {label}: {msg}", file=sys.stderr)
    for label, why in report.ignored:
        print(f"ignored: {label}: {why}", file=sys.stderr)
    for sid in report.policy_replaced:
        print(f"replaced: {sid}: stored under another redaction policy", file=sys.stderr)
    for sid, red in report.redactions.items():
        if red["redacted"]:
            rules = ", ".join(f"{rule} {n}" for rule, n in red["by_rule"].items())
            print(f"redacted: {sid}: {red['redacted']} value(s) ({rules})")
    mb = report.bytes_read / 1e6
    print(f"{report.summary_line()} ({mb:.1f} MB in {report.seconds:.1f} s)")
    stored = len(report.added) + len(report.replaced) + len(report.skipped)
    if report.rejected and stored == 0:
        return 2, report
    return (1 if report.rejected or report.cancelled else 0), report


def cmd_import(args) -> int:
    from ..formats.redact import RedactionPolicy, SelectorError

    try:
        policy = RedactionPolicy(tuple(args.redact_selector), tuple(args.redact_pattern), enabled=not args.no_redaction)
    except SelectorError as exc:
        raise UserError(str(exc)) from None
    db = _open(args)
    code, _ = do_import(db, args.paths, args.quiet, policy)
    return code


def _erase(db, ids: list[str], what: str) -> int:
    from ..store.retention import erase_sessions

    if not ids:
        print(f"no sessions {what}")
        return 0
    result = erase_sessions(db, ids)
    print(f"deleted {len(result.sessions)} session(s) {what}; store compacted")
    if result.wal_busy:
        print("replaydesk: the store is open elsewhere: its WAL could not be emptied; close ReplayDesk and run again",
              file=sys.stderr)
        return 1
    return 0


def cmd_prune(args) -> int:
    from ..store.retention import sessions_older_than

    if args.older_than < 0:
        raise UserError("--older-than must be 0 or more days")
    db = _open(args, must_exist=True)
    return _erase(db, sessions_older_than(db.conn, args.older_than), f"older than {args.older_than:g} days")


def cmd_forget(args) -> int:
    from ..store.retention import sessions_of_user

    db = _open(args, must_exist=True)
    return _erase(db, sessions_of_user(db.conn, args.user.strip()), f"of user {args.user.strip()!r}")


def _filter_from(args) -> SessionFilter:
    try:
        since = parse_date(args.since) if args.since else None
        until = parse_date(args.until, end=True) if args.until else None
    except ValueError as exc:
        raise UserError(str(exc)) from None
    ms = lambda s: int(s * 1000) if s is not None else None  # noqa: E731
    return SessionFilter(
        since=since,
        until=until,
        min_duration_ms=ms(args.min_duration),
        max_duration_ms=ms(args.max_duration),
        url=args.url,
        user=args.user,
        device=args.device,
        has_errors=True if args.has_errors else None,
        min_clicks=args.min_clicks,
    )


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _dur(ms: int) -> str:
    s = ms // 1000
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}.{ms % 1000 // 100}"


def _path(url: str | None) -> str:
    if not url:
        return ""
    i = url.find("//")
    j = url.find("/", i + 2) if i >= 0 else 0
    return url[j:] if j >= 0 else url


def _json_row(r: dict) -> dict:
    return {
        "id": r["id"],
        "started_at": _iso(r["started_at"]),
        "started_at_ms": r["started_at"],
        "duration_ms": r["duration_ms"],
        "active_ms": r["active_ms"],
        "page_count": r["page_count"],
        "click_count": r["click_count"],
        "error_count": r["error_count"],
        "event_count": r["event_count"],
        "entry_url": r["entry_url"],
        "exit_url": r["exit_url"],
        "viewport": {"width": r["viewport_width"], "height": r["viewport_height"]},
        "device": r["device"],
        "browser": r["browser"],
        "os": r["os"],
        "user": {"id": r["user_id"], "email": r["user_email"], "name": r["user_name"]},
    }


def print_sessions(rows: list[dict], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(orjson.dumps([_json_row(r) for r in rows], option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    if not rows:
        print("no sessions match")
        return
    head = f"{'SESSION':<22} {'STARTED (UTC)':<19} {'DURATION':>9} {'PAGES':>5} {'CLICKS':>6} {'ERRORS':>6} {'DEVICE':<8} {'VIEWPORT':<9} ENTRY"
    print(head)
    for r in rows:
        vp = f"{r['viewport_width']}x{r['viewport_height']}" if r["viewport_width"] else "-"
        started = _iso(r["started_at"])[:19].replace("T", " ")
        print(
            f"{r['id'][:22]:<22} {started:<19} {_dur(r['duration_ms']):>9} {r['page_count']:>5} {r['click_count']:>6} "
            f"{r['error_count']:>6} {r['device']:<8} {vp:<9} {_path(r['entry_url'])}"
        )
    print(f"{len(rows)} session(s)")


def cmd_sessions(args) -> int:
    db = _open(args, must_exist=True)
    flt = _filter_from(args)
    try:
        rows = list_sessions(db, flt, sort=args.sort, descending=not args.asc, limit=args.limit)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    print_sessions(rows, args.json)
    return 0


def click_targets(db, session_id: str) -> tuple[int, dict[tuple[int, int | None], str]]:
    """The inspector's names of the clicked elements: ``(t0, {(ms after t0, node id): name})``.

    Why: a click row stores only the node id ("node 101"), which says nothing to
    an analyst; the inspector names the element as it was at that moment
    (``button#add-to-cart 'Add to cart'``) from its summaries, so ``info`` reads
    the same summaries: the stored views, else built once here and stored for
    the window's next open. Empty when the session cannot be replayed.
    """
    from ..analysis.views import build_views, load_views, save_views  # numpy: only when needed
    from ..store import iter_events
    from ..store.checkpoints_table import session_content_hash

    views = load_views(db, session_id)
    if views is None:
        content_hash = session_content_hash(db, session_id)
        try:
            views = build_views(iter_events(db.conn, session_id), session_id)
        except Exception:  # noqa: BLE001 - names are a nicety: fall back to node ids
            log.warning("cannot name the click targets of %s", session_id, exc_info=True)
            return 0, {}
        if content_hash is not None:
            try:
                save_views(db, session_id, content_hash, views)
            except Exception:  # noqa: BLE001 - a read-only or busy store: built again next time
                log.info("could not store the views of %s", session_id, exc_info=True)
    names: dict[tuple[int, int | None], str] = {}
    for r in views.rows:
        if r.kind in ("click", "tap"):
            verb, sep, target = r.summary.partition(" on ")
            if sep and verb in ("click", "tap", "double click", "context menu"):
                names.setdefault((r.t, r.node_id), target)
    return views.timeline.t0, names


def cmd_info(args) -> int:
    db = _open(args, must_exist=True)
    info = session_info(db, args.session_id)
    if info is None:
        raise UserError(f"no session {args.session_id!r} in the store")
    t_first, names = click_targets(db, args.session_id) if info["clicks"] else (0, {})
    for c in info["clicks"]:
        c["target"] = names.get((int(c["t"] - t_first), c["target_id"]))
    if args.json:
        sys.stdout.write(orjson.dumps(info, option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    t0 = info["started_at"]
    rel = lambda t: f"{(t - t0) / 1000:7.1f}s"  # noqa: E731
    print(f"Session {info['id']}  ({info['source']})")
    print(f"  started   {_iso(t0)}   duration {_dur(info['duration_ms'])}   active {_dur(info['active_ms'])}")
    user = " ".join(x for x in (info["user_name"], f"<{info['user_email']}>" if info["user_email"] else None, f"[{info['user_id']}]" if info["user_id"] else None) if x)
    print(f"  user      {user or '-'}")
    print(f"  device    {info['device']}  {info['browser'] or ''} {('on ' + info['os']) if info['os'] else ''}  viewport {info['viewport_width']}x{info['viewport_height']}")
    print(f"  events    {info['event_count']}   clicks {info['click_count']}   errors {info['error_count']}")
    for w in info["warnings"]:
        print(f"  warning   {w}")
    print(f"Pages ({len(info['pages'])}):")
    for p in info["pages"]:
        print(f"  {rel(p['t_enter'])} – {rel(p['t_leave'])}  {p['url']}  ({p['viewport_width']}x{p['viewport_height']})")
    print(f"Clicks ({len(info['clicks'])}):")
    for c in info["clicks"]:
        target = c["target"] or (f"node {c['target_id']}" if c["target_id"] is not None else "the page")
        print(f"  {rel(c['t'])}  {c['kind']:<5} {target}  at ({c['x']:.0f}, {c['y']:.0f}) scroll {c['scroll_y']}  {_path(c['url'])}")
    print(f"Console errors and warnings ({len(info['errors'])}):")
    for e in info["errors"]:
        print(f"  {rel(e['t'])}  {e['level']:<5} {e['message'][:160]}")
    return 0


INSIGHT_KINDS = SIGNAL_KINDS


def cmd_insights(args) -> int:
    """``replaydesk insights [SESSION_ID ...] [--kind KIND] [--json]``: the stored findings.

    Findings are computed at import (click targets as node ids); sessions named on the
    command line (or all, with ``--attribute``) are first replayed through the DOM mirror
    to name their targets (selector, tag, text); ``--measure`` also measures the clicked
    elements' boxes in the renderer."""
    from ..store import signals as sig

    kinds = args.kind or None
    for k in kinds or ():
        if k not in SIGNAL_KINDS:
            raise UserError(f"unknown signal kind {k!r}; choose from {', '.join(SIGNAL_KINDS)}")
    db = _open(args, must_exist=True)
    ids = args.session_ids or None
    for sid in ids or ():
        if not session_exists(db, sid):
            raise UserError(f"no session {sid!r} in the store")
    from ..analysis.signals_store import FACTS_KEY, attribute_sessions

    if args.attribute or args.measure or ids:
        # named sessions are replayed (about a second each at most) so that their findings
        # name elements; the whole store only on request
        attribute_sessions(db, ids)
    elif sig.stale_fact_sessions(db, FACTS_KEY, unattributed=True):
        print("note: some sessions name click targets by node id only; run with --attribute to name them",
              file=sys.stderr)
    if args.measure:
        _measure(db, ids)
    rows = sig.findings(db, ids, kinds)
    if args.json:
        out = [
            {"session_id": r["session_id"], "kind": r["kind"], "t_ms": r["t_ms"], "ts": r["ts"], "end_ms": r["end_ms"],
             "count": r["count"], "node_id": r["node_id"], "selector": r["selector"], "target": r["target_label"],
             "rule": r["rule"], "params": r["params"], "evidence": r["evidence"]}
            for r in rows
        ]
        sys.stdout.write(orjson.dumps(out, option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    if not rows:
        print("no findings")
        return 0
    for r in rows:
        print(f"{r['session_id']}  {r['t_ms'] / 1000:8.1f}s  {sig.SIGNAL_LABEL.get(r['kind'], r['kind']):<19} "
              f"{r['evidence']}  [rule: {r['rule']}]")
    print(f"{len(rows)} finding(s)")
    return 0


def _measure(db, ids) -> None:
    from ..ui.qtenv import prepare_qt_environment

    prepare_qt_environment(offscreen=True)
    from ..ui.replay import register_scheme

    register_scheme()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["replaydesk"])  # noqa: F841 - must outlive the measuring
    from ..ui.replay.measure import measure_sessions

    targets = ids or all_session_ids(db)
    measured, unmeasured = measure_sessions(db, targets)
    print(f"measured {measured} click box(es); {unmeasured} click(s) kept with page coordinates only", file=sys.stderr)


def cmd_render(args) -> int:
    db = _open(args, must_exist=True)
    info = session_info(db, args.session_id)
    if info is None:
        raise UserError(f"no session {args.session_id!r} in the store")
    if not 0 <= args.at <= info["duration_ms"]:
        raise UserError(f"--at {args.at} is outside the session (0 to {info['duration_ms']} ms)")
    out = Path(args.output).expanduser()
    if not str(args.output) or out.is_dir():
        raise UserError(f"cannot write {str(args.output)!r}: give a file name for the PNG")
    if not out.parent.is_dir():
        raise UserError(f"cannot write {out}: no such folder {out.parent}")
    from ..ui.qtenv import prepare_qt_environment

    prepare_qt_environment(offscreen=True)
    from ..ui.replay import register_scheme

    register_scheme()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["replaydesk"])  # noqa: F841 - must outlive the render
    from ..ui.render import render_session_png
    from ..ui.replay.headless import RenderError

    try:
        out = render_session_png(db, args.session_id, args.at, args.output, allow_web_assets=args.web_assets,
                                 privacy=args.privacy)
    except (RenderError, OSError) as exc:  # no page to show, the renderer gave up, or the file
        print(f"replaydesk: {exc}", file=sys.stderr)  # cannot be written: one line, no traceback
        return 1
    from PySide6.QtGui import QImageReader

    size = QImageReader(str(out)).size()  # the viewport at that moment (it can change mid-session)
    print(f"wrote {out} ({size.width()}x{size.height()} viewport at {args.at} ms)")
    return 0


def run_gui(args) -> int:
    from ..resources import demo_archive

    paths = [str(Path(p).expanduser().resolve()) for p in args.paths]
    for p in paths:
        if not Path(p).exists():
            raise UserError(f"no such file or folder: {p}")
    if args.demo:
        demo = demo_archive()
        if not demo.exists():
            raise UserError(f"the bundled demo archive is missing ({demo})")
        paths.append(str(demo))
    from ..ui.settings import configured_store_path  # File > Preferences > Store file

    db_path = Path(args.db).expanduser() if args.db else (configured_store_path() or default_db_path())
    db_path.parent.mkdir(parents=True, exist_ok=True)
    from ..store.cipher import needs_passphrase

    if not needs_passphrase(db_path):  # else the window asks for it first (ui/passphrase_prompt.py)
        open_store(db_path).conn.close()  # create/upgrade now: a broken store is a one-line error
    from ..ui.app import run_gui as start

    return start(paths, db_path, crash_dialog=not args.no_crash_dialog, verbose=args.verbose)
