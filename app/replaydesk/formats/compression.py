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


#: output below this size is never called a bomb, whatever the ratio
BOMB_FLOOR = 64 << 20
_STEP = 1 << 20


def decompress(data: bytes, limit: int, what: str = "data", max_ratio: float | None = None) -> bytes:
    """Decompress gzip/zstd/zlib ``data`` (by magic) into at most ``limit`` bytes.

    Concatenated gzip members are all read. Raises FormatError when the stream
    is corrupt or would expand beyond ``limit``. With ``max_ratio``, output
    over 64 MB that is also more than ``max_ratio`` times the input is a
    compression bomb (the rule zip members get) and is refused as soon as the
    cap is reached, so a small hostile file never costs more than that cap.
    """
    kind = compression_of(data[:4])
    if kind is None:
        return data
    requested = limit
    if max_ratio:
        limit = min(limit, max(BOMB_FLOOR, int(len(data) * max_ratio)))
    # Output is taken in 1 MB steps and the cap checked after each, so a bomb
    # is refused holding at most the cap (one-shot decompress with a size
    # limit would transiently need twice that).
    parts: list[bytes] = []
    total = 0
    try:
        if kind == "zstd":
            dctx = zstandard.ZstdDecompressor()
            reader = dctx.stream_reader(data, read_across_frames=True)
            while total <= limit:
                chunk = reader.read(min(_STEP, limit + 1 - total))
                if not chunk:
                    break
                parts.append(chunk)
                total += len(chunk)
        else:
            wbits = 16 + zlib.MAX_WBITS if kind == "gzip" else zlib.MAX_WBITS
            rest = data
            while rest and total <= limit:
                d = zlib.decompressobj(wbits)
                src = rest
                while True:
                    chunk = d.decompress(src, _STEP)
                    if chunk:
                        parts.append(chunk)
                        total += len(chunk)
                        if total > limit:
                            break
                    if d.eof:
                        break
                    stalled = not chunk and len(d.unconsumed_tail) == len(src)
                    src = d.unconsumed_tail
                    if not chunk and (not src or stalled):
                        raise FormatError(f"truncated {kind} stream")
                if total > limit:
                    break
                rest = d.unused_data if kind == "gzip" else b""
                rest = rest.lstrip(b"\x00")
    except FormatError:
        raise
    except (zlib.error, zstandard.ZstdError, EOFError) as exc:
        raise FormatError(f"corrupt {kind} data ({exc})") from None
    if total > limit:
        if limit < requested:
            raise FormatError(
                f"{what}: compression bomb: {len(data)} bytes would unpack to over {limit >> 20} MB "
                f"(ratio over {max_ratio:.0f}:1)"
            )
        raise FormatError(f"{what} expands beyond the {limit // (1 << 20)} MB limit (possible compression bomb)")
    return parts[0] if len(parts) == 1 else b"".join(parts)


def unpack_latin1(s: str, limit: int, max_ratio: float | None = None) -> bytes:
    """Bytes of a "binary string" (latin-1 characters), then decompressed."""
    try:
        raw = s.encode("latin-1")
    except UnicodeEncodeError:
        raise FormatError("packed field is not a latin-1 binary string") from None
    if compression_of(raw[:4]) is None:
        raise FormatError("packed field has no gzip/zlib/zstd header")
    return decompress(raw, limit, "packed field", max_ratio)
