"""Build large recording archives by scaling the real corpus sessions.

Why: the corpus is 2.5 MB; ingest, seek and list benchmarks need hundreds of
MB and hour-long sessions. We never commit big files; this makes them.

Each generated session is a real corpus session replayed end to end one or
more times (each repeat keeps its page loads: Meta + FullSnapshot and all
incremental events, shifted in time), with a new id, a new user and a new
start time. Node ids stay valid because every repeat starts with its own
FullSnapshot, exactly as a long visit through many page loads would.

    python -m bench.generate OUT_DIR [--mb 300] [--long-minutes 60] [--zip]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import zipfile
from pathlib import Path

import orjson

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def load_corpus(corpus: Path = CORPUS) -> list[tuple[str, list[dict], dict]]:
    out = []
    for d in sorted(p for p in corpus.iterdir() if p.is_dir() and p.name.startswith("ses_")):
        events = orjson.loads((d / "events.json").read_bytes())
        meta = orjson.loads((d / "meta.json").read_bytes())
        out.append((d.name, events, meta))
    if not out:
        raise SystemExit(f"no corpus sessions in {corpus}")
    return out


def scaled_session(events: list[dict], repeats: int, start: int, gap_ms: int = 1500) -> list[dict]:
    """``events`` played ``repeats`` times back to back, starting at ``start``."""
    t0 = events[0]["timestamp"]
    span = events[-1]["timestamp"] - t0
    out: list[dict] = []
    for r in range(repeats):
        shift = start - t0 + r * (span + gap_ms)
        for e in events:
            c = dict(e)
            c["timestamp"] = e["timestamp"] + shift
            out.append(c)
    return out


def make_meta(base_meta: dict, sid: str, events: list[dict], rng: random.Random) -> dict:
    n = rng.randrange(10_000, 99_999)
    return {
        "sessionId": sid,
        "user": {"id": f"u_{n}", "name": f"Visitor {n}", "email": f"visitor{n}@example.com"},
        "userAgent": base_meta.get("userAgent"),
        "device": base_meta.get("device"),
        "viewport": base_meta.get("viewport"),
        "startedAt": events[0]["timestamp"],
        "endedAt": events[-1]["timestamp"],
        "durationMs": events[-1]["timestamp"] - events[0]["timestamp"],
        "journey": base_meta.get("journey"),
        "generatedFrom": base_meta.get("sessionId"),
    }


def generate(out: Path, total_mb: float = 300, long_minutes: float = 60, seed: int = 7, as_zip: bool = False, corpus: Path = CORPUS) -> dict:
    """Write an archive of about ``total_mb`` MB of JSON to ``out``.

    Returns a summary: sessions, total bytes, largest session bytes, ids.
    """
    rng = random.Random(seed)
    base = load_corpus(corpus)
    out.mkdir(parents=True, exist_ok=True)
    zf = zipfile.ZipFile(out / "archive.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=1) if as_zip else None
    written = 0
    largest = 0
    ids = []
    start = 1_790_000_000_000
    plan: list[tuple[int, int]] = []  # (base index, repeats)
    if long_minutes:
        # the dashboard session (busiest page) stretched to long_minutes
        k = max(range(len(base)), key=lambda i: len(base[i][1]))
        span = base[k][1][-1]["timestamp"] - base[k][1][0]["timestamp"]
        plan.append((k, max(1, round(long_minutes * 60_000 / (span + 1500)))))
    n = 0
    while True:
        if plan:
            k, reps = plan.pop()
        else:
            k, reps = rng.randrange(len(base)), rng.choice((1, 1, 2, 3))
        name, events, meta = base[k]
        start += rng.randrange(60_000, 3_600_000)
        evs = scaled_session(events, reps, start)
        sid = "gen_" + hashlib.blake2b(f"{seed}:{n}".encode(), digest_size=6).hexdigest()
        body = orjson.dumps(evs)
        m = orjson.dumps(make_meta(meta, sid, evs, rng), option=orjson.OPT_INDENT_2)
        if zf is not None:
            zf.writestr(f"{sid}/events.json", body)
            zf.writestr(f"{sid}/meta.json", m)
        else:
            d = out / sid
            d.mkdir(exist_ok=True)
            (d / "events.json").write_bytes(body)
            (d / "meta.json").write_bytes(m)
        written += len(body)
        largest = max(largest, len(body))
        ids.append(sid)
        n += 1
        start = evs[-1]["timestamp"]
        if written >= total_mb * 1e6:
            break
    if zf is not None:
        zf.close()
    return {"sessions": n, "bytes": written, "largest": largest, "ids": ids}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--mb", type=float, default=300)
    ap.add_argument("--long-minutes", type=float, default=60)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--zip", action="store_true")
    a = ap.parse_args()
    s = generate(a.out, a.mb, a.long_minutes, a.seed, a.zip)
    print(f"wrote {s['sessions']} sessions, {s['bytes'] / 1e6:.1f} MB of JSON (largest {s['largest'] / 1e6:.1f} MB) to {a.out}")


if __name__ == "__main__":
    main()
