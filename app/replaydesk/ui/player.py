"""The centre of the window: replay view, timeline and transport for one session.

Loading a session runs off the GUI thread and, after the first time, reads
only what is cached in the store: the checkpoints and the "views" (timeline
and inspector rows). The first open builds both in one scan of the events on
the single writer (the views ride on the checkpoint builder's mirror); when
only the views are missing they are built on the general pool and stored by
the writer. The first frame shows at once either way, and the seekable span (from the
session's row) too: until the checkpoints exist a seek replays from its page visit's
FullSnapshot while the scan waits (issue 16). Seeking restores the nearest checkpoint in
Python (a few ms) and sends the renderer one frame; requests that arrive
while a frame is being painted are coalesced so the latest wins and no stale
frame is ever queued. Playing forward applies the stored events between the
last shown moment and the clock's time.

Every frame on screen belongs to the open session: opening one clears the page
and covers it with a "Loading…" note until that session's first frame is painted
(the view stays shown underneath, since a hidden page paints nothing and would never
acknowledge), and every seek is answered with ``framePainted``, a moment before the
first full snapshot showing that snapshot (the replay layer's rule) and a session
with no page at all showing a note instead.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QSplitter, QStackedLayout, QStackedWidget, QVBoxLayout, QWidget

from ..analysis.views import has_views, span_timeline
from ..replay.budgets import too_heavy_message
from ..replay.frame import frame_from_mirror, page_start
from ..replay.session import SessionNotFound, open_session_replay
from ..replay.snapshot_start import SEEK_MAX_EVENTS
from ..state.playback import PlaybackState
from ..store import Store, close_replay_connection, replay_connection
from .bindings import bind_all
from .heap import collection_after, settle_heap
from .inspector import EventInspector
from .replay import ReplayView
from .session_loader import SessionLoader
from .timeline import TimelineWidget
from .transport import PlaybackDriver, TransportBar, playback_actions

log = logging.getLogger(__name__)

#: uncover the view at most this long after the first frame's acknowledgement, even if
#: its widget still shows the same pixels as before (a page identical to the last one)
REVEAL_MAX_MS = 600

#: until a session's checkpoints exist, a seek replays from the start: allow
#: that only this close to the start (the first frame shows at once)
NO_CHECKPOINT_REACH_MS = 30_000
#: ... or anywhere a seek replays at most this many events: without checkpoints a seek
#: starts at its page visit's FullSnapshot (replay/snapshot_start.py). It runs on the GUI
#: thread with the scan paused (loader.gate): ~0.5 s at most
NO_CHECKPOINT_REACH_EVENTS = SEEK_MAX_EVENTS
#: ... and while the playhead is dragged (~50 ms: the drag stays fluid; where it is let go is shown)
NO_CHECKPOINT_SCRUB_EVENTS = 5_000

#: ``session_info`` rows the player never reads, so does not keep while the session is open
#: (thousands of dicts: ~5 MB for the 60-minute benchmark session, issue 16)
_ROWS_NOT_KEPT = ("clicks", "errors")

#: shown in place of the page while a crashed renderer process is replaced
CRASHED_MESSAGE = "The replay page crashed, reloading…"


class PlayerPane(QWidget):
    """Signals: ``framePainted(int ms)`` after a seek's frame is on screen;
    ``sessionLoaded(str id)`` once the open session can seek anywhere and its
    timeline and inspector rows are in."""

    framePainted = Signal(int)
    sessionLoaded = Signal(str)
    #: the open session's frustration signals arrived (``session_findings`` rows, time order)
    signalsLoaded = Signal(list)
    #: opening a session named its signals' elements; its list counts may have changed
    signalsAttributed = Signal(str)
    #: a short note for the status bar ("" clears it)
    statusMessage = Signal(str)

    def __init__(self, db, *, allow_web_assets: bool = False, parent=None):
        super().__init__(parent)
        self.db = db
        #: the writer connection and the pool threads' readers of the open store
        self.store = Store.of(db)
        #: the seeks' own reader: chunks it reads are not left mapped (store.replay_connection)
        self._replay_db = replay_connection(db)
        self.loader = SessionLoader(self.store)
        self.state = PlaybackState()
        self.view = ReplayView(self, allow_web_assets=allow_web_assets)
        self.timeline = TimelineWidget(self.state, None, self)
        self.transport = TransportBar(self.state, self)
        self.driver = PlaybackDriver(self.state, self)
        self.inspector = EventInspector()
        # bare keys (Space, arrows, Home/End, [ ]) belong to the player only, so the
        # session list and the inspector keep their own arrow-key navigation
        self._actions = playback_actions(self, self.state, bare_key_context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.hint = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.hint.setObjectName("emptyState")
        self.hint.setTextFormat(Qt.TextFormat.PlainText)  # it quotes session ids and errors: recorded text
        self.hint.setWordWrap(True)
        self.hint.setAutoFillBackground(True)  # opaque: it covers the page while loading
        self.stack = QStackedWidget()
        # all pages stay shown, the current one on top: the replay view keeps painting
        # (and acknowledging frames) while the note covers it
        self.stack.layout().setStackingMode(QStackedLayout.StackingMode.StackAll)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.hint)
        self.stack.setCurrentWidget(self.hint)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.setSpacing(0)
        bl.addWidget(self.timeline)
        bl.addWidget(self.transport)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.splitter)

        self._info: dict | None = None
        self._replay = None
        self._mirror = None
        #: (document id, x, y) of the page as played since the last seek (_follow_scroll)
        self._live_scroll: tuple | None = None
        self._t0 = 0
        self._page_starts: list[int] = []
        self._pending: float | None = None
        self._inflight: int | None = None
        self._inflight_ms = 0
        self._inflight_gen = 0
        #: a note covers the view until the open session's next frame is painted (its first
        #: frame after opening, or a page after "no page to show")
        self._reveal_on_paint = False
        #: then it waits until the widget shows it (_reveal_when_shown)
        self._stale: QImage | None = None
        self._reveal_clock = QElapsedTimer()
        self._reveal_timer = QTimer(self)
        self._reveal_timer.setInterval(15)
        self._reveal_timer.timeout.connect(self._reveal_when_shown)
        self._heavy_shown = False  # the note says "too heavy to draw" (budgets)
        self._applied_until: int | None = None
        self._applied_index = -1  # stored index of the last event the page has
        self._views_loaded = False
        self._findings: list[dict] = []
        self._highlight: tuple[int, int | None] | None = None  # (t ms, node id) outlined
        self._off = bind_all(self, self.state, {
            "seek_requested": self._on_state_seek_requested,
            "time_changed": self._on_state_time_changed,
            "playing_changed": lambda playing: playing and self._clear_highlight(),
            "scrubbing_changed": lambda on: on or self._pump(),
        })
        self.view.framePainted.connect(self._on_view_frame_painted)
        self.view.frameTooHeavy.connect(self._on_view_frame_too_heavy)
        self.view.rendererCrashed.connect(self._on_view_renderer_crashed)
        self.view.rendererReady.connect(self._pump)
        self.inspector.seekRequested.connect(self.seek_relative)
        self.set_empty_hint("Select a session to replay it.")

    # -- public API ------------------------------------------------------
    def actions(self):
        return list(self._actions)

    def open_session(self, info: dict) -> None:
        """Show ``info`` (from :func:`session_info`): first frame as soon as ready."""
        gen = self.loader.start()
        self.state.pause()
        self._info = {k: v for k, v in info.items() if k not in _ROWS_NOT_KEPT}
        self._replay = None
        self._mirror = None
        self._live_scroll = None
        self._t0 = info["started_at"]
        self._page_starts = [p["t_enter"] for p in info["pages"]]
        self._pending = 0.0
        self._applied_until = None
        self._applied_index = -1
        self._views_loaded = False
        self._set_findings([])
        sid = info["id"]
        # the seekable span from the session row, at once: seeks are taken before the views
        # (markers, activity) arrive, seconds later on a first open, and the playhead stays
        pages = [p["t_enter"] - self._t0 for p in info["pages"]]
        self.state.load(info["ended_at"] - self._t0, page_times=pages)
        self.timeline.set_timeline(span_timeline(sid, self._t0, info["ended_at"], pages))
        # never the previous session's page: drop it and cover the view until this
        # session's first frame is painted (_on_view_frame_painted)
        self.view.clear()
        self._reveal_on_paint = True
        self._reveal_timer.stop()
        self._stale = self._view_thumbnail()  # what the view shows now: the previous page
        self.hint.setText(f"Loading {sid}…")
        self.stack.setCurrentWidget(self.hint)
        try:
            # cached checkpoints load in a few ms; without them the first frames
            # (near the start) are still cheap, so show the page right away
            self._replay = open_session_replay(self._replay_db, sid, build_if_missing=False)
        except SessionNotFound:
            self._on_load_failed(gen, LookupError(f"session {sid} is no longer in the store"))
            return
        self._load_signals(gen, sid)
        index_cached = self._replay.status == "cached"
        views_cached = has_views(self.db, sid)
        if index_cached or views_cached:
            self.loader.load_views(sid, lambda r: self._on_views_loaded(gen, sid, r),
                                   lambda exc: self._on_load_failed(gen, exc))
        if not index_cached:
            # one scan on the writer builds the checkpoints and, unless stored, the views
            self.statusMessage.emit(f"Indexing {sid} for instant seeking…")
            self.loader.index(sid, not views_cached,
                              lambda p: self._on_index_progress(gen, sid, p),
                              lambda views: self._on_index_built(gen, sid, views),
                              lambda exc: self._on_load_failed(gen, exc))
        self._pump()

    def seek_relative(self, ms: int) -> None:
        self.state.seek(ms)

    # -- frustration signals ---------------------------------------------
    @property
    def findings(self) -> list[dict]:
        """The open session's frustration signals (time order; empty until loaded)."""
        return list(self._findings)

    def reload_signals(self) -> None:
        """Read the open session's findings again (after a threshold change recomputed them)."""
        if self._info is not None:
            self._load_signals(self.loader.generation, self._info["id"])

    def _load_signals(self, gen: int, sid: str) -> None:
        self.loader.load_findings(
            sid, lambda rows: self.loader.current(gen) and self._set_findings(rows),
            lambda exc: log.warning("could not read the signals of %s: %s", sid, exc))

    def _set_findings(self, rows: list[dict]) -> None:
        self._findings = list(rows)
        self._clear_highlight()
        self.timeline.set_signals(self._findings)
        self._fit_timeline()
        self.state.set_signal_times(f["t_ms"] for f in self._findings)
        self.signalsLoaded.emit(self.findings)

    def _fit_timeline(self) -> None:
        """Grow the timeline pane to show its signal lanes (never shrink what the analyst set)."""
        sizes = self.splitter.sizes()
        want = self.splitter.widget(1).sizeHint().height()
        if len(sizes) == 2 and sizes[0] > 0 and sizes[1] < want:
            grow = min(want - sizes[1], max(0, sizes[0] - 200))
            self.splitter.setSizes([sizes[0] - grow, sizes[1] + grow])

    def show_finding(self, finding: dict) -> None:
        """Seek to a finding and outline its element in the replay at that moment."""
        t = int(finding.get("t_ms") or 0)
        self.state.pause()
        self.state.seek(t)
        node = finding.get("node_id")
        self._highlight = (int(self.state.time), node if isinstance(node, int) else None)
        self.view.highlight_node(self._highlight[1])

    @property
    def page_scroll(self) -> tuple[float, float]:
        """The shown document's scroll offset (page px), also while playing: overlays over
        the page (View > Click Overlay) place page coordinates with it."""
        if self._live_scroll is not None:
            return self._live_scroll[1], self._live_scroll[2]
        m = self._mirror
        root = getattr(getattr(m, "tree", None), "root", None)
        if root is None:
            return 0.0, 0.0
        s = m.side.scrolls.get(root.id) or {}
        return float(s.get("x") or 0), float(s.get("y") or 0)

    def shown_node(self, node_id: int | None) -> bool:
        """Recorded node ``node_id`` is in the page shown at the last seek and not hidden by
        a ``hidden``, ``aria-hidden="true"`` or inline ``display: none`` on it or an ancestor:
        overlays skip elements of other states of a single-page app (another tab pane)."""
        m = self._mirror
        n = m.tree.nodes.get(node_id) if m is not None and node_id is not None else None
        if n is None:
            return False
        while n is not None:
            a = n.attrs or {}
            if "hidden" in a or a.get("aria-hidden") == "true" or \
                    "display:none" in str(a.get("style") or "").replace(" ", ""):
                return False
            if n is m.tree.root:
                return True
            n = n.parent
        return False

    @property
    def highlighted_node(self) -> int | None:
        return self._highlight[1] if self._highlight else None

    def _clear_highlight(self) -> None:
        if self._highlight is not None:
            self._highlight = None
            self.view.highlight_node(None)

    def set_empty_hint(self, text: str | None) -> None:
        if text is None:
            if self._info is None:
                self.hint.setText("Select a session to replay it.")
            return
        self._reveal_timer.stop()
        self.hint.setText(text)
        self.stack.setCurrentWidget(self.hint)

    @property
    def showing_page(self) -> bool:
        """The replay view is on top (a frame of the open session is painted), not a note."""
        return self.stack.currentWidget() is self.view

    def set_allow_web_assets(self, on: bool) -> None:
        self.view.allowWebAssets = on
        if self._replay is not None:
            self.state.seek(self.state.time)  # rebuild the page with the new policy

    def set_privacy_mode(self, mode: str) -> None:
        """View > Privacy: mask inputs or all text; the current frame is redrawn in the new mode."""
        if mode == self.view.privacy_mode:
            return
        self.view.set_privacy_mode(mode)
        if self._replay is not None:
            self.state.seek(self.state.time)

    def save_splitter(self):
        return self.splitter.saveState()

    def restore_splitter(self, data) -> None:
        self.splitter.restoreState(data)

    @property
    def _jobs(self):
        """The open session's running jobs (tests look at them)."""
        return self.loader.jobs

    @property
    def session_id(self) -> str | None:
        return self._info["id"] if self._info else None

    @property
    def ready(self) -> bool:
        """A session is open and can seek anywhere (its checkpoints are loaded)."""
        return self._replay is not None and self._replay.status == "cached" and self.state.duration > 0

    @property
    def loaded(self) -> bool:
        """:attr:`ready`, and the session's timeline and inspector rows are shown."""
        return self.ready and self._views_loaded

    def shutdown(self) -> None:
        self.loader.cancel()
        self.loader.generation += 1  # a result still arriving belongs to no open session
        self.driver.stop()
        self._reveal_timer.stop()
        self.state.pause()
        for off in self._off:
            off()
        self._off = []
        self.timeline.detach()
        self.transport.detach()
        self.view.shutdown()  # the page must go before its profile
        self._replay = None
        close_replay_connection(self._replay_db, self.db)

    # -- loading ---------------------------------------------------------
    def _on_load_failed(self, gen: int, exc: BaseException) -> None:
        if not self.loader.current(gen):
            return
        log.error("loading session failed", exc_info=exc)
        self._reveal_on_paint = False
        self._reveal_timer.stop()
        self.hint.setText(f"This session cannot be replayed: {exc}")
        self.stack.setCurrentWidget(self.hint)

    def _on_views_loaded(self, gen: int, sid: str, result) -> None:
        views, build_hash = result
        if build_hash is not None:  # built on the pool: the writer keeps them for next time
            self.loader.store_views(sid, build_hash, views)
        self._on_views_ready(gen, views)

    def _on_index_progress(self, gen: int, sid: str, progress) -> None:
        done, total = progress
        if self.loader.current(gen) and total:
            self.statusMessage.emit(f"Indexing {sid} for instant seeking… {min(99, 100 * done // total)}%")

    def _on_index_built(self, gen: int, sid: str, views) -> None:
        self.signalsAttributed.emit(sid)
        if self.loader.current(gen):
            self.reload_signals()
        if views is not None:
            self._on_views_ready(gen, views)
        self._on_checkpoints_ready(gen, sid)

    def _on_views_ready(self, gen: int, views) -> None:
        if not self.loader.current(gen):
            return
        with self.loader.gate.paused():  # 50k rows and markers on the GUI thread: the scan waits
            self.inspector.set_rows(views.rows)
            self.timeline.set_timeline(views.timeline)
        self.state.load_timeline(views.timeline, keep_time=True)  # the playhead stays where the user put it
        self._views_loaded = True
        self._settle_if_loaded()

    def _on_checkpoints_ready(self, gen: int, sid: str) -> None:
        if not self.loader.current(gen):
            return
        try:
            self._replay = open_session_replay(self._replay_db, sid, build_if_missing=False)
        except SessionNotFound:  # deleted (Session > Delete, retention, forget) while it was indexed
            self._on_load_failed(gen, LookupError(f"session {sid} is no longer in the store"))
            return
        self._mirror = None
        self.statusMessage.emit("")
        shown = self._applied_until == self._replay.effective_time(int(self._t0 + self.state.time))
        if self._pending is None and self._inflight is None and not shown:
            self._pending = self.state.time
        self._pump()
        self._settle_if_loaded()

    def _settle_if_loaded(self) -> None:
        """Once the views and the checkpoints are in, keep their objects out of full GCs."""
        if self.loaded:
            settle_heap()
            self.sessionLoaded.emit(self._info["id"])

    # -- seeking (coalesced, latest wins) --------------------------------
    def _on_state_seek_requested(self, t: float) -> None:
        if self._highlight is not None and int(t) != self._highlight[0]:
            self._clear_highlight()  # the outline belongs to the finding's moment
        self._pending = t
        self._pump()

    def _pump(self) -> None:
        if self._inflight is not None or self._pending is None or self._replay is None or not self.view.is_ready:
            return
        t = self._pending
        t_abs = int(self._t0 + t)
        indexing = self._replay.status != "cached"
        limit = NO_CHECKPOINT_SCRUB_EVENTS if self.state.scrubbing else NO_CHECKPOINT_REACH_EVENTS
        if indexing and t > NO_CHECKPOINT_REACH_MS and self._replay.replay_span(t_abs, self._mirror) > limit:
            return  # shown when the checkpoints are ready (_on_checkpoints_ready)
        self._pending = None
        # ``current`` lets a forward seek (dragging, stepping) advance the last
        # mirror in place instead of restoring a checkpoint; before the first full
        # snapshot the replay gives the state right after it (the first page).
        # Without checkpoints the scan waits meanwhile (it would halve the seek's speed)
        with collection_after():  # the collection the seek's allocations trigger runs once the frame is sent
            self._seek_and_send(t, t_abs, indexing)

    def _seek_and_send(self, t: float, t_abs: int, indexing: bool) -> None:
        with self.loader.gate.paused() if indexing else nullcontext():
            mirror = self._mirror = self._replay.seek(t_abs, current=self._mirror)
            frame = frame_from_mirror(mirror, t_abs, self._replay.pointer_at(mirror, t_abs))
        self._live_scroll = None  # the mirror's scroll is the page's again
        if frame is None:
            # no page at all (no buildable full snapshot): say so, and still answer
            # the seek so that nothing waits for a frame that cannot come
            self._applied_until = None
            self._reveal_on_paint = True
            self._reveal_timer.stop()
            self.view.clear()
            self.hint.setText("This session has no page to show: its recording has no full snapshot.")
            self.stack.setCurrentWidget(self.hint)
            self.framePainted.emit(int(t))
            return
        shown = frame.timestamp  # t_abs, or the first snapshot's time for earlier moments
        self.view.show_frame(frame, page_ts=page_start(self._page_starts, shown))
        self._applied_until = shown
        self._applied_index = mirror.event_index
        self._inflight_ms = int(t)
        self._inflight_gen = self.loader.generation
        self._inflight = self.view.request_frame(settle=not self.state.playing, at_ts=shown)

    def _on_view_frame_painted(self, token: int) -> None:
        if token != self._inflight:
            return
        self._inflight = None
        if self.loader.current(self._inflight_gen):  # a frame of a session left meanwhile answers nothing
            if self._heavy_shown and self.view.heavy_reason(token) is None:
                self._heavy_shown = False
                self.stack.setCurrentWidget(self.view)
            if self._reveal_on_paint:
                self._reveal_on_paint = False
                self._reveal_clock.start()
                self._reveal_timer.start()
                self._reveal_when_shown()
            self.framePainted.emit(self._inflight_ms)
        self._pump()

    # -- revealing the first frame ---------------------------------------
    def _view_thumbnail(self) -> QImage:
        """A small copy of what the replay view's widget shows (its last composited frame)."""
        img = self.view.web_view().grab().toImage()
        return img.scaled(96, 60, Qt.AspectRatioMode.IgnoreAspectRatio,
                          Qt.TransformationMode.FastTransformation).convertToFormat(QImage.Format.Format_RGB32)

    def _reveal_when_shown(self) -> None:
        """Uncover the view once its widget shows the new session. The page acknowledges a
        frame before the compositor hands it to the widget (on X too), so uncovering at the
        acknowledgement showed the previous session's page for a moment: wait until the
        widget's pixels differ from what it showed when the session was opened (a page
        identical to the old one shows after ``REVEAL_MAX_MS`` all the same)."""
        if self.stack.currentWidget() is not self.hint or self._reveal_on_paint or self._heavy_shown:
            self._reveal_timer.stop()  # another session is loading, or a note replaced "Loading…"
            return
        if self._reveal_clock.elapsed() < REVEAL_MAX_MS and self._view_thumbnail() == self._stale:
            return  # the timer looks again
        self._reveal_timer.stop()
        self._stale = None
        self.stack.setCurrentWidget(self.view)

    def _on_view_frame_too_heavy(self, reason: str) -> None:
        """A moment over a budget (replay/budgets.py): say so in place of the page. If the
        renderer had to be restarted the frame it owed never comes: answer the seek now."""
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        msg = too_heavy_message(reason)
        self.hint.setText(msg[:1].upper() + msg[1:] + ".")
        self.stack.setCurrentWidget(self.hint)
        self._heavy_shown = True
        self._reveal_on_paint = False
        if not self.view.is_ready and self._inflight is not None:
            self._inflight = None
            self._mirror = None  # the page is gone: the next seek restores a checkpoint
            self.framePainted.emit(self._inflight_ms)

    def _on_view_renderer_crashed(self, reason: str) -> None:
        """The renderer process died: say so in place of the page; the view reloads the page
        and the current moment is drawn again once it is ready (``rendererReady`` pumps)."""
        log.warning("replay page crashed (%s); reloading", reason)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setText(CRASHED_MESSAGE)
        self.stack.setCurrentWidget(self.hint)
        self._heavy_shown = True  # the next painted frame uncovers the view
        self._reveal_on_paint = False
        self._mirror = None  # the page is gone: restore from a checkpoint
        if self._inflight is not None:
            self._inflight = None
            self.framePainted.emit(self._inflight_ms)
        if self._replay is not None and self._pending is None:
            self._pending = self.state.time

    # -- playing forward -------------------------------------------------
    def _on_state_time_changed(self, t: float) -> None:
        self.inspector.follow_time(t)
        if not self.state.playing or self._replay is None or self._applied_until is None:
            return
        if self._inflight is not None or self._pending is not None:
            return  # a seek is being painted; it sets the new starting point
        t_abs = int(self._t0 + t)
        if t_abs <= self._applied_until:
            return
        # through the replay's event source: it keeps the decoded chunk, so a tick
        # costs the new events only, not a chunk decode (~1-2 ms at 60 ticks/s)
        events = list(self._replay.source.events_between(self._applied_index, t_abs))
        self._applied_until = t_abs
        if events:
            self._applied_index += len(events)
            self._follow_scroll(events)
            self.view.apply_events(events)

    def _follow_scroll(self, events: list[dict]) -> None:
        """Playing hands events to the view only (the mirror stays at the last seek, which
        is what makes a tick cheap), so note the document's scroll as it goes by: a new
        page's initial offset, and scroll events on the document. Recorded data is
        untrusted: anything that is not a number counts as 0."""
        live = self._live_scroll
        if live is None:
            root = getattr(getattr(self._mirror, "tree", None), "root", None)
            if root is None:
                return
            live = (root.id, *self.page_scroll)
        for e in events:
            d = e.get("data") if isinstance(e, dict) else None
            if not isinstance(d, dict):
                continue
            if e.get("type") == 2 and isinstance(d.get("node"), dict):
                off = d.get("initialOffset") if isinstance(d.get("initialOffset"), dict) else {}
                live = (d["node"].get("id"), _px(off.get("left")), _px(off.get("top")))
            elif e.get("type") == 3 and d.get("source") == 3 and d.get("id") == live[0]:
                live = (live[0], _px(d.get("x")), _px(d.get("y")))
        self._live_scroll = live


def _px(v) -> float:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) < 1e9 else 0.0
