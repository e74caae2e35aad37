"""Frames of a clip: the renderer stepped along a virtual clock.

Why not a screen recording: each frame is the page at an exact recorded moment, so a clip is
deterministic and as fast as the renderer can paint, not real time.

How: the first frame (and any frame after a jump too long to play forward) goes through the
one seek path, :func:`replaydesk.ui.render.render_replay_frame` (nearest checkpoint + events
since, one frame payload, wait until painted, grab): that is what ``replaydesk render`` shows.
Between consecutive frames the page is played forward the way the live player does
(``PlayerPane._on_state_time_changed``): the events since the last frame come from the replay's
event source (decoded chunks are cached) and go to :meth:`ReplayView.apply_events`; then the
frame is acknowledged with animations settled at its moment and grabbed. A frame with no new
events (and no change of note outline) is the previous image again: nothing is painted or grabbed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

from PySide6.QtGui import QImage

from ..replay.plan import POINTER_SOURCES
from ..replay.session import SessionReplay, open_session_replay
from ..rrweb import EventType
from ..store.queries import page_starts
from ..ui.render import render_replay_frame
from ..ui.replay import FrameRenderer
from .spec import ClipSpec, FrameTime
from .track import PointerTrack, build_track

#: more events than this since the last frame: seek instead of playing them forward
MAX_FORWARD_EVENTS = 3000

#: input boxes of the top document (and same-origin frames) in viewport px: the --blur-inputs option
_INPUT_BOXES_JS = """(function () {
  const top = RD.topDocument();
  const out = [];
  const walk = (doc, ox, oy) => {
    if (!doc) return;
    for (const el of doc.querySelectorAll('input:not([type=hidden]),textarea,select,[contenteditable=""],[contenteditable=true]')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) out.push([r.left + ox, r.top + oy, r.width, r.height]);
    }
    for (const f of doc.querySelectorAll('iframe')) {
      let inner = null;
      try { inner = f.contentDocument; } catch (e) {}
      const fr = f.getBoundingClientRect();
      walk(inner, ox + fr.left + f.clientLeft, oy + fr.top + f.clientTop);
    }
  };
  walk(top, 0, 0);
  return JSON.stringify(out);
})()"""


_CHANGED = object()
_POINTER = frozenset(map(int, POINTER_SOURCES))


def _pointer_target(events: list[dict]):
    """For events that only move the pointer: the node under its last position (None: no
    position). Anything else (a mutation, a scroll, a press, an input...): ``_CHANGED``.

    Why: rrweb recordings carry a pointer batch every ~50 ms while the mouse moves; the replayed
    page changes with them only when the hovered element changes (its :hover styles), and the
    target's id is recorded with every position. Frames where the pointer stays over the same
    element need no paint (the cursor is an overlay), which halves the paints of a busy session.
    """
    last = None
    for e in events:
        d = e.get("data")
        if e.get("type") != EventType.INCREMENTAL or not isinstance(d, dict) or d.get("source") not in _POINTER:
            return _CHANGED
        for p in d.get("positions") or ():
            if isinstance(p, dict) and isinstance(p.get("id"), int):
                last = p["id"]
    return last


@dataclass
class SourceFrame:
    time: FrameTime
    t_abs: int
    image: QImage  # the recorded viewport, 1:1 (RGB32)
    changed: bool  # False: the same image as the previous frame
    input_boxes: list[tuple[float, float, float, float]] = field(default_factory=list)


@dataclass
class StepTimings:
    """Seconds spent per stage (the benchmark's split): ``seek`` Python seeks and event reads,
    ``paint`` sending events and waiting for the painted acknowledgement, ``grab`` copying the
    frame out of the view; ``frames_painted`` counts frames that changed, ``seeks`` full seeks."""

    seek: float = 0.0
    paint: float = 0.0
    grab: float = 0.0
    frames_painted: int = 0
    seeks: int = 0


class FrameSource:
    """Steps one renderer through a clip's frame times. Single-threaded, GUI thread (Qt widget)."""

    def __init__(self, db, spec: ClipSpec, *, renderer: FrameRenderer | None = None,
                 replay: SessionReplay | None = None) -> None:
        self.spec = spec
        self.replay = replay or open_session_replay(db, spec.session_id)
        self.pages = page_starts(db, spec.session_id)
        self._own = renderer is None
        self.renderer = renderer or FrameRenderer(allow_web_assets=spec.allow_web_assets, privacy=spec.privacy)
        if not self._own:
            self.renderer.view.set_privacy_mode(spec.privacy)
        self.timings = StepTimings()
        self.track: PointerTrack | None = None
        self.start_href = ""
        self._applied_index: int | None = None
        self._applied_until: int | None = None
        self._image: QImage | None = None
        self._boxes: list = []
        self._highlight: int | None = None
        self._hover: int | None = None  # the node under the pointer in the painted page (None: unknown)
        view = self.renderer.view
        grab = view.grab_viewport

        def timed_grab() -> QImage:  # the grab's share of a capture, for the benchmark
            t0 = time.perf_counter()
            try:
                return grab()
            finally:
                self.timings.grab += time.perf_counter() - t0

        self._view_grab, view.grab_viewport = grab, timed_grab

    def close(self) -> None:
        self.renderer.view.grab_viewport = self._view_grab
        if self._highlight is not None:
            self.renderer.view.highlight_node(None)
        if self._own:
            self.renderer.close()

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def abs_time(self, t_ms: int) -> int:
        return self.replay.first_ts + int(t_ms)

    def prepare(self, first_ms: int, last_ms: int, lookahead_ms: int = 500) -> PointerTrack:
        """Read the clip's pointer samples, presses and page changes (one pass over its events)."""
        t0 = time.perf_counter()
        t_abs = self.abs_time(first_ms)
        mirror = self.replay.seek(t_abs)
        pointer = self.replay.pointer_at(mirror, t_abs)
        self.start_href = mirror.side_state().get("href") or ""
        events = self.replay.source.events_between(mirror.event_index, self.abs_time(last_ms) + lookahead_ms)
        self.track = build_track(events, pointer, t_abs)
        self.timings.seek += time.perf_counter() - t0
        return self.track

    def frames(self, times: list[FrameTime], *, highlight_at: Callable[[int], int | None] | None = None,
               cancel: Callable[[], bool] | None = None) -> Iterator[SourceFrame]:
        """One :class:`SourceFrame` per frame time (ascending). ``highlight_at(t_ms)``: the node id
        a note outlines at that moment (drawn by the renderer's outline), or None."""
        if self.track is None and times:
            self.prepare(times[0].t_ms, times[-1].t_ms)
        for ft in times:
            if cancel is not None and cancel():
                return
            t_abs = self.abs_time(ft.t_ms)
            node = highlight_at(ft.t_ms) if highlight_at is not None else None
            changed = self._step(ft.t_ms, t_abs, node)
            yield SourceFrame(ft, t_abs, self._image, changed, self._boxes)

    # ------------------------------------------------------------------ stepping

    def _step(self, t_ms: int, t_abs: int, node: int | None) -> bool:
        r = self.renderer
        outline = node != self._highlight
        if outline:
            r.view.highlight_node(node)
            self._highlight = node
        if self._image is None or self._applied_until is None or t_abs < self._applied_until:
            return self._seek(t_ms, t_abs)
        t0 = time.perf_counter()
        events = []
        for ev in self.replay.source.events_between(self._applied_index, t_abs):
            events.append(ev)
            if len(events) > MAX_FORWARD_EVENTS:
                self.timings.seek += time.perf_counter() - t0
                return self._seek(t_ms, t_abs)
        self.timings.seek += time.perf_counter() - t0
        self._applied_until = t_abs
        if not events and not outline:
            return False
        self._applied_index += len(events)
        t1 = time.perf_counter()
        r.view.apply_events(events)
        hover = _pointer_target(events)
        if hover is not _CHANGED:
            same = hover is None or hover == self._hover
            self._hover = self._hover if hover is None else hover
            if same and not outline:  # the pointer moved over the same element: the page looks the same
                self.timings.paint += time.perf_counter() - t1
                return False
        else:
            self._hover = None  # unknown until the next pointer-only step names it
        vp = r.view.viewport_size  # a resize or a new page may change the viewport
        if r.view.width() != vp.width() or r.view.height() != vp.height() + 1:
            r.view.resize(max(vp.width(), 1), vp.height() + 1)
        g0 = self.timings.grab
        self._image = r.capture(at_ts=t_abs)
        self.timings.paint += time.perf_counter() - t1 - (self.timings.grab - g0)
        self.timings.frames_painted += 1
        self._measure_inputs()
        return True

    def _seek(self, t_ms: int, t_abs: int) -> bool:
        t0 = time.perf_counter()
        g0 = self.timings.grab
        self._image = render_replay_frame(self.renderer, self.replay, t_ms, pages=self.pages)
        self.timings.paint += time.perf_counter() - t0 - (self.timings.grab - g0)
        t1 = time.perf_counter()
        mirror = self.replay.seek(t_abs)  # where the shown frame stands in the event stream
        self._applied_index = mirror.event_index
        self._applied_until = max(t_abs, int(mirror.timestamp or t_abs))
        self.timings.seek += time.perf_counter() - t1
        self.timings.seeks += 1
        self._hover = None
        self.timings.frames_painted += 1
        self._measure_inputs()
        return True

    def _measure_inputs(self) -> None:
        if not self.spec.blur_inputs:
            return
        import json

        box: list = []
        self.renderer.view.run_javascript(_INPUT_BOXES_JS, lambda result: box.append(result))
        self.renderer._wait(lambda: bool(box), "the renderer did not answer the input boxes")
        try:
            self._boxes = [tuple(float(v) for v in b) for b in json.loads(box[0] or "[]")][:2000]
        except (TypeError, ValueError):
            self._boxes = []
