"""Cost of frustration signals: the streaming pass, and recomputation from stored facts.

    python -m bench.bench_signals [--repeats 50] [--sessions 10000]

Reports, on the 9 corpus sessions (and a 60-minute session made by repeating the
dashboard session, bench.generate.scaled_session):

* mirror replay alone, the pass with the detector (mirror + collector), and the
  collector alone (no mirror), per session and per event: what signals add to a pass
  that already replays the mirror (the checkpoint scan) or to the summary pass;
* decode + detect per session from stored facts, and that cost extrapolated to
  ``--sessions`` sessions: what a threshold change costs to recompute.
"""

from __future__ import annotations

import argparse
import time

from bench.generate import load_corpus, scaled_session
from replaydesk.analysis.signals import SignalDetector, SignalSettings, decode_facts, detect, encode_facts
from replaydesk.replay import Mirror


def _best(fn, n: int = 3) -> float:
    best = float("inf")
    for _ in range(n):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def _replay(events):
    m = Mirror()
    for e in events:
        m.apply(e)


def _with_detector(events, mirror: bool):
    m = Mirror() if mirror else None
    det = SignalDetector()
    for e in events:
        det.feed(e, m)
        if m is not None:
            m.apply(e)
    det.finish(m)
    return det.facts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=50, help="detect() repetitions per session for the recompute timing")
    ap.add_argument("--sessions", type=int, default=10_000)
    args = ap.parse_args()

    corpus = load_corpus()
    dash = next(ev for sid, ev, _ in corpus if sid == "ses_49340e341bb8")
    long = scaled_session(dash, 58, dash[0]["timestamp"])  # ~60 minutes
    sets = [(sid, ev) for sid, ev, _ in corpus] + [("long-60min", long)]

    print(f"{'session':20s} {'events':>7s} {'mirror':>8s} {'+detector':>9s} {'collector':>9s} {'detect':>8s} {'facts':>7s}")
    tot = {"n": 0, "mirror": 0.0, "both": 0.0, "coll": 0.0}
    blobs = []
    for sid, ev in sets:
        t_m = _best(lambda: _replay(ev))
        t_b = _best(lambda: _with_detector(ev, True))
        t_c = _best(lambda: _with_detector(ev, False))
        facts = _with_detector(ev, True)
        blob = encode_facts(facts)
        t_d = _best(lambda: detect(facts), 5)
        print(f"{sid:20s} {len(ev):7d} {t_m * 1e3:7.1f}ms {t_b * 1e3:8.1f}ms {t_c * 1e3:8.2f}ms {t_d * 1e6:6.0f}us {len(blob):6d}B")
        if sid != "long-60min":
            tot["n"] += len(ev)
            tot["mirror"] += t_m
            tot["both"] += t_b
            tot["coll"] += t_c
            blobs.append(blob)
    n = tot["n"]
    print(f"\ncorpus, 9 sessions, {n} events: mirror replay {tot['mirror'] * 1e3:.0f} ms, "
          f"with detector {tot['both'] * 1e3:.0f} ms (+{(tot['both'] - tot['mirror']) * 1e3:.0f} ms, "
          f"{(tot['both'] - tot['mirror']) / n * 1e6:.1f} us/event), collector without mirror "
          f"{tot['coll'] * 1e3:.1f} ms ({tot['coll'] / n * 1e6:.2f} us/event)")

    settings = SignalSettings(rage_min_clicks=4)
    t = time.perf_counter()
    for _ in range(args.repeats):
        for b in blobs:
            detect(decode_facts(b), settings)
    per = (time.perf_counter() - t) / (args.repeats * len(blobs))
    print(f"recompute from stored facts (decode + detect): {per * 1e6:.0f} us/session "
          f"-> {per * args.sessions:.2f} s for {args.sessions} corpus-like sessions (one core)")


if __name__ == "__main__":
    main()
