"""Number options that argparse checks: finite and within a range, or one line of usage error.

Why: ``float("inf")``, ``nan`` and ``1e300`` parse as floats and ``10**22`` as an int, and each
ended in an OverflowError or ValueError traceback deep in a query (SQLite integers are 64-bit).
An option's converter rejects them where argparse can say which option was wrong.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

#: SQLite's largest integer
INT64_MAX = 2**63 - 1


def number(kind: type, lo: float, hi: float) -> Callable[[str], float | int]:
    """A converter for ``type=``: ``kind`` (int or float) of ``text``, finite, in ``[lo, hi]``."""

    def convert(text: str):
        try:
            value = kind(text)
        except (ValueError, OverflowError):
            raise argparse.ArgumentTypeError(f"not a{'n integer' if kind is int else ' number'}: {text!r}") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{text} is out of range ({lo:g} to {hi:g})")
        return value

    convert.__name__ = kind.__name__  # argparse names the type in its message
    return convert


#: days (prune): up to a thousand years
DAYS = number(float, 0, 365_000)
#: seconds of session length (filters): up to ten years
SECONDS = number(float, 0, 315_360_000)
#: a factor (clip speed): finite and positive; the command checks its own range
FACTOR = number(float, 0, 1_000_000)
#: a count (clicks, rows)
COUNT = number(int, 0, INT64_MAX)
#: milliseconds within a session (checked against its length by the command)
MS = number(int, -INT64_MAX, INT64_MAX)
