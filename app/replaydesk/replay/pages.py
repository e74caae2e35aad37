"""Which pages the renderer holds, and how the next frame reaches the screen.

Why: a seek that lands on the page shown is a patch (``replay/patch.py``); a session that
goes back and forth between two pages (a list and its detail, a dashboard and a report)
would still rebuild on every seek across them. So the renderer keeps the page it leaves,
built, laid out and hidden (``RD.load``'s ``park``), and a seek back to it is a patch of that
page (``RD.patchPage``'s ``swap``). This object is the Python half of that bookkeeping: it
remembers the frame each kept page shows, decides between a patch of the page shown, a
return to a parked page and a build, and parks and evicts in the same order as the page
(``renderer.js``: ``MAX_PARKED``), so both always agree on what a key names.

Qt-free: ``ReplayView`` owns one, follows :meth:`ShownPages.plan` and says when the page
changed behind its back (:meth:`ShownPages.drop_shown`, :meth:`ShownPages.forget`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..rrweb import Source
from .patch import SECOND_TRY_NODES, PagePatch, page_patch

#: pages kept built beside the one shown (renderer.js MAX_PARKED): one, so that a seek back to
#: the page left is a patch (two pages alternating); each costs the renderer a live document
PARKED_PAGES = 1


#: a page drawing more canvases is not kept: their pixels would stay in memory beside the next
#: page's (the renderer's memory budget restarts it)
MAX_PARKED_CANVASES = 16


def _drawn_canvases(frame) -> int:
    ids = set((frame.state or {}).get("canvases") or ())
    ids.update(str((e.get("data") or {}).get("id")) for e in frame.events
               if (e.get("data") or {}).get("source") == Source.CANVAS_MUTATION)
    return len(ids)


@dataclass
class Plan:
    """How to show a frame: ``patch`` (None: build it), onto the page parked under
    ``swap["show"]`` when ``swap`` is set; ``park``: the key under which a build keeps the
    page shown (None: it is dropped)."""
    patch: PagePatch | None
    swap: dict | None = None
    park: int | None = None


class ShownPages:
    def __init__(self) -> None:
        self.shown: tuple[Any, int] | None = None  # (frame, page_ts) the page shows, if built by show_frame
        self.parked: list[tuple[int, Any, int]] = []  # (key, frame as parked, page_ts), oldest first
        self.key = 0  # the key of the page shown

    def plan(self, frame, page_ts: int, *, patch: bool = True, park: bool = True) -> Plan:
        """How ``frame`` (of the page visit that started at ``page_ts``) is shown, and the
        bookkeeping as it will be once the plan is carried out: ``patch=False`` always builds,
        ``park=False`` keeps no page aside."""
        shown, self.shown = self.shown, None
        out = Plan(page_patch(shown[0], frame, shown[1], page_ts) if patch and shown is not None else None)
        if out.patch is None and patch and park and 0 < frame.size <= SECOND_TRY_NODES:
            for key, parked, parked_ts in reversed(self.parked):
                out.patch = page_patch(parked, frame, parked_ts, page_ts)
                if out.patch is not None:  # the page parked becomes the page shown, the one shown is parked
                    self.parked = [p for p in self.parked if p[0] != key]
                    out.swap = {"park": self._park(shown), "show": key}
                    self.key = key
                    break
        if out.patch is None:
            out.park = self._park(shown) if park else None
            self.key += 1
        self.shown = (frame, page_ts)
        return out

    def _park(self, shown: tuple[Any, int] | None) -> int | None:
        """Keep the page showing ``shown`` for a later seek: its key (None when the page shown
        was not built by ``show_frame``: it is dropped). A parked page keeps no hover or focus
        (``RD.cursor.park``): its frame is remembered without them."""
        if shown is None:
            return None
        frame, ts = shown
        if not 0 < frame.size <= SECOND_TRY_NODES or _drawn_canvases(frame) > MAX_PARKED_CANVASES:
            return None  # too big to keep beside the next page (and never compared again: plan)
        state = dict(frame.state or {})
        state["hover"] = None
        events = [e for e in frame.events
                  if (e.get("data") or {}).get("source") != Source.MOUSE_INTERACTION]
        self.parked.append((self.key, replace(frame, state=state, events=events), ts))
        del self.parked[:-PARKED_PAGES]
        return self.key

    def drop_shown(self) -> None:
        """The page shown changed in a way no frame describes (played events, a resize): the
        next frame does not patch it (the parked pages are untouched)."""
        self.shown = None

    def forget(self) -> None:
        """No page is known any more (a new renderer, a new privacy mode, a teardown)."""
        self.shown = None
        self.parked.clear()
