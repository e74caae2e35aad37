"""Clip export benchmark: a 60-second clip at 1280x800, 15 fps, MP4 (issue 13).

Usage::

    .venv/bin/python -m bench.bench_clip [--seconds 60] [--fps 15] [--format mp4] [--fresh]

The sessions are corpus sessions made anew by ``bench/generate.py`` (``scaled_session``: new
id, new start time, the events unchanged): the busiest one (the dashboard, ~1,700 events in
62 s, live charts) and the shop journey (five page loads). They are imported into
``bench/out/clip-store.db`` (kept and reused unless ``--fresh``); checkpoints are built at
import, as the app does, and are not part of the figures.

For each session, one export of ``--seconds`` from its start through the real job
(:func:`replaydesk.export.job.run_clip`: seek, play forward, overlays with cursor, header and
progress bar, PyAV on its thread, temporary file and rename). Printed: wall time, frames per
second of wall time, the speed against real time, and the share of the wall time spent in

* seek: Python seeks and event reads (the replay's event source);
* paint: sending the frame or its events to the renderer and waiting for it to be painted;
* grab: copying the painted frame out of the view;
* overlay: scaling, QPainter overlays, the copy handed to the encoder;
* encode wait: the GUI thread waiting for the encoder (queue full, final flush).

Encoding itself runs on its own thread beside painting; its busy time is printed as a share
too (it overlaps the others, so the shares need not add up to 100 %).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "app"))
OUT = ROOT / "bench" / "out"

from bench.generate import CORPUS, load_corpus, make_meta, scaled_session  # noqa: E402

SESSIONS = [("dashboard", "ses_49340e341bb8", "clipbench_dash"), ("shop", "ses_46d365862838", "clipbench_shop")]


def make_store(db_path: Path, fresh: bool) -> None:
    import random

    from replaydesk.analysis.importing import import_paths
    from replaydesk.replay.session import ensure_checkpoints
    from replaydesk.store import open_store

    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
    db = open_store(db_path)
    have = {r[0] for r in db.conn.execute("SELECT id FROM sessions")}
    base = {name: (events, meta) for name, events, meta in load_corpus(CORPUS)}
    for label, src, sid in SESSIONS:
        if sid in have:
            continue
        events, meta = base[src]
        evs = scaled_session(events, 1, 1_790_000_000_000)
        folder = OUT / "clip-archive" / sid
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "events.json").write_bytes(orjson.dumps(evs))
        (folder / "meta.json").write_bytes(orjson.dumps(make_meta(meta, sid, evs, random.Random(1))))
        report = import_paths(db, [folder])
        assert report.added == [sid], (report.rejected, report.skipped)
        ensure_checkpoints(db, sid)
        print(f"{label}: imported {sid} ({len(evs):,} events from {src})")
    db.conn.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--fps", type=int, default=15)
    ap.add_argument("--format", default="mp4", choices=("mp4", "webm", "gif"))
    ap.add_argument("--fresh", action="store_true")
    args = ap.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    db_path = OUT / "clip-store.db"
    make_store(db_path, args.fresh)

    from replaydesk.ui.replay.headless import ensure_application

    ensure_application()
    from replaydesk.export.job import run_clip
    from replaydesk.export.spec import ClipSpec
    from replaydesk.store import open_store

    db = open_store(db_path)
    print(f"clip export: {args.seconds:g} s at 15 fps -> {args.format.upper()}, {os.cpu_count()} cores")
    for label, src, sid in SESSIONS:
        spec = ClipSpec(sid, 0, int(args.seconds * 1000), fps=args.fps, format=args.format)
        out = OUT / f"clip-{label}.{args.format}"
        t0 = time.perf_counter()
        res = run_clip(db, spec, out)
        wall = time.perf_counter() - t0
        tm = res.timings
        clip_s = res.frames / args.fps

        def share(x: float) -> str:
            return f"{x:5.1f} s {100 * x / wall:4.0f} %"

        print(f"\n{label} ({src}): {res.frames} frames {res.width}x{res.height}, {clip_s:.1f} s of clip, "
              f"{out.stat().st_size / 1e6:.1f} MB")
        print(f"  wall        {wall:6.1f} s   {res.frames / wall:5.1f} frames/s   {clip_s / wall:4.1f}x real time"
              f"   (target < {args.seconds / 2:.0f} s: {'met' if wall < args.seconds / 2 else 'MISSED'})")
        print(f"  painted     {tm.frames_painted} frames changed, {tm.seeks} full seek(s)")
        print(f"  seek        {share(tm.seek)}")
        print(f"  paint       {share(tm.paint)}")
        print(f"  grab        {share(tm.grab)}")
        print(f"  overlay     {share(res.overlay_s)}")
        print(f"  encode wait {share(res.encode_wait_s)}")
        print(f"  encode (encoder thread, overlapping) {share(res.encode_s)}")
    db.conn.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
