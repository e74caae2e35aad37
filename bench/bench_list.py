"""Session list benchmark: 100,000 sessions, window open and filter changes.

    python -m bench.bench_list [--sessions 100000]

Builds (once, cached in bench/out/list-store.db) a store with the nine corpus
sessions imported for real and then cloned into N sessions with new ids,
users, start times, durations, devices, viewports and URL sets (session rows,
pages and the search index; the list never reads events). Then, offscreen:
  * window open -> first rows shown: constructing the session list pane on
    the store, showing it, and the view having painted its first rows;
  * each filter change -> rows updated (p50/p95/max over a script of filter
    edits through the real filter bar).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

OUT = Path(__file__).resolve().parent / "out"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def build_store(path: Path, n: int) -> None:
    from replaydesk.store import import_paths, open_store

    db = open_store(path)
    import_paths(db, [CORPUS / "archive-demo.zip"])
    conn = db.conn
    base = [dict(zip([d[0] for d in c.description], r)) for c in [conn.execute("SELECT * FROM sessions")] for r in c]
    pages = {}
    for sid, seq, url, te, tl, w, h in conn.execute("SELECT session_id, seq, url, t_enter, t_leave, viewport_width, viewport_height FROM pages"):
        pages.setdefault(sid, []).append((seq, url, te, tl, w, h))
    rng = random.Random(1)
    hosts = ["shop.example.com", "app.example.io", "blog.example.org", "docs.example.net"]
    devices = [("desktop", 1280, 800), ("desktop", 1440, 900), ("desktop", 1920, 1080), ("mobile", 390, 844), ("tablet", 820, 1180), ("desktop", 768, 1024)]
    conn.execute("BEGIN")
    start = 1_767_225_600_000  # 2026-01-01
    cols = list(base[0].keys())
    q = f"INSERT INTO sessions ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    for i in range(n - len(base)):
        b = dict(rng.choice(base))
        sid = f"clone_{i:06d}"
        host = rng.choice(hosts)
        dev, w, h = rng.choice(devices)
        dur = int(b["duration_ms"] * rng.uniform(0.2, 30))
        t0 = start + rng.randrange(0, 330 * 86_400_000)
        uid = rng.randrange(1, 40_000)
        b.update(
            id=sid, started_at=t0, ended_at=t0 + dur, duration_ms=dur, active_ms=int(dur * rng.uniform(0.3, 1)),
            user_id=f"u_{uid}", user_email=f"user{uid}@example.com", user_name=f"User {uid}", device=dev,
            viewport_width=w, viewport_height=h, click_count=rng.randrange(0, 80), error_count=rng.choice([0] * 8 + [1, 3]),
            content_hash=f"clone{i}", entry_url=b["entry_url"].replace("127.0.0.1:8765", host), exit_url=b["exit_url"].replace("127.0.0.1:8765", host),
        )
        rowid = conn.execute(q, [b[c] for c in cols]).lastrowid
        ps = pages[rng.choice(base)["id"]]
        conn.executemany(
            "INSERT INTO pages VALUES (?,?,?,?,?,?,?)",
            [(sid, seq, url.replace("127.0.0.1:8765", host), t0 + (te - ps[0][2]), t0 + (tl - ps[0][2]), w, h) for seq, url, te, tl, _w, _h in ps],
        )
        for url in dict.fromkeys(u.replace("127.0.0.1:8765", host) for _s, u, *_ in ps):
            conn.execute("INSERT INTO urls (url) VALUES (?) ON CONFLICT (url) DO NOTHING", (url,))
            conn.execute("INSERT OR IGNORE INTO session_urls SELECT id, ? FROM urls WHERE url = ?", (rowid, url))
        conn.execute("INSERT INTO session_search (rowid, people) VALUES (?,?)", (rowid, f"u_{uid} user{uid}@example.com User {uid}"))
    # frustration signal counts (issue 11) as a real archive might have them: most sessions
    # none, a few percent each kind; the list filters on "has" and sorts by the total
    sig = []
    for (rowid,) in conn.execute("SELECT rowid FROM sessions").fetchall():
        c = [rng.choice([0] * 12 + [1, 2]), rng.choice([0] * 8 + [1, 1, 3]), rng.choice([0] * 14 + [1, 2]),
             rng.choice([0] * 18 + [1]), rng.choice([0] * 30 + [1]), rng.choice([0] * 25 + [1]), rng.choice([0] * 40 + [1])]
        sig.append((*c, sum(c), rowid))
    conn.executemany(
        "UPDATE sessions SET sig_rage = ?, sig_dead = ?, sig_error = ?, sig_quick_back = ?, sig_scroll = ?,"
        " sig_thrash = ?, sig_form = ?, sig_total = ? WHERE rowid = ?", sig,
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=100_000)
    a = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"list-store-{a.sessions}.db"
    if not path.exists():
        t = time.perf_counter()
        build_store(path, a.sessions)
        print(f"built a store of {a.sessions:,} sessions in {time.perf_counter() - t:.1f} s")

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    from replaydesk.state.filters import ListState
    from replaydesk.store import open_store
    from replaydesk.ui.session_list import SessionListPane

    t0 = time.perf_counter()
    db = open_store(path)
    pane = SessionListPane(db, ListState())
    pane.resize(1000, 700)
    pane.show()
    app.processEvents()
    pane.view.viewport().grab()  # forces a paint of the visible rows
    first = time.perf_counter() - t0
    shown = pane.model.rowCount()
    print(f"window open -> first rows shown: {first * 1000:.0f} ms ({shown:,} rows; target < 1500 ms)")

    fb = pane.filter_bar
    script = [
        lambda: fb.url.setText("checkout"), lambda: fb._push_text(),
        lambda: fb.device.setCurrentIndex(fb.device.findData("mobile")),
        lambda: fb.has_errors.setChecked(True),
        lambda: fb.min_dur.setValue(60),
        lambda: fb.min_clicks.setValue(10),
        lambda: fb.min_vw.setValue(700),
        lambda: fb.user.setText("user123"), lambda: fb._push_text(),
        lambda: fb.clear_btn.click(),
        lambda: fb.url.setText("cart"), lambda: fb._push_text(),
        lambda: fb.max_dur.setValue(600),
        lambda: fb.since_on.setChecked(True),
        lambda: fb.until_on.setChecked(True),
        lambda: fb.clear_btn.click(),
    ]
    has_signal = getattr(fb, "has_signal", {})  # issue 11: "has rage / dead / error click / quick back"
    for kind in ("rage_click", "dead_click", "error_click", "quick_back"):
        if kind in has_signal:
            script.append(lambda box=has_signal[kind]: box.setChecked(True))
    if has_signal:
        script += [lambda: fb.clear_btn.click(), lambda: has_signal["error_click"].setChecked(True),
                   lambda: pane.state.set_sort("signals", True) if hasattr(pane.state, "set_sort") else None,
                   lambda: fb.device.setCurrentIndex(fb.device.findData("mobile")), lambda: fb.clear_btn.click()]
    times = []
    for _ in range(5):
        for step in script:
            t = time.perf_counter()
            step()
            app.processEvents()
            pane.view.viewport().grab()
            times.append(time.perf_counter() - t)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"filter change -> rows updated: p50 {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms,"
        f" max {times[-1] * 1000:.0f} ms over {len(times)} changes (target p95 < 100 ms)"
    )
    pane.model.close()
    pane.filter_bar.close_bindings()
    pane.close()


if __name__ == "__main__":
    main()
