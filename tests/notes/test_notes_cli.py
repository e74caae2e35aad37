"""``replaydesk notes`` / ``replaydesk note`` (issue 13) as a user runs them."""

from __future__ import annotations

import shutil

import orjson
import pytest

from replaydesk.cli import main

SID = "ses_6ef7552cd34d"


@pytest.fixture
def store(seeded_db_path, tmp_path):
    p = tmp_path / "cli.db"
    shutil.copy(seeded_db_path, p)
    return str(p)


def test_add_list_json_export_import(store, tmp_path, capsys):
    assert main(["note", SID, "--at", "1500-4000", "--tag", "bug", "fails", "at", "the", "card", "field",
                 "--db", store]) == 0
    assert main(["note", SID, "--at", "800", "first look", "--db", store]) == 0
    out = capsys.readouterr().out
    assert f"added note 1 to {SID} at 1500-4000" in out
    assert main(["notes", SID, "--db", store]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "first look" in lines[0] and "0:00.8 " in lines[0]  # ordered by start
    assert "0:01.5–0:04.0" in lines[1] and "[bug] fails at the card field" in lines[1]
    assert main(["notes", SID, "--json", "--db", store]) == 0
    rows = orjson.loads(capsys.readouterr().out)
    assert [(r["start_ms"], r["end_ms"], r["tag"], r["text"]) for r in rows] == [
        (800, 800, None, "first look"), (1500, 4000, "bug", "fails at the card field")]

    f = tmp_path / "shared.json"
    assert main(["notes", SID, "--export", str(f), "--db", store]) == 0
    fresh = str(tmp_path / "fresh.db")
    shutil.copy(store, fresh)
    import sqlite3

    con = sqlite3.connect(fresh)
    con.execute("DELETE FROM notes")
    con.commit()
    con.close()
    capsys.readouterr()
    assert main(["notes", SID, "--import", str(f), "--db", fresh]) == 0
    assert "2 added, 0 updated, 0 already there" in capsys.readouterr().out
    assert main(["notes", SID, "--import", str(f), "--db", fresh]) == 0
    assert "0 added, 0 updated, 2 already there" in capsys.readouterr().out


@pytest.mark.parametrize("argv,message", [
    (["note", SID, "--at", "4000-1000", "x"], "--at 4000-1000: the range must"),
    (["note", SID, "--at", "soon", "x"], "--at must be MS or START-END"),
    (["note", "ses_nope", "--at", "5", "x"], "no session 'ses_nope' in the store"),
    (["note", SID, "--at", "5", "   "], "a note needs some text"),
])
def test_bad_input_is_one_line(store, capsys, argv, message):
    assert main([*argv, "--db", store]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_bad_notes_file_names_the_file(store, tmp_path, capsys):
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "replaydesk-notes", ')
    assert main(["notes", SID, "--import", str(bad), "--db", store]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"replaydesk: {bad}: not valid JSON") and len(err.splitlines()) == 1
    other = tmp_path / "other.json"
    other.write_bytes(orjson.dumps({"format": "replaydesk-notes", "version": 1, "session_id": "ses_x", "notes": []}))
    assert main(["notes", SID, "--import", str(other), "--db", store]) == 2
    assert f"{other}: its notes are for session 'ses_x'" in capsys.readouterr().err


def test_subprocess_run(store):
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    r = subprocess.run([sys.executable, "-m", "replaydesk", "note", SID, "--at", "0-900", "hello", "--db", store],
                       capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([sys.executable, "-m", "replaydesk", "notes", SID, "--json", "--db", store],
                       capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0 and orjson.loads(r.stdout)[0]["text"] == "hello"
