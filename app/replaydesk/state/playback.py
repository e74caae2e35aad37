"""The playback clock and transport state of one session (Qt-free, observable).

``PlaybackState`` decides everything about time: where the playhead is, how fast it moves,
when it jumps over inactivity and where previous/next/step land. Widgets render it and call
its methods; a ``QTimer`` (``ui.transport.PlaybackDriver``) only feeds it wall-clock deltas
through :meth:`advance`.

Times are ms after the session's first event (floats; never outside ``[0, duration]``).

Events (``connect(name, callback)``):

* ``time_changed(t)`` - on every change of the current time (ticks, seeks, jumps);
* ``seek_requested(t)`` - the time *jumped* (seek, step, prev/next, Home/End, skipping an
  inactive span): a renderer must seek rather than play forward. Emitted before the
  matching ``time_changed``. Continuous playback only emits ``time_changed``;
* ``playing_changed(bool)``, ``speed_changed(float)``, ``skip_inactivity_changed(bool)``;
* ``range_changed(in_or_None, out_or_None)``;
* ``scrubbing_changed(bool)`` - the user is dragging the playhead (renderers may prefer
  cheap, coalesced frames);
* ``skipped(start, end)`` - playback jumped over the inactive span ``[start, end]``;
* ``session_changed()`` - :meth:`load` (or :meth:`refine`, keeping the time) replaced
  duration, spans and navigation times;
* ``signals_changed(times)`` - :meth:`set_signal_times` gave the frustration signals'
  times (previous/next signal); they belong to the open session and stay across
  :meth:`load` (the player may learn them before or after the timeline).

Clock accuracy: the position is ``anchor + elapsed_wall * speed`` where ``elapsed_wall``
is a compensated (Neumaier) sum of the deltas since the last anchor (play, seek, speed
change, jump). Many small uneven deltas therefore land exactly where one big one would.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence

from .observable import Observable

SPEEDS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
STEP_MS = 5_000
#: "previous" skips an event we are less than this past (so repeated presses walk back
#: while playing instead of re-landing on the same event)
PREV_GRACE_MS = 750


class PlaybackState(Observable):
    """Transport state of one session; see the module docstring for the events."""

    EVENTS = frozenset({
        "session_changed", "time_changed", "seek_requested", "playing_changed", "speed_changed",
        "skip_inactivity_changed", "range_changed", "scrubbing_changed", "signals_changed", "skipped",
    })

    def __init__(
        self,
        duration: float = 0,
        *,
        inactive_spans: Iterable[tuple[float, float]] = (),
        event_times: Iterable[float] = (),
        page_times: Iterable[float] = (),
    ) -> None:
        super().__init__()
        self._duration = 0.0
        self._spans: list[tuple[float, float]] = []
        self._events: list[float] = []
        self._pages: list[float] = []
        self._signals: list[float] = []
        self._time = 0.0
        self._playing = False
        self._speed = 1.0
        self._skip = False
        self._range_in: float | None = None
        self._range_out: float | None = None
        self._scrubbing = False
        self._resume_after_scrub = False
        # clock: time = _anchor + (_wall + _wall_c) * speed
        self._anchor = 0.0
        self._wall = 0.0
        self._wall_c = 0.0
        self._set_session(duration, inactive_spans, event_times, page_times)

    # ---- session -------------------------------------------------------------------------

    def load(
        self,
        duration: float,
        *,
        inactive_spans: Iterable[tuple[float, float]] = (),
        event_times: Iterable[float] = (),
        page_times: Iterable[float] = (),
    ) -> None:
        """Show another session: pause, rewind to 0, clear the range (keeps speed and skip)."""
        self.pause()
        self._set_session(duration, inactive_spans, event_times, page_times)
        self._range_in = self._range_out = None
        self._emit("session_changed")
        self._emit("range_changed", None, None)
        self._jump(0.0)

    def refine(
        self,
        duration: float,
        *,
        inactive_spans: Iterable[tuple[float, float]] = (),
        event_times: Iterable[float] = (),
        page_times: Iterable[float] = (),
    ) -> None:
        """The same session, better known: replace duration, spans and navigation times but
        keep the time (clamped), playback and the range. The player shows a session's length
        from its stored row at once and its timeline when the views arrive, seconds later on
        a first open; rewinding then would lose the place the user already sought."""
        before = self._time
        self._set_session(duration, inactive_spans, event_times, page_times)
        self._emit("session_changed")
        rin = None if self._range_in is None else self._clamp(self._range_in)
        rout = None if self._range_out is None else self._clamp(self._range_out)
        self._set_range(rin, rout if rout is None or rin is None or rout > rin else None)
        if self._time != before:
            self._jump(self._time)

    def load_timeline(self, timeline, *, keep_time: bool = False) -> None:
        """:meth:`load` from an ``analysis.SessionTimeline`` (duck-typed: no import needed);
        :meth:`refine` with ``keep_time``."""
        (self.refine if keep_time else self.load)(
            timeline.duration,
            inactive_spans=timeline.inactive_spans,
            event_times=[int(t) for t in timeline.event_times],
            page_times=[int(t) for t in timeline.page_times],
        )

    def set_signal_times(self, times: Iterable[float]) -> None:
        """The times of the open session's frustration signals (``[]``: none, or another
        session is opening); targets of :meth:`next_signal` / :meth:`prev_signal`."""
        new = sorted({float(t) for t in times if t >= 0})
        if new != self._signals:
            self._signals = new
            self._emit("signals_changed", tuple(new))

    def _set_session(self, duration, spans, events, pages) -> None:
        self._duration = max(0.0, float(duration))
        d = self._duration
        self._spans = sorted((max(0.0, float(s)), min(d, float(e))) for s, e in spans if min(d, e) > max(0.0, s))
        self._events = sorted({float(t) for t in events if 0 <= t <= d})
        self._pages = sorted({float(t) for t in pages if 0 <= t <= d})
        self._time = min(self._time, d)
        self._reanchor()

    # ---- read-only properties ------------------------------------------------------------

    @property
    def duration(self) -> float:
        return self._duration

    @property
    def time(self) -> float:
        return self._time

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def skip_inactivity(self) -> bool:
        return self._skip

    @property
    def inactive_spans(self) -> Sequence[tuple[float, float]]:
        return tuple(self._spans)

    @property
    def event_times(self) -> Sequence[float]:
        return tuple(self._events)

    @property
    def signal_times(self) -> Sequence[float]:
        return tuple(self._signals)

    @property
    def page_times(self) -> Sequence[float]:
        return tuple(self._pages)

    @property
    def range_in(self) -> float | None:
        return self._range_in

    @property
    def range_out(self) -> float | None:
        return self._range_out

    @property
    def scrubbing(self) -> bool:
        return self._scrubbing

    @property
    def at_end(self) -> bool:
        return self._time >= self._duration

    def inactive_span_at(self, t: float) -> tuple[float, float] | None:
        """The inactive span containing ``t`` (start inclusive, end exclusive), if any."""
        i = bisect_right(self._spans, (t, float("inf"))) - 1
        if i >= 0 and self._spans[i][0] <= t < self._spans[i][1]:
            return self._spans[i]
        return None

    # ---- play / pause --------------------------------------------------------------------

    def play(self) -> None:
        if self._playing or self._duration <= 0:
            return
        if self.at_end:
            self._jump(self._range_in if self._range_in is not None else 0.0)
        self._playing = True
        self._reanchor()
        self._emit("playing_changed", True)

    def pause(self) -> None:
        if not self._playing:
            return
        self._playing = False
        self._reanchor()
        self._emit("playing_changed", False)

    def toggle(self) -> None:
        self.pause() if self._playing else self.play()

    # ---- the clock -----------------------------------------------------------------------

    def advance(self, wall_dt_ms: float) -> float:
        """Move the clock by ``wall_dt_ms`` of wall time (× speed); returns the new time.

        With skip-inactivity on, reaching (or starting in) an inactive span jumps to its end
        at once (one ``seek_requested`` + ``skipped``), carrying the overshoot. Stops at the
        end. No-op while paused.
        """
        if not self._playing or wall_dt_ms <= 0:
            return self._time
        # Neumaier compensated sum: exact for integer deltas, ~1 ulp for float ones
        s = self._wall + wall_dt_ms
        if abs(self._wall) >= abs(wall_dt_ms):
            self._wall_c += (self._wall - s) + wall_dt_ms
        else:
            self._wall_c += (wall_dt_ms - s) + self._wall
        self._wall = s
        start = self._time
        t = self._anchor + (self._wall + self._wall_c) * self._speed
        if self._skip:
            span = self._span_crossed(start, t)
            while span is not None:
                s0, s1 = span
                t = s1 + max(0.0, t - max(s0, start))
                self._anchor, self._wall, self._wall_c = t, 0.0, 0.0
                self._emit("skipped", s0, s1)
                self._emit("seek_requested", min(s1, self._duration))
                start = s1
                span = self._span_crossed(start, t) if t > s1 else None
        if t >= self._duration:
            self._time = self._duration
            self._playing = False
            self._reanchor()
            self._emit("time_changed", self._time)
            self._emit("playing_changed", False)
            return self._time
        self._time = t
        self._emit("time_changed", t)
        return t

    def _span_crossed(self, a: float, b: float) -> tuple[float, float] | None:
        """The first inactive span that ``[a, b]`` reaches into (containing ``a`` counts)."""
        here = self.inactive_span_at(a)
        if here is not None:
            return here
        i = bisect_right(self._spans, (a, float("inf")))
        if i < len(self._spans) and self._spans[i][0] <= b:
            return self._spans[i]
        return None

    def _reanchor(self) -> None:
        self._anchor, self._wall, self._wall_c = self._time, 0.0, 0.0

    # ---- jumps ---------------------------------------------------------------------------

    def seek(self, t: float) -> float:
        """Jump to ``t`` (clamped to ``[0, duration]``); returns the new time."""
        return self._jump(t)

    def _jump(self, t: float) -> float:
        t = min(max(0.0, float(t)), self._duration)
        self._time = t
        self._reanchor()
        self._emit("seek_requested", t)
        self._emit("time_changed", t)
        if t >= self._duration and self._playing:
            self.pause()
        return t

    def step(self, delta_ms: float = STEP_MS) -> float:
        return self._jump(self._time + delta_ms)

    def go_to_start(self) -> float:
        return self._jump(0.0)

    def go_to_end(self) -> float:
        return self._jump(self._duration)

    def next_event(self) -> float:
        """The first event strictly after now, else the end."""
        i = bisect_right(self._events, self._time + 0.5)
        return self._jump(self._events[i] if i < len(self._events) else self._duration)

    def prev_event(self) -> float:
        """The last event more than ``PREV_GRACE_MS`` before now, else the start."""
        i = bisect_left(self._events, self._time - PREV_GRACE_MS) - 1
        return self._jump(self._events[i] if i >= 0 else 0.0)

    def next_page(self) -> float:
        i = bisect_right(self._pages, self._time + 0.5)
        return self._jump(self._pages[i] if i < len(self._pages) else self._duration)

    def prev_page(self) -> float:
        """Start of the current page if we are well into it, else of the previous one."""
        i = bisect_left(self._pages, self._time - PREV_GRACE_MS) - 1
        return self._jump(self._pages[i] if i >= 0 else 0.0)

    def next_signal(self) -> float:
        """The first signal strictly after now; stays put after the last one (unlike next
        event, which goes to the end: "no more signals" should not lose the place)."""
        i = bisect_right(self._signals, self._time + 0.5)
        return self._jump(self._signals[i]) if i < len(self._signals) else self._time

    def prev_signal(self) -> float:
        """The last signal more than ``PREV_GRACE_MS`` before now; stays put before the first."""
        i = bisect_left(self._signals, self._time - PREV_GRACE_MS) - 1
        return self._jump(self._signals[i]) if i >= 0 else self._time

    # ---- speed / skip --------------------------------------------------------------------

    def set_speed(self, speed: float) -> None:
        speed = float(speed)
        if speed <= 0:
            raise ValueError(f"speed must be positive, not {speed}")
        if speed == self._speed:
            return
        self._reanchor()
        self._speed = speed
        self._emit("speed_changed", speed)

    def speed_up(self) -> float:
        faster = [s for s in SPEEDS if s > self._speed]
        if faster:
            self.set_speed(faster[0])
        return self._speed

    def speed_down(self) -> float:
        slower = [s for s in SPEEDS if s < self._speed]
        if slower:
            self.set_speed(slower[-1])
        return self._speed

    def set_skip_inactivity(self, on: bool) -> None:
        on = bool(on)
        if on != self._skip:
            self._skip = on
            self._emit("skip_inactivity_changed", on)

    # ---- in/out range --------------------------------------------------------------------

    def set_range_in(self, t: float | None = None) -> None:
        """Mark the range start (default: now). An out point at or before it is dropped."""
        t = self._clamp(self._time if t is None else t)
        out = self._range_out if self._range_out is not None and self._range_out > t else None
        self._set_range(t, out)

    def set_range_out(self, t: float | None = None) -> None:
        """Mark the range end (default: now). An in point at or after it is dropped."""
        t = self._clamp(self._time if t is None else t)
        rin = self._range_in if self._range_in is not None and self._range_in < t else None
        self._set_range(rin, t)

    def clear_range(self) -> None:
        self._set_range(None, None)

    def range(self) -> tuple[float, float] | None:
        """The effective range ``(in, out)``: an open side extends to the session's edge."""
        if self._range_in is None and self._range_out is None:
            return None
        return (self._range_in or 0.0, self._duration if self._range_out is None else self._range_out)

    def _set_range(self, rin: float | None, rout: float | None) -> None:
        if (rin, rout) != (self._range_in, self._range_out):
            self._range_in, self._range_out = rin, rout
            self._emit("range_changed", rin, rout)

    def _clamp(self, t: float) -> float:
        return min(max(0.0, float(t)), self._duration)

    # ---- scrubbing -----------------------------------------------------------------------

    def begin_scrub(self) -> None:
        """The user grabbed the playhead: pause (remembering whether we played)."""
        if self._scrubbing:
            return
        self._resume_after_scrub = self._playing
        self.pause()
        self._scrubbing = True
        self._emit("scrubbing_changed", True)

    def end_scrub(self) -> None:
        """The user let go: resume if we were playing (and are not at the end)."""
        if not self._scrubbing:
            return
        self._scrubbing = False
        self._emit("scrubbing_changed", False)
        if self._resume_after_scrub and not self.at_end:
            self.play()
        self._resume_after_scrub = False

