"""Kill a real import process at arbitrary moments: only whole sessions remain."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from bench.generate import generate
from replaydesk.store import StoreError
from replaydesk.store.db import connect_file

pytestmark = pytest.mark.slow


def _check_store(path) -> int:
    conn = connect_file(path)  # sqlite3, or sqlcipher3 under $REPLAYDESK_PASSPHRASE (encrypted stores)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        bad = conn.execute(
            """
            SELECT s.id FROM sessions s
            LEFT JOIN (SELECT session_id, count(*) n, sum(n_events) ev FROM event_chunks GROUP BY session_id) c
                   ON c.session_id = s.id
            WHERE c.n IS NULL OR c.n != s.chunk_count OR c.ev != s.event_count
            """
        ).fetchall()
        assert bad == [], f"partial sessions: {bad}"
        orphans = conn.execute("SELECT count(*) FROM event_chunks WHERE session_id NOT IN (SELECT id FROM sessions)").fetchone()[0]
        assert orphans == 0
        n = conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM session_search").fetchone()[0] == n
        assert conn.execute("SELECT count(*) FROM session_details").fetchone()[0] == n
        assert conn.execute("SELECT count(*) FROM session_urls WHERE session_rowid NOT IN (SELECT rowid FROM sessions)").fetchone()[0] == 0
        return n
    finally:
        conn.close()


def _count(path) -> int:
    if not os.path.exists(path):
        return 0
    try:
        conn = connect_file(path, timeout=5)
        try:
            return conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
        finally:
            conn.close()
    except StoreError:
        return 0


def test_sigkill_during_import_never_leaves_partial_sessions(tmp_path):
    info = generate(tmp_path / "archive", total_mb=30, long_minutes=1.5)
    db = tmp_path / "store.db"
    cmd = [sys.executable, "-m", "replaydesk", "import", str(tmp_path / "archive"), "--db", str(db), "--quiet"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    seen = 0
    kills = 0
    for target in (1, 6, 14, 25):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while proc.poll() is None and _count(db) < target and time.monotonic() < deadline:
            time.sleep(0.01)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        n = _check_store(db)
        assert n >= seen  # nothing stored earlier is lost
        seen = n
    assert kills >= 2, "the import finished before it could be killed: make the archive larger"
    # a final uninterrupted run completes the store
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _check_store(db) == info["sessions"]
