"""One window per store (issue 15): a second ``replaydesk ARCHIVE`` on the same store hands the
archive to the window already open instead of opening a second writer."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time

import pytest

from replaydesk.resources import demo_archive
from replaydesk.ui.single_instance import HANDED_OVER, InstanceServer, hand_over, server_name

pytestmark = pytest.mark.qt


def _env(tmp_path, **extra) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QTWEBENGINE_DISABLE_SANDBOX="1",
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_STATE_HOME=str(tmp_path / "state"))
    env.pop("REPLAYDESK_DB", None)
    env.update(extra)
    return env


def _sessions(db) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("select count(*) from sessions").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def _listening(name: str) -> bool:
    from PySide6.QtNetwork import QLocalSocket

    s = QLocalSocket()
    s.connectToServer(name)
    ok = s.waitForConnected(200)
    s.abort()
    return ok


def test_server_name_is_per_store():
    assert server_name("/tmp/a/store.db") == server_name("/tmp/a/../a/store.db")
    assert server_name("/tmp/a/store.db") != server_name("/tmp/b/store.db")
    assert len(server_name("/x" * 200)) < 40  # Unix socket paths are short


def test_nobody_listening_means_no_hand_over(tmp_path):
    assert hand_over(tmp_path / "store.db", ["/x.zip"], timeout_ms=300) is False


def test_server_receives_paths_and_ignores_garbage(qtbot, tmp_path):
    from PySide6.QtNetwork import QLocalSocket

    server = InstanceServer(tmp_path / "store.db")
    assert server.listen()
    try:
        got = []
        server.pathsReceived.connect(got.append)
        bad = QLocalSocket()
        bad.connectToServer(server.name)
        assert bad.waitForConnected(1000)
        bad.write(b"not json\n")
        bad.flush()
        qtbot.wait(100)
        assert got == []
        # hand_over blocks, so it runs in another process while this one serves the event loop
        code = "import sys; from replaydesk.ui.single_instance import hand_over; print(hand_over(sys.argv[1], sys.argv[2:]))"
        proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "store.db"), str(tmp_path / "a.zip")],
                                stdout=subprocess.PIPE, text=True, env=_env(tmp_path))
        qtbot.waitUntil(lambda: bool(got), timeout=10_000)
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=10_000)
        assert got == [[str(tmp_path / "a.zip")]]
        assert proc.stdout.read().strip() == "True"
    finally:
        server.close()


def test_second_start_hands_the_archive_to_the_running_window(tmp_path):
    db = tmp_path / "store.db"
    cmd = [sys.executable, "-m", "replaydesk", "--db", str(db)]
    first = subprocess.Popen(cmd, env=_env(tmp_path, REPLAYDESK_QUIT_AFTER_MS="25000"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while not _listening(server_name(db)):
            assert first.poll() is None, f"the first window exited: {first.communicate()}"
            assert time.monotonic() < deadline, "the first window never listened"
            time.sleep(0.1)
        assert _sessions(db) == 0

        t0 = time.monotonic()
        second = subprocess.run([*cmd, str(demo_archive())], env=_env(tmp_path), capture_output=True, text=True,
                                timeout=20)
        assert second.returncode == 0, second.stderr
        assert second.stdout.strip() == HANDED_OVER
        assert time.monotonic() - t0 < 10  # it handed over; it did not open a window and import

        deadline = time.monotonic() + 20
        while _sessions(db) < 9:  # the demo archive's nine sessions, imported by the first window
            assert first.poll() is None, f"the first window exited: {first.communicate()}"
            assert time.monotonic() < deadline, f"the running window imported {_sessions(db)} sessions"
            time.sleep(0.2)
    finally:
        first.terminate()
        try:
            first.wait(10)
        except subprocess.TimeoutExpired:
            first.kill()
            first.wait()
