"""Seek benchmark through the store: does a seek cost the same in an hour-long session
as in a 10-minute one, anywhere in it?

Usage::

    .venv/bin/python -m bench.bench_seek [--events 300000] [--seeks 200] [--seed 1] [--fresh]

What it does (Python side only: no Qt, no rendering):

1. Generates a 60-minute session of ``--events`` events and a 10-minute session with
   the same event density (``--short-events``, default 1/6 of it) with the generator
   of ``bench/bench_mirror.py`` (imported: real corpus page visits of 5 minutes,
   dashboard / lab / dashboard repeated, incremental events repeated with fresh ids;
   see its docstring), writes each as an archive folder (``<id>/events.json`` +
   ``meta.json``) and imports it with ``replaydesk.store.import_paths`` into
   ``bench/out/seek-store.db`` (kept and reused unless ``--fresh``).
2. For each session, in a fresh child process (so memory figures are its own):
   deletes any stored checkpoints, opens it with ``open_session_replay`` (builds and
   stores the checkpoints: timed), opens it again (loaded from the store: timed),
   then times ``SessionReplay.seek``:
   * ``--seeks`` random seeks over the whole session (one replay object, so the
     keyframe cache is warm as while scrubbing; no ``current``: every seek restores);
   * as many random seeks in the session's last dashboard minute (minute 4-5 of the
     10-minute session, 58-59 of the hour: same page, different position);
   * drags: 60 seeks/s for 3 s = 180 monotonic nearby seeks, each reusing the previous
     mirror as ``current``, time advancing 333 ms per seek (60 s of recording in 3 s);
     three drags (start, middle, last dashboard minute), pooled;
   * the GC effect (``pause_gc`` off/on, and the deferred collection after the seek);
   and prints RSS with the session open (psutil) and the process's peak RSS (VmHWM).
3. Runs the same three workloads on both sessions again in one process, interleaving
   their seeks one by one (load from other processes then hits both alike), and prints
   the ratios 60-min p95 / 10-min p95 of both runs (target <= 1.5).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "app"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import orjson  # noqa: E402

from bench.bench_mirror import CORPUS, build_session, pct  # noqa: E402

OUT = ROOT / "bench" / "out"
SESSIONS = (("10-min", 10, "bench_seek_10min"), ("60-min", 60, "bench_seek_60min"))
#: where the same-page comparisons happen (minutes from the start; all on the dashboard page:
#: the generator's visits are 5 min each, dashboard / lab / dashboard repeated): the last
#: dashboard minute of each session, and the start of the three drags
LATE_WINDOW = {"10-min": (4, 5), "60-min": (58, 59)}
DRAG_STARTS = {"10-min": (0.5, 2.0, 3.5), "60-min": (0.5, 30.5, 58.0)}
KINDS = ("random", "late", "drag")
DRAG_SEEKS = 180
DRAG_STEP_MS = 1000 // 60 * 20  # a fast scrub: 60 s of recording in 3 s of dragging


# --- parent: generate and import ------------------------------------------------------------

def make_store(db_path: Path, events_long: int, events_short: int, fresh: bool) -> None:
    from replaydesk.store import import_paths, open_store

    if fresh and db_path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
    db = open_store(db_path)
    have = {r[0] for r in db.conn.execute("SELECT id FROM sessions")}
    for label, minutes, sid in SESSIONS:
        if sid in have:
            print(f"{label}: reusing {sid} from {db_path.name} (--fresh to regenerate)")
            continue
        n = events_long if minutes == 60 else events_short
        t1 = time.perf_counter()
        events, _ = build_session(minutes, n)
        folder = OUT / "seek-archive" / sid
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "events.json").write_bytes(orjson.dumps(events))
        (folder / "meta.json").write_bytes(orjson.dumps({"sessionId": sid}))
        span = (events[-1]["timestamp"] - events[0]["timestamp"]) / 60_000
        print(f"{label}: generated {len(events):,} events over {span:.1f} min in {time.perf_counter() - t1:.1f} s")
        del events
        t1 = time.perf_counter()
        report = import_paths(db, [folder])
        assert report.added == [sid], (report.rejected, report.skipped)
        print(f"{label}: imported in {time.perf_counter() - t1:.1f} s ({report.summary_line()})")
        shutil.rmtree(folder)
    db.conn.close()


def add_session_args(ap: argparse.ArgumentParser) -> None:
    """Options shared with bench_seek_paint: the generated sessions and the seek counts."""
    ap.add_argument("--events", type=int, default=300_000, help="events of the 60-minute session")
    ap.add_argument("--short-events", type=int, default=None,
                    help="events of the 10-minute one (default: same density)")
    ap.add_argument("--seeks", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fresh", action="store_true", help="regenerate the sessions and the store")


def prepare_store(args) -> Path | None:
    """The store with both generated sessions (built once, reused unless ``--fresh``)."""
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return None
    OUT.mkdir(parents=True, exist_ok=True)
    db_path = OUT / "seek-store.db"
    make_store(db_path, args.events, args.short_events or args.events // 6, args.fresh)
    return db_path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_session_args(ap)
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
    runs.append(("interleaved", ["--pair", str(db_path)]))
    results = run_children(Path(__file__), args, runs)
    if isinstance(results, int):
        return results
    for run, (a, b) in (("separate runs", (results["10-min"], results["60-min"])),
                        ("interleaved run", (results["interleaved"]["10-min"], results["interleaved"]["60-min"]))):
        for kind in KINDS:
            ratio = b[kind]["p95"] / a[kind]["p95"]
            print(f"ratio 60-min p95 / 10-min p95, {KIND_LABEL[kind]:22s} {run:15s}: {b[kind]['p95']:6.2f} / "
                  f"{a[kind]['p95']:6.2f} ms = {ratio:.2f} (target <= 1.5)")
    b = results["60-min"]
    print(f"RSS with the 60-minute session open: {b['rss_mb']:.0f} MB (target < 500 MB; "
          f"peak of that process incl. the checkpoint build: {b['peak_rss_mb']:.0f} MB)")
    return 0


# --- child: measure one session ---------------------------------------------------------------

KIND_LABEL = {"random": "random seeks", "late": "last-dashboard-minute", "drag": "drag seeks"}


def stats(times: list[float]) -> dict:
    return {"p50": pct(times, 50), "p95": pct(times, 95), "max": max(times), "n": len(times)}


def _fmt(s: dict) -> str:
    return f"p50 {s['p50']:6.2f} ms  p95 {s['p95']:6.2f} ms  max {s['max']:6.2f} ms  (n={s['n']})"


def vm_hwm_mb() -> float:
    """Peak RSS of this process (VmHWM is reset by exec, unlike ru_maxrss; Linux only)."""
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    return float("nan")


def run_children(script: Path, args, runs: list[tuple[str, list[str]]]) -> dict | int:
    """Run ``script`` once per ``(label, extra args)`` in a fresh process (with this run's
    ``--seeks``/``--seed``), streaming its lines as they come; its last line starting
    with ``{`` is its JSON result. Returns ``{label: result}``, or the exit code of the
    first child that failed."""
    results = {}
    for label, extra in runs:
        cmd = [sys.executable, str(Path(script).resolve()), "--seeks", str(args.seeks), "--seed", str(args.seed),
               *extra]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        last = None
        for ln in proc.stdout:
            if ln.startswith("{"):
                last = ln
            else:
                print(ln, end="", flush=True)
        err = proc.stderr.read()
        rc = proc.wait()
        if rc or last is None:
            print(err, file=sys.stderr)
            print(f"{label}: child exited with {rc}", file=sys.stderr)
            return rc or 1
        results[label] = json.loads(last)
    return results


def random_seeks(replay, rnd: random.Random, n: int, lo: int, hi: int):
    """Yields (ms, events applied) of ``n`` seeks to random moments in [lo, hi], no ``current``."""
    src = replay.source
    for _ in range(n):
        t = rnd.randint(lo, hi)
        s0 = src.events_served
        t1 = time.perf_counter()
        replay.seek(t)
        yield (time.perf_counter() - t1) * 1000, src.events_served - s0


def drags(replay, starts_min):
    """Yields (ms, events applied) of drags of DRAG_SEEKS forward seeks reusing ``current``."""
    src = replay.source
    for start_min in starts_min:
        t = replay.first_ts + int(start_min * 60_000)
        m = replay.seek(t)
        for _ in range(DRAG_SEEKS):
            t += DRAG_STEP_MS
            s0 = src.events_served
            t1 = time.perf_counter()
            m = replay.seek(t, current=m)
            yield (time.perf_counter() - t1) * 1000, src.events_served - s0


def workloads(label: str, replay, n_seeks: int, seed: int) -> dict:
    lo, hi = replay.first_ts, replay.last_ts
    w_lo, w_hi = (replay.first_ts + m * 60_000 for m in LATE_WINDOW[label])
    return {
        "random": random_seeks(replay, random.Random(seed), n_seeks, lo, hi),
        "late": random_seeks(replay, random.Random(seed + 1), n_seeks, w_lo, w_hi),
        "drag": drags(replay, DRAG_STARTS[label]),
    }


def describe(label: str, kind: str, n_seeks: int) -> str:
    if kind == "random":
        return f"{n_seeks} random seeks over the whole session"
    if kind == "late":
        a, b = LATE_WINDOW[label]
        return f"{n_seeks} random seeks in minute {a}-{b} (dashboard)"
    starts = ", ".join(f"{m:g}" for m in DRAG_STARTS[label])
    return f"drags ({len(DRAG_STARTS[label])} x {DRAG_SEEKS} seeks at 60/s reusing current, from minute {starts})"


def _drain(gen) -> tuple[dict, list[int]]:
    times, applied = [], []
    for ms, n in gen:
        times.append(ms)
        applied.append(n)
    return stats(times), applied


def pair(db_path: Path, n_seeks: int, seed: int) -> int:
    """Both sessions open in one process, their seeks interleaved one by one, so that
    load from other processes on the machine hits both alike (for the ratio)."""
    from replaydesk.replay.session import open_session_replay
    from replaydesk.store import open_store

    db = open_store(db_path)
    replays = {label: open_session_replay(db, sid) for label, _, sid in SESSIONS}
    assert all(r.status == "cached" for r in replays.values())
    out: dict = {label: {} for label in replays}
    loads = {label: workloads(label, r, n_seeks, seed) for label, r in replays.items()}
    for kind in KINDS:
        live = {label: loads[label][kind] for label in replays}
        samples: dict[str, list] = {label: [] for label in live}
        k = 0
        while live:
            order = list(live) if k % 2 else list(reversed(live))
            k += 1
            for label in order:
                try:
                    samples[label].append(next(live[label]))
                except StopIteration:
                    del live[label]
        for label, rows in samples.items():
            out[label][kind] = stats([ms for ms, _ in rows])
            print(f"interleaved {label}: {describe(label, kind, n_seeks)}: {_fmt(out[label][kind])}")
    print(json.dumps(out))
    db.conn.close()
    return 0


def child(db_path: Path, sid: str, label: str, n_seeks: int, seed: int) -> int:
    import psutil

    from replaydesk.replay.session import open_session_replay
    from replaydesk.store import open_store
    from replaydesk.store.checkpoints_table import delete_checkpoints

    proc = psutil.Process()
    db = open_store(db_path)
    delete_checkpoints(db, sid)
    n_events, chunk_bytes, dur = db.conn.execute(
        "SELECT event_count, events_bytes, duration_ms FROM sessions WHERE id = ?", (sid,)).fetchone()
    print(f"--- {label} session: {n_events:,} events, {dur / 60_000:.1f} min, "
          f"event chunks {chunk_bytes / 1e6:.2f} MB (zstd)")

    t1 = time.perf_counter()
    built = open_session_replay(db, sid)
    t_open_build = time.perf_counter() - t1
    cps = built.checkpoints
    keys = sum(c.is_keyframe for c in cps)
    cp_bytes = built.checkpoint_bytes
    print(f"{label}: checkpoint build (first open: stream events from the store, apply, checkpoint, store) "
          f"{built.build_seconds:.2f} s ({n_events / built.build_seconds:,.0f} events/s; "
          f"open total {t_open_build:.2f} s)"
          f", {len(cps)} checkpoints ({keys} keyframes), status {built.status}, saved {built.saved}")
    print(f"{label}: checkpoint bytes {cp_bytes / 1e6:.2f} MB vs compressed event chunks "
          f"{chunk_bytes / 1e6:.2f} MB = {cp_bytes / chunk_bytes:.1%} (target < 30%)")
    del built, cps

    t1 = time.perf_counter()
    replay = open_session_replay(db, sid)
    t_open = time.perf_counter() - t1
    assert replay.status == "cached", replay.status
    print(f"{label}: second open (checkpoints loaded from the store) {t_open * 1000:.1f} ms")

    out: dict = {}
    for kind, gen in workloads(label, replay, n_seeks, seed).items():
        out[kind], applied = _drain(gen)
        print(f"{label}: {describe(label, kind, n_seeks)}: {_fmt(out[kind])}  "
              f"events applied p50 {pct(applied, 50)} max {max(applied)}")

    # pause_gc moves cyclic-GC work out of the seek; part of it runs right after (at the
    # caller's next allocations): show both sides
    gc_rows = {}
    for pause in (False, True):
        replay.pause_gc = pause
        rnd = random.Random(seed + 7)
        seek_ms, with_next = [], []
        for _ in range(n_seeks):
            t = rnd.randint(replay.first_ts, replay.last_ts)
            t1 = time.perf_counter()
            replay.seek(t)
            t2 = time.perf_counter()
            _ = [{} for _ in range(1000)]  # the caller's next allocations
            with_next.append((time.perf_counter() - t1) * 1000)
            seek_ms.append((t2 - t1) * 1000)
        gc_rows[pause] = (pct(seek_ms, 95), pct(with_next, 95))
    replay.pause_gc = True
    print(f"{label}: GC effect on {n_seeks} random seeks, p95 of seek / of seek + next 1000 allocations: "
          f"pause_gc=False {gc_rows[False][0]:.2f} / {gc_rows[False][1]:.2f} ms, "
          f"pause_gc=True {gc_rows[True][0]:.2f} / {gc_rows[True][1]:.2f} ms")

    t1 = time.perf_counter()
    m = replay.seek(replay.last_ts - 60_000)
    m.serialize()
    m.side_state()
    print(f"{label}: seek + serialize() + side_state() one minute before the end ({len(m):,} nodes): "
          f"{(time.perf_counter() - t1) * 1000:.1f} ms")
    out["rss_mb"] = proc.memory_info().rss / 1e6
    out["peak_rss_mb"] = vm_hwm_mb()
    print(f"{label}: RSS with the session open {out['rss_mb']:.0f} MB (process peak {out['peak_rss_mb']:.0f} MB)")
    print(json.dumps(out))
    db.conn.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
