"""Logging: one rotating file in the user's state directory; ``--verbose`` on every subcommand."""

from __future__ import annotations

import logging
import logging.handlers
import os
import subprocess
import sys
from pathlib import Path

import pytest

from replaydesk.cli import build_parser


def run(*args, state: Path, db: Path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), XDG_STATE_HOME=str(state))
    return subprocess.run([sys.executable, "-m", "replaydesk", *map(str, args), "--db", str(db)],
                          capture_output=True, text=True, timeout=120, env=env)


def test_log_file_is_in_the_state_directory(tmp_path, monkeypatch):
    from replaydesk.logsetup import log_path

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    if sys.platform.startswith("linux"):
        assert log_path() == tmp_path / "state" / "ReplayDesk" / "log" / "replaydesk.log"


def test_setup_logging_rotates(tmp_path, monkeypatch):
    from replaydesk import logsetup

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, getattr(root, "_replaydesk_configured", False))
    root.handlers[:] = []
    root._replaydesk_configured = False
    try:
        logsetup.setup_logging(verbose=False)
        files = [h for h in root.handlers if isinstance(h, logging.handlers.RotatingFileHandler)]
        assert len(files) == 1
        fh = files[0]
        assert Path(fh.baseFilename) == logsetup.log_path() and fh.maxBytes > 0 and fh.backupCount >= 1
        fh.maxBytes = 200  # rotate quickly
        for i in range(20):
            logging.getLogger("replaydesk.test").info("line %d %s", i, "x" * 40)
        fh.flush()
        assert logsetup.log_path().with_name("replaydesk.log.1").is_file()
    finally:
        for h in root.handlers:
            h.close()
        root.handlers[:], root.level, root._replaydesk_configured = saved[0], saved[1], saved[2]
        logging.captureWarnings(False)


def test_every_subcommand_takes_verbose_after_its_name():
    p = build_parser()
    sub = next(a for a in p._actions if isinstance(a, __import__("argparse")._SubParsersAction))
    assert set(sub.choices) >= {"import", "sessions", "info", "render", "insights", "prune", "forget"}
    for name, sp in sub.choices.items():
        assert any("--verbose" in a.option_strings for a in sp._actions), name
    args = p.parse_args(["import", "--verbose", "x.zip"])
    assert args.verbose is True and args.paths == ["x.zip"]
    # before the subcommand it still counts (the subparser's default must not reset it)
    assert p.parse_args(["--verbose", "sessions"]).verbose is True
    assert p.parse_args(["sessions"]).verbose is False


def test_verbose_after_the_subcommand_logs_to_the_terminal(tmp_path, corpus):
    state, db = tmp_path / "state", tmp_path / "s.db"
    r = run("import", "--verbose", "--quiet", corpus / "archive-demo.zip", state=state, db=db)
    assert r.returncode == 0, r.stderr
    assert "INFO replaydesk.cli: replaydesk 0.1.0" in r.stderr
    quiet = run("sessions", state=state, db=db)
    assert quiet.returncode == 0 and "INFO" not in quiet.stderr
    loud = run("sessions", "--verbose", state=state, db=db)
    assert loud.returncode == 0 and "replaydesk sessions --verbose" in loud.stderr
    log = (state / "ReplayDesk" / "log" / "replaydesk.log").read_text()
    # every run is in the file, verbose or not
    assert log.count("INFO replaydesk.cli: replaydesk 0.1.0") == 3 and "replaydesk sessions --db" in log


def test_version():
    with pytest.raises(SystemExit) as e:
        build_parser().parse_args(["--version"])
    assert e.value.code == 0
