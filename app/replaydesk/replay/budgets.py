"""Budgets: what one moment of a recording may cost the renderer.

Why: a recording is untrusted, and some are hostile or just enormous. Without limits one moment
could hang the renderer (an SVG ``<use>`` fan-out cloned 10^7 elements and took 8.7 GB), stall
seeks (a million canvas commands, a 50 MB attribute) or make ``render`` fail (a 1e9 x 1 px
viewport). Every limit lives here, documented; the renderer page enforces the same numbers in
``resources/replay/sanitize.js`` (``LIMITS``), and ``tests/ui/test_budgets.py`` checks both agree.
When a moment exceeds one, the player shows "this moment is too heavy to draw (why)" and
``replaydesk render`` exits 1 with that line; nothing hangs.

Cheap checks run in Python before anything is sent (``ReplayView`` calls :func:`clip_payload`
and :func:`clip_canvas_commands` from one place, ``ReplayView._call``); checks that need the
built DOM (``<use>`` expansion, canvas bitmap sizes) run in the page. Qt-free.
"""

from __future__ import annotations

#: No "frame painted" acknowledgement within this time: the renderer process is killed and a new
#: one started (a frame of the corpus takes 10-400 ms).
FRAME_TIME_BUDGET_MS = 15_000
#: Renderer process resident memory above this: killed and restarted.
RENDERER_MEMORY_BUDGET_BYTES = 3 * 1024**3
#: Each side of the recorded viewport is clamped to 1..this many CSS px.
MAX_VIEWPORT_SIDE = 16_384
#: Any single attribute value (or other string) in a renderer payload…
MAX_ATTRIBUTE_CHARS = 2 * 1024 * 1024
#: …except data: URLs, style sheet text and text nodes (inlined images and fonts).
MAX_DATA_URL_CHARS = 32 * 1024 * 1024
#: Width x height of one canvas bitmap (and of an image drawn into one); bigger ones stay blank.
MAX_CANVAS_PIXELS = 4096 * 4096
#: Longest canvas side.
MAX_CANVAS_SIDE = 16_384
#: 2D canvas commands applied per frame (one renderer call); the rest are dropped.
MAX_CANVAS_COMMANDS = 100_000
#: Elements cloned by all SVG ``<use>`` instances of a page together.
MAX_USE_EXPANSION = 100_000
#: A renderer payload (JSON) above this is scanned for over-long strings before it is sent.
PAYLOAD_SCAN_CHARS = 4 * 1024 * 1024

_LONG_KEYS = frozenset({"_cssText", "textContent", "rr_dataURL", "base64", "fontSource", "value"})


def too_heavy_message(reasons: str) -> str:
    """The one line shown in the pane and printed by ``render``."""
    return f"this moment is too heavy to draw ({reasons})"


def clamp_viewport(width, height) -> tuple[int, int, str | None]:
    """``(w, h, reason)``: each side clamped to 1..MAX_VIEWPORT_SIDE; reason when clamped."""
    try:
        w, h = int(width), int(height)
    except (TypeError, ValueError, OverflowError):
        return 1024, 768, f"an invalid viewport ({width!r} x {height!r})"
    cw, ch = min(max(w, 1), MAX_VIEWPORT_SIDE), min(max(h, 1), MAX_VIEWPORT_SIDE)
    if (cw, ch) != (w, h):
        return cw, ch, f"a {w}x{h} px viewport (at most {MAX_VIEWPORT_SIDE} px a side)"
    return w, h, None


def _mb(n: int) -> str:
    return f"{n / 1048576:.0f} MB"


def clip_payload(obj):
    """Replace over-long strings in a renderer payload (walked without recursion: trees can be
    thousands of levels deep). Returns ``(obj, reasons)``; ``obj`` is changed in place."""
    reasons: list[str] = []
    stack = [obj]
    while stack:
        cur = stack.pop()
        items = cur.items() if isinstance(cur, dict) else enumerate(cur)
        for k, v in items:
            if isinstance(v, str):
                if len(v) <= MAX_ATTRIBUTE_CHARS:
                    continue
                limit = MAX_DATA_URL_CHARS if (k in _LONG_KEYS or v.startswith("data:")) else MAX_ATTRIBUTE_CHARS
                if len(v) > limit:
                    cur[k] = ""
                    if len(reasons) < 4:
                        reasons.append(f"a recorded value of {_mb(len(v))}")
            elif isinstance(v, (dict, list)):
                stack.append(v)
    return obj, reasons


def clip_canvas_commands(events: list) -> tuple[list, str | None]:
    """Keep at most MAX_CANVAS_COMMANDS 2D canvas commands in one batch of events (the first
    ones: later commands depend on earlier state). Returns ``(events, reason)``."""
    total = 0
    for e in events:
        d = e.get("data") if isinstance(e, dict) else None
        if isinstance(d, dict) and d.get("source") == 9:
            cmds = d.get("commands")
            total += len(cmds) if isinstance(cmds, list) else 1
    if total <= MAX_CANVAS_COMMANDS:
        return events, None
    room = MAX_CANVAS_COMMANDS
    out = []
    for e in events:
        d = e.get("data") if isinstance(e, dict) else None
        if isinstance(d, dict) and d.get("source") == 9:
            cmds = d.get("commands")
            n = len(cmds) if isinstance(cmds, list) else 1
            if room <= 0:
                continue
            if n > room:
                e = {**e, "data": {**d, "commands": cmds[:room]}}
                n = room
            room -= n
        out.append(e)
    return out, f"{total} canvas commands (at most {MAX_CANVAS_COMMANDS} a frame)"
