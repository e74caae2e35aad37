"""The ``replaydesk`` command: the GUI and the headless subcommands.

Headless subcommands call the same core functions the GUI calls. Every
failure a user can cause ends as one line on stderr and an exit code:
0 all good, 1 partly failed (some sessions rejected), 2 nothing usable or bad
usage. Tracebacks go to the log file only.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import sys

from .. import __version__
from ..logsetup import setup_logging
from ..store import StoreCorrupt
from ..state.privacy import DEFAULT_PRIVACY_MODE, PRIVACY_MODES
from . import argtypes, commands, terminal
from . import insights_commands
from . import clip_commands
from . import notes_commands
from . import cipher_commands
from ..store.cipher import StoreLocked

log = logging.getLogger("replaydesk.cli")

SUBCOMMANDS = {
    "import": commands.cmd_import,
    "sessions": commands.cmd_sessions,
    "info": commands.cmd_info,
    "heatmap": insights_commands.cmd_heatmap,
    "pages": insights_commands.cmd_pages,
    "fields": insights_commands.cmd_fields,
    "render": commands.cmd_render,
    "clip": clip_commands.cmd_clip,
    "notes": notes_commands.cmd_notes,
    "note": notes_commands.cmd_note,
    "insights": commands.cmd_insights,
    "prune": commands.cmd_prune,
    "forget": commands.cmd_forget,
    "encrypt": cipher_commands.cmd_encrypt,
}


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # bad usage: one line, exit 2
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


USAGE = """replaydesk [--demo] [--db FILE] [--verbose] [--version] [ARCHIVE ...]
       replaydesk --encrypt [--db FILE] [--passphrase-file FILE]
       replaydesk {import,sessions,info,render,clip,notes,note,insights,heatmap,pages,fields,prune,forget,encrypt} [-h] ..."""

WINDOW_HELP = """the window:
  replaydesk                 open the window on your store
  replaydesk ARCHIVE...      import archives (zip, folder, events.json, PostHog export) and open them
  replaydesk --demo          open the bundled demo archive
  --db FILE                  store file (default: $REPLAYDESK_DB or the user data directory)
  --encrypt                  encrypt the store in place (SQLCipher) and exit: "replaydesk encrypt"
  --no-crash-dialog          report unexpected errors in the log only
  --verbose                  also log to the terminal (Qt and Chromium messages too)

Run "replaydesk COMMAND --help" for a subcommand's options."""


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="replaydesk", usage=USAGE, epilog=WINDOW_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Open, replay and analyse rrweb session recordings on your machine.",
    )
    p.add_argument("--verbose", action="store_true", help="also log to the terminal")
    p.add_argument("--version", action="version", version=f"replaydesk {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=_Parser, prog="replaydesk")  # "usage: replaydesk clip ..."

    def db_arg(sp):
        sp.add_argument("--db", metavar="FILE", help="store file (default: $REPLAYDESK_DB or the user data directory)")
        cipher_commands.passphrase_arg(sp)

    sp = sub.add_parser("import", help="import recording archives into the store")
    sp.add_argument("paths", nargs="+", metavar="PATH", help="archive files or folders")
    db_arg(sp)
    sp.add_argument("--quiet", action="store_true", help="no progress bar")
    sp.add_argument("--redact-selector", action="append", default=[], metavar="CSS",
                    help="also redact fields (and text below elements) matching tag#id.class[attr=value]; repeatable")
    sp.add_argument("--redact-pattern", action="append", default=[], metavar="REGEX",
                    help="also redact text matching REGEX; repeatable")
    sp.add_argument("--no-redaction", action="store_true", help="store values as recorded (no redaction at import)")

    sp = sub.add_parser("prune", help="delete sessions older than DAYS days (and compact the store)")
    sp.add_argument("--older-than", type=argtypes.DAYS, required=True, metavar="DAYS")
    db_arg(sp)

    sp = sub.add_parser("forget", help="erase every session of a user (id or e-mail), leaving none of their bytes")
    sp.add_argument("--user", required=True, metavar="ID|EMAIL")
    db_arg(sp)

    sp = sub.add_parser("sessions", help="list stored sessions")
    db_arg(sp)
    sp.add_argument("--json", action="store_true", help="print one JSON array")
    sp.add_argument("--url", metavar="TEXT", help="visited a URL containing TEXT")
    sp.add_argument("--min-duration", type=argtypes.SECONDS, metavar="S", help="at least S seconds long")
    sp.add_argument("--max-duration", type=argtypes.SECONDS, metavar="S", help="at most S seconds long")
    sp.add_argument("--device", choices=["desktop", "tablet", "mobile", "bot", "unknown"])
    sp.add_argument("--since", metavar="DATE", help="started on or after DATE (YYYY-MM-DD or ISO time, UTC)")
    sp.add_argument("--until", metavar="DATE", help="started before the end of DATE")
    sp.add_argument("--user", metavar="TEXT", help="user id, e-mail or name contains TEXT")
    sp.add_argument("--has-errors", action="store_true", help="only sessions with console errors")
    sp.add_argument("--min-clicks", type=argtypes.COUNT, metavar="N")
    sp.add_argument("--sort", default="started_at", help="column to sort by (default started_at)")
    sp.add_argument("--asc", action="store_true", help="ascending order")
    sp.add_argument("--limit", type=argtypes.COUNT, metavar="N")

    sp = sub.add_parser("render", help="render a session's viewport at a moment to a PNG (headless)")
    sp.add_argument("session_id", metavar="SESSION_ID")
    sp.add_argument("--at", type=argtypes.MS, required=True, metavar="MS", help="milliseconds after the session start")
    sp.add_argument("-o", "--output", required=True, metavar="FILE", help="PNG file to write")
    db_arg(sp)
    sp.add_argument("--web-assets", action="store_true", help="let the page load http(s) assets (off: nothing leaves this machine)")
    sp.add_argument("--privacy", choices=PRIVACY_MODES, default=DEFAULT_PRIVACY_MODE,
                    help="mask form inputs or all page text in the frame (default: as recorded)")

    sp = sub.add_parser("insights", help="frustration signals found in sessions (rage, dead and error clicks...)")
    sp.add_argument("session_ids", nargs="*", metavar="SESSION_ID", help="sessions to show (default: all)")
    sp.add_argument("--kind", action="append", metavar="KIND",
                    help="only this kind (repeatable): " + ", ".join(commands.INSIGHT_KINDS))
    db_arg(sp)
    sp.add_argument("--json", action="store_true", help="print one JSON array of findings")
    sp.add_argument("--attribute", action="store_true",
                    help="first name the click targets of sessions imported without it (replays their DOM)")
    sp.add_argument("--measure", action="store_true",
                    help="also measure the clicked elements' boxes in the renderer (implies --attribute)")

    insights_commands.add_parsers(sub, db_arg)
    clip_commands.add_parsers(sub, db_arg)
    notes_commands.add_parsers(sub, db_arg)
    cipher_commands.add_parsers(sub, db_arg)

    sp = sub.add_parser("info", help="show one session with its pages, clicks and errors")
    sp.add_argument("session_id", metavar="SESSION_ID")
    db_arg(sp)
    sp.add_argument("--json", action="store_true")
    _verbose_everywhere(sub)
    return p


def _verbose_everywhere(sub) -> None:
    """``replaydesk COMMAND --verbose``: every subcommand (also ones added later) takes the flag
    after its name. SUPPRESS keeps a subparser's default from overwriting ``replaydesk --verbose
    COMMAND``; logging itself is set up from argv before parsing (see :func:`main`)."""
    for sp in dict.fromkeys(sub.choices.values()):
        if not any("--verbose" in a.option_strings for a in sp._actions):
            sp.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS,
                            help="also log to the terminal")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    setup_logging("--verbose" in argv)
    # the first line of every run in the log: which version ran which command (bug reports)
    log.info("replaydesk %s (Python %s): %s", __version__, sys.version.split()[0], shlex.join(["replaydesk", *argv]))
    first = next((a for a in argv if a != "--verbose"), None)
    if "--encrypt" in argv and first not in SUBCOMMANDS:
        # issue 14 names the flag: ``replaydesk --encrypt [--db F]`` is the ``encrypt`` subcommand
        argv = ["encrypt", *(a for a in argv if a != "--encrypt")]
        first = "encrypt"
    if first not in SUBCOMMANDS and first not in ("-h", "--help", "--version"):
        return _run_default(argv)
    args = build_parser().parse_args(argv)
    try:
        cipher_commands.apply_passphrase(args)
        with terminal.safe_output():  # recorded text cannot drive the terminal
            return SUBCOMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("replaydesk: interrupted", file=sys.stderr)
        return 130
    except commands.UserError as exc:
        print(f"replaydesk: {exc}", file=sys.stderr)
        return 2
    except StoreLocked as exc:  # encrypted: no or a wrong passphrase
        print(f"replaydesk: {exc}", file=sys.stderr)
        return 2
    except StoreCorrupt as exc:
        print(f"replaydesk: the store cannot be used: {exc}", file=sys.stderr)
        return 2


def _run_default(argv: list[str]) -> int:
    """``replaydesk [--demo] [ARCHIVE...] [--db FILE]``: the analyst's window.

    Archives given on the command line (or the bundled demo) are imported in
    the window, with its progress bar, as if they had been dropped on it.
    """
    p = _Parser(prog="replaydesk", usage=USAGE, description="Open the ReplayDesk window (subcommands: import, sessions, info, render).")
    p.add_argument("paths", nargs="*", metavar="ARCHIVE", help="archives to import and open")
    p.add_argument("--demo", action="store_true", help="open the bundled demo archive")
    p.add_argument("--db", metavar="FILE", help="store file (default: $REPLAYDESK_DB or the user data directory)")
    cipher_commands.passphrase_arg(p)
    p.add_argument("--no-crash-dialog", action="store_true", help="report unexpected errors in the log only")
    p.add_argument("--verbose", action="store_true", help="also log to the terminal (Qt and Chromium messages too)")
    p.add_argument("--version", action="version", version=f"replaydesk {__version__}")
    args = p.parse_args(argv)
    try:
        cipher_commands.apply_passphrase(args)
        return commands.run_gui(args)
    except commands.UserError as exc:
        print(f"replaydesk: {exc}", file=sys.stderr)
        return 2
    except StoreLocked as exc:
        print(f"replaydesk: {exc}", file=sys.stderr)
        return 2
    except StoreCorrupt as exc:
        print(f"replaydesk: the store cannot be used: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
