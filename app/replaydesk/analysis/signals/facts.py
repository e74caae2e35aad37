"""The facts the frustration rules need, gathered in one streaming pass over a session.

Why facts and not findings: the thresholds are the user's to change, and a change must
recompute every session quickly (10,000 sessions in under 10 s). Replaying 10,000
sessions through a DOM mirror takes far longer than that. So the pass over the events
(at import, beside the session summary, with the mirror when one is running) keeps a
compact, threshold-free digest - :class:`SignalFacts` - and :func:`.rules.detect`
turns facts plus :class:`.settings.SignalSettings` into findings in microseconds.

What is kept (all times in ms after the session's first event):

* every click and tap, with its target (:class:`.attribution.ClickTarget`), the time of
  the press that began it, and the first page response, console error and selection
  change after it - so "dead within 2.5 s" or "error within 1 s" is a comparison;
* every page load (URL, first and last event time);
* scroll positions reduced to turning points per scrolled element (a reversal counts
  once the position retreats :data:`SCROLL_JITTER_PX` from its extreme);
* pointer direction reversals (per axis, :data:`CURSOR_JITTER_PX` hysteresis) with the
  pointer's travelled distance at each;
* per page and form: the fields holding a value entered since the form's last submit
  when the page was left.

A *response* (for dead clicks) is any sign that the page reacted: a DOM mutation
(including CSS rule/declaration, adopted-stylesheet, canvas and media changes, in the
page or its iframes), a page load, a scroll, an input, a selection change or a console
message. Focus is not a response: a button takes focus whether or not it works.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson
import zstandard

from ...rrweb import EventType, MouseInteraction, Source, TapClassifier, console_message
from .attribution import UNKNOWN, ClickTarget, click_target, stable_selector

FACTS_VERSION = 1
#: a scroll reversal smaller than this is hand jitter or a bounce, not "scrolling back up"
SCROLL_JITTER_PX = 40
#: a pointer reversal smaller than this is tremor or the hook at the end of a reach: a
#: thrash needs >= 200 px over >= 3 swings (67 px each on average), while a curved path
#: produces per-axis turns of 10-20 px that must not count
CURSOR_JITTER_PX = 30
#: a MouseDown/TouchStart at most this long before a Click began that click
PRESS_WINDOW_MS = 1_000
#: leaving a page this soon after typing into a form, with no click in between, is
#: taken as submitting it with the Enter key (rrweb records no key presses)
ENTER_SUBMIT_MS = 2_000

_RESPONSE_SOURCES = frozenset((
    Source.MUTATION, Source.SCROLL, Source.INPUT, Source.MEDIA_INTERACTION, Source.STYLE_SHEET_RULE,
    Source.CANVAS_MUTATION, Source.LOG, Source.STYLE_DECLARATION, Source.SELECTION, Source.ADOPTED_STYLE_SHEET,
))
_RESPONSE_TYPES = frozenset((EventType.DOM_CONTENT_LOADED, EventType.LOAD, EventType.FULL_SNAPSHOT, EventType.META))
_PRESS = frozenset((MouseInteraction.MOUSE_DOWN, MouseInteraction.TOUCH_START))
# plain ints for the per-event comparisons (an enum member is a global and an attribute lookup)
_INCREMENTAL, _META, _FULL_SNAPSHOT, _PLUGIN = (int(x) for x in (
    EventType.INCREMENTAL, EventType.META, EventType.FULL_SNAPSHOT, EventType.PLUGIN))
_DOM_CONTENT_LOADED, _LOAD, _MUTATION = int(EventType.DOM_CONTENT_LOADED), int(EventType.LOAD), int(Source.MUTATION)
_TS_LIMIT = 10 ** 15
_NUM = (int, float)


@dataclass
class ClickFact:
    t: int
    x: float
    y: float
    tap: bool
    page: int
    press_t: int
    target: ClickTarget = UNKNOWN
    #: first response / console error / selection change at or after the press (or None)
    response_t: int | None = None
    error_t: int | None = None
    error_text: str = ""
    selection_t: int | None = None


@dataclass
class PageFact:
    t: int
    url: str
    t_last: int


@dataclass
class ScrollTrack:
    page: int
    target_id: int | None
    #: "the page" for the document, else the element's selector
    where: str
    #: (t, y) turning points, starting with the first known position
    points: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Reversal:
    t: int
    path: float  # pointer travel (px) from the session start to this reversal
    x: float
    y: float
    node_id: int | None


@dataclass
class FormEpisode:
    page: int
    form_id: int
    selector: str | None
    fields: list[str]  # labels of the fields holding a value when the page was left
    t_leave: int
    t_last_input: int
    left_by: str  # "navigation" or "end" (the recording stopped: tab closed)
    implicit_submit: bool


@dataclass
class SignalFacts:
    t0: int = 0
    t1: int = 0
    clicks: list[ClickFact] = field(default_factory=list)
    pages: list[PageFact] = field(default_factory=list)
    scrolls: list[ScrollTrack] = field(default_factory=list)
    reversals: list[Reversal] = field(default_factory=list)
    forms: list[FormEpisode] = field(default_factory=list)

    @property
    def duration_ms(self) -> int:
        return self.t1

    def to_dict(self) -> dict:
        return {
            "version": FACTS_VERSION, "t0": self.t0, "t1": self.t1,
            "clicks": [[c.t, c.x, c.y, c.tap, c.page, c.press_t, c.response_t, c.error_t, c.error_text, c.selection_t,
                        [c.target.node_id, c.target.tag, c.target.role, c.target.selector, c.target.text,
                         c.target.dead_candidate, c.target.submits_form]] for c in self.clicks],
            "pages": [[p.t, p.url, p.t_last] for p in self.pages],
            "scrolls": [[s.page, s.target_id, s.where, [list(p) for p in s.points]] for s in self.scrolls],
            "reversals": [[r.t, r.path, r.x, r.y, r.node_id] for r in self.reversals],
            "forms": [[f.page, f.form_id, f.selector, f.fields, f.t_leave, f.t_last_input, f.left_by, f.implicit_submit]
                      for f in self.forms],
        }

    @classmethod
    def from_dict(cls, d: dict) -> "SignalFacts":
        """Inverse of :meth:`to_dict`; raises ``ValueError`` on anything else."""
        try:
            if d.get("version") != FACTS_VERSION:
                raise ValueError(f"signal facts version {d.get('version')!r}")
            clicks = []
            for t, x, y, tap, page, press_t, resp, err, err_text, sel, tg in d["clicks"]:
                clicks.append(ClickFact(t, x, y, tap, page, press_t, ClickTarget(*tg), resp, err, err_text, sel))
            return cls(
                t0=int(d["t0"]), t1=int(d["t1"]), clicks=clicks,
                pages=[PageFact(*p) for p in d["pages"]],
                scrolls=[ScrollTrack(pg, tid, where, [tuple(p) for p in pts]) for pg, tid, where, pts in d["scrolls"]],
                reversals=[Reversal(*r) for r in d["reversals"]],
                forms=[FormEpisode(*f) for f in d["forms"]],
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"unreadable signal facts: {exc}") from exc


def encode_facts(facts: SignalFacts) -> bytes:
    return zstandard.ZstdCompressor(level=3).compress(orjson.dumps(facts.to_dict()))


def decode_facts(data: bytes) -> SignalFacts:
    try:
        d = orjson.loads(zstandard.ZstdDecompressor().decompress(data))
    except (zstandard.ZstdError, orjson.JSONDecodeError) as exc:
        raise ValueError(f"unreadable signal facts: {exc}") from exc
    if not isinstance(d, dict):
        raise ValueError("unreadable signal facts: not an object")
    return SignalFacts.from_dict(d)


# --- the streaming pass --------------------------------------------------------------------

class _Turns:
    """Turning points of one coordinate with hysteresis ``jitter``. ``aux`` is carried
    along with the extreme (for the pointer: travelled distance, x, y, node there)."""

    __slots__ = ("jitter", "dir", "ext", "ext_t", "ext_aux")

    def __init__(self, jitter: float, v: float, t: int, aux=None):
        self.jitter = jitter
        self.dir = 0
        self.ext, self.ext_t, self.ext_aux = v, t, aux

    def step(self, v: float, t: int, aux=None) -> tuple | None:
        """Feed the next value; returns ``(t, v, aux)`` of a confirmed turn, else None."""
        d = self.dir
        if d == 0:
            if abs(v - self.ext) >= self.jitter:
                self.dir = 1 if v > self.ext else -1
                self.ext, self.ext_t, self.ext_aux = v, t, aux
            return None
        if (v - self.ext) * d >= 0:
            self.ext, self.ext_t, self.ext_aux = v, t, aux
            return None
        if (self.ext - v) * d >= self.jitter:
            turn = (self.ext_t, self.ext, self.ext_aux)
            self.dir = -d
            self.ext, self.ext_t, self.ext_aux = v, t, aux
            return turn
        return None


class FactsCollector:
    """Feed every event (time order) with the mirror *before* the event is applied, or
    ``None`` without one (then targets are unknown and forms are not tracked); then
    :meth:`finish`. Never raises on malformed events."""

    def __init__(self) -> None:
        self.facts = SignalFacts()
        self._t0: int | None = None
        self._taps = TapClassifier()
        self._last_press: int | None = None
        self._last_response = -1
        self._last_selection = -1
        self._open_response: list[ClickFact] = []
        self._open_error: list[ClickFact] = []
        self._open_selection: list[ClickFact] = []
        self._doc_id: int | None = None
        self._tracks: dict[int | None, tuple[ScrollTrack, _Turns]] = {}
        self._cursor: tuple[_Turns, _Turns] | None = None
        self._cursor_pos: tuple[float, float] | None = None
        self._path = 0.0
        self._forms: dict[int, dict] = {}
        self._field_labels: dict[int, str] = {}
        self._page_last: int | None = None

    # -- entry points ------------------------------------------------------------------

    def feed(self, e: dict, mirror=None) -> None:
        # The import runs this on every event of every session (issue 11: signals may add
        # under 25% to the import), so the common cases come first and the per-event work
        # is a few comparisons: a mutation only notes "the page responded".
        try:
            ts = e["timestamp"]
            typ = e["type"]
            d = e["data"]
        except (TypeError, KeyError, IndexError):
            return
        if ts.__class__ is not int or not -_TS_LIMIT < ts < _TS_LIMIT:
            if isinstance(ts, bool) or not isinstance(ts, (int, float)) or not abs(ts) < 1e15:  # also NaN, inf
                return
            ts = int(ts)
        t0 = self._t0
        if t0 is None:
            t0 = self._t0 = ts
            self.facts.t0 = t0
        t = ts - t0
        if t > self.facts.t1:
            self.facts.t1 = t
        if d.__class__ is not dict:
            return
        if typ == _INCREMENTAL:
            src = d.get("source")
            if src == _MUTATION:
                self._last_response = t
                if self._open_response:
                    self._response(t)
            else:
                self._incremental(t, ts, d, src, e, mirror)
            self._page_last = t
            return
        f = self.facts
        if typ == _META:
            self._leave_page(t, mirror, "navigation")
            href = d.get("href")
            f.pages.append(PageFact(t, href if isinstance(href, str) else "", t))
            self._response(t)
        elif typ == _FULL_SNAPSHOT:
            node = d.get("node")
            self._doc_id = node.get("id") if isinstance(node, dict) else None
            self._end_tracks()
            off = d.get("initialOffset")
            y = off.get("top") if isinstance(off, dict) else None
            if _finite(y):
                self._scroll(t, self._doc_id, y, mirror)
            self._response(t)
        elif typ in _RESPONSE_TYPES:
            self._response(t)
        elif typ == _PLUGIN:
            msg = console_message(e, max_text=300)
            if msg is not None:
                self._console(t, msg)
        if typ != _DOM_CONTENT_LOADED and typ != _LOAD:
            self._page_last = t  # (0 and 1 already belong to the next page load)

    def _flush_page_last(self) -> None:
        """The current page's last event time, kept in ``_page_last`` while feeding (one
        attribute store an event instead of a list index and two)."""
        pages = self.facts.pages
        if pages and self._page_last is not None and self._page_last > pages[-1].t_last:
            pages[-1].t_last = self._page_last

    def finish(self, mirror=None) -> SignalFacts:
        self._flush_page_last()
        self._leave_page(self.facts.t1, mirror, "end")
        self._end_tracks()
        self.facts.reversals.sort(key=lambda r: r.t)
        return self.facts

    # -- per event kind ----------------------------------------------------------------

    def _incremental(self, t: int, ts: int, d: dict, src, e: dict, mirror) -> None:
        if src == Source.MOUSE_INTERACTION:
            kind = self._taps.feed(e)
            if kind is not None:
                self._click(t, d, kind == "tap", mirror)
            elif d.get("type") in _PRESS:
                self._last_press = t
            return
        if src == Source.MOUSE_MOVE or src == Source.DRAG:
            self._positions(ts - self._t0, d.get("positions"))
            return
        if src not in _RESPONSE_SOURCES:
            return
        if src == Source.LOG:
            msg = console_message(e, max_text=300)
            if msg is not None:
                self._console(t, msg)
            return
        self._response(t)
        if src == Source.SCROLL:
            y = d.get("y")
            if _finite(y):
                self._scroll(t, d.get("id"), y, mirror)
        elif src == Source.INPUT:
            self._input(t, d, mirror)
        elif src == Source.SELECTION:
            self._last_selection = t
            for c in self._open_selection:
                c.selection_t = t
            self._open_selection = []

    def _response(self, t: int) -> None:
        self._last_response = t
        if self._open_response:
            for c in self._open_response:
                c.response_t = t
            self._open_response = []

    def _console(self, t: int, msg) -> None:
        self._response(t)
        if msg.is_error and self._open_error:
            for c in self._open_error:
                c.error_t = t
                c.error_text = msg.text
            self._open_error = []

    def _click(self, t: int, d: dict, tap: bool, mirror) -> None:
        press = self._last_press
        press_t = press if press is not None and 0 <= t - press <= PRESS_WINDOW_MS else t
        target = click_target(mirror, d.get("id"))
        page = len(self.facts.pages) - 1
        c = ClickFact(t, float(d["x"]), float(d["y"]), tap, page, press_t, target)
        if self._last_response >= press_t:
            c.response_t = self._last_response
        else:
            self._open_response.append(c)
        if self._last_selection >= press_t:
            c.selection_t = self._last_selection
        else:
            self._open_selection.append(c)
        self._open_error.append(c)
        self.facts.clicks.append(c)
        for form in self._forms.values():
            form["clicked"] = True
        if target.submits_form is not None and target.submits_form in self._forms:
            self._forms[target.submits_form]["filled"].clear()

    def _positions(self, ts: int, positions) -> None:
        if not isinstance(positions, list):
            return
        # (per pointer sample: locals and inline number checks, the import's hottest loop)
        path = self._path
        for p in positions:
            if p.__class__ is not dict:
                continue
            x, y, off = p.get("x"), p.get("y"), p.get("timeOffset", 0)
            if x.__class__ not in _NUM or y.__class__ not in _NUM or not (-1e9 < x < 1e9 and -1e9 < y < 1e9):
                continue
            t = int(ts + (off if off.__class__ in _NUM and -1e9 < off < 1e9 else 0))
            nid = p.get("id")
            if not isinstance(nid, int):
                nid = None
            if self._cursor is None:
                here = (0.0, x, y, nid)
                self._cursor = (_Turns(CURSOR_JITTER_PX, x, t, here), _Turns(CURSOR_JITTER_PX, y, t, here))
                self._cursor_pos = (x, y)
                continue
            px, py = self._cursor_pos
            path += ((x - px) ** 2 + (y - py) ** 2) ** 0.5
            self._cursor_pos = (x, y)
            ax, ay = self._cursor
            here = (path, x, y, nid)
            tx = ax.step(x, t, here)
            ty = ay.step(y, t, here)
            if tx is not None or ty is not None:
                for turn in (tx, ty):
                    if turn is not None:
                        revs = self.facts.reversals
                        if not revs or revs[-1].t != turn[0]:  # a diagonal turn is one reversal
                            revs.append(Reversal(turn[0], *turn[2]))
        self._path = path

    def _scroll(self, t: int, target, y, mirror) -> None:
        key = target if isinstance(target, int) else None
        entry = self._tracks.get(key)
        if entry is None:
            if key is not None and key == self._doc_id:
                where = "the page"
            else:
                n = mirror.tree.nodes.get(key) if mirror is not None and key is not None else None
                where = (stable_selector(n) if n is not None else None) or f"node {key}"
            track = ScrollTrack(len(self.facts.pages) - 1, key, where, [(t, int(y))])
            self._tracks[key] = (track, _Turns(SCROLL_JITTER_PX, y, t))
            return
        track, turns = entry
        if turns.dir == 0 and int(y) == track.points[0][1]:
            track.points[0] = (t, int(y))  # still at the start: movement begins later
        turn = turns.step(y, t)
        if turn is not None:
            track.points.append((turn[0], int(turn[1])))

    def _end_tracks(self) -> None:
        for track, turns in self._tracks.values():
            if turns.dir != 0 and track.points[-1][0] != turns.ext_t:
                track.points.append((turns.ext_t, int(turns.ext)))
            if len(track.points) >= 3:  # at least one turn: all a rule can use
                self.facts.scrolls.append(track)
        self._tracks = {}

    # -- forms -------------------------------------------------------------------------

    def _input(self, t: int, d: dict, mirror) -> None:
        nid = d.get("id")
        if mirror is None or not isinstance(nid, int):
            return
        n = mirror.tree.nodes.get(nid)
        if n is None:
            return
        form = n.parent
        while form is not None and form.tag != "form":
            form = form.parent
        if form is None:
            return
        state = self._forms.get(form.id)
        if state is None:
            state = self._forms[form.id] = {"filled": {}, "last_input": t, "clicked": False}
        itype = str(n.attrs.get("type") or "").lower()
        if itype in ("checkbox", "radio"):
            value = d.get("isChecked") is True
        else:
            text = d.get("text")
            value = isinstance(text, str) and bool(text.strip())
        state["filled"][nid] = value
        state["last_input"] = t
        state["clicked"] = False

    def _leave_page(self, t: int, mirror, how: str) -> None:
        self._flush_page_last()
        self._end_tracks()
        if not self._forms:
            return
        pages = self.facts.pages
        page = len(pages) - 1
        t_leave = pages[-1].t_last if pages else t
        for form_id, state in self._forms.items():
            filled = [fid for fid, v in state["filled"].items() if v]
            if not filled:
                continue
            if mirror is not None and form_id not in mirror.tree.nodes:
                continue  # the form left the page (a closed dialog): submitted or cancelled, can't tell
            implicit = how == "navigation" and not state["clicked"] and t - state["last_input"] <= ENTER_SUBMIT_MS
            self.facts.forms.append(FormEpisode(
                page, form_id, self._label(mirror, form_id), [self._label(mirror, fid) for fid in filled],
                t_leave, state["last_input"], how, implicit,
            ))
        self._forms = {}
        self._field_labels = {}

    def _label(self, mirror, nid: int) -> str:
        label = self._field_labels.get(nid)
        if label is None:
            n = mirror.tree.nodes.get(nid) if mirror is not None else None
            label = (stable_selector(n) if n is not None else None) or f"node {nid}"
            self._field_labels[nid] = label
        return label


def _finite(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and abs(v) < 1e9
