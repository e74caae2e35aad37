"""The passphrase prompt of an encrypted store, and encryption asked for in Preferences.

Why before the window: the window opens the store in its constructor (list, player,
importer) and keeps it open, so the passphrase must be known first; it is registered for
this process only (store/cipher.py), never saved. Encrypting also happens here, at the
start after "Encrypt the store" was ticked in Preferences: nothing has the plain file open
yet, so it can be replaced safely.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from ..store import open_store
from ..store.cipher import StoreLocked, encrypt_store, is_encrypted, needs_passphrase, register_passphrase

log = logging.getLogger(__name__)

#: Preferences > Store > "Encrypt the store": done (and cleared) at the next start
ENCRYPT_SETTING = "store/encrypt"
ATTEMPTS = 5


def _ask(parent, title: str, label: str) -> str | None:
    text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Password)
    return text if ok else None


def unlock_store(db_path: str | Path, parent: QWidget | None = None, ask=_ask) -> bool:
    """Ask for the passphrase of the encrypted store at ``db_path`` until it opens it (or the
    analyst cancels: False). True at once for a plain store or a known passphrase.
    ``ask(parent, title, label)`` returns the text typed or None (tests pass their own)."""
    path = Path(db_path)
    if not is_encrypted(path):
        return True
    label = f"The store {path.name} is encrypted.\nPassphrase:"
    if not needs_passphrase(path):  # one is known ($REPLAYDESK_PASSPHRASE, --passphrase-file): check it
        try:
            open_store(path).conn.close()
            return True
        except StoreLocked:
            label = f"The passphrase given for {path.name} does not open it.\nPassphrase:"
    for _ in range(ATTEMPTS):
        pw = ask(parent, "Encrypted store", label)
        if pw is None:
            return False
        try:
            open_store(path, passphrase=pw).conn.close()  # also upgrades it, as an unencrypted start does
        except StoreLocked:
            label = f"Wrong passphrase for {path.name} (or not a ReplayDesk store).\nPassphrase:"
            continue
        except ValueError as exc:  # empty or NUL
            label = f"{exc}.\nPassphrase:"
            continue
        register_passphrase(pw, path)
        return True
    return False


def encrypt_if_asked(db_path: str | Path, settings, parent: QWidget | None = None, ask=_ask) -> bool:
    """Encrypt the plain store at ``db_path`` when Preferences asked for it: a new
    passphrase typed twice, then :func:`~replaydesk.store.cipher.encrypt_store`. The setting
    is cleared once done (or when the store is already encrypted). False if the analyst
    cancelled (the store stays plain and the setting stays on for the next start)."""
    path = Path(db_path)
    if not settings.get(ENCRYPT_SETTING):
        return True
    if is_encrypted(path) or not path.exists():
        settings.set(ENCRYPT_SETTING, False)
        return True
    label = f"Encrypt the store {path.name}.\nNew passphrase (there is no way back without it):"
    while True:
        first = ask(parent, "Encrypt store", label)
        if first is None:
            return False
        second = ask(parent, "Encrypt store", "Repeat the passphrase:")
        if second is None:
            return False
        if first and first == second:
            break
        label = "The two passphrases differ (or are empty).\nNew passphrase:"
    try:
        encrypt_store(path, first)
    except Exception as exc:  # noqa: BLE001 - any failure leaves the plain store in place: say why
        log.warning("encrypting %s failed: %s", path, exc)
        QMessageBox.warning(parent, "Encrypt store", f"The store was not encrypted: {exc}")
        return False
    register_passphrase(first, path)
    settings.set(ENCRYPT_SETTING, False)
    log.info("store %s encrypted", path)
    return True
