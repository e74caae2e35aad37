"""Recompute every session's frustration signals after a threshold change.

    python -m bench.bench_signals_recompute [--sessions 10000]

Builds a temporary store: the nine corpus sessions imported for real (signals at
import) and named by the mirror pass, then cloned into N sessions (session rows and
their stored signal facts, new ids; events are not needed: a recompute reads facts
only). Then times ``recompute_signals`` with changed thresholds (decode facts, run the
rules, rewrite the ``signals`` rows and ``sig_*`` counts in one transaction) and once
more back to the defaults. Target (issue 11): 10,000 sessions in under 10 s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def build(path: Path, n: int) -> None:
    from replaydesk.analysis.importing import import_paths
    from replaydesk.analysis.signals_store import attribute_sessions
    from replaydesk.store import open_store

    db = open_store(path)
    import_paths(db, [CORPUS / "archive-demo.zip"])
    attribute_sessions(db)
    conn = db.conn
    cols = [r[1] for r in conn.execute("PRAGMA table_info(sessions)")]
    base = conn.execute(f"SELECT {', '.join(cols)} FROM sessions").fetchall()
    facts = {r[0]: r[1:] for r in conn.execute("SELECT session_id, version, attributed, data FROM signal_facts")}
    i_id, i_hash = cols.index("id"), cols.index("content_hash")
    q = f"INSERT INTO sessions ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    conn.execute("BEGIN")
    for i in range(n - len(base)):
        row = list(base[i % len(base)])
        src = row[i_id]
        row[i_id], row[i_hash] = f"clone_{i:06d}", f"clone{i}"
        conn.execute(q, row)
        ver, attr, data = facts[src]
        conn.execute("INSERT INTO signal_facts (session_id, version, content_hash, attributed, data) VALUES (?,?,?,?,?)",
                     (row[i_id], ver, row[i_hash], attr, data))
    conn.execute("COMMIT")
    conn.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=10_000)
    a = ap.parse_args()
    from replaydesk.analysis.signals import SignalSettings
    from replaydesk.analysis.signals_store import recompute_signals
    from replaydesk.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "recompute.db"
        t = time.perf_counter()
        build(path, a.sessions)
        print(f"built a store of {a.sessions:,} sessions with stored facts in {time.perf_counter() - t:.1f} s")
        db = open_store(path)
        for label, s in (("rage 4 clicks, dead 3 s", SignalSettings(rage_min_clicks=4, dead_window_ms=3000)),
                         ("defaults", SignalSettings())):
            t, cpu = time.perf_counter(), time.process_time()
            n = recompute_signals(db, s)
            wall, cpu = time.perf_counter() - t, time.process_time() - cpu
            found = db.conn.execute("SELECT count(*) FROM signals").fetchone()[0]
            print(f"recompute ({label}): {n:,} sessions in {wall:.2f} s wall, {cpu:.2f} s CPU"
                  f" ({wall / n * 1e6:.0f} us/session; {found:,} findings; target < 10 s)")
        db.conn.close()


if __name__ == "__main__":
    main()
