"""What the commands print cannot drive the analyst's terminal.

Why: session ids, URLs, console messages and user names come from recordings, and a recording
is untrusted. Printed raw, an ESC sequence in a console message recolours the terminal, moves
the cursor, sets the window title, or (OSC 52) writes the clipboard. Every control character
but tab, newline and carriage return (the progress bar's) is written as a visible ``\\u001b``
escape instead, and so are the bidirectional overrides that make text read in another order.
The escape is valid inside JSON strings too, so ``--json`` output stays JSON (orjson already
escapes C0 characters there; this also covers C1 ones it writes as they are).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match) -> str:
    return "\\u%04x" % ord(m.group())


def visible(text: str) -> str:
    """``text`` with every character that could drive a terminal written as an escape."""
    return _UNSAFE.sub(_escape, text)


class _SafeStream:
    """A text stream that writes :func:`visible` text to the stream it wraps."""

    def __init__(self, raw):
        self._raw = raw

    def write(self, text: str) -> int:
        return self._raw.write(visible(text))

    def __getattr__(self, name):
        return getattr(self._raw, name)


@contextmanager
def safe_output() -> Iterator[None]:
    """Standard output and error print :func:`visible` text inside the block."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _SafeStream(out), _SafeStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
