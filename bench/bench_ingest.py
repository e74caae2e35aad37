"""Ingest benchmark: throughput against the orjson ceiling, store size, memory.

    python -m bench.bench_ingest [--mb 300] [--long-minutes 60] [--signals on|off|both]

Generates the archive (bench/out/ingest-archive, reused when present), then
prints, from one run on this machine:
  * ingest MB/s (JSON bytes / wall time of ``replaydesk import`` core) and the
    MB/s of bare ``orjson.loads`` over the same bytes (the ceiling);
  * store size against the raw JSON and against gzip -6 of it;
  * peak RSS of the importing process, minus its RSS before importing,
    against the largest session's JSON.
The import runs in a child process so its peak RSS is its own. ``--signals``: import
as the app does, with frustration signals computed on the import's pass (``on``,
analysis.importing), the bare store ingest (``off``), or both one after the other,
printing what signals add (issue 11 target: under 25%).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import zlib
from pathlib import Path

import orjson

from .generate import generate

OUT = Path(__file__).resolve().parent / "out"

_CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[3])
from replaydesk.store import open_store, import_paths
if sys.argv[5] == "on":
    from replaydesk.analysis.importing import import_paths

def status(key):
    # VmHWM is per address space (reset by exec), unlike ru_maxrss
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])

base = status("VmRSS")
db = open_store(sys.argv[1])
from replaydesk.formats import redact as _redact
from replaydesk.formats.redact import RedactionPolicy

# CPU spent redacting, measured inside the import (wall-clock A/B runs are noisy on a shared machine)
red = [0.0]
def _timed(fn):
    def run(*args, **kw):
        t0 = time.process_time()
        try:
            return fn(*args, **kw)
        finally:
            red[0] += time.process_time() - t0
    return run
_redact.Redactor.events = _timed(_redact.Redactor.events)
_redact.Redactor.annotate = _timed(_redact.Redactor.annotate)
t = time.perf_counter()
cpu = time.process_time()
r = import_paths(db, [sys.argv[2]], policy=RedactionPolicy(enabled=sys.argv[4] == "on"))
dt = time.perf_counter() - t
cpu = time.process_time() - cpu
db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
peak = status("VmHWM")
print(json.dumps({"seconds": dt, "cpu": cpu, "redact_cpu": red[0], "added": len(r.added), "rejected": r.rejected, "base_kb": base, "peak_kb": peak}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=300)
    ap.add_argument("--long-minutes", type=float, default=60)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--signals", choices=("on", "off", "both"), default="on",
                    help="frustration signals at import (default on, as the app imports)")
    ap.add_argument("--repeat", type=int, default=1, help="with --signals both: alternate off/on runs, keep the best")
    ap.add_argument("--redaction", choices=["on", "off", "both"], default="on",
                    help="redaction at import (default on); both: an off run and an on run interleaved")
    a = ap.parse_args()
    arch = a.out / "ingest-archive"
    stamp = arch / ".generated"
    want = f"{a.mb}:{a.long_minutes}"
    if not stamp.exists() or stamp.read_text() != want:
        import shutil

        shutil.rmtree(arch, ignore_errors=True)
        t = time.perf_counter()
        s = generate(arch, a.mb, a.long_minutes)
        stamp.write_text(want)
        print(f"generated {s['sessions']} sessions, {s['bytes'] / 1e6:.1f} MB in {time.perf_counter() - t:.1f} s")
    files = sorted(arch.glob("*/events.json"))
    sizes = [f.stat().st_size for f in files]
    total = sum(sizes)
    largest = max(sizes)
    # ceiling: bare orjson.loads over the same bytes (files read first)
    load_s = 0.0
    gz = 0
    gz_s = 0.0
    for f in files:
        b = f.read_bytes()
        t = time.perf_counter()
        orjson.loads(b)
        load_s += time.perf_counter() - t
        t = time.perf_counter()
        gz += len(zlib.compress(b, 6))
        gz_s += time.perf_counter() - t
    db = a.out / "ingest-store.db"
    app_dir = str(Path(__file__).resolve().parents[1] / "app")
    runs: dict = {}
    modes = ("off", "on") if a.signals == "both" else (a.signals,)
    redactions = ("off", "on") if a.redaction == "both" else (a.redaction,)
    red_runs: dict = {}
    for _ in range(max(1, a.repeat) if "both" in (a.signals, a.redaction) else 1):
        for mode in modes:
            for red in redactions:
                for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                    p.unlink(missing_ok=True)
                proc = subprocess.run([sys.executable, "-c", _CHILD, str(db), str(arch), app_dir, red, mode],
                                      capture_output=True, text=True, check=True)
                r = json.loads(proc.stdout.strip().splitlines()[-1])
                print(f"signals {mode}, redaction {red}: ingest {r['seconds']:.2f} s wall, {r['cpu']:.2f} s CPU")
                if red == "on":
                    rest = r["cpu"] - r["redact_cpu"]
                    print(f"  redaction {r['redact_cpu']:.2f} s CPU = {r['redact_cpu'] / rest:.1%} of the rest of ingest"
                          f" ({rest:.2f} s CPU; target < 10%)")
                red_runs.setdefault(red, []).append(r["cpu"])
                if red == redactions[-1] and (mode not in runs or r["cpu"] < runs[mode]["cpu"]):
                    runs[mode] = r
    if len(red_runs) == 2:
        off, on = min(red_runs["off"]), min(red_runs["on"])
        print(f"redaction on vs off (whole import, CPU, best of {len(red_runs['on'])} each): {on:.2f} s vs {off:.2f} s"
              f" = +{(on - off) / off:.1%} (target < 10%)")
    r = runs[modes[-1]]
    if len(runs) == 2:
        # CPU time of the importing process: the machine may be shared, wall time is noisy
        off, on = runs["off"]["cpu"], runs["on"]["cpu"]
        print(f"signals at import add {on - off:.2f} s CPU = {(on - off) / off:.1%} of the ingest time"
              f" (best of {max(1, a.repeat)} each; target < 25%)")
    store = db.stat().st_size
    mb = total / 1e6
    ingest = mb / r["seconds"]
    ceiling = mb / load_s
    peak = r["peak_kb"] * 1024
    base = r["base_kb"] * 1024
    print(f"archive: {len(files)} sessions, {mb:.1f} MB JSON, largest session {largest / 1e6:.1f} MB")
    print(f"ingest (redaction {redactions[-1]}): {r['seconds']:.1f} s = {ingest:.1f} MB/s; orjson.loads ceiling {ceiling:.1f} MB/s; ratio {ingest / ceiling:.0%} (target >= 30%)")
    print(f"  ({r['added']} sessions added, {len(r['rejected'])} rejected)")
    print(f"store: {store / 1e6:.1f} MB = {store / total:.1%} of raw JSON; gzip -6 {gz / 1e6:.1f} MB ({gz / total:.1%}, {mb / gz_s:.0f} MB/s); store/gzip = {store / gz:.2f} (target <= 1.00)")
    print(
        f"memory: peak RSS {peak / 1e6:.0f} MB, before import {base / 1e6:.0f} MB, growth {(peak - base) / 1e6:.0f} MB"
        f" = {(peak - base) / largest:.2f}x the largest session (target < 3x); peak/largest {peak / largest:.2f}x"
    )


if __name__ == "__main__":
    main()
