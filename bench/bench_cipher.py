"""What an SQLCipher-encrypted store costs (issue 14): ingest, open, reading events, seeks.

    python -m bench.bench_cipher [--sessions N] [--seeks 100]

Uses the generated archive of ``bench_ingest`` (bench/out/ingest-archive; run that first).
One run on this machine, plain and encrypted interleaved so that load from other processes
hits both alike; CPU time of this process is printed next to wall time:

  * ingest: ``store.import_paths`` (redaction on, no signals) of the archive's first
    ``--sessions`` sessions (default all) into a new plain store, then a new encrypted one;
  * open: ``open_store`` of each store (the first encrypted open derives the key from the
    passphrase: PBKDF2, 256,000 rounds) and a second read-only open (the key is cached);
  * read: every event of the 20 largest sessions through ``iter_events`` on a fresh
    read-only connection (pages decrypted as they are read);
  * seek: ``open_session_replay`` of the largest session (checkpoints stored once before)
    and ``--seeks`` random seeks in it.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
PASS = "bench passphrase"


def _clock():
    return time.perf_counter(), time.process_time()


def _since(t) -> tuple[float, float]:
    return time.perf_counter() - t[0], time.process_time() - t[1]


def _fresh(p: Path) -> None:
    for s in ("", "-wal", "-shm"):
        Path(f"{p}{s}").unlink(missing_ok=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=0, help="sessions of the archive to import (0: all)")
    ap.add_argument("--seeks", type=int, default=100)
    a = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))
    from replaydesk.replay.session import open_session_replay
    from replaydesk.store import import_paths, iter_events, open_store

    arch = OUT / "ingest-archive"
    folders = sorted(p for p in arch.iterdir() if p.is_dir())
    if not folders:
        print("no archive: run python -m bench.bench_ingest first")
        return 2
    if a.sessions:
        folders = folders[: a.sessions]
    mb = sum((f / "events.json").stat().st_size for f in folders) / 1e6
    stores = {"plain": (OUT / "cipher-plain.db", None), "encrypted": (OUT / "cipher-enc.db", PASS)}
    res: dict = {k: {} for k in stores}
    for label, (p, pw) in stores.items():
        _fresh(p)
        t = _clock()
        db = open_store(p, passphrase=pw)
        r = import_paths(db, [str(f) for f in folders])
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        res[label]["ingest"] = _since(t)
        assert len(r.added) == len(folders), r.rejected
        db.conn.close()
        print(f"{label:9s} ingest of {len(folders)} sessions ({mb:.0f} MB JSON): "
              f"{res[label]['ingest'][0]:.2f} s wall, {res[label]['ingest'][1]:.2f} s CPU; file {p.stat().st_size / 1e6:.1f} MB")
    for label, (p, pw) in stores.items():
        from replaydesk.store import cipher

        cipher._keys.clear()  # the first open of a process derives the key
        t = _clock()
        open_store(p, passphrase=pw).conn.close()
        first = _since(t)
        t = _clock()
        open_store(p, passphrase=pw, readonly=True).conn.close()
        second = _since(t)
        res[label]["open"] = (first, second)
        print(f"{label:9s} open: first {first[0] * 1000:.1f} ms, next (read-only, key cached) {second[0] * 1000:.2f} ms")
    ids = None
    for label, (p, pw) in stores.items():
        db = open_store(p, passphrase=pw, readonly=True)
        if ids is None:
            ids = [r[0] for r in db.conn.execute("SELECT id FROM sessions ORDER BY events_bytes DESC LIMIT 20")]
        t = _clock()
        n = sum(1 for sid in ids for _ in iter_events(db.conn, sid))
        res[label]["read"] = _since(t)
        db.conn.close()
        print(f"{label:9s} read every event of the 20 largest sessions ({n:,} events): "
              f"{res[label]['read'][0]:.2f} s wall, {res[label]['read'][1]:.2f} s CPU")
    for label, (p, pw) in stores.items():
        open_session_replay(open_store(p, passphrase=pw), ids[0])  # builds and stores checkpoints
    for label, (p, pw) in stores.items():
        db = open_store(p, passphrase=pw, readonly=True)
        t = _clock()
        rep = open_session_replay(db, ids[0], build_if_missing=False)
        opened = _since(t)
        rng = random.Random(1)
        times = []
        for _ in range(a.seeks):
            at = rng.randint(rep.first_ts, rep.last_ts)
            t0 = time.perf_counter()
            rep.seek(at)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        res[label]["seek"] = times
        db.conn.close()
        print(f"{label:9s} seek: open_session_replay {opened[0] * 1000:.1f} ms ({rep.status}); {a.seeks} random seeks "
              f"p50 {times[len(times) // 2]:.2f} ms p95 {times[int(len(times) * 0.95)]:.2f} ms")
    p, e = res["plain"], res["encrypted"]

    def pct(k, i=1):
        return (e[k][i] - p[k][i]) / p[k][i]

    print(f"encryption costs: ingest {pct('ingest'):+.1%} CPU ({pct('ingest', 0):+.1%} wall); read {pct('read'):+.1%} CPU; "
          f"seek p50 {(e['seek'][len(e['seek']) // 2] / p['seek'][len(p['seek']) // 2] - 1):+.1%}; first open "
          f"+{(e['open'][0][0] - p['open'][0][0]) * 1000:.0f} ms (key derivation)")
    for label, (path, _) in stores.items():
        _fresh(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
