"""The ``replaydesk`` command as a user runs it (real subprocesses)."""

from __future__ import annotations

import os
import subprocess
import sys

import orjson
import pytest


def run(*args, db=None, env_db=None):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    if env_db:
        env["REPLAYDESK_DB"] = str(env_db)
    cmd = [sys.executable, "-m", "replaydesk", *map(str, args)]
    if db:
        cmd += ["--db", str(db)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)


def test_import_then_list_and_info(tmp_path, corpus):
    db = tmp_path / "s.db"
    r = run("import", corpus / "archive-demo.zip", db=db)
    assert r.returncode == 0, r.stderr
    assert "9 added, 0 replaced, 0 skipped, 0 rejected" in r.stdout
    assert "Traceback" not in r.stderr
    again = run("import", corpus / "archive-demo.zip", db=db)
    assert again.returncode == 0 and "0 added, 0 replaced, 9 skipped" in again.stdout

    js = run("sessions", "--json", db=db)
    rows = orjson.loads(js.stdout)
    assert len(rows) == 9
    for key in ("id", "started_at", "duration_ms", "page_count", "click_count", "error_count", "entry_url", "viewport", "device"):
        assert all(key in row for row in rows), key

    def ids(*flags):
        out = run("sessions", "--json", *flags, db=db)
        assert out.returncode == 0, out.stderr
        return {row["id"] for row in orjson.loads(out.stdout)}

    assert ids("--url", "checkout") == {"ses_46d365862838", "ses_5924706e4bfc", "ses_f69ef2c8dc31"}
    assert ids("--device", "mobile") == {"ses_894a31ac3a8c"}
    assert ids("--min-duration", "60") == {"ses_49340e341bb8", "ses_f69ef2c8dc31"}
    assert ids("--max-duration", "10") == {"ses_6ef7552cd34d"}
    assert ids("--user", "maria.keller") == {"ses_46d365862838"}
    assert ids("--since", "2026-11-27") == {"ses_8339d0629316", "ses_49340e341bb8"}
    assert len(ids("--until", "2026-11-26")) == 7
    assert ids("--since", "2026-11-28") == set()

    table = run("sessions", db=db)
    assert "9 session(s)" in table.stdout and "ses_894a31ac3a8c" in table.stdout

    info = run("info", "ses_ac59c861b05d", db=db)
    assert info.returncode == 0
    assert "sketchExporter is not defined" in info.stdout and "/lab.html" in info.stdout
    info_js = orjson.loads(run("info", "ses_ac59c861b05d", "--json", db=db).stdout)
    assert len(info_js["pages"]) == 2 and len(info_js["clicks"]) == info_js["click_count"] == 25
    assert len([e for e in info_js["errors"] if e["level"] == "error"]) == 2


def test_exit_codes_and_one_line_errors(tmp_path, corpus):
    db = tmp_path / "s.db"
    junk = tmp_path / "junk.json"
    junk.write_bytes(b"\x00\x01binary")
    r = run("import", junk, db=db)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines()[0].startswith(f"rejected: {junk}:")
    assert "Traceback" not in r.stderr

    mixed = run("import", junk, corpus / "ses_6ef7552cd34d", db=db)
    assert mixed.returncode == 1 and "1 added" in mixed.stdout and "Traceback" not in mixed.stderr

    missing = run("info", "nope", db=db)
    assert missing.returncode == 2 and missing.stderr.strip() == "replaydesk: no session 'nope' in the store"
    bad_usage = run("sessions", "--device", "phone", db=db)
    assert bad_usage.returncode == 2
    bad_date = run("sessions", "--since", "yesterday", db=db)
    assert bad_date.returncode == 2 and "not a date" in bad_date.stderr
    nostore = run("sessions", db=tmp_path / "none.db")
    assert nostore.returncode == 2 and "no store" in nostore.stderr
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"garbage" * 1000)
    c = run("sessions", db=corrupt)
    assert c.returncode == 2 and "Traceback" not in c.stderr and c.stderr.count("\n") == 1


def test_gui_command_rejects_missing_archive_in_one_line(tmp_path):
    r = run(tmp_path / "missing.zip", db=tmp_path / "s.db")
    assert r.returncode == 2 and r.stderr.strip() == f"replaydesk: no such file or folder: {tmp_path / 'missing.zip'}"


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help(flag):
    r = run(flag)
    assert r.returncode == 0 and "import" in r.stdout


def test_render_writes_the_viewport_at_a_moment(tmp_path, corpus):
    db = tmp_path / "s.db"
    assert run("import", corpus / "ses_894a31ac3a8c", db=db).returncode == 0
    out = tmp_path / "frame.png"
    r = run("render", "ses_894a31ac3a8c", "--at", "24075", "-o", out, db=db)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    from tests.ui.fidelity import load_png, within

    ours, truth = load_png(out), load_png(corpus / "ses_894a31ac3a8c" / "truth" / "24075.png")
    assert ours.shape == truth.shape == (844, 390, 3)
    assert within(ours, truth) > 0.99  # the phone cart rrweb's own replayer gets wrong (84.7%)
    bad = run("render", "ses_894a31ac3a8c", "--at", "999999", "-o", out, db=db)
    assert bad.returncode == 2 and "outside the session" in bad.stderr


def test_gui_opens_and_imports_the_demo(tmp_path):
    """``replaydesk --demo`` really starts the window and imports in it (offscreen smoke)."""
    import sqlite3
    import time

    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), QT_QPA_PLATFORM="offscreen", REPLAYDESK_DB=str(tmp_path / "gui.db"))
    p = subprocess.Popen([sys.executable, "-m", "replaydesk", "--demo", "--no-crash-dialog"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        n = 0
        while time.monotonic() < deadline and p.poll() is None:
            try:
                c = sqlite3.connect(f"file:{tmp_path / 'gui.db'}?mode=ro", uri=True, timeout=1)
                n = c.execute("SELECT count(*) FROM sessions").fetchone()[0]
                c.close()
            except sqlite3.Error:
                n = 0
            if n == 9:
                break
            time.sleep(0.2)
        assert p.poll() is None, p.stderr.read().decode()[-2000:]
        assert n == 9
    finally:
        p.terminate()
        p.wait(timeout=30)
