"""The rrweb vocabulary: event codes and the few rules every layer reads events by.

This module is the bottom of the house: it imports nothing from ``replaydesk`` (an
import-linter contract holds it to that), so ``formats/``, ``store/``, ``replay/``,
``analysis/``, ``ui/`` and the renderer test all share one statement of what the
numbers in an rrweb event mean (values from rrweb's ``packages/types/src/index.ts``,
``@rrweb/types`` 2.x). The JS renderer's ``switch`` statements are checked against
these enums by ``tests/test_rrweb_vocabulary.py``.

The enums are plain ``IntEnum`` so comparisons with the raw integers of event JSON
work without conversion (``data["source"] == Source.MUTATION``).

The predicates take one event dict as it comes from the store or a decoder and never
raise on malformed input: recorded data is untrusted, so anything that does not have
the expected shape simply is not a click, a tap or a console message.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = [
    "CONSOLE_PLUGIN", "CLICK_KINDS", "EventType", "IncrementalSource", "MAX_CONSOLE_TEXT", "MediaInteraction", "MouseInteraction",
    "NodeType", "Source", "TAP_WINDOW_MS", "TOUCH_KINDS", "USER_ACTIVITY_SOURCES", "ConsoleMessage",
    "TapClassifier", "console_message", "is_click", "is_tap", "is_touch", "is_user_activity",
]


class EventType(IntEnum):
    DOM_CONTENT_LOADED = 0
    LOAD = 1
    FULL_SNAPSHOT = 2
    INCREMENTAL = 3
    META = 4
    CUSTOM = 5
    PLUGIN = 6
    ASSET = 7


class Source(IntEnum):
    """``data.source`` of an IncrementalSnapshot (rrweb's ``IncrementalSource``)."""

    MUTATION = 0
    MOUSE_MOVE = 1
    MOUSE_INTERACTION = 2
    SCROLL = 3
    VIEWPORT_RESIZE = 4
    INPUT = 5
    TOUCH_MOVE = 6
    MEDIA_INTERACTION = 7
    STYLE_SHEET_RULE = 8
    CANVAS_MUTATION = 9
    FONT = 10
    LOG = 11
    DRAG = 12
    STYLE_DECLARATION = 13
    SELECTION = 14
    ADOPTED_STYLE_SHEET = 15
    CUSTOM_ELEMENT = 16


#: the name rrweb itself uses for :class:`Source`
IncrementalSource = Source


class NodeType(IntEnum):
    DOCUMENT = 0
    DOCUMENT_TYPE = 1
    ELEMENT = 2
    TEXT = 3
    CDATA = 4
    COMMENT = 5


class MouseInteraction(IntEnum):
    """``data.type`` of a MouseInteraction (source 2) event."""

    MOUSE_UP = 0
    MOUSE_DOWN = 1
    CLICK = 2
    CONTEXT_MENU = 3
    DBL_CLICK = 4
    FOCUS = 5
    BLUR = 6
    TOUCH_START = 7
    TOUCH_MOVE_DEPARTED = 8
    TOUCH_END = 9
    TOUCH_CANCEL = 10


class MediaInteraction(IntEnum):
    PLAY = 0
    PAUSE = 1
    SEEKED = 2
    VOLUME_CHANGE = 3
    RATE_CHANGE = 4


# --- clicks and taps ---------------------------------------------------------------------

#: interactions that are a press the user completed on an element (the inspector's "click" rows)
CLICK_KINDS = frozenset((MouseInteraction.CLICK, MouseInteraction.CONTEXT_MENU, MouseInteraction.DBL_CLICK))
#: the touch interactions that start or end a tap
TOUCH_KINDS = frozenset((MouseInteraction.TOUCH_START, MouseInteraction.TOUCH_END))
#: a Click this soon after a TouchStart/TouchEnd is the browser's synthetic click for a tap
TAP_WINDOW_MS = 1_000


def _interaction(event) -> int | None:
    """``data.type`` of a MouseInteraction event, else ``None``."""
    if not isinstance(event, dict) or event.get("type") != EventType.INCREMENTAL:
        return None
    d = event.get("data")
    if not isinstance(d, dict) or d.get("source") != Source.MOUSE_INTERACTION:
        return None
    kind = d.get("type")
    return kind if isinstance(kind, int) and not isinstance(kind, bool) else None


def _finite(v) -> bool:
    """A usable coordinate: a real number, not NaN, not absurdly large."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and abs(v) < 1e9


def _time(v) -> bool:
    """A usable timestamp (epoch ms are ~1.7e12, beyond :func:`_finite`'s range)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and abs(v) < 1e15


def is_click(event) -> bool:
    """A Click (MouseInteraction 2) with usable page coordinates.

    This is the one event both a mouse click and a tap produce (the browser synthesises a
    Click for a tap), so counting clicks never counts a tap twice. Context-menu and
    double-click events are not clicks here: a double click already arrived as two Clicks.
    """
    if _interaction(event) != MouseInteraction.CLICK:
        return False
    d = event["data"]
    return _finite(d.get("x")) and _finite(d.get("y"))


def is_touch(event) -> bool:
    """A TouchStart or TouchEnd interaction (what marks the next Click as a tap)."""
    return _interaction(event) in TOUCH_KINDS


def is_tap(event, last_touch_ms: int | float | None) -> bool:
    """Is this click a tap? The single tap rule of the code base.

    A tap is a :func:`is_click` event at most :data:`TAP_WINDOW_MS` after the latest
    TouchStart/TouchEnd (``last_touch_ms``, epoch ms, or ``None`` when there was none).
    The rule looks at the synthetic Click rather than at TouchStart/TouchEnd themselves
    so that a tap is counted exactly once, like a mouse click, and carries the Click's
    target id and coordinates; a touch that scrolled or was cancelled produces no Click
    and is therefore no tap. Use :class:`TapClassifier` to keep ``last_touch_ms``.
    """
    if last_touch_ms is None or not is_click(event):
        return False
    ts = event.get("timestamp")
    return _time(ts) and 0 <= ts - last_touch_ms <= TAP_WINDOW_MS


class TapClassifier:
    """Streaming form of the tap rule: feed every event in time order.

    ``feed(event)`` returns ``"click"`` or ``"tap"`` for a click event and ``None`` for
    everything else (and remembers TouchStart/TouchEnd times on the way)."""

    __slots__ = ("last_touch_ms",)

    def __init__(self) -> None:
        self.last_touch_ms: int | float | None = None

    def feed(self, event) -> str | None:
        if is_touch(event):
            ts = event.get("timestamp")
            if _time(ts):
                self.last_touch_ms = ts
            return None
        if not is_click(event):
            return None
        return "tap" if is_tap(event, self.last_touch_ms) else "click"


# --- activity ----------------------------------------------------------------------------

#: IncrementalSnapshot sources that mean "the user did something": rrweb's own
#: skip-inactive rule (sources MouseMove..Input, 1-5) **plus TouchMove (6)**.
#:
#: Why TouchMove counts (store/summary.py counted it, analysis/activity.py did not):
#: rrweb's rule is ``source > Mutation && source <= Input``, which leaves TouchMove out
#: only because its number (6) happens to come after Input; it was added later. A finger
#: dragging over a carousel, a map or a canvas emits TouchMove and nothing else, and is
#: as much user activity as the MouseMoves of a desktop visitor doing the same thing.
#: Counting it keeps a phone session that is all swiping from being "inactive".
#: (Drag, source 12, is the same situation for HTML5 drag-and-drop; it is left out for
#: now to keep the stored active time of existing sessions unchanged.)
USER_ACTIVITY_SOURCES = frozenset((
    Source.MOUSE_MOVE, Source.MOUSE_INTERACTION, Source.SCROLL, Source.VIEWPORT_RESIZE, Source.INPUT,
    Source.TOUCH_MOVE,
))


def is_user_activity(event) -> bool:
    """An IncrementalSnapshot whose source is in :data:`USER_ACTIVITY_SOURCES`."""
    if not isinstance(event, dict) or event.get("type") != EventType.INCREMENTAL:
        return False
    d = event.get("data")
    return isinstance(d, dict) and d.get("source") in USER_ACTIVITY_SOURCES


# --- console -----------------------------------------------------------------------------

#: the console-record plugin's name; later versions keep the prefix
CONSOLE_PLUGIN = "rrweb/console@1"
#: longest console text returned (a page can log megabytes in one call)
MAX_CONSOLE_TEXT = 2_000


class ConsoleMessage(tuple):
    """``(level, text, trace)`` of one console call; also readable by name."""

    __slots__ = ()

    def __new__(cls, level: str, text: str, trace: tuple[str, ...]):
        return super().__new__(cls, (level, text, trace))

    level = property(lambda self: self[0])
    text = property(lambda self: self[1])
    trace = property(lambda self: self[2])

    @property
    def is_error(self) -> bool:
        """An error the page reported: ``console.error``/``assert``, or an uncaught
        exception / unhandled rejection (the plugin records those as level "error")."""
        return self.level in ("error", "assert") or self.text.startswith("Uncaught")


def console_message(event, max_text: int = MAX_CONSOLE_TEXT) -> ConsoleMessage | None:
    """The console call recorded by ``event``, or ``None`` if it is not one.

    Reads the console-record plugin (type 6, ``data.plugin`` starting with
    ``"rrweb/console"``, payload ``{level, payload: [stringified args], trace}``) and the
    legacy in-stream form (IncrementalSnapshot source 11 with the same fields in
    ``data``). The plugin JSON-stringifies each argument, so string arguments are shown
    bare (``"boom"`` -> ``boom``); arguments are joined with a space and the text is
    cut to ``max_text`` characters. ``trace`` keeps only string frames.
    """
    if not isinstance(event, dict):
        return None
    d = event.get("data")
    if not isinstance(d, dict):
        return None
    t = event.get("type")
    if t == EventType.PLUGIN:
        plugin = d.get("plugin")
        p = d.get("payload")
        if not (isinstance(plugin, str) and plugin.startswith("rrweb/console") and isinstance(p, dict)):
            return None
    elif t == EventType.INCREMENTAL and d.get("source") == Source.LOG:
        p = d
    else:
        return None
    level = p.get("level")
    level = level if isinstance(level, str) and level else "log"
    args = p.get("payload")
    if isinstance(args, list):
        text = " ".join(_unquote(a) if isinstance(a, str) else str(a) for a in args)
    else:
        text = "" if args is None else str(args)
    trace = p.get("trace")
    frames = tuple(f for f in trace if isinstance(f, str)) if isinstance(trace, list) else ()
    return ConsoleMessage(level, text[:max_text], frames)


def _unquote(s: str) -> str:
    """The console plugin JSON-stringifies arguments; show strings bare."""
    if len(s) >= 2 and s[0] == '"' and s[-1] == '"':
        import json

        try:
            v = json.loads(s)
        except ValueError:
            return s[1:-1]
        return v if isinstance(v, str) else s
    return s
