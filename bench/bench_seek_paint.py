"""Seek benchmark end to end: from ``PlaybackState.seek`` to the frame painted in the page.

Usage::

    .venv/bin/python -m bench.bench_seek_paint [--seeks 200] [--seed 1] [--events 300000] [--fresh]

What it measures: the issue's target, "seek latency over a generated 10-minute and a
60-minute session, from the request to the frame being painted". The sessions and the
store are the ones of ``bench/bench_seek.py`` (its ``prepare_store`` is imported: a
60-minute session of ``--events`` events and a 10-minute one of the same density,
imported into ``bench/out/seek-store.db``, kept and reused unless ``--fresh``).

For each session, in a fresh child process (offscreen Qt, house style section 1):

1. a real ``PlayerPane`` on the store (shown, 1280x800) waits for its renderer page;
   the session's stored checkpoints and cached views (timeline and inspector rows) are
   deleted and it is opened with ``PlayerPane.open_session(session_info(db, sid))``
   (checkpoints and views built in one scan on the writer thread: timed until the first
   frame is painted and until the pane is idle: ready, timeline loaded, no frame in
   flight); then opened again (both loaded from the store: timed the same way);
2. random seeks: ``--seeks`` random moments over the whole session, one at a time:
   ``player.state.seek(t)``, then the Qt event loop runs (a local ``QEventLoop``, no
   sleeps) until ``player.framePainted(t)`` arrives. That signal is the page's own
   acknowledgement (``rd.ack``: image decodes, restore, then the next animation frame's
   rendering update, then a bridge call), so the latency covers the Python seek (checkpoint restore +
   ``frame_from_mirror``), sending the frame, building it in the page and painting it.
   The headline is later still (issue 16): the view draws each frame's token colour in its
   top-left corner (``ReplayView.set_frame_marker``) and the latency runs until a grab of the
   view widget, polled every 1 ms, shows it: the widget's own pixels. ``framePainted`` is
   kept as a diagnostic (``random_ack``). Drags still count ``framePainted``;
3. drags: ``state.begin_scrub()``, then a single-shot precise ``QTimer`` issues
   ``state.seek`` at 60 requests/s for 3 s (request k is due at start + k/60 s and
   moves 1 s of recording forward: 3 minutes of the session per drag; if the event
   loop was busy past a due time only the latest due request is issued, as Qt
   compresses mouse moves, and the merged ones are counted), then ``end_scrub()``.
   The player coalesces (latest wins); for each painted frame the latency runs from
   the ``state.seek`` call of the request it shows to its ``framePainted``. Three
   drags per session (one on the dashboard page, one crossing dashboard -> lab, one
   on the lab page), pooled;
4. the process's RSS (from /proc, ``bench/procmem.py``) after the seeks, and of its QtWebEngine helper
   processes (the renderer) beside it;
5. diagnostic passes (not part of the figures above): ``--seeks`` more random seeks
   with the Python part timed (``SessionReplay.seek``, ``frame_from_mirror``, the
   rest of the synchronous pump: JSON + ``runJavaScript``) and the page instrumented
   (``performance.now()`` around ``RD.load`` / ``RD.setState`` / ``RD.applyEvents`` /
   ``RD.ack``, the steps inside ``RD.ack`` and its animation frame, and the epoch
   time each call starts, to split off the IPC delay), by page; then ``--seeks`` random
   seeks with the timeline widget's painting switched on and off in blocks of 10.

Then both sessions are opened in one process (two panes, checkpoints cached) and their
random seeks and drags are interleaved one by one, so that load from other processes
hits both alike; the 60-min / 10-min p95 ratio is printed for both runs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "app"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from bench.bench_mirror import pct  # noqa: E402
from bench.bench_seek import SESSIONS, add_session_args, prepare_store, run_children, stats, vm_hwm_mb  # noqa: E402

WINDOW = (1280, 800)
DRAG_RATE = 60  # requests per second
DRAG_SECONDS = 3
DRAG_STEP_MS = 1000  # recording time per request: 180 requests = 3 minutes of the session
#: drag starts (minutes). Pages (bench_mirror): 5-min visits dashboard / lab / dashboard
#: repeated, so minutes 0-5 dash, 5-10 lab, 10-15 dash, 15-20 dash, 20-25 lab ... 55-60 dash.
#: Each session gets one drag on the dashboard, one crossing dashboard -> lab, one on the lab.
DRAG_STARTS = {"10-min": (0.5, 3.5, 6.5), "60-min": (56.5, 3.5, 36.5)}
KINDS = ("random", "drag")
TIMEOUT_S = 60.0


# --- parent ---------------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_session_args(ap)
    ap.add_argument("--no-pair", action="store_true", help="skip the interleaved run")
    ap.add_argument("--child", nargs=3, metavar=("DB", "SESSION", "LABEL"), help=argparse.SUPPRESS)
    ap.add_argument("--pair", metavar="DB", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(Path(args.child[0]), args.child[1], args.child[2], args.seeks, args.seed)
    if args.pair:
        return pair(Path(args.pair), args.seeks, args.seed)
    db_path = prepare_store(args)
    if db_path is None:
        return 2
    runs = [(label, ["--child", str(db_path), sid, label]) for label, _, sid in SESSIONS]
    if not args.no_pair:
        runs.append(("interleaved", ["--pair", str(db_path)]))
    results = run_children(Path(__file__), args, runs)
    if isinstance(results, int):
        return results
    print("--- summary")
    a, b = results["10-min"], results["60-min"]
    for label, r in (("10-min", a), ("60-min", b)):
        print(f"{label}: open (checkpoint build) {r['open_build']['idle_s']:.2f} s to idle, "
              f"{r['open_build']['first_frame_s']:.2f} s to the first frame; second open (cached) "
              f"{r['open_cached']['idle_s']:.2f} s to idle, {r['open_cached']['first_frame_s']:.2f} s to the first frame")
    for label, r in (("10-min", a), ("60-min", b)):
        print(f"{label}: random seeks {_fmt(r['random'])}  by page: {fmt_pages(r['random_pages'])}")
        print(f"{label}: drag         {_fmt(r['drag'])}  {r['drag']['fps']:.1f} frames/s, "
              f"{r['drag']['painted']} painted / {r['drag']['issued']} requests")
    pairs = [("separate runs", a, b)]
    if "interleaved" in results:
        pairs.append(("interleaved run", results["interleaved"]["10-min"], results["interleaved"]["60-min"]))
    for run, x, y in pairs:
        for kind in KINDS:
            ratio = y[kind]["p95"] / x[kind]["p95"]
            print(f"ratio 60-min p95 / 10-min p95, {kind:6s} {run:15s}: {y[kind]['p95']:6.1f} / "
                  f"{x[kind]['p95']:6.1f} ms = {ratio:.2f} (target <= 1.5)")
    for kind in KINDS:
        print(f"60-min p95 {kind:6s}: {b[kind]['p95']:.1f} ms (target < 100 ms)"
              + (f"; interleaved run {results['interleaved']['60-min'][kind]['p95']:.1f} ms"
                 if "interleaved" in results else ""))
    print(f"RSS with the 60-minute session open: {b['rss_mb']:.0f} MB (target < 500 MB; before opening it "
          f"{b['rss_before_mb']:.0f} MB); QtWebEngine "
          f"helper processes beside it {b['helpers_rss_mb']:.0f} MB RSS / {b['helpers_pss_mb']:.0f} MB PSS")
    return 0


# --- child: Qt helpers ----------------------------------------------------------------------

def _fmt(s: dict) -> str:
    return f"p50 {s['p50']:6.1f} ms  p95 {s['p95']:6.1f} ms  max {s['max']:6.1f} ms  (n={s['n']})"


def _qt_app():
    """Offscreen Qt with the replay scheme registered (house style section 1)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    from replaydesk.ui.qtenv import SOFTWARE_GL_FLAGS, chromium_flags, use_lean_defaults

    # the window's flags (prepare_qt_environment): software GL with WebGL on SwiftShader, no zygote
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", chromium_flags(SOFTWARE_GL_FLAGS))
    use_lean_defaults()  # as in the app: no OpenGL for the view, malloc thresholds (issue 16, memory)
    from replaydesk.ui.replay import register_scheme

    register_scheme()
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    return QApplication.instance() or QApplication([sys.argv[0]])


_LOOP: list = [None]


def wake() -> None:
    """Quit the loop ``spin_until`` is running, so it re-checks its predicate."""
    if _LOOP[0] is not None:
        _LOOP[0].quit()


def spin_until(pred, timeout_s: float = TIMEOUT_S, poll_ms: int | None = None, what: str = "") -> None:
    """Run the Qt event loop until ``pred()``: re-checked on every :func:`wake` (each painted
    frame, each JS result) and every ``poll_ms``. No sleeps."""
    from PySide6.QtCore import QEventLoop, QTimer

    if pred():
        return
    loop = QEventLoop()
    deadline = time.perf_counter() + timeout_s
    outer, _LOOP[0] = _LOOP[0], loop
    poll = None
    if poll_ms is not None:
        poll = QTimer()
        poll.setInterval(poll_ms)
        poll.timeout.connect(loop.quit)
        poll.start()
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(loop.quit)
    try:
        while not pred():
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"timed out waiting for {what or pred}")
            guard.start(max(1, int(left * 1000)))
            loop.exec()
    finally:
        guard.stop()
        if poll is not None:
            poll.stop()
        _LOOP[0] = outer


class Waiter:
    """``framePainted`` recorder: every painted ms with its time (perf_counter) and the view's
    frame token (its marker colour, :meth:`ReplayView.set_frame_marker`); wakes the loop."""

    def __init__(self, player):
        self.player = player
        self.painted: list[tuple[int, float]] = []
        self.tokens: list[int] = []
        player.framePainted.connect(self._on_painted)

    def _on_painted(self, ms: int) -> None:
        self.painted.append((ms, time.perf_counter()))
        self.tokens.append(self.player.view.last_painted_token)
        wake()

    def wait_pixels(self, i: int, timeout_s: float = 5.0) -> float | None:
        """perf_counter when the widget's own pixels (a grab of the view's top-left corner,
        polled every 1 ms) first show frame ``painted[i]``'s marker; None if they never do."""
        view, token = self.player.view, self.tokens[i]
        try:
            spin_until(lambda: view.marker_matches(token), timeout_s=timeout_s, poll_ms=1, what="the pixels")
        except TimeoutError:
            return None
        return time.perf_counter()

    def idle(self) -> bool:
        p = self.player
        return p._inflight is None and p._pending is None  # read only: no frame in flight or queued

    def close(self) -> None:
        self.player.framePainted.disconnect(self._on_painted)


def make_player(db):
    from replaydesk.ui.player import PlayerPane

    player = PlayerPane(db)
    player.resize(*WINDOW)
    player.show()
    player.view.set_frame_marker(True)  # the headline latency is read from the widget's pixels
    waiter = Waiter(player)
    # the page says "ready" through rendererReady: that wakes the wait (nothing else
    # would, so it used to sit out the whole timeout)
    player.view.rendererReady.connect(wake)
    try:
        spin_until(lambda: player.view.is_ready, poll_ms=50, what="the renderer page")
    finally:
        player.view.rendererReady.disconnect(wake)
    return player, waiter


def open_and_wait(player, waiter, info) -> dict:
    """``open_session`` timed: to the first painted frame, to ready (checkpoints), to idle."""
    marks: dict[str, float] = {}
    n0 = len(waiter.painted)
    t0 = time.perf_counter()

    def on_loaded():  # PlaybackState.load: the timeline (pool thread) reached the GUI
        marks.setdefault("timeline_s", time.perf_counter() - t0)
        wake()

    def check():
        now = time.perf_counter()
        if "ready_s" not in marks and player.ready:
            marks["ready_s"] = now - t0
        if "first_frame_s" not in marks and len(waiter.painted) > n0:
            marks["first_frame_s"] = waiter.painted[n0][1] - t0
        done = (player.ready and "timeline_s" in marks and player.state.duration > 0 and len(waiter.painted) > n0
                and waiter.idle())
        if done and "idle_s" not in marks:
            marks["idle_s"] = now - t0
        return done

    off = player.state.connect("session_changed", on_loaded)
    try:
        player.open_session(info)
        spin_until(check, timeout_s=600, poll_ms=5, what="the session to open")
    finally:
        off()
    return marks


def seek_and_wait(player, waiter, ms: int) -> tuple[float, float, float, float]:
    """One seek: (ms until the widget's pixels show it, ms spent synchronously in state.seek,
    perf_counter when framePainted arrived, ms until framePainted(ms)); returns once the pane
    is idle again. The pixels are the headline (what the user sees); ``framePainted``, the
    page's acknowledgement, comes earlier and is kept as a diagnostic."""
    n0 = len(waiter.painted)
    t0 = time.perf_counter()
    player.state.seek(ms)
    t_sync = time.perf_counter()

    def got():
        return any(m == ms for m, _ in waiter.painted[n0:])

    spin_until(got, what=f"frame {ms}")
    i = next(j for j in range(n0, len(waiter.painted)) if waiter.painted[j][0] == ms)
    t_paint = waiter.painted[i][1]
    t_pix = waiter.wait_pixels(i)
    if t_pix is None:  # never shown (a too-heavy note, a renderer restart): count the ack
        print(f"frame {ms}: the widget never showed it", flush=True)
        t_pix = t_paint
    spin_until(waiter.idle, what="idle")
    return (t_pix - t0) * 1000, (t_sync - t0) * 1000, t_paint, (t_paint - t0) * 1000


def page_of(player, ms: int) -> str:
    """The page shown at ``ms`` ("dashboard", "lab": the generator's two pages)."""
    info = player._info
    t_abs = info["started_at"] + ms
    url = info["pages"][0]["url"]
    for pg in info["pages"]:
        if pg["t_enter"] <= t_abs:
            url = pg["url"]
    return url.rsplit("/", 1)[-1].split(".")[0]


def by_page(player, times: list[int], lat: list[float]) -> dict:
    groups: dict[str, list[float]] = {}
    for t, x in zip(times, lat):
        groups.setdefault(page_of(player, t), []).append(x)
    return {k: stats(v) for k, v in sorted(groups.items())}


def fmt_pages(groups: dict) -> str:
    return "; ".join(f"{k}: p50 {v['p50']:.1f} p95 {v['p95']:.1f} ms (n={v['n']})" for k, v in groups.items())


def random_times(duration: float, n: int, seed: int) -> list[int]:
    rnd = random.Random(seed)
    return [rnd.randint(0, int(duration)) for _ in range(n)]


def drag(player, waiter, start_ms: int) -> dict:
    """One 3-s drag at 60 requests/s; latency of each painted frame from its request."""
    from PySide6.QtCore import Qt, QTimer

    n = DRAG_RATE * DRAG_SECONDS
    state = player.state
    requested: dict[int, float] = {}  # ms -> perf_counter of its state.seek call
    due_at: dict[int, float] = {}  # ms -> when the request was due (the "mouse" got there)
    lag: list[float] = []  # ms between the oldest due request's time and the state.seek call
    box = {"next": 0, "merged": 0, "done": False}
    n0 = len(waiter.painted)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    t_start = time.perf_counter()

    def tick():
        now = time.perf_counter()
        due = min(n - 1, int((now - t_start) * DRAG_RATE))
        if due >= box["next"]:
            box["merged"] += due - box["next"]
            ms = min(int(state.duration), start_ms + due * DRAG_STEP_MS)
            lag.append((now - (t_start + box["next"] / DRAG_RATE)) * 1000)  # oldest waiting request
            due_at[ms] = t_start + due / DRAG_RATE
            requested[ms] = time.perf_counter()
            state.seek(ms)
            box["next"] = due + 1
        if box["next"] >= n:
            box["done"] = True
            state.end_scrub()
            return
        wait = t_start + box["next"] / DRAG_RATE - time.perf_counter()
        timer.start(max(0, math.ceil(wait * 1000)))

    timer.timeout.connect(tick)
    state.begin_scrub()
    tick()
    last_ms = min(int(state.duration), start_ms + (n - 1) * DRAG_STEP_MS)
    spin_until(lambda: box["done"] and any(m == last_ms for m, _ in waiter.painted[n0:]), what="the drag")
    spin_until(waiter.idle, what="idle")
    timer.timeout.disconnect(tick)
    frames = [(m, t) for m, t in waiter.painted[n0:] if m in requested]
    lat = [(t - requested[m]) * 1000 for m, t in frames]
    lat_due = [(t - due_at[m]) * 1000 for m, t in frames]
    t_end = frames[-1][1]
    return {"lat": lat, "lat_due": lat_due, "issued": len(requested), "merged": box["merged"],
            "painted": len(frames), "seconds": t_end - t_start, "lag": lag}


def drags(player, waiter, label: str) -> list[dict]:
    return [drag(player, waiter, int(m * 60_000)) for m in DRAG_STARTS[label]]


def pool_drags(runs: list[dict]) -> dict:
    lat = [x for r in runs for x in r["lat"]]
    s = stats(lat)
    s["issued"] = sum(r["issued"] for r in runs)
    s["painted"] = sum(r["painted"] for r in runs)
    s["merged"] = sum(r["merged"] for r in runs)
    s["fps"] = s["painted"] / sum(r["seconds"] for r in runs)
    lag = [x for r in runs for x in r["lag"]]
    s["due_p95"] = pct([x for r in runs for x in r["lat_due"]], 95)
    s["lag_p95"] = pct(lag, 95)
    s["lag_max"] = max(lag)
    return s


def describe_drag(label: str, s: dict) -> str:
    starts = ", ".join(f"{m:g}" for m in DRAG_STARTS[label])
    return (f"drags ({len(DRAG_STARTS[label])} x {DRAG_SECONDS} s at {DRAG_RATE} requests/s, "
            f"{DRAG_STEP_MS} ms of recording per request, from minute {starts}): painted-frame latency {_fmt(s)}; "
            f"{s['painted']} frames painted of {s['issued']} requests ({s['issued'] - s['painted']} coalesced by the "
            f"player, {s['merged']} more merged by a late timer), {s['fps']:.1f} frames/s; "
            f"the GUI thread issued requests late by p95 {s['lag_p95']:.1f} ms, max {s['lag_max']:.1f} ms (latency "
            f"from the due time instead of the state.seek call: p95 {s['due_p95']:.1f} ms)")


class GcPauses:
    """Durations of the cyclic GC's collections (``gc.callbacks``), by generation."""

    def __init__(self):
        import gc

        self._gc = gc
        self._t0 = 0.0
        self.pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
        gc.callbacks.append(self._cb)

    def _cb(self, phase, info):
        if phase == "start":
            self._t0 = time.perf_counter()
        else:
            self.pauses[info["generation"]].append((time.perf_counter() - self._t0) * 1000)

    def take(self) -> dict[int, list[float]]:
        out, self.pauses = self.pauses, {0: [], 1: [], 2: []}
        return out

    def close(self) -> None:
        self._gc.callbacks.remove(self._cb)


def fmt_gc(p: dict[int, list[float]]) -> str:
    parts = []
    for g in (0, 1, 2):
        v = p[g]
        parts.append(f"gen{g} x{len(v)}" + (f" (max {max(v):.1f} ms, total {sum(v):.0f} ms)" if v else ""))
    return ", ".join(parts)


def helper_memory() -> tuple[float, float]:
    """RSS and PSS (MB) of the QtWebEngine helper processes (renderer, GPU/utility, zygote)."""
    from bench.procmem import helpers_mb

    return helpers_mb()


def close_players(app, players) -> None:
    """player.shutdown(), then the widget; let Qt delete them before the interpreter exits."""
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent

    from replaydesk.ui.tasks import wait_all

    for player, waiter in players:
        waiter.close()
        player.shutdown()
        player.close()
    wait_all()
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()
    for player, _ in players:
        shiboken6.delete(player)
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()


# --- child: diagnostics ---------------------------------------------------------------------

#: wraps the page's RD entry points with performance.now() timing (RD is mutable; rd calls RD.x)
_JS_INSTRUMENT = r"""
(function () {
  if (window.__rdProf) return true;
  const P = (window.__rdProf = { rows: [], cur: null });
  const epoch = () => performance.timeOrigin + performance.now();
  function wrap(name) {
    const orig = RD[name];
    RD[name] = function () {
      const t0 = performance.now();
      if (name === 'load') P.cur = { recv: epoch() };
      try { return orig.apply(this, arguments); }
      finally { if (P.cur) P.cur[name] = (P.cur[name] || 0) + performance.now() - t0; }
    };
  }
  ['load', 'setState', 'applyEvents'].forEach(wrap);
  // the animation frame RD.ack waits for (its callback is named rdPaintFrame); and, for
  // comparison, when the frame after it starts (the former double-rAF ack point; not waited for)
  const rafs = [];
  const origRaf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = function (cb) {
    if (cb.name !== 'rdPaintFrame') return origRaf(cb);
    const rec = { req: performance.now() };
    rafs.push(rec);
    return origRaf(function (ts) {
      rec.fire = performance.now();
      origRaf(() => { rec.following = performance.now(); });
      return cb(ts);
    });
  };
  // the steps inside RD.ack: waits -> restoreScrolls/Inputs/Selection -> settle -> refreshHover
  let inAck = null;
  const mark = (obj, name, before, after) => {
    const orig = obj[name];
    obj[name] = function () {
      if (inAck && before && !(before in inAck)) inAck[before] = performance.now();
      try { return orig.apply(this, arguments); }
      finally { if (inAck && after) inAck[after] = performance.now(); }
    };
  };
  mark(RD, 'restoreScrolls', 'wEnd', null);
  mark(RD, 'restoreSelection', null, 'rEnd');
  mark(RD.cursor, 'refreshHover', 'hStart', 'hEnd');
  const origAck = RD.ack;
  RD.ack = async function (token, opts) {
    const row = P.cur || {};
    P.cur = null;
    row.ackStart = epoch();
    const t0 = performance.now();
    rafs.length = 0;
    const m = (inAck = {});
    // what RD.ack will wait for, timed separately (the same promises: fonts.ready, RD.pending)
    const docs = [];
    const stack = RD.topDocument() ? [RD.topDocument()] : [];
    while (stack.length) {
      const d = stack.pop();
      docs.push(d);
      for (const f of d.querySelectorAll('iframe')) { try { if (f.contentDocument) stack.push(f.contentDocument); } catch (e) {} }
    }
    const fonts = [], imgs = [];
    for (const d of docs) {
      for (const img of d.images) if (!img.complete && img.getAttribute('src')) imgs.push(img);
      if (d.fonts && d.fonts.status !== 'loaded') fonts.push(d.fonts.ready);
    }
    const pend = Array.from(RD.pending);
    row.nImg = imgs.length; row.nFonts = fonts.length; row.nPending = pend.length;
    if (fonts.length) Promise.allSettled(fonts).then(() => { row.fontsDone = performance.now() - t0; });
    if (pend.length) Promise.allSettled(pend).then(() => { row.pendingDone = performance.now() - t0; });
    const r = await origAck.call(this, token, opts);
    inAck = null;
    const t1 = performance.now();
    row.ack = t1 - t0;
    if ('wEnd' in m && 'hEnd' in m) {
      row.ackWaits = m.wEnd - t0;
      row.ackRestore = m.rEnd - m.wEnd;
      row.ackSettle = m.hStart - m.rEnd;
      row.ackHover = m.hEnd - m.hStart;
    }
    if (rafs.length >= 1) {
      const f = rafs[0];
      row.ackPre = f.req - t0;  // decodes, restore, settle, hover, sentinel
      row.raf1 = f.fire - f.req;  // until the next animation frame starts
      row.ackPost = t1 - f.fire;  // that frame's rendering update (style, layout, paint, commit)
      // filled in when the following frame starts (after the ack): read with the other rows later
      const fill = () => (f.following ? (row.raf2 = f.following - f.fire) : setTimeout(fill, 20));
      fill();
    }
    row.posted = epoch();
    row.token = token;
    row.nodes = RD.mirror.nodes.size;
    P.rows.push(row);
    return r;
  };
  return true;
})()
"""


def js_eval(player, code: str):
    box = {}

    def done(v):
        box["v"] = v
        wake()

    player.view.run_javascript(code, done)
    spin_until(lambda: "v" in box, what="runJavaScript")
    return box["v"]


def diagnose(player, waiter, label: str, n_seeks: int, seed: int) -> dict:
    """Random seeks with the Python part and the page's part timed separately."""
    import replaydesk.ui.player as player_mod

    replay = player._replay
    view = player.view
    rec: dict = {}
    orig_seek, orig_frame, orig_load = replay.seek, player_mod.frame_from_mirror, view.load_snapshot

    def timed_seek(*a, **k):
        t = time.perf_counter()
        try:
            return orig_seek(*a, **k)
        finally:
            rec["py_seek"] = (time.perf_counter() - t) * 1000

    def timed_frame(*a, **k):
        t = time.perf_counter()
        try:
            return orig_frame(*a, **k)
        finally:
            rec["py_frame"] = (time.perf_counter() - t) * 1000

    def sized_load(node, *a, **k):
        rec["sent"] = time.perf_counter()
        return orig_load(node, *a, **k)

    to_epoch = time.time() - time.perf_counter()  # perf_counter -> epoch s (the page's clock is epoch ms)

    js_eval(player, _JS_INSTRUMENT)
    js_eval(player, "(window.__rdProf.rows = [], true)")
    replay.seek, player_mod.frame_from_mirror, view.load_snapshot = timed_seek, timed_frame, sized_load
    rows = []
    times = random_times(player.state.duration, n_seeks, seed + 99)
    try:
        for ms in times:
            rec.clear()
            _, sync, t_paint, total = seek_and_wait(player, waiter, ms)
            rows.append({"total": total, "sync": sync, **rec, "sent_epoch": (rec["sent"] + to_epoch) * 1000,
                         "recv_epoch": (t_paint + to_epoch) * 1000})
    finally:
        del replay.seek
        del view.load_snapshot
        player_mod.frame_from_mirror = orig_frame
    page = js_eval(player, "JSON.stringify(window.__rdProf.rows)")
    page = json.loads(page)
    if len(page) != len(rows):
        print(f"{label}: diagnostics: {len(page)} page rows for {len(rows)} seeks; skipped", flush=True)
        return {}
    keys = ("total", "py_seek", "py_frame", "py_send", "ipc", "js_load", "js_state", "js_ack", "ackPre", "ackWaits",
            "nImg", "nFonts", "nPending", "fontsDone", "pendingDone", "ackRestore", "ackSettle", "ackHover", "raf1",
            "ackPost", "raf2", "to_python", "nodes")
    per_seek = []
    for r, pg in zip(rows, page):
        d = {"total": r["total"], "py_seek": r["py_seek"], "py_frame": r["py_frame"],
             "py_send": r["sync"] - r["py_seek"] - r["py_frame"],
             "ipc": pg["recv"] - r["sent_epoch"],  # Python load_snapshot call -> RD.load starts
             "js_load": pg.get("load", 0.0),
             "js_state": pg.get("setState", 0.0) + pg.get("applyEvents", 0.0)
             + max(0.0, pg["ackStart"] - pg["recv"] - pg.get("load", 0.0) - pg.get("setState", 0.0)
                   - pg.get("applyEvents", 0.0)),
             "js_ack": pg["ack"], "to_python": r["recv_epoch"] - pg["posted"], "nodes": pg["nodes"]}
        d.update({k: pg[k] for k in keys if k in pg and k not in d})
        per_seek.append(d)
    names = {"total": "total (request -> framePainted)", "py_seek": "Python SessionReplay.seek",
             "py_frame": "Python frame_from_mirror", "py_send": "Python rest of the pump (JSON + runJavaScript)",
             "ipc": "load_snapshot call -> RD.load starts (JSON, IPC, JS parse)",
             "js_load": "page RD.load (build the DOM)",
             "js_state": "page setState + applyEvents (+ gaps until ack)",
             "js_ack": "page RD.ack (waits, restore, settle, the next animation frame)",
             "ackPre": "  of which: until the rAF is asked:",
             "ackWaits": "    - waiting for image decodes, fonts, RD.pending",
             "nImg": "      images still decoding (count)", "nFonts": "      documents with fonts loading (count)",
             "nPending": "      RD.pending promises: canvas work (count)",
             "fontsDone": "      fonts.ready resolved after (when waited for)",
             "pendingDone": "      RD.pending settled after (when waited for)",
             "ackRestore": "    - restore scrolls, inputs, selection",
             "ackSettle": "    - settle animations (getAnimations: style recalc)",
             "ackHover": "    - cursor.refreshHover",
             "raf1": "  of which: rAF asked -> fires (next frame starts)",
             "ackPost": "  of which: rAF -> ack (that frame rendered: style, layout, paint)",
             "raf2": "  (not waited for: rAF -> the following frame starts)",
             "to_python": "bridge post -> framePainted in Python", "nodes": "nodes in the page (count)"}
    pages = [page_of(player, t) for t in times]
    groups = {"all": per_seek}
    for name in sorted(set(pages)):
        groups[name] = [d for d, pg_name in zip(per_seek, pages) if pg_name == name]
    out: dict = {}
    head = "".join(f"{g + f' (n={len(rs)})':>22s}" for g, rs in groups.items())
    print(f"{label}: diagnostics, {n_seeks} more random seeks, instrumented; p50 / p95 in ms:", flush=True)
    print(f"    {'':62s}{head}", flush=True)
    for k in keys:
        cells = []
        for g, rs in groups.items():
            v = [d[k] for d in rs if k in d]
            if not v:
                cells.append(f"{'-':>22s}")
                continue
            st = {"p50": pct(v, 50), "p95": pct(v, 95), "max": max(v), "n": len(v)}
            out.setdefault(g, {})[k] = st
            cells.append(f"{st['p50']:10.1f} / {st['p95']:7.1f}")
        print(f"    {names[k]:62s}{''.join(cells)}", flush=True)
    return out


def timeline_ab(player, waiter, label: str, n_seeks: int, seed: int) -> dict:
    """Random seeks with the timeline widget's painting on / off in alternate blocks of 10
    (``setUpdatesEnabled``: no layout change), to show what its repaints cost the seek."""
    full = []
    for _ in range(3):
        t = time.perf_counter()
        player.timeline.grab()
        full.append((time.perf_counter() - t) * 1000)
    groups: dict[bool, tuple[list[int], list[float]]] = {True: ([], []), False: ([], [])}
    try:
        for i, ms in enumerate(random_times(player.state.duration, n_seeks, seed + 7)):
            on = (i // 10) % 2 == 0
            player.timeline.setUpdatesEnabled(on)
            groups[on][0].append(ms)
            groups[on][1].append(seek_and_wait(player, waiter, ms)[0])
    finally:
        player.timeline.setUpdatesEnabled(True)
    out = {"full_paint_ms": sorted(full)[1]}
    print(f"{label}: timeline widget: one full repaint (grab) {out['full_paint_ms']:.1f} ms", flush=True)
    for on in (True, False):
        times, lat = groups[on]
        out["on" if on else "off"] = {"all": stats(lat), **by_page(player, times, lat)}
        print(f"{label}: random seeks with the timeline widget painting {'on ' if on else 'off'}: "
              f"p50 {pct(lat, 50):.1f} p95 {pct(lat, 95):.1f} ms (n={len(lat)}); by page: "
              f"{fmt_pages(by_page(player, times, lat))}", flush=True)
    return out


# --- child: one session ---------------------------------------------------------------------

def child(db_path: Path, sid: str, label: str, n_seeks: int, seed: int) -> int:
    from bench.procmem import rss_mb

    app = _qt_app()
    from replaydesk.store import open_store, session_info
    from replaydesk.store.checkpoints_table import delete_checkpoints
    from replaydesk.store.derived import delete_derived

    db = open_store(db_path)
    n_events, dur = db.conn.execute("SELECT event_count, duration_ms FROM sessions WHERE id = ?", (sid,)).fetchone()
    print(f"--- {label} session: {n_events:,} events, {dur / 60_000:.1f} min", flush=True)
    player, waiter = make_player(db)
    out: dict = {}
    gcp = GcPauses()
    try:
        out["rss_before_mb"] = rss_mb()
        helpers_before = helper_memory()
        print(f"{label}: before opening the session (pane shown, renderer page ready): RSS {out['rss_before_mb']:.0f} MB; "
              f"QtWebEngine helper processes {helpers_before[0]:.0f} MB RSS / {helpers_before[1]:.0f} MB PSS",
              flush=True)
        with db.conn:
            delete_checkpoints(db, sid)
            delete_derived(db, sid)  # the cached timeline and inspector rows too: a true first open
        assert db.conn.execute("SELECT count(*) FROM checkpoints WHERE session_id = ?", (sid,)).fetchone()[0] == 0
        out["open_build"] = open_and_wait(player, waiter, session_info(db, sid))
        out["open_cached"] = open_and_wait(player, waiter, session_info(db, sid))
        for key, what in (("open_build", "first open (checkpoint build)"), ("open_cached", "second open (cached)")):
            m = out[key]
            print(f"{label}: {what}: first frame painted {m['first_frame_s']:.2f} s, checkpoints ready "
                  f"{m['ready_s']:.2f} s, timeline loaded {m['timeline_s']:.2f} s, idle {m['idle_s']:.2f} s",
                  flush=True)

        gcp.take()
        lat, sync, ack = [], [], []
        times = random_times(player.state.duration, n_seeks, seed)
        for ms in times:
            a, b, _, c = seek_and_wait(player, waiter, ms)
            lat.append(a)
            sync.append(b)
            ack.append(c)
        out["random"] = stats(lat)
        out["random_ack"] = stats(ack)
        out["random_sync"] = stats(sync)
        out["random_pages"] = by_page(player, times, lat)
        lag = [a - c for a, c in zip(lat, ack)]
        out["ack_to_pixels"] = stats(lag)
        print(f"{label}: {n_seeks} random seeks, request -> the widget's pixels: {_fmt(out['random'])}; "
              f"request -> framePainted (the page's ack): {_fmt(out['random_ack'])}; framePainted -> pixels "
              f"p50 {pct(lag, 50):.1f} p95 {pct(lag, 95):.1f} ms; "
              f"synchronous in state.seek (Python): p50 {pct(sync, 50):.1f} p95 {pct(sync, 95):.1f} ms; "
              f"by page: {fmt_pages(out['random_pages'])}", flush=True)
        print(f"{label}: cyclic GC during the random seeks: {fmt_gc(gcp.take())}", flush=True)

        out["drag"] = pool_drags(drags(player, waiter, label))
        print(f"{label}: {describe_drag(label, out['drag'])}", flush=True)
        print(f"{label}: cyclic GC during the drags: {fmt_gc(gcp.take())}", flush=True)

        out["rss_mb"] = rss_mb()
        out["peak_rss_mb"] = vm_hwm_mb()
        out["helpers_rss_mb"], out["helpers_pss_mb"] = helper_memory()
        print(f"{label}: RSS with the session open (after the seeks) {out['rss_mb']:.0f} MB (process peak "
              f"{out['peak_rss_mb']:.0f} MB, incl. the checkpoint build); QtWebEngine helper processes "
              f"{out['helpers_rss_mb']:.0f} MB RSS / {out['helpers_pss_mb']:.0f} MB PSS", flush=True)

        out["diag"] = diagnose(player, waiter, label, n_seeks, seed)
        out["timeline_ab"] = timeline_ab(player, waiter, label, n_seeks, seed)
    finally:
        gcp.close()
        close_players(app, [(player, waiter)])
        db.conn.close()
    print(json.dumps(out), flush=True)
    return 0


def pair(db_path: Path, n_seeks: int, seed: int) -> int:
    """Both sessions in one process (two panes), seeks and drags interleaved one by one."""
    app = _qt_app()
    from replaydesk.store import open_store, session_info

    db = open_store(db_path)
    panes = {}
    try:
        for label, _, sid in SESSIONS:
            player, waiter = make_player(db)
            panes[label] = (player, waiter)
            open_and_wait(player, waiter, session_info(db, sid))
            assert player._replay.status == "cached", player._replay.status
        times = {label: random_times(p.state.duration, n_seeks, seed) for label, (p, _) in panes.items()}
        lat: dict[str, list[float]] = {label: [] for label in panes}
        order = list(panes)
        for i in range(n_seeks):
            for label in (order if i % 2 else order[::-1]):
                player, waiter = panes[label]
                lat[label].append(seek_and_wait(player, waiter, times[label][i])[0])
        runs: dict[str, list[dict]] = {label: [] for label in panes}
        for j in range(3):
            for label in (order if j % 2 else order[::-1]):
                player, waiter = panes[label]
                runs[label].append(drag(player, waiter, int(DRAG_STARTS[label][j] * 60_000)))
        out = {}
        for label, (player, _) in panes.items():
            out[label] = {"random": stats(lat[label]), "drag": pool_drags(runs[label]),
                          "random_pages": by_page(player, times[label], lat[label])}
            print(f"interleaved {label}: {n_seeks} random seeks: {_fmt(out[label]['random'])}; by page: "
                  f"{fmt_pages(out[label]['random_pages'])}", flush=True)
            print(f"interleaved {label}: {describe_drag(label, out[label]['drag'])}", flush=True)
    finally:
        close_players(app, list(panes.values()))
        db.conn.close()
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
