"""Encrypted stores on the command line: ``--passphrase-file`` on every command that takes
``--db``, and ``replaydesk encrypt`` (issue 14).

Why a file or ``$REPLAYDESK_PASSPHRASE`` and no ``--passphrase TEXT``: a command line is
visible to every user of the machine (``ps``) and lands in shell history and in our own
log's first line. ``encrypt`` without either asks on the terminal, twice.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from ..store.cipher import ENV_PASSPHRASE, StoreLocked, encrypt_store, register_passphrase, registered_passphrase
from ..store import StoreBusy
from ..store.db import default_db_path
from .commands import UserError


def passphrase_arg(sp) -> None:
    """Add ``--passphrase-file`` to a parser that takes ``--db``."""
    sp.add_argument("--passphrase-file", metavar="FILE",
                    help=f"passphrase of an encrypted store (first line of FILE; or ${ENV_PASSPHRASE})")


def read_passphrase_file(path: str) -> str:
    """The first line of ``path`` (without its line break); one-line errors."""
    p = Path(path).expanduser()
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise UserError(f"cannot read the passphrase file {p}: {reason}") from None
    line = text.split("\n", 1)[0].removesuffix("\r")
    if not line or "\0" in line:
        raise UserError(f"passphrase file {p}: the first line is empty (or not text)")
    return line


def apply_passphrase(args) -> None:
    """Register the ``--passphrase-file`` passphrase for every store this process opens."""
    path = getattr(args, "passphrase_file", None)
    if path:
        register_passphrase(read_passphrase_file(path))


def add_parsers(sub, db_arg) -> None:
    sp = sub.add_parser("encrypt", help="encrypt a plain store in place with SQLCipher (asks a new passphrase)")
    db_arg(sp)


def _new_passphrase(db: Path) -> str:
    pw = registered_passphrase(db)
    if pw is not None:
        return pw
    if not sys.stdin.isatty():
        raise UserError(f"no passphrase for {db}: give one with --passphrase-file FILE or ${ENV_PASSPHRASE}")
    first = getpass.getpass(f"New passphrase for {db}: ")
    if not first:
        raise UserError("an empty passphrase protects nothing: store not encrypted")
    if getpass.getpass("Repeat it: ") != first:
        raise UserError("the two passphrases differ: store not encrypted")
    return first


def cmd_encrypt(args) -> int:
    db = Path(args.db).expanduser() if getattr(args, "db", None) else default_db_path()
    if not db.exists():
        raise UserError(f"no store at {db}")
    from ..ui.single_instance import hand_over

    if hand_over(db, []):  # its window keeps connections to the plain file: they would write to the old one
        raise UserError(f"ReplayDesk is open on {db}: close its window, then encrypt")
    try:
        encrypt_store(db, _new_passphrase(db))
    except StoreLocked as exc:
        raise UserError(str(exc)) from None
    except FileNotFoundError:
        raise UserError(f"no store at {db}") from None
    except ValueError as exc:
        raise UserError(str(exc)) from None
    except PermissionError:
        raise UserError(f"cannot encrypt {db}: permission denied") from None
    except StoreBusy as exc:
        raise UserError(f"cannot encrypt {db}: {exc} (another program is writing to it)") from None
    print(f"encrypted {db} (SQLCipher); keep the passphrase: without it the store cannot be opened")
    return 0
