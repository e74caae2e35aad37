"""Benchmark of the replay core on a synthetic 60-minute session built from real recordings.

Usage::

    .venv/bin/python bench/bench_mirror.py [--minutes 60] [--events 300000] [--seed 1]

How the long session is made (so the numbers can be judged):

* Real page visits are cut out of the corpus: the dashboard (10 Hz widgets, CSSOM
  rule inserts, style diffs, a resize; ~27 events/s) and the widgets lab (canvas
  commands, a same-origin iframe, shadow DOM with an adopted stylesheet).
* The 60 minutes are 12 visits of 5 minutes (dashboard, lab, dashboard, repeated;
  minutes 4-5 and 58-59, where seeks are timed, are both on the dashboard),
  each starting with the recording's own Meta + FullSnapshot (a page load, ids
  restart). Inside a visit the page's incremental events are repeated back to back
  with shifted timestamps, time-compressed by one factor chosen so the session
  reaches the requested event count.
* Repetition ``r > 0`` of a page gets fresh ids (``id + r * 100000`` for everything
  but the document, doctype and ``<html>``), and is preceded by one synthetic
  Mutation that re-renders ``<html>``'s children with those ids (like an SPA route
  change) and resets ``<html>``'s attributes, so every repetition starts from the
  snapshot's DOM and ids stay consistent: the mirror must report zero anomalies.

Printed: apply throughput; checkpoint count and bytes versus the zstd-compressed
events (chunks of 2,000 events, as a store would keep them); seek latency
percentiles (checkpoint restore + apply delta, Python side only) for 200 random
seeks in minute 4-5 and in minute 58-59, with a warm keyframe cache (one planner,
as while scrubbing) and a cold one (new planner per seek).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import orjson
import zstandard

ROOT = Path(__file__).resolve().parents[1]
try:
    import replaydesk.replay  # noqa: F401
except ImportError:  # running from a checkout without an installed package
    sys.path.insert(0, str(ROOT / "app"))

from replaydesk.replay import CheckpointBuilder, CheckpointPolicy, ListEventSource, Mirror, SeekPlanner  # noqa: E402
from replaydesk.replay import sorted_events  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
ID_STRIDE = 100_000
VISIT_MS = 5 * 60_000
PLAN = [("ses_49340e341bb8", "/dashboard.html"), ("ses_ac59c861b05d", "/lab.html"),
        ("ses_49340e341bb8", "/dashboard.html")]


# --- building the long session ---------------------------------------------------------------

def page_segment(session: str, path: str) -> tuple[dict, dict, list[dict]]:
    """(Meta, FullSnapshot, incremental events) of the first visit of ``path``."""
    events = sorted_events(orjson.loads((CORPUS / session / "events.json").read_bytes()))
    start = next(k for k, e in enumerate(events) if e["type"] == 4 and e["data"]["href"].endswith(path))
    end = next((k for k in range(start + 1, len(events)) if events[k]["type"] == 4), len(events))
    seg = events[start:end]
    full = next(e for e in seg if e["type"] == 2)
    incs = [e for e in seg if e["type"] == 3]
    return seg[0], full, incs


class Remap:
    """Offsets every node id except document/doctype/html by ``offset``."""

    def __init__(self, keep: set[int], offset: int):
        self.keep, self.offset = keep, offset

    def __call__(self, nid):
        if not isinstance(nid, int) or nid <= 0 or nid in self.keep or not self.offset:
            return nid
        return nid + self.offset

    def node(self, n: dict) -> dict:
        out = dict(n)
        out["id"] = self(n["id"])
        if "rootId" in n:
            out["rootId"] = self(n["rootId"])
        if n.get("childNodes"):
            out["childNodes"] = [self.node(c) for c in n["childNodes"]]
        return out

    def event(self, ev: dict, ts: int) -> dict:
        d = dict(ev["data"])
        src = d.get("source")
        if src == 0:
            d["adds"] = [{**a, "parentId": self(a["parentId"]), "nextId": self(a.get("nextId")),
                          "node": self.node(a["node"])} for a in d.get("adds", [])]
            d["removes"] = [{**r, "parentId": self(r["parentId"]), "id": self(r["id"])} for r in d.get("removes", [])]
            d["texts"] = [{**t, "id": self(t["id"])} for t in d.get("texts", [])]
            d["attributes"] = [{**a, "id": self(a["id"])} for a in d.get("attributes", [])]
        elif src in (1, 6, 12):
            d["positions"] = [{**p, "id": self(p["id"])} for p in d["positions"]]
        elif src == 14:
            d["ranges"] = [{**r, "start": self(r["start"]), "end": self(r["end"])} for r in d["ranges"]]
        elif "id" in d and d.get("id") != -1:
            d["id"] = self(d["id"])
        return {"type": ev["type"], "data": d, "timestamp": ts}


def rerender(mirror: Mirror, full: dict, remap: Remap, ts: int) -> dict:
    """Mutation replacing <html>'s children by the snapshot's, with remapped ids."""
    doc = full["data"]["node"]
    html = next(c for c in doc["childNodes"] if c["type"] == 2)
    live_html = mirror.tree.nodes[html["id"]]
    removes = [{"parentId": html["id"], "id": c.id} for c in live_html.children]
    adds = []

    def walk(parent_id, children):
        light = [c for c in children if not c.get("isShadow")]
        shadow = [c for c in children if c.get("isShadow")]
        for lst in (light, shadow):  # nextId anchors live in the light or the shadow list
            for i, c in enumerate(lst):
                nxt = lst[i + 1]["id"] if i + 1 < len(lst) else None
                node = {k: v for k, v in c.items() if k != "childNodes"}
                if c["type"] in (0, 2):
                    node["childNodes"] = []
                adds.append({"parentId": remap(parent_id), "nextId": remap(nxt), "node": remap.node(node)})
                walk(c["id"], c.get("childNodes", []))

    walk(html["id"], html["childNodes"])
    attrs = {k: None for k in live_html.attrs}
    attrs.update(html["attributes"])
    return {"type": 3, "timestamp": ts, "data": {"source": 0, "removes": removes, "adds": adds, "texts": [],
                                                  "attributes": [{"id": html["id"], "attributes": attrs}]}}


def build_session(minutes: int, target_events: int) -> tuple[list[dict], set[int]]:
    """The long session and the indexes of its synthetic re-render mutations."""
    segments = {key: page_segment(*key) for key in set(PLAN)}
    visits = max(1, minutes * 60_000 // VISIT_MS)
    plan = [PLAN[i % len(PLAN)] for i in range(visits)]
    # events per ms of original time, to pick the time compression factor
    per_ms = sum(len(segments[k][2]) / max(1, segments[k][2][-1]["timestamp"] - segments[k][2][0]["timestamp"])
                 for k in plan) / len(plan)
    compress = max(1.0, target_events * 1.02 / (per_ms * visits * VISIT_MS))
    print(f"time compression of the repeated page events: {compress:.2f}x")
    gen = Mirror()
    out: list[dict] = []
    synthetic: set[int] = set()
    t = 1_800_000_000_000
    for v, key in enumerate(plan):
        meta, full, incs = segments[key]
        visit_end = t + VISIT_MS
        for ev in (meta, full):
            out.append({**ev, "timestamp": t})
            gen.apply(out[-1])
        doc = full["data"]["node"]
        keep = {doc["id"]} | {c["id"] for c in doc["childNodes"]}
        first, rep = incs[0]["timestamp"], 0
        t += 20
        while t < visit_end - 1000:
            remap = Remap(keep, rep * ID_STRIDE)
            if rep:
                synthetic.add(len(out))
                out.append(rerender(gen, full, remap, t))
                gen.apply(out[-1])
            for ev in incs:
                ts = t + int((ev["timestamp"] - first) / compress)
                if ts >= visit_end:
                    break
                out.append(remap.event(ev, ts))
                gen.apply(out[-1])
            t = out[-1]["timestamp"] + 50
            rep += 1
        t = visit_end + 2000  # navigation gap
    if gen.anomalies.total:
        print(f"WARNING: generator mirror saw anomalies: {dict(gen.anomalies.counts)}")
    return out, synthetic


# --- measurements ------------------------------------------------------------------------------

def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


def compressed_event_bytes(events: list[dict], chunk: int = 2000) -> tuple[int, int]:
    cctx = zstandard.ZstdCompressor(level=3)
    raw = total = 0
    for k in range(0, len(events), chunk):
        blob = b"\n".join(orjson.dumps(e) for e in events[k:k + chunk])
        raw += len(blob)
        total += len(cctx.compress(blob))
    return raw, total


def seek_latencies(cps, events, t_from: int, t_to: int, n: int, rnd: random.Random, warm: bool):
    source = ListEventSource(events)
    planner = SeekPlanner(cps, source)
    times, applied = [], []
    for _ in range(n):
        t = rnd.randint(t_from, t_to)
        if not warm:
            planner = SeekPlanner(cps, source)
        t1 = time.perf_counter()
        m = planner.seek(t)
        times.append((time.perf_counter() - t1) * 1000)
        pos = planner.checkpoint_for(t)
        applied.append(m.event_index - (cps[pos].event_index if pos >= 0 else -1))
    return times, applied


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=int, default=60)
    ap.add_argument("--events", type=int, default=300_000)
    ap.add_argument("--seeks", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2

    t1 = time.perf_counter()
    events, synthetic = build_session(args.minutes, args.events)
    span_min = (events[-1]["timestamp"] - events[0]["timestamp"]) / 60_000
    print(f"session: {len(events):,} events over {span_min:.1f} min "
          f"(built in {time.perf_counter() - t1:.1f} s)")

    m = Mirror()
    t1 = time.perf_counter()
    for k, ev in enumerate(events):
        m.apply(ev, k)
    dt = time.perf_counter() - t1
    print(f"apply all events: {dt:.2f} s ({len(events) / dt:,.0f} events/s), final page {len(m):,} nodes, "
          f"anomalies {m.anomalies.total}")

    policy = CheckpointPolicy()
    builder = CheckpointBuilder(policy)
    t1 = time.perf_counter()
    builder.feed_all(events)
    cps = builder.finish()
    dt = time.perf_counter() - t1
    cp_bytes = sum(len(c.data) for c in cps)
    keys = [c for c in cps if c.is_keyframe]
    raw, ev_bytes = compressed_event_bytes(events)
    print(f"checkpoints ({policy.interval_ms / 1000:g} s / {policy.max_events} events): {len(cps)} "
          f"({len(keys)} keyframes, {len(cps) - len(keys)} deltas) built in {dt:.2f} s "
          f"(apply + checkpointing)")
    print(f"  checkpoint bytes {cp_bytes / 1e6:.2f} MB (keyframes {sum(len(c.data) for c in keys) / 1e6:.2f} MB, "
          f"mean delta {statistics.mean([len(c.data) for c in cps if not c.is_keyframe] or [0]) / 1e3:.1f} kB)")
    print(f"  events: {raw / 1e6:.1f} MB JSON, {ev_bytes / 1e6:.2f} MB zstd-3 in 2000-event chunks")
    print(f"  checkpoints / compressed events = {cp_bytes / ev_bytes:.1%} (target < 30%)")
    organic = [e for k, e in enumerate(events) if k not in synthetic and e["type"] != 2]
    _, organic_bytes = compressed_event_bytes(organic)
    print(f"  without the {len(synthetic)} synthetic re-renders and the FullSnapshots: "
          f"{organic_bytes / 1e6:.2f} MB -> ratio {cp_bytes / organic_bytes:.1%} (worst case)")

    rnd = random.Random(args.seed)
    t0 = events[0]["timestamp"]
    for label, minute in (("minute 4-5", 5), ("minute 58-59", min(59, int(span_min)))):
        lo, hi = t0 + (minute - 1) * 60_000, t0 + minute * 60_000
        for warm in (True, False):
            times, applied = seek_latencies(cps, events, lo, hi, args.seeks, rnd, warm)
            print(f"seek {label:12s} {'warm' if warm else 'cold'} keyframe cache: p50 {pct(times, 50):6.2f} ms  "
                  f"p95 {pct(times, 95):6.2f} ms  max {max(times):6.2f} ms  "
                  f"(events applied after restore: p50 {pct(applied, 50)}, max {max(applied)})")
    t1 = time.perf_counter()
    m = SeekPlanner(cps, ListEventSource(events)).seek(t0 + 59 * 60_000)
    s1 = time.perf_counter()
    m.serialize()
    m.side_state()
    print(f"serialize() + side_state() of the minute-59 page ({len(m):,} nodes): "
          f"{(time.perf_counter() - s1) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
