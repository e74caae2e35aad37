"""Outer compression by magic bytes, with caps that stop bombs early."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib

import pytest
import zstandard

from replaydesk.formats import FormatError
from replaydesk.formats.compression import compression_of, decompress, unpack_latin1

from . import builders as B


def raw() -> bytes:
    return B.corpus_raw()


@pytest.mark.parametrize(
    "kind, pack",
    [("gzip", gzip.compress), ("zstd", lambda b: zstandard.ZstdCompressor().compress(b)), ("zlib", zlib.compress)],
)
def test_round_trip_by_magic(kind, pack):
    data = pack(raw())
    assert compression_of(data[:4]) == kind
    assert decompress(data, 10 << 20) == raw()


def test_plain_data_is_returned_as_is():
    assert compression_of(b"[{") is None
    assert decompress(raw(), 10) is raw()


def test_concatenated_gzip_members_and_zero_padding():
    a, b = raw()[:5000], raw()[5000:]
    assert decompress(gzip.compress(a) + gzip.compress(b) + b"\x00" * 512, 10 << 20) == raw()


def test_multi_step_output_is_whole():
    big = raw() * 40  # ~4 MB: several 1 MB output steps
    for pack in (gzip.compress, zlib.compress, zstandard.ZstdCompressor().compress):
        assert decompress(pack(big), 64 << 20) == big


@pytest.mark.parametrize("pack", [gzip.compress, zlib.compress])
def test_truncated_stream(pack):
    with pytest.raises(FormatError, match="truncated"):
        decompress(pack(raw())[:-50], 10 << 20)


@pytest.mark.parametrize("pack", [gzip.compress, zlib.compress, zstandard.ZstdCompressor().compress])
def test_corrupt_stream_is_a_format_error(pack):
    data = bytearray(pack(raw()))
    data[20:60] = bytes(40)
    with pytest.raises(FormatError) as exc:
        decompress(bytes(data), 10 << 20)
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize("pack", [gzip.compress, zlib.compress, zstandard.ZstdCompressor().compress])
def test_limit(pack):
    with pytest.raises(FormatError, match="limit"):
        decompress(pack(raw()), 50_000)


def test_ratio_bomb_is_refused_holding_no_more_than_the_cap():
    bomb = gzip.compress(bytes(100 << 20), 9)  # 100 MB of zeros in ~100 KB
    tracemalloc.start()
    try:
        with pytest.raises(FormatError, match="bomb"):
            decompress(bomb, 2048 << 20, "file", max_ratio=200)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 72 << 20, peak >> 20
    # without a ratio rule the same data is fine (it is under the size limit)
    assert len(decompress(bomb, 2048 << 20)) == 100 << 20


def test_legit_high_ratio_under_the_floor_is_accepted():
    data = b'{"type":3,"data":{"source":1,"positions":[]},"timestamp":1}' * 200_000  # 12 MB, very repetitive
    packed = gzip.compress(data)
    assert len(data) / len(packed) > 200
    assert decompress(packed, 2048 << 20, "file", max_ratio=200) == data


def test_unpack_latin1():
    s = zlib.compress(b'{"a":1}').decode("latin-1")
    assert unpack_latin1(s, 1 << 20) == b'{"a":1}'
    with pytest.raises(FormatError, match="latin-1"):
        unpack_latin1("\u20ac" + s, 1 << 20)
    with pytest.raises(FormatError, match="header"):
        unpack_latin1("plain text", 1 << 20)
