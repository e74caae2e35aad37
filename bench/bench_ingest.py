"""Ingest benchmark: throughput against the orjson ceiling, store size, memory.

    python -m bench.bench_ingest [--mb 300] [--long-minutes 60] [--signals on|off|both]
                                 [--redaction on|off|both] [--repeat N]

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
printing what signals add (issue 11 target: under 25%). ``--redaction both``: N (default 5)
off/on pairs, alternating which runs first, printing the median of what redaction adds two
ways: its own CPU inside the import (timed around ``Redactor.events``/``annotate``) against the
rest, and the whole import's CPU and wall time with it on against off (issue 14 target: < 10%).
"""

from __future__ import annotations

import argparse
import json
import statistics
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
    ap.add_argument("--repeat", type=int, default=None,
                    help="with --signals/--redaction both: alternating off/on runs (default 1; 5 for --redaction both)")
    ap.add_argument("--redaction", choices=["on", "off", "both"], default="on",
                    help="redaction at import (default on); both: an off run and an on run interleaved")
    a = ap.parse_args()
    if a.repeat is None:
        a.repeat = 5 if a.redaction == "both" else 1
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
    both_red = a.redaction == "both"
    red_runs: dict = {"off": [], "on": []}
    shares: list = []
    for k in range(max(1, a.repeat) if "both" in (a.signals, a.redaction) else 1):
        # alternate which goes first (off/on, then on/off...): a load change during the run then
        # hits both sides alike
        redactions = (("off", "on") if k % 2 == 0 else ("on", "off")) if both_red else (a.redaction,)
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
                    shares.append(r["redact_cpu"] / rest)
                    print(f"  redaction {r['redact_cpu']:.2f} s CPU = {r['redact_cpu'] / rest:.1%} of the rest of ingest"
                          f" ({rest:.2f} s CPU; target < 10%)")
                red_runs[red].append(r)
                if red == "on" or not both_red:
                    if mode not in runs or r["cpu"] < runs[mode]["cpu"]:
                        runs[mode] = r
    if both_red:
        n = len(red_runs["on"])
        print(f"redaction, {n} alternating off/on pairs (median; each pair's on-vs-off in brackets):")
        print(f"  in-process share: {statistics.median(shares):.1%} of the rest of ingest (CPU; target < 10%)")
        for key, what in (("cpu", "CPU"), ("seconds", "wall")):
            off = statistics.median(x[key] for x in red_runs["off"])
            on = statistics.median(x[key] for x in red_runs["on"])
            pairs = ", ".join(f"{(b[key] - a_[key]) / a_[key]:+.1%}" for a_, b in zip(red_runs["off"], red_runs["on"]))
            print(f"  on vs off, whole import {what}: {on:.2f} s vs {off:.2f} s = {(on - off) / off:+.1%}"
                  f" [{pairs}] (target < +10%)")
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
    print(f"ingest (redaction {'on' if both_red else a.redaction}): {r['seconds']:.1f} s = {ingest:.1f} MB/s; orjson.loads ceiling {ceiling:.1f} MB/s; ratio {ingest / ceiling:.0%} (target >= 30%)")
    print(f"  ({r['added']} sessions added, {len(r['rejected'])} rejected)")
    print(f"store: {store / 1e6:.1f} MB = {store / total:.1%} of raw JSON; gzip -6 {gz / 1e6:.1f} MB ({gz / total:.1%}, {mb / gz_s:.0f} MB/s); store/gzip = {store / gz:.2f} (target <= 1.00)")
    print(
        f"memory: peak RSS {peak / 1e6:.0f} MB, before import {base / 1e6:.0f} MB, growth {(peak - base) / 1e6:.0f} MB"
        f" = {(peak - base) / largest:.2f}x the largest session (target < 3x); peak/largest {peak / largest:.2f}x"
    )


if __name__ == "__main__":
    main()
