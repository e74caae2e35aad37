"""The one exception type readers raise for bad input.

Readers never let a raw ``JSONDecodeError``/``zlib.error`` escape: they turn it
into a ``FormatError`` whose message is one line a user can act on, so the
importer can print "file: problem" and carry on with the rest of the archive.
"""


class FormatError(Exception):
    """Input that cannot be read as a recording. ``str(exc)`` is one line."""

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


def describe_json_error(exc: Exception, data: bytes | memoryview | None = None) -> str:
    """Turn an orjson/json decode error into a short, human sentence."""
    msg = str(exc).split("\n")[0]
    if data is not None and len(data) == 0:
        return "the file is empty"
    low = msg.lower()
    if "utf-8" in low or "utf8" in low or "surrogate" in low:
        return f"not valid UTF-8 text ({msg})"
    if "eof" in low or "unexpected end" in low:
        return f"truncated JSON ({msg})"
    return f"not valid JSON ({msg})"
