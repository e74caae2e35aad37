"""Size limits that keep hostile input from exhausting memory.

One place, so the importer, the CLI (``--max-session-mb``) and tests agree.
"""

from dataclasses import dataclass

MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    #: largest decompressed session (events) we accept
    max_session_bytes: int = 2048 * MB
    #: largest decompressed zip member / total per archive
    max_member_bytes: int = 2048 * MB
    max_archive_bytes: int = 64 * 1024 * MB
    #: a member expanding more than this ratio (and over 64 MB) is a bomb
    max_ratio: float = 200.0
    #: members in one archive
    max_members: int = 1_000_000


DEFAULT_LIMITS = Limits()
