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


#: Deepest DOM nesting kept (levels below the document node). Browsers render
#: deeper pages, but nothing real comes close: the HTML parser itself stops
#: nesting at 512. Deeper subtrees are clipped at import (and, for trees grown
#: by mutations, by the replay mirror and the renderer) with a warning naming
#: the depth, so no layer needs recursion-proof code for unbounded depth.
MAX_DEPTH = 2000

#: Deepest JSON nesting the deep-JSON reader accepts. A DOM level costs two
#: JSON levels, so a 20,000-level page (40,000 JSON levels) is still read, then
#: clipped to MAX_DEPTH; past this the file is rejected with a message naming
#: the depth instead of taking memory per level without bound.
MAX_JSON_DEPTH = 100_000
