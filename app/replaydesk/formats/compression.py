"""Undo the outer compression of a file or a packed field, by magic bytes.

Archives come gzipped (``.json.gz``), zstd-compressed (PostHog's newer
payloads) or zlib-deflated (Sentry segments, rrweb's packer). We decide by the
first bytes, never by the file name, and cap the output so a small hostile
file cannot expand into gigabytes (a "bomb").
"""

from __future__ import annotations

import zlib

import zstandard

from .errors import FormatError

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def is_zlib(head: bytes) -> bool:
    """A zlib stream header: CMF 0x78 and a valid FCHECK."""
    return len(head) >= 2 and head[0] == 0x78 and ((head[0] << 8) | head[1]) % 31 == 0


def compression_of(head: bytes) -> str | None:
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    if is_zlib(head):
        return "zlib"
    return None


def decompress(data: bytes, limit: int, what: str = "data") -> bytes:
    """Decompress gzip/zstd/zlib ``data`` (by magic) into at most ``limit`` bytes.

    Concatenated gzip members are all read. Raises FormatError when the stream
    is corrupt or would expand beyond ``limit``.
    """
    kind = compression_of(data[:4])
    if kind is None:
        return data
    try:
        if kind == "zstd":
            dctx = zstandard.ZstdDecompressor()
            reader = dctx.stream_reader(data, read_across_frames=True)
            out = reader.read(limit + 1)
        else:
            wbits = 16 + zlib.MAX_WBITS if kind == "gzip" else zlib.MAX_WBITS
            parts: list[bytes] = []
            total = 0
            rest = data
            while rest:
                d = zlib.decompressobj(wbits)
                chunk = d.decompress(rest, limit + 1 - total)
                parts.append(chunk)
                total += len(chunk)
                if total > limit:
                    break
                if not d.eof:
                    if d.unconsumed_tail:
                        raise FormatError(f"{what} expands beyond the {limit // (1 << 20)} MB limit")
                    raise FormatError(f"truncated {kind} stream")
                rest = d.unused_data if kind == "gzip" else b""
                rest = rest.lstrip(b"\x00")
            out = b"".join(parts)
    except FormatError:
        raise
    except (zlib.error, zstandard.ZstdError, EOFError) as exc:
        raise FormatError(f"corrupt {kind} data ({exc})") from None
    if len(out) > limit:
        raise FormatError(f"{what} expands beyond the {limit // (1 << 20)} MB limit (possible compression bomb)")
    return out


def unpack_latin1(s: str, limit: int) -> bytes:
    """Bytes of a "binary string" (latin-1 characters), then decompressed."""
    try:
        raw = s.encode("latin-1")
    except UnicodeEncodeError:
        raise FormatError("packed field is not a latin-1 binary string") from None
    if compression_of(raw[:4]) is None:
        raise FormatError("packed field has no gzip/zlib/zstd header")
    return decompress(raw, limit, "packed field")
