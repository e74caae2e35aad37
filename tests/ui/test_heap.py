"""Settling the heap once a session is loaded (ui/heap.py): free memory goes back to the
system and PySide's cached module sources are dropped (issue 16, memory)."""

from __future__ import annotations

import linecache
import os
import sys

import pytest

from replaydesk.ui.heap import collection_after, release_free_memory, settle_heap

glibc = pytest.mark.skipif(not sys.platform.startswith("linux") or os.confstr("CS_GNU_LIBC_VERSION") is None,
                           reason="glibc's malloc_trim")


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@glibc
def test_freed_memory_goes_back_to_the_system():
    """What a session's load freed (here 80 MB in 100 KB blocks, below malloc's mmap
    threshold, the last one kept so the heap cannot simply shrink from its top) stays in
    the process's RSS until it is released."""
    blocks = [bytearray(100_000) for _ in range(800)]
    for b in blocks:
        b[::4096] = b"\x01" * len(b[::4096])  # touch every page
    keep = blocks[-1]
    del blocks
    before = rss_bytes()
    assert release_free_memory()
    assert before - rss_bytes() > 40_000_000, f"{(before - rss_bytes()) / 1e6:.1f} MB released"
    assert keep[0] == 1


def test_settling_drops_the_cached_module_sources():
    """PySide's import hook reads every later-imported module's source into linecache."""
    assert linecache.getlines(__file__)
    settle_heap()
    assert __file__ not in linecache.cache


_RETAINED = r"""
import os, sys
sys.path[:0] = {paths!r}
from replaydesk.ui.heap import limit_malloc_retention
if {limit!r}:
    assert limit_malloc_retention()
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
big = bytearray(4_000_000); del big  # glibc would now serve blocks up to 4 MB from the heap
blocks = [bytearray(300_000) for _ in range(200)]  # a chunk's decompression buffers, 60 MB
keep = bytearray(1000)  # something small after them, so the heap cannot shrink from its top
before = rss()
del blocks
print(before - rss())
"""


@glibc
def test_large_freed_blocks_go_back_to_the_system_at_once():
    """Without a fixed mmap threshold, glibc keeps freed 300 KB blocks in the heap once a
    larger block was freed (it raises the threshold): 60 MB stay in RSS."""
    import subprocess

    def released(limit: bool) -> int:
        code = _RETAINED.format(paths=sys.path, limit=limit)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
        return int(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                  check=True).stdout)

    assert released(True) > 50_000_000
    assert released(False) < 10_000_000  # the measurement sees the difference



def _mapping(path, field: str = "Rss") -> tuple[int, str, int]:
    """(start address, permissions, ``field`` bytes) of this process's one mapping of ``path``."""
    found = []
    with open("/proc/self/smaps") as f:
        for line in f:
            head = line.split(maxsplit=5)
            if "-" in head[0] and not head[0].endswith(":"):
                ours = len(head) == 6 and head[5].strip() == str(path)
                if ours:
                    found.append([int(head[0].split("-")[0], 16), head[1], 0])
            elif ours and head[0] == field + ":":
                found[-1][2] = int(head[1]) * 1024
    assert len(found) == 1, found
    return tuple(found[0])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/smaps, madvise")
def test_idle_gl_code_leaves_the_resident_set_and_modified_pages_stay(tmp_path):
    """A clean executable mapping of a file named like Mesa's LLVM is dropped from RSS and reads
    back the same; an executable mapping whose pages were modified (a relocated one) is never
    touched, nor is a library of another name."""
    import ctypes
    import mmap

    from replaydesk.ui.heap import release_idle_gl_code

    size = 64 * 4096
    content = bytes(range(256)) * (size // 256)
    maps = {}
    for name, prot in (("libLLVM-code.so.1", mmap.PROT_READ | mmap.PROT_EXEC),
                       ("libLLVM-relocated.so.1", mmap.PROT_READ | mmap.PROT_WRITE),
                       ("libother.so.1", mmap.PROT_READ | mmap.PROT_EXEC)):
        with open(tmp_path / name, "wb") as f:
            f.write(content)
            os.fsync(f.fileno())  # pages not yet written back count as modified ones
        with open(tmp_path / name, "rb") as f:
            maps[name] = mmap.mmap(f.fileno(), size, flags=mmap.MAP_PRIVATE, prot=prot)
    for m in maps.values():
        assert sum(m[i] for i in range(0, size, 4096)) == 0  # every page read: resident
    if _mapping(tmp_path / "libLLVM-code.so.1", "Private_Dirty")[2]:
        pytest.skip("this file system keeps file pages dirty (tmpfs): nothing here is a clean mapping")
    reloc = maps["libLLVM-relocated.so.1"]
    reloc[::4096] = b"\xff" * (size // 4096)  # every page modified, then made read-only, as RELRO does
    libc = ctypes.CDLL(None)
    libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    start, _, _ = _mapping(tmp_path / "libLLVM-relocated.so.1")
    assert libc.mprotect(start, size, mmap.PROT_READ | mmap.PROT_EXEC) == 0
    assert [_mapping(tmp_path / n)[1:] for n in maps] == [("r-xp", size)] * 3

    assert release_idle_gl_code() >= size

    assert _mapping(tmp_path / "libLLVM-code.so.1")[2] == 0
    assert _mapping(tmp_path / "libLLVM-relocated.so.1")[2] == size
    assert _mapping(tmp_path / "libother.so.1")[2] == size
    assert maps["libLLVM-code.so.1"][:] == content  # faulted back in from the file
    assert reloc[0] == 0xFF and reloc[1:4096] == content[1:4096]
    for m in maps.values():
        m.close()


def test_collection_after_pauses_the_collector_for_its_block_only():
    """A seek's allocations must not trigger a collection before its frame is sent; after the
    block the collector is on again (also when the block raises), and a nested pause (the
    replay's own, SessionReplay.seek) does not switch it back on early."""
    import gc

    assert gc.isenabled()
    before = gc.get_stats()[0]["collections"]
    with collection_after():
        assert not gc.isenabled()
        junk = [[i] for i in range(50 * gc.get_threshold()[0])]  # far past generation 0's threshold
        with collection_after():
            assert not gc.isenabled()
        assert not gc.isenabled()
        assert gc.get_stats()[0]["collections"] == before
    assert gc.isenabled()
    del junk
    with pytest.raises(ZeroDivisionError):
        with collection_after():
            1 / 0
    assert gc.isenabled()
    gc.disable()
    try:
        with collection_after():  # someone else paused it: it stays paused after the block
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
