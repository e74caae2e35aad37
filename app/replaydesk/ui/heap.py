"""Keep full garbage collections off the seek path.

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
"""

from __future__ import annotations

import gc


def settle_heap() -> None:
    """Collect, then exempt every surviving object from future collections."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
