"""Readers: recording files and archives -> sessions of rrweb events (no Qt).

Entry points: :func:`iter_sources` lists the sessions in the paths a user
picked; :func:`decode` turns one source's bytes into event streams;
:class:`Normalizer` cleans events batch by batch.
"""

from .decode import EventStream, decode
from .errors import FormatError
from .limits import DEFAULT_LIMITS, Limits
from .normalize import Normalizer
from .sources import Ignored, Rejected, SessionSource, iter_sources

__all__ = [
    "DEFAULT_LIMITS",
    "EventStream",
    "FormatError",
    "Ignored",
    "Limits",
    "Normalizer",
    "Rejected",
    "SessionSource",
    "decode",
    "iter_sources",
]
