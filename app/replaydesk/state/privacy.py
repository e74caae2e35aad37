"""Viewer privacy: the replay's masking modes and e-mail masking for demos (Qt-free).

Why at view time: redaction at import (formats/redact/) removes payment and credential data
for good; these settings hide everything else while the screen is shared. The replay modes are
applied by the renderer (resources/replay/sanitize.js); e-mail masking is applied to the text
the UI shows (session list, Details tab, window title, inspector), never to the store.
"""

from __future__ import annotations

import re

#: replay masking modes, as the renderer names them (RD.sanitize.setPrivacy)
PRIVACY_MODES = ("as-recorded", "mask-inputs", "mask-text")
DEFAULT_PRIVACY_MODE = "as-recorded"
PRIVACY_LABELS = {"as-recorded": "As recorded", "mask-inputs": "Mask all inputs", "mask-text": "Mask all text"}

# local@domain.tld; the domain's labels are masked one by one, the top-level domain stays
_EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9._%+-]+)@((?:[A-Za-z0-9-]+\.)+)([A-Za-z]{2,24})(?![\w-])")


def privacy_mode(value) -> str:
    """``value`` if it names a mode, else the default (a settings file may hold anything)."""
    return value if value in PRIVACY_MODES else DEFAULT_PRIVACY_MODE


def _keep_first(part: str) -> str:
    return part[:1] + "*" * (len(part) - 1)


def _mask_match(m: re.Match) -> str:
    labels = m.group(2)[:-1].split(".")
    return _keep_first(m.group(1)) + "@" + ".".join(_keep_first(p) for p in labels) + "." + m.group(3)


def mask_email(text):
    """Every e-mail address in ``text`` masked, keeping the first letter of the local part and
    of each domain label, the lengths and the top-level domain ("max@example.com" ->
    "m**@e******.com"); other text is unchanged. Non-strings are returned as they are."""
    if not isinstance(text, str) or "@" not in text:
        return text
    return _EMAIL.sub(_mask_match, text)


class DisplayText:
    """The shared display-text hook: models and panels pass recorded text through
    :meth:`__call__` before showing it, so one switch masks e-mails everywhere."""

    def __init__(self) -> None:
        self.mask_emails = False
        self._listeners: list = []

    def __call__(self, text):
        return mask_email(text) if self.mask_emails else text

    def set_mask_emails(self, on: bool) -> None:
        on = bool(on)
        if on == self.mask_emails:
            return
        self.mask_emails = on
        for fn in list(self._listeners):
            fn(on)

    def subscribe(self, fn) -> callable:
        """Call ``fn(on)`` when the setting changes; returns a function that unsubscribes."""
        self._listeners.append(fn)
        return lambda: self._listeners.remove(fn) if fn in self._listeners else None


#: the application's hook (one per process: the UI has one user)
display_text = DisplayText()
