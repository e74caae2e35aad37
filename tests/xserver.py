"""An Xvfb server of our own for tests that run the window on the ``xcb`` platform.

Shared by tests/display (the window on a real display) and tests/packaging (the
installed wheel's window). A fixed ``:99`` is not used: a stale socket of a dead
server made the wheel test pick ``xcb`` with no server behind it (CI, stop 17).

Without Xvfb, or when Qt's xcb plugin cannot load, the tests skip with one reason;
with ``REPLAYDESK_REQUIRE_DISPLAY=1`` (CI) that is a failure instead.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time

import pytest

SCREEN = "1600x1000x24"


def require_or_skip(reason: str):
    if os.environ.get("REPLAYDESK_REQUIRE_DISPLAY") == "1":
        pytest.fail(f"real-display tests cannot run (REPLAYDESK_REQUIRE_DISPLAY=1): {reason}", pytrace=False)
    pytest.skip(reason)


def _start_xvfb(exe: str) -> tuple[subprocess.Popen, str]:
    """Xvfb on a free display number: ``-displayfd`` makes the server pick one and
    tell us which, so parallel runs and an existing :99 never collide."""
    r, w = os.pipe()
    proc = subprocess.Popen([exe, "-displayfd", str(w), "-screen", "0", SCREEN, "-nolisten", "tcp", "-noreset"],
                            pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.close(w)
    buf = b""
    deadline = time.monotonic() + 30
    try:
        while not buf.endswith(b"\n") and time.monotonic() < deadline and proc.poll() is None:
            ready, _, _ = select.select([r], [], [], 0.5)
            if ready:
                chunk = os.read(r, 64)
                if not chunk:
                    break
                buf += chunk
    finally:
        os.close(r)
    if not buf.strip().isdigit():
        proc.kill()
        err = proc.stderr.read().decode(errors="replace").strip().splitlines()[-1:] if proc.stderr else []
        raise RuntimeError(f"Xvfb did not start: {' '.join(err) or 'no display number'}")
    return proc, f":{int(buf)}"


@pytest.fixture(scope="session")
def x_display():
    """``DISPLAY`` of a running Xvfb (1600x1000, 24 bit) for this test session."""
    exe = shutil.which("Xvfb")
    if exe is None:
        require_or_skip("no X server: Xvfb is not installed (Debian: apt-get install xvfb xauth and the xcb libraries, see .ci/run)")
    from replaydesk.ui.app import xcb_missing_libraries

    missing = xcb_missing_libraries()
    if missing:
        require_or_skip(f"Qt's xcb platform plugin cannot load: missing {', '.join(missing)}")
    try:
        proc, display = _start_xvfb(exe)
    except RuntimeError as exc:
        require_or_skip(str(exc))
    try:
        yield display
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
