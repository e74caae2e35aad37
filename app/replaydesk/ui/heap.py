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

And Chromium's GPU thread, which QtWebEngine runs inside our process, loads Mesa's
software GL (llvmpipe) at start-up so that recorded WebGL canvases can be replayed;
initialising it reads about 35 MB of LLVM's code, which stays resident although no
session without WebGL ever runs it again (:func:`release_idle_gl_code`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import linecache
import os
import sys
from contextlib import contextmanager


def settle_heap() -> None:
    """Collect, then exempt every surviving object from future collections, and give
    the free memory back (:func:`release_free_memory`)."""
    gc.unfreeze()
    linecache.clearcache()
    gc.collect()
    gc.freeze()
    release_free_memory()
    release_idle_gl_code()


@contextmanager
def collection_after():
    """Run the block with the cyclic collector paused; the collection its allocations are due
    (a seek decodes and builds tens of thousands of containers) then runs after it.

    Why: around a seek the GUI thread's order is: restore the mirror, build the frame, send it
    to the renderer, then wait. The generation-0 collection the seek's allocations trigger used
    to run inside that chain, right after the seek (2 ms of each seek on the 60-minute
    benchmark session). Deferred past the send, it runs while the renderer builds the page in
    its own process, off the user's wait. Re-entrant: an inner pause leaves the outer one be."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


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


#: the software GL driver's libraries (Mesa: llvmpipe in ``swrast_dri.so`` or ``libgallium``,
#: and the LLVM it compiles shaders with), by the start of their file names
GL_DRIVER_LIBRARIES = ("libLLVM", "libgallium", "swrast_dri", "kms_swrast_dri", "libvulkan_lvp")
_MADV_DONTNEED = 4


def release_idle_gl_code() -> int:
    """Drop the software GL driver's code pages from this process's resident set
    (``madvise(MADV_DONTNEED)`` on its clean executable mappings); returns the bytes released.

    Why: Chromium initialises GL when the first page loads, whether or not any session uses
    WebGL, and Mesa's start-up runs through ~35 MB of LLVM's code, which then stays in our
    RSS (issue 16: 43 MB of the 625 MB total with WebGL replay on) although no session
    without WebGL runs it again. Those pages are unmodified copies of the library file:
    dropping them loses nothing, the file cache keeps them (the kernel frees them when it
    needs the memory; a desktop's X server or compositor often maps the same Mesa and shares
    them), and a WebGL canvas that needs them faults them back in within a few ms. Only
    executable file mappings of the libraries in :data:`GL_DRIVER_LIBRARIES` without a
    single modified page are touched; their relocated data stays. Linux only; 0 elsewhere."""
    if not sys.platform.startswith("linux"):
        return 0
    madvise = getattr(_libc(), "madvise", None)
    if madvise is None:
        return 0
    madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    try:
        if not any(os.path.basename(line.split(maxsplit=5)[-1].strip()).startswith(GL_DRIVER_LIBRARIES)
                   for line in _read("/proc/self/maps") if " r-xp " in line):
            return 0  # no GL driver here (--disable-gpu alone, or not Mesa): skip the slower smaps
        lines = _read("/proc/self/smaps")
    except OSError:
        return 0
    released = 0
    span = rss = dirty = None
    for line in lines + ["end"]:
        head = line.split(maxsplit=5)
        if not head:
            continue
        if not head[0].endswith(":") and "-" in head[0] or line == "end":
            if span is not None and dirty == 0 and rss:
                if madvise(span[0], span[1] - span[0], _MADV_DONTNEED) == 0:
                    released += rss
            span = rss = dirty = None
            if (len(head) == 6 and head[1] == "r-xp"
                    and os.path.basename(head[5].strip()).startswith(GL_DRIVER_LIBRARIES)):
                span, rss, dirty = tuple(int(x, 16) for x in head[0].split("-")), 0, 0
        elif span is not None:
            if head[0] == "Rss:":
                rss = int(head[1]) * 1024
            elif head[0] in ("Private_Dirty:", "Shared_Dirty:", "Anonymous:", "Swap:"):
                dirty += int(head[1])
    return released


def _read(path: str) -> list[str]:
    with open(path) as f:
        return f.read().splitlines()


def _libc():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or None)
    except OSError:
        return None
