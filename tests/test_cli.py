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


def test_render_privacy_masks_the_frame(tmp_path, corpus):
    """``render --privacy mask-text`` draws the same page with its text masked (issue 14)."""
    db = tmp_path / "s.db"
    assert run("import", corpus / "ses_894a31ac3a8c", db=db).returncode == 0
    from tests.ui.fidelity import load_png, within

    frames = {}
    for mode in ("as-recorded", "mask-text"):
        out = tmp_path / f"{mode}.png"
        r = run("render", "ses_894a31ac3a8c", "--at", "24075", "-o", out, "--privacy", mode, db=db)
        assert r.returncode == 0, r.stderr
        frames[mode] = load_png(out)
    truth = load_png(corpus / "ses_894a31ac3a8c" / "truth" / "24075.png")
    assert within(frames["as-recorded"], truth) > 0.99
    assert frames["mask-text"].shape == truth.shape
    assert within(frames["mask-text"], truth) < 0.98  # the text is gone...
    assert within(frames["mask-text"], truth) > 0.80  # ...the page (boxes, colours, images) is not
    bad = run("render", "ses_894a31ac3a8c", "--at", "0", "-o", tmp_path / "x.png", "--privacy", "blur", db=db)
    assert bad.returncode == 2 and "--privacy" in bad.stderr


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


# -- issue 8: element names in `info`, --help, a fresh machine -----------------------------

def test_info_names_clicked_elements_like_the_inspector(tmp_path, corpus):
    """Clicks read "button#add-to-cart 'Add to cart'", not "node 101", and block text is spaced."""
    import re

    from replaydesk.analysis.events import summarize_events

    db = tmp_path / "s.db"
    sid = "ses_894a31ac3a8c"
    assert run("import", corpus / sid, db=db).returncode == 0
    info = run("info", sid, db=db)
    assert info.returncode == 0, info.stderr
    clicks = info.stdout.split("Clicks (", 1)[1].split("Console errors", 1)[0]
    assert not re.search(r"\bnode \d+", clicks), clicks
    assert "button#add-to-cart 'Add to cart'" in clicks
    assert "div.body 'Glazed Coffee Mug $18.00 In stock'" in clicks  # not "Mug$18.00In stock"

    js = orjson.loads(run("info", sid, "--json", db=db).stdout)
    events = orjson.loads((corpus / sid / "events.json").read_bytes())
    inspector = {r.summary.partition(" on ")[2] for r in summarize_events(events) if r.kind in ("click", "tap")}
    assert len(js["clicks"]) == 12 and all(c["target"] in inspector for c in js["clicks"]), js["clicks"]


def test_help_lists_the_window_commands():
    r = run("--help")
    assert r.returncode == 0
    assert "--demo" in r.stdout and "replaydesk ARCHIVE..." in r.stdout
    assert all(c in r.stdout for c in ("import", "sessions", "info", "render"))


def test_missing_xcb_libraries_are_named_in_one_line():
    from replaydesk.ui.app import APT_LINE, display_problem, missing_libraries

    ldd = (
        "\tlinux-vdso.so.1 (0x00007ffd)\n"
        "\tlibQt6XcbQpa.so.6 => /x/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x7f)\n"
        "\tlibxcb-icccm.so.4 => not found\n"
        "\tlibxcb-keysyms.so.1 => not found\n"
        "\tlibxcb-icccm.so.4 => not found\n"
        "\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x7f)\n"
    )
    assert missing_libraries(ldd) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    line = display_problem({"DISPLAY": ":0"}, check=lambda: missing_libraries(ldd))
    assert line is not None and "\n" not in line
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in line and APT_LINE in line
    assert display_problem({"DISPLAY": ":0"}, check=lambda: []) is None
    assert display_problem({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, check=lambda: ["libx.so"]) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, check=lambda: ["libx.so"]) is None
    assert "DISPLAY is not set" in display_problem({}, check=lambda: [])


def test_gui_start_without_xcb_libraries_prints_one_line(tmp_path):
    """`replaydesk --demo` on a machine lacking an xcb library: one line and exit 2, not
    Qt's misleading "xcb-cursor0 is needed" and an abort (exit 134). The missing library is
    simulated with an `ldd` on PATH that reports it."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "ldd").write_text("#!/bin/sh\necho '\tlibxcb-icccm.so.4 => not found'\necho '\tlibc.so.6 => /lib/libc.so.6 (0x1)'\n")
    (fake / "ldd").chmod(0o755)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), DISPLAY=":987", PATH=f"{fake}{os.pathsep}{os.environ['PATH']}",
               REPLAYDESK_DB=str(tmp_path / "gui.db"))
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("WAYLAND_DISPLAY", None)
    r = subprocess.run([sys.executable, "-m", "replaydesk", "--demo"], capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("replaydesk: ")
    assert "libxcb-icccm.so.4" in r.stderr and "apt-get install" in r.stderr and "libxcb-icccm4" in r.stderr


def test_xcb_plugin_loads_on_this_machine():
    """The real check finds nothing missing where the window runs (the tests' own machine)."""
    from replaydesk.ui.app import xcb_missing_libraries, xcb_plugin_path

    if xcb_plugin_path() is None:
        pytest.skip("this PySide6 has no xcb plugin")
    assert xcb_missing_libraries() == []


def test_readme_names_the_system_packages_in_one_apt_line():
    """README: two copy-paste commands, plus the one apt-get line, which covers every system
    library the xcb plugin and QtWebEngine link (checked against dpkg where it exists)."""
    import re
    import shutil
    from pathlib import Path

    import PySide6

    from replaydesk.ui.app import APT_LINE, APT_PACKAGES

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert readme.count("```sh") == 2
    assert len(re.findall(r"apt-get install", readme)) == 1 and f"`{APT_LINE}`" in readme
    if not (shutil.which("dpkg") and shutil.which("apt-cache") and shutil.which("ldd")):
        pytest.skip("no dpkg/apt-cache/ldd: not a Debian-like machine")
    qt = Path(PySide6.__file__).parent / "Qt"
    libs: set[str] = set()
    for target in (qt / "plugins/platforms/libqxcb.so", qt / "lib/libQt6WebEngineCore.so.6", qt / "libexec/QtWebEngineProcess"):
        out = subprocess.run(["ldd", str(target)], capture_output=True, text=True).stdout
        assert "not found" not in out, out
        libs |= {str(Path(m).resolve()) for m in re.findall(r"=> (/\S+)", out) if "PySide6" not in m}
    # merged /usr: dpkg may know a library under /lib or /usr/lib
    alt = {lib: lib.replace("/usr/lib/", "/lib/", 1) if lib.startswith("/usr/lib/") else "/usr" + lib for lib in libs}
    owned = subprocess.run(["dpkg", "-S", *sorted(libs | set(alt.values()))], capture_output=True, text=True).stdout
    by_path = {path: pkgs.split(",")[0].strip() for pkgs, _, path in (ln.partition(": ") for ln in owned.splitlines())}
    owner_of = {lib: by_path.get(lib) or by_path.get(alt[lib]) for lib in libs}
    assert None not in owner_of.values(), [lib for lib, o in owner_of.items() if o is None]
    owners = {o.split(":")[0] for o in owner_of.values()}
    essential = [line.split()[0] for line in subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${Essential}\n"], capture_output=True, text=True).stdout.splitlines() if line.endswith(" yes")]
    deps = subprocess.run(
        ["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts", "--no-breaks",
         "--no-replaces", "--no-enhances", *APT_PACKAGES.split(), *essential], capture_output=True, text=True).stdout
    covered = {line.split(":")[0] for line in deps.splitlines() if line and not line.startswith(" ")}
    assert owners and owners <= covered, sorted(owners - covered)


def test_insights_lists_findings_with_rule_and_selector(tmp_path, corpus):
    db = tmp_path / "s.db"
    assert run("import", corpus / "archive-demo.zip", db=db).returncode == 0
    r = run("insights", "ses_ac59c861b05d", "--kind", "rage_click", "--json", db=db)
    assert r.returncode == 0, r.stderr
    rows = orjson.loads(r.stdout)
    assert [(x["session_id"], x["kind"], x["selector"]) for x in rows] == [
        ("ses_ac59c861b05d", "rage_click", "button#share-lab"), ("ses_ac59c861b05d", "rage_click", "button#promo-claim")]
    assert abs(rows[0]["t_ms"] - 29812) <= 1000 and "clicks within" in rows[0]["rule"]
    r = run("insights", "--kind", "quick_back", db=db)
    assert r.returncode == 0 and "ses_eca6cdfc6b65" in r.stdout and "Quick back" in r.stdout
    assert "rule:" in r.stdout and "2 finding(s)" in r.stdout
    r = run("insights", "--kind", "bogus", db=db)
    assert r.returncode == 2 and r.stderr.strip().endswith("form_abandonment") and "Traceback" not in r.stderr
    r = run("insights", "no-such-session", db=db)
    assert r.returncode == 2 and "no session" in r.stderr


def test_fields_reports_last_field_and_errors_and_refuses_bad_input(tmp_path, corpus):
    db = tmp_path / "s.db"
    assert run("import", corpus / "archive-demo.zip", db=db).returncode == 0
    r = run("fields", "--url", "/checkout.html?step=2", "--json", db=db)
    assert r.returncode == 0, r.stderr
    rep = orjson.loads(r.stdout)
    assert rep["pattern"] == "/checkout.html" and rep["abandoned"] == 1
    assert rep["last_fields"][0]["field"] == "input#card"
    card = next(f for f in rep["fields"] if f["selector"] == "input#card")
    assert card["sessions"] == 3 and card["errors"] >= 1 and card["last_touched"] == 1
    r = run("fields", "--url", "/checkout.html", db=db)
    assert r.returncode == 0 and "left without a submit" in r.stdout and "input#card: 1 (100%)" in r.stdout
    r = run("fields", "--url", "/nope", db=db)
    assert r.returncode == 2 and "no page views match '/nope'" in r.stderr and "Traceback" not in r.stderr
    r = run("heatmap", "--url", "/index.html", "--kind", "click", "--near-misses", tmp_path / "n.csv",
            "-o", tmp_path / "h.png", db=db)
    assert r.returncode == 2 and "--near-misses needs --kind taps" in r.stderr
    # a tap map with its near-miss table, drawn on white: needs a QGuiApplication (it aborted without one)
    table = tmp_path / "near.csv"
    r = run("heatmap", "--url", "/cart.html", "--kind", "taps", "--no-render", "--near-misses", table,
            "-o", tmp_path / "taps.png", db=db)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "taps.png").stat().st_size > 1000
    assert table.read_text().splitlines()[0].startswith("element,near_misses,taps,rate,")
    assert "near-misses in 5 taps" in r.stdout


@pytest.mark.parametrize("argv, says", [
    (["prune", "--older-than=inf"], "--older-than: not a finite number: 'inf'"),
    (["prune", "--older-than=nan"], "--older-than: not a finite number: 'nan'"),
    (["prune", "--older-than=1e300"], "--older-than: 1e300 is out of range"),
    (["sessions", "--min-duration", "inf"], "--min-duration: not a finite number"),
    (["sessions", "--max-duration", "1e300"], "--max-duration: 1e300 is out of range"),
    (["sessions", "--min-clicks", "99999999999999999999999"], "--min-clicks: 99999999999999999999999 is out of range"),
    (["sessions", "--limit", "-3"], "--limit: -3 is out of range"),
    (["render", "ses_6ef7552cd34d", "--at", "1e9", "-o", "x.png"], "--at: not an integer: '1e9'"),
    (["clip", "ses_6ef7552cd34d", "--to", "9" * 30, "-o", "x.gif"], "--to: " + "9" * 30 + " is out of range"),
])
def test_numbers_out_of_reach_are_usage_errors_not_tracebacks(tmp_path, capsys, argv, says):
    """inf, nan, 1e300 and 10^22 parsed, then overflowed deep in a query (SQLite's integers are
    64-bit): OverflowError / ValueError tracebacks. Nothing was deleted, but nothing was said."""
    from replaydesk.cli import main

    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--db", str(tmp_path / "s.db")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_render_and_note_refuse_an_unusable_output_or_moment_in_one_line(tmp_path, corpus, capsys):
    from replaydesk.cli import main

    db = str(tmp_path / "s.db")
    assert main(["import", str(corpus / "ses_6ef7552cd34d"), "--db", db, "--quiet"]) == 0
    capsys.readouterr()
    for out, says in ((tmp_path, "give a file name for the PNG"), ("", "give a file name for the PNG"),
                      (tmp_path / "no" / "such" / "x.png", "no such folder")):
        assert main(["render", "ses_6ef7552cd34d", "--at", "10", "-o", str(out), "--db", db]) == 2
        err = capsys.readouterr().err
        assert says in err and err.count("\n") == 1
    assert not (tmp_path / "no").exists()  # the folders are not made behind the user's back
    assert main(["note", "ses_6ef7552cd34d", "--at", "9" * 23, "hi", "--db", db]) == 2
    assert "outside the session" in capsys.readouterr().err
    assert main(["note", "ses_6ef7552cd34d", "--at", "100", "hi", "--db", db]) == 0


def test_recorded_text_cannot_drive_the_terminal(tmp_path, corpus, capsys):
    """A session id and a console message with ESC sequences (recolour, window title), a
    bell and a right-to-left override were printed raw by `sessions` and `info`."""
    from replaydesk.cli import main
    from replaydesk.cli.terminal import visible

    evil = "evil\x1b]0;pwned\x07\x1b[31mRED\u202eabc\x9b2J"
    events = orjson.loads((corpus / "ses_6ef7552cd34d" / "events.json").read_bytes())
    events.append({"type": 3, "timestamp": events[-1]["timestamp"] + 1,
                   "data": {"source": 11, "level": "error", "payload": [evil], "trace": []}})
    folder = tmp_path / "esc"
    folder.mkdir()
    (folder / "events.json").write_bytes(orjson.dumps(events))
    (folder / "meta.json").write_bytes(orjson.dumps({"sessionId": evil}))
    db = str(tmp_path / "s.db")
    assert main(["import", str(folder), "--db", db, "--quiet"]) == 0
    sid = "evil_]0;pwned__[31mRED\u202eabc_2J"  # the id's control characters became "_" at import
    for argv, shown in ((["sessions"], "evil_]0;pwned__[31mRED"), (["info", sid], "\\u001b"),
                        (["sessions", "--json"], "\\u202e")):
        capsys.readouterr()
        assert main([*argv, "--db", db]) == 0
        out = capsys.readouterr().out
        assert not any(c in out for c in "\x1b\x07\u202e\x9b"), argv
        assert shown in out, argv  # as a visible escape (info: the console message's ESC; the list cuts the id)
    assert orjson.loads(out)[0]["id"] == sid  # and --json still parses to the stored id
    assert visible("tab\tnew\nline\r") == "tab\tnew\nline\r"
