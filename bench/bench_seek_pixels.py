"""Seek at the widget's pixels (issue 16): what the user sees, old and new path alternating.

Usage::

    .venv/bin/python -m bench.bench_seek_pixels [--seeks 100] [--seed 1]
    QT_QPA_PLATFORM=xcb DISPLAY=:142 .venv/bin/python -m bench.bench_seek_pixels   # a real X display

Sessions: the corpus's 8-second article (``ses_6ef7552cd34d``, imported into the store of
``bench_seek`` if missing) and the generated 10- and 60-minute sessions of ``bench_seek``.
Each runs in a fresh child process with a real ``PlayerPane`` (1280x800, shown) whose view
draws each acknowledged frame's token colour in an 8x8 block at its top-left corner
(``ReplayView.set_frame_marker``). A seek's latency runs from ``state.seek(t)`` to the moment
a grab of the view widget (polled every 1 ms) shows that colour: the widget's own pixels.
The page's acknowledgement (``framePainted``) is kept beside it as a diagnostic.

Per session:

1. *first open*: checkpoints and cached views deleted (``--keep-views``: the checkpoints
   only), ``open_session``, then at once a seek to 90% of the session; timed to that seek's
   pixels (time to the first fast seek far in the session), to the views (timeline markers,
   inspector rows) shown and to idle (checkpoints and views built);
2. *random seeks*: ``--seeks`` uniformly random moments, one at a time, in blocks of 10
   alternating between the new path (a seek onto the page shown, or onto the page parked
   before it, is a patch: ``replay/diff.py``, ``replay/patch.py``) and the old one (every
   seek builds its page: ``ReplayView.patch_frames = park_pages = False``), so load from
   other processes hits both alike and the new path keeps the pages it showed;
3. *memory*: RSS of this process and of its QtWebEngine helper processes (renderer, GPU,
   utility), summed (and PSS).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "app"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from bench.bench_mirror import pct  # noqa: E402
from bench.bench_seek import SESSIONS, add_session_args, prepare_store, run_children, stats  # noqa: E402
from bench.bench_seek_paint import (  # noqa: E402
    _fmt, _qt_app, close_players, helper_memory, make_player, open_and_wait, random_times, seek_and_wait,
    spin_until)

SHORT = ("8-s", "ses_6ef7552cd34d")
BLOCK = 10  # random seeks per arm in a row
CORPUS = ROOT.parent / "shared" / "corpus"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_session_args(ap)
    ap.set_defaults(seeks=100)
    ap.add_argument("--only", action="append", help="run only these sessions (8-s, 10-min, 60-min)")
    ap.add_argument("--keep-views", action="store_true",
                    help="first open with the views cached (only the checkpoints deleted)")
    ap.add_argument("--child", nargs=3, metavar=("DB", "SESSION", "LABEL"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(Path(args.child[0]), args.child[1], args.child[2], args.seeks, args.seed, args.keep_views)
    db_path = prepare_store(args)
    if db_path is None:
        return 2
    add_short(db_path)
    sessions = [SHORT] + [(label, sid) for label, _, sid in SESSIONS]
    sessions = [s for s in sessions if not args.only or s[0] in args.only]
    keep = ["--keep-views"] if args.keep_views else []
    results = run_children(Path(__file__), args, [(label, ["--child", str(db_path), sid, label, *keep])
                                                   for label, sid in sessions])
    if isinstance(results, int):
        return results
    plat = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    print(f"--- summary ({plat})")
    for label, _ in sessions:
        r = results[label]
        for mode in ("rebuild", "patch"):
            print(f"{label}: random seeks, {mode:7s} at the pixels {_fmt(r[mode]['pixels'])}; "
                  f"framePainted p50 {r[mode]['ack']['p50']:.1f} p95 {r[mode]['ack']['p95']:.1f} ms")
        print(f"{label}: framePainted -> pixels p50 {r['lag']['p50']:.1f} p95 {r['lag']['p95']:.1f} ms; "
              f"{r['patched']} of {r['n_patch']} new-path seeks patched")
        f = r["first"]
        print(f"{label}: first open: timeline {f['timeline_s']:.2f} s, a seek to 90% then shown at {f['far_s']:.2f} s, "
              f"views {f['views_s']:.2f} s, idle {f['idle_s']:.2f} s; "
              f"cached open: idle {r['cached']['idle_s']:.2f} s")
        print(f"{label}: memory: Python {r['rss_mb']:.0f} MB + QtWebEngine helpers {r['helpers_rss_mb']:.0f} MB "
              f"= {r['rss_mb'] + r['helpers_rss_mb']:.0f} MB RSS (PSS {r['pss_total_mb']:.0f} MB)")
    return 0


def add_short(db_path: Path) -> None:
    from replaydesk.store import import_paths, open_store

    db = open_store(db_path)
    try:
        if not db.conn.execute("SELECT 1 FROM sessions WHERE id = ?", (SHORT[1],)).fetchone():
            report = import_paths(db, [CORPUS / SHORT[1]])
            assert report.added == [SHORT[1]], report.rejected
    finally:
        db.conn.close()


def first_open_far_seek(player, waiter, info) -> dict:
    """Open a session with nothing cached and seek to 90% at once: when is that seek shown?"""
    n0 = len(waiter.painted)
    t0 = time.perf_counter()
    player.open_session(info)
    # the seekable duration comes first (from the session row at open since issue 16's
    # first-open work; before, with the timeline from the scan): a user cannot seek before
    spin_until(lambda: player.state.duration > 0, timeout_s=120, poll_ms=2, what="the timeline")
    out = {"timeline_s": time.perf_counter() - t0}
    print(f"  timeline (duration {player.state.duration / 1000:.0f} s) after {out['timeline_s']:.2f} s", flush=True)
    far = int(player.state.duration * 0.9)
    player.state.seek(far)
    spin_until(lambda: any(m == far for m, _ in waiter.painted[n0:]), timeout_s=120, poll_ms=5, what="the far seek")
    i = next(j for j in range(n0, len(waiter.painted)) if waiter.painted[j][0] == far)
    t_pix = waiter.wait_pixels(i) or waiter.painted[i][1]
    out["far_s"] = t_pix - t0
    print(f"  the seek to {far / 1000:.0f} s shown after {out['far_s']:.2f} s", flush=True)
    spin_until(lambda: player._views_loaded, timeout_s=120, poll_ms=5, what="the views")
    out["views_s"] = time.perf_counter() - t0
    print(f"  views (timeline markers, inspector) shown after {out['views_s']:.2f} s; playhead at "
          f"{player.state.time / 1000:.0f} s", flush=True)
    spin_until(lambda: player.ready and waiter.idle() and player.loaded, timeout_s=120, poll_ms=5, what="idle")
    out["idle_s"] = time.perf_counter() - t0
    return out


def child(db_path: Path, sid: str, label: str, n_seeks: int, seed: int, keep_views: bool = False) -> int:
    from bench.procmem import pss_mb, rss_mb

    app = _qt_app()
    from replaydesk.store import open_store, session_info
    from replaydesk.store.checkpoints_table import delete_checkpoints
    from replaydesk.store.derived import delete_derived

    db = open_store(db_path)
    n_events, dur = db.conn.execute("SELECT event_count, duration_ms FROM sessions WHERE id = ?", (sid,)).fetchone()
    print(f"--- {label} session: {n_events:,} events, {dur / 1000:.1f} s ({app.platformName()})", flush=True)
    player, waiter = make_player(db)
    out: dict = {}
    try:
        with db.conn:
            delete_checkpoints(db, sid)
            if not keep_views:
                delete_derived(db, sid)
        info = session_info(db, sid)
        out["first"] = first_open_far_seek(player, waiter, info)
        out["cached"] = open_and_wait(player, waiter, session_info(db, sid))
        print(f"{label}: first open, seek to 90% at once: shown {out['first']['far_s']:.2f} s, idle "
              f"{out['first']['idle_s']:.2f} s; cached open idle {out['cached']['idle_s']:.2f} s", flush=True)
        view = player.view
        res: dict[str, dict[str, list[float]]] = {m: {"pixels": [], "ack": []} for m in ("rebuild", "patch")}
        p0 = view.patched_frames
        kinds: dict[str, list[float]] = {}
        for i, ms in enumerate(random_times(player.state.duration, n_seeks, seed)):
            # blocks of BLOCK seeks, alternating: the new path keeps the pages it showed (the
            # one shown and the one parked), as it would for a user, and load hits both arms
            mode = "patch" if (i // BLOCK) % 2 else "rebuild"
            view.patch_frames = view.park_pages = mode == "patch"
            before = (view.patched_frames, view.swapped_frames)
            pix, _, _, ack = seek_and_wait(player, waiter, ms)
            res[mode]["pixels"].append(pix)
            res[mode]["ack"].append(ack)
            if mode == "patch":  # how the new path showed it: patched in place, returned to, built
                how = ("built" if view.patched_frames == before[0] else
                       "returned" if view.swapped_frames > before[1] else "in place")
                kinds.setdefault(how, []).append(pix)
        view.patch_frames = view.park_pages = True
        for mode, r in res.items():
            out[mode] = {"pixels": stats(r["pixels"]), "ack": stats(r["ack"])}
            print(f"{label}: random seeks, {mode:7s}: at the pixels {_fmt(out[mode]['pixels'])}; framePainted "
                  f"{_fmt(out[mode]['ack'])}", flush=True)
        out["kinds"] = {k: stats(v) for k, v in kinds.items()}
        print(f"{label}: new path by kind: " + "; ".join(f"{k} {_fmt(v)}" for k, v in out["kinds"].items()), flush=True)
        lag = [p - a for r in res.values() for p, a in zip(r["pixels"], r["ack"])]
        out["lag"] = {"p50": pct(lag, 50), "p95": pct(lag, 95)}
        out["patched"], out["n_patch"] = view.patched_frames - p0, len(res["patch"]["pixels"])
        out["rss_mb"] = rss_mb()
        out["helpers_rss_mb"], helpers_pss = helper_memory()
        out["pss_total_mb"] = pss_mb() + helpers_pss
        print(f"{label}: memory: Python {out['rss_mb']:.0f} MB + helpers {out['helpers_rss_mb']:.0f} MB RSS", flush=True)
    finally:
        close_players(app, [(player, waiter)])
        db.conn.close()
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
