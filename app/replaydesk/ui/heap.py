"""Keep full garbage collections off the seek path, and hand freed memory back.

Why: with a long session open the heap holds a few hundred thousand long-lived
objects (inspector rows, timeline markers, Qt wrappers, the session list).
CPython's full (generation 2) collection walks all of them: 50-100 ms on the
GUI thread, a few times per 200 seeks of the 60-minute benchmark session, and
those pauses were the tail of the seek latency. Those objects live until the
next session is opened, so once a session is loaded we collect once and move
everything into the permanent generation (``gc.freeze``); later collections
scan only what was allocated since. Thawing first (``gc.unfreeze``) hands the
previous session's objects back to the collector, so cyclic garbage they leave
is still reclaimed. Objects that die by reference counting are freed at once,
frozen or not.

Loading a session also leaves memory behind that nothing uses (issue 16): the
first open's scan decodes every event on the writer thread, and glibc keeps
what it freed in that thread's arena rather than returning it to the system;
and PySide's import hook reads the source of every module imported after it
(to look for ``PySide6`` in it), which stays in :mod:`linecache`, several MB
for a traceback that may never be printed (it is read again when one is).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import linecache
import os


def settle_heap() -> None:
    """Collect, then exempt every surviving object from future collections, and give
    the free memory back (:func:`release_free_memory`)."""
    gc.unfreeze()
    linecache.clearcache()
    gc.collect()
    gc.freeze()
    release_free_memory()


def release_free_memory() -> bool:
    """Return the C allocator's free pages to the system (glibc's ``malloc_trim``; a few
    ms). False where there is no such call (macOS, musl)."""
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is None:
        return False
    trim(0)
    return True


#: glibc serves blocks from this size up with their own mmap, returned to the system on free
#: (its default, 128 KiB, but fixed: see :func:`limit_malloc_retention`)
MMAP_THRESHOLD = 128 * 1024
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)


def limit_malloc_retention() -> bool:
    """Keep glibc from holding on to freed large blocks, in this process (``mallopt``) and in
    the QtWebEngine helpers it starts (``MALLOC_MMAP_THRESHOLD_``, read at their start-up).

    Why: glibc raises its mmap threshold each time a large mmapped block is freed, so after
    the first seeks the decompression buffers of event chunks (hundreds of KB each) come from
    the heap and their freed space stays there: 24-35 MB "free in arenas" after 40 seeks of
    the 60-minute session. With the threshold fixed: 11 MB, the Python process 7-9 MB and the
    renderer 10-12 MB lower, seeks no slower (issue 16, interleaved runs). A user's own
    ``MALLOC_MMAP_THRESHOLD_`` wins. False where there is no ``mallopt`` (macOS, musl)."""
    if os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", str(MMAP_THRESHOLD)) != str(MMAP_THRESHOLD):
        return False  # the user's value: glibc read it at our start-up already
    mallopt = getattr(_libc(), "mallopt", None)
    return mallopt is not None and bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))


def _libc():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or None)
    except OSError:
        return None
