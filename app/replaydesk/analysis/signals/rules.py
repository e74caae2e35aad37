"""The frustration rules: :class:`~.facts.SignalFacts` + settings -> findings.

Pure functions over the compact facts, so recomputing after a threshold change never
touches events or the DOM. Each :class:`Finding` says which rule fired with which
numbers and the evidence in words ("3 clicks within 0.7 s within 12 px on
button#share-lab 'Share'"), so the UI can explain it without knowing the rule.

Rule notes (the why; the numbers are :class:`~.settings.SignalSettings`):

* rage click - N clicks/taps on one page whose first N fall inside the window and which
  are all within the radius of each other; a burst then grows while each next click comes
  within the window of the previous one and stays within the radius of all, so a long
  burst is one finding. Three clicks that selected text are a triple-click, not rage.
* dead click - a candidate click (not a text field, select, label, editable text or the
  page background; see attribution.py) with no page response from its press until the
  window after it. A click too close to the end of the recording to judge is skipped, and
  clicks inside a rage burst are reported by the rage finding instead. The issue lists
  "plain text" among non-candidates *because selecting is its response*: a click that
  selects text is answered by the selection change, so it is never dead; a click on a
  paragraph that does nothing is (the corpus's lab session labels exactly that).
* error click - a console error (level error/assert, or "Uncaught ...") within the
  window after a click, given to the last click before the error.
* quick back - a page load whose URL (without fragment) is that of the page before the
  previous one, within the limit of leaving it: A -> B -> A. rrweb records no history
  direction, so this also covers "a short view then Back".
* excessive scrolling - on one scrolled element, down-and-up cycles (turns of at least
  SCROLL_JITTER_PX) inside the window, all segments overlapping one band of the page,
  with no click in between.
* thrashed cursor - pointer direction reversals (either axis) inside the window with at
  least the given travel between the first and the last reversal.
* form abandonment - a form with fields holding values entered since its last submit
  when its page was left (another page load, or the end of the recording), unless the
  page was left right after typing with no click (taken as Enter-submit).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from .facts import ClickFact, SignalFacts
from .settings import SignalSettings

RAGE_CLICK = "rage_click"
DEAD_CLICK = "dead_click"
ERROR_CLICK = "error_click"
QUICK_BACK = "quick_back"
EXCESSIVE_SCROLL = "excessive_scroll"
THRASHED_CURSOR = "thrashed_cursor"
FORM_ABANDONMENT = "form_abandonment"
SIGNAL_KINDS = (RAGE_CLICK, DEAD_CLICK, ERROR_CLICK, QUICK_BACK, EXCESSIVE_SCROLL, THRASHED_CURSOR, FORM_ABANDONMENT)
#: three clicks whose text selection came this soon after the last one are a triple-click
TRIPLE_CLICK_SELECTION_MS = 500


@dataclass(frozen=True)
class Finding:
    kind: str
    t_ms: int  # ms after the session start (where to seek)
    ts: int  # absolute epoch ms
    rule: str  # the rule with its numbers, in words
    params: dict = field(default_factory=dict)  # the settings the rule used
    evidence: str = ""
    node_id: int | None = None
    selector: str | None = None
    end_ms: int | None = None  # end of the episode (bursts), ms after the start
    count: int = 1

    def to_dict(self) -> dict:
        return asdict(self)


def detect(facts: SignalFacts, settings: SignalSettings | None = None) -> list[Finding]:
    """All findings of one session, in time order."""
    s = settings or SignalSettings()
    out: list[Finding] = []
    rage, in_rage = _rage(facts, s)
    out += rage
    out += _dead(facts, s, in_rage)
    out += _errors(facts, s)
    out += _quick_back(facts, s)
    out += _scrolling(facts, s)
    out += _thrash(facts, s)
    out += _forms(facts, s)
    out.sort(key=lambda f: (f.t_ms, SIGNAL_KINDS.index(f.kind)))
    return out


def _sec(ms: float) -> str:
    return f"{ms / 1000:.1f} s"


def _dist(a: ClickFact, b: ClickFact) -> float:
    return ((a.x - b.x) ** 2 + (a.y - b.y) ** 2) ** 0.5


def _finding(facts: SignalFacts, kind: str, t: int, rule: str, params: dict, evidence: str, **kw) -> Finding:
    return Finding(kind, t, facts.t0 + t, rule, params, evidence, **kw)


# --- clicks --------------------------------------------------------------------------------

def _rage(facts: SignalFacts, s: SignalSettings) -> tuple[list[Finding], set[int]]:
    clicks, n_min, w, r = facts.clicks, max(2, s.rage_min_clicks), s.rage_window_ms, s.rage_radius_px
    bursts: list[list[int]] = []
    burst: list[int] = []
    recent: list[int] = []
    for k, c in enumerate(clicks):
        if burst:
            last = clicks[burst[-1]]
            if c.page == last.page and c.t - last.t <= w and all(_dist(c, clicks[j]) <= r for j in burst):
                burst.append(k)
                continue
            bursts.append(burst)
            burst, recent = [], []
        recent = [j for j in recent if clicks[j].page == c.page and c.t - clicks[j].t <= w]
        suffix = [k]
        for j in reversed(recent):  # the latest clicks that are all close to each other
            if all(_dist(clicks[j], clicks[m]) <= r for m in suffix):
                suffix.insert(0, j)
            else:
                break
        recent = suffix
        if len(recent) >= n_min:
            burst, recent = recent, []
    if burst:
        bursts.append(burst)
    rule = f"{n_min} or more clicks within {_sec(w)}, within {r:g} px of each other"
    params = {"min_clicks": n_min, "window_ms": w, "radius_px": r}
    found, members = [], set()
    for b in bursts:
        cs = [clicks[j] for j in b]
        if len(cs) <= 3 and any(c.selection_t is not None and c.selection_t <= cs[-1].t + TRIPLE_CLICK_SELECTION_MS
                                for c in cs):
            continue  # a triple-click selecting a paragraph
        members.update(b)
        spread = max((_dist(a, b2) for i, a in enumerate(cs) for b2 in cs[i + 1:]), default=0.0)
        what = "taps" if all(c.tap for c in cs) else "clicks"
        tg = cs[0].target
        found.append(_finding(
            facts, RAGE_CLICK, cs[0].t, rule, params,
            f"{len(cs)} {what} within {_sec(cs[-1].t - cs[0].t)} within {spread:.0f} px on {tg.label()}",
            node_id=tg.node_id, selector=tg.selector, end_ms=cs[-1].t, count=len(cs),
        ))
    return found, members


def _dead(facts: SignalFacts, s: SignalSettings, in_rage: set[int]) -> list[Finding]:
    w = s.dead_window_ms
    rule = f"no page response (DOM change, navigation, scroll, input, selection, console) within {_sec(w)} of a click"
    out = []
    for k, c in enumerate(facts.clicks):
        if k in in_rage or not c.target.dead_candidate:
            continue
        if c.response_t is not None and c.response_t <= c.t + w:
            continue
        if facts.t1 < c.t + w:
            continue  # the recording stops before the window ends: can't tell
        what = "tap" if c.tap else "click"
        later = f"; first response after {_sec(c.response_t - c.t)}" if c.response_t is not None else ""
        out.append(_finding(
            facts, DEAD_CLICK, c.t, rule, {"window_ms": w},
            f"{what} on {c.target.label()}: nothing changed for {_sec(w)}{later}",
            node_id=c.target.node_id, selector=c.target.selector,
        ))
    return out


def _errors(facts: SignalFacts, s: SignalSettings) -> list[Finding]:
    w = s.error_window_ms
    rule = f"a console error within {_sec(w)} after a click"
    clicks, out = facts.clicks, []
    for k, c in enumerate(clicks):
        if c.error_t is None or c.error_t - c.t > w:
            continue
        if k + 1 < len(clicks) and clicks[k + 1].t <= c.error_t:
            continue  # the error follows a later click: it is that one's
        what = "tap" if c.tap else "click"
        out.append(_finding(
            facts, ERROR_CLICK, c.t, rule, {"window_ms": w},
            f"console error {_sec(c.error_t - c.t)} after {what} on {c.target.label()}: {c.error_text[:120]}",
            node_id=c.target.node_id, selector=c.target.selector,
        ))
    return out


# --- pages ---------------------------------------------------------------------------------

def _page_key(url: str) -> str:
    try:
        u = urlsplit(url)
    except ValueError:
        return url
    return u._replace(fragment="").geturl()


def _path(url: str) -> str:
    try:
        u = urlsplit(url)
    except ValueError:
        return url
    return (u.path or "/") + (f"?{u.query}" if u.query else "") if u.scheme else url


def _quick_back(facts: SignalFacts, s: SignalSettings) -> list[Finding]:
    w = s.quick_back_ms
    rule = f"back on the previous page within {_sec(w)} of leaving it"
    pages, out = facts.pages, []
    for i in range(2, len(pages)):
        a, b, back = pages[i - 2], pages[i - 1], pages[i]
        ka, kb = _page_key(a.url), _page_key(b.url)
        if not ka or _page_key(back.url) != ka or kb == ka:
            continue
        stay = back.t - b.t
        if stay > w:
            continue
        out.append(_finding(
            facts, QUICK_BACK, back.t, rule, {"max_ms": w},
            f"left {_path(a.url)} for {_path(b.url)} and came back after {_sec(stay)}",
            end_ms=back.t,
        ))
    return out


# --- scrolling and pointer -----------------------------------------------------------------

def _scrolling(facts: SignalFacts, s: SignalSettings) -> list[Finding]:
    w, need = s.scroll_window_ms, max(1, s.scroll_min_cycles)
    rule = f"{need} or more down-and-up scrolls over the same region within {_sec(w)}, no click"
    click_t = [c.t for c in facts.clicks]
    out = []
    for tr in facts.scrolls:
        pts = tr.points
        k = 0
        while k + 1 < len(pts):
            if pts[k + 1][1] <= pts[k][1]:  # cycles start with a downward segment
                k += 1
                continue
            lo, hi, cycles, m = float("-inf"), float("inf"), 0, k
            while m + 1 < len(pts):
                (t_a, y_a), (t_b, y_b) = pts[m], pts[m + 1]
                if t_b - pts[k][0] > w:
                    break
                if bisect_right(click_t, t_b) > bisect_left(click_t, pts[k][0]):
                    break  # a click in between: the visitor is doing something
                nlo, nhi = max(lo, min(y_a, y_b)), min(hi, max(y_a, y_b))
                if nlo > nhi:
                    break
                lo, hi = nlo, nhi
                if y_b < y_a:
                    cycles += 1
                m += 1
            if cycles >= need:
                out.append(_finding(
                    facts, EXCESSIVE_SCROLL, pts[k][0], rule, {"min_cycles": need, "window_ms": w},
                    f"scrolled {tr.where} down and up {cycles} times within {_sec(pts[m][0] - pts[k][0])} "
                    f"over y {lo:.0f}-{hi:.0f} px with no click",
                    node_id=tr.target_id, selector=None if tr.where == "the page" else tr.where,
                    end_ms=pts[m][0], count=cycles,
                ))
                k = m
            else:
                k += 1
    return out


def _thrash(facts: SignalFacts, s: SignalSettings) -> list[Finding]:
    revs, need, w, dist = facts.reversals, max(2, s.thrash_min_reversals), s.thrash_window_ms, s.thrash_min_distance_px
    rule = f"{need} or more pointer direction reversals within {_sec(w)} over {dist:g} px or more"
    out, i = [], 0
    while i + need - 1 < len(revs):
        j = i + need - 1
        if revs[j].t - revs[i].t > w or revs[j].path - revs[i].path < dist:
            i += 1
            continue
        while j + 1 < len(revs) and revs[j + 1].t - revs[j + 2 - need].t <= w:
            j += 1
        a, b = revs[i], revs[j]
        out.append(_finding(
            facts, THRASHED_CURSOR, a.t, rule, {"min_reversals": need, "window_ms": w, "min_distance_px": dist},
            f"{j - i + 1} direction reversals within {_sec(b.t - a.t)} over {b.path - a.path:.0f} px "
            f"around ({a.x:.0f}, {a.y:.0f})",
            node_id=a.node_id, end_ms=b.t, count=j - i + 1,
        ))
        i = j + 1
    return out


# --- forms ---------------------------------------------------------------------------------

def _forms(facts: SignalFacts, s: SignalSettings) -> list[Finding]:
    need = max(1, s.form_min_fields)
    rule = f"a form with {need} or more filled fields left without a submit"
    out = []
    for f in facts.forms:
        if f.implicit_submit or len(f.fields) < need:
            continue
        how = "the recording ended (tab closed)" if f.left_by == "end" else "the page was left"
        shown = ", ".join(f.fields[:5]) + (", …" if len(f.fields) > 5 else "")
        out.append(_finding(
            facts, FORM_ABANDONMENT, f.t_leave, rule, {"min_fields": need},
            f"{len(f.fields)} fields filled in {f.selector or 'a form'} ({shown}); {how} without a submit",
            node_id=f.form_id, selector=f.selector, count=len(f.fields),
        ))
    return out
