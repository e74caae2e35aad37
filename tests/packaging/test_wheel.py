"""The built wheel, installed non-editable in a fresh venv, runs the way a user runs it.

What can break in a wheel (and never in the editable checkout) is the wheel's own
content: package data behind the ``_resources`` symlink, the ``replaydesk`` entry
point, a module importing something from the source tree. So the test builds the
wheel the way a release does (``python -m build``: sdist, then the wheel from it),
installs it with ``--no-deps`` into a new venv, and lets that venv see the project
venv's site-packages only as a plain path for the third-party dependencies (PySide6
is 600 MB; installing it again would not test our packaging). A plain path line in a
``.pth`` file does not process the ``.pth`` files found there, so the project's editable
install stays invisible: the test checks that ``replaydesk`` really comes from the
fresh venv.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import orjson
import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


def _run(cmd, *, env, cwd, timeout=60):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)
    assert "Traceback" not in r.stderr, r.stderr
    return r


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("build", reason="the 'build' package (pip install -e .[test])")
    out = tmp_path_factory.mktemp("dist")
    r = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO)],
                       capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    wheels = list(out.glob("replaydesk-*.whl"))
    assert len(wheels) == 1, list(out.iterdir())
    return wheels[0]


@pytest.fixture(scope="module")
def fresh(wheel, tmp_path_factory) -> tuple[Path, dict]:
    """A new venv with the wheel installed (no editable link to the checkout)."""
    root = tmp_path_factory.mktemp("venv") / "fresh"
    venv.EnvBuilder(with_pip=False).create(root)
    py = root / "bin" / "python"
    r = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index",
                        "--disable-pip-version-check", str(wheel)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    site = Path(subprocess.check_output([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                        text=True).strip())
    (site / "zz_project_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "QT_", "REPLAYDESK_"))}
    env["PATH"] = f"{root / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["QTWEBENGINE_DISABLE_SANDBOX"] = os.environ.get("QTWEBENGINE_DISABLE_SANDBOX", "1")
    env["QTWEBENGINE_CHROMIUM_FLAGS"] = "--disable-gpu"
    return root, env


def test_wheel_holds_the_resources(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for want in ("replaydesk/_resources/replay/renderer.html", "replaydesk/_resources/replay/renderer.js",
                 "replaydesk/_resources/demo/archive-demo.zip", "replaydesk/_resources/icons/replaydesk.svg",
                 "replaydesk/_resources/icons/hicolor/256x256/apps/io.replaydesk.ReplayDesk.png"):
        assert want in names, want
    ours = {Path(n).name for n in names if n.startswith("replaydesk/_resources/replay/")}
    assert ours == {p.name for p in (REPO / "resources" / "replay").iterdir() if p.is_file()}


def _x_display_or_none(request) -> str | None:
    """Our own Xvfb (tests/xserver.py) when it can run; else None, and the window runs
    offscreen. In CI (REPLAYDESK_REQUIRE_DISPLAY=1) a missing server fails the test."""
    try:
        return request.getfixturevalue("x_display")
    except pytest.skip.Exception:
        return None


def test_installed_wheel_runs_version_demo_and_render(fresh, tmp_path, request):
    root, env = fresh
    exe = root / "bin" / "replaydesk"
    assert exe.is_file(), "the wheel installs no replaydesk entry point"

    where = _run([root / "bin" / "python", "-c",
                  "import replaydesk, replaydesk.resources as r; print(replaydesk.__file__); print(r.resources_dir())"],
                 env=env, cwd=tmp_path)
    mod_file, res_dir = where.stdout.split()
    assert Path(mod_file).is_relative_to(root) and Path(res_dir).is_relative_to(root), where.stdout

    v = _run([exe, "--version"], env=env, cwd=tmp_path)
    assert v.returncode == 0 and v.stdout.strip() == "replaydesk 0.1.0", v

    # the window on the bundled demo: a real X display when one runs, else Qt's offscreen platform
    db = tmp_path / "store.db"
    gui_env = dict(env, REPLAYDESK_QUIT_AFTER_MS="300", XDG_STATE_HOME=str(tmp_path / "state"))
    display = _x_display_or_none(request)
    if display:
        gui_env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
    else:
        gui_env["QT_QPA_PLATFORM"] = "offscreen"
    demo = _run([exe, "--demo", "--db", db], env=gui_env, cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    log = (tmp_path / "state" / "ReplayDesk" / "log" / "replaydesk.log").read_text()
    assert "window shown" in log and "quitting" in log

    rows = orjson.loads(_run([exe, "sessions", "--json", "--db", db], env=env, cwd=tmp_path).stdout)
    assert len(rows) == 9  # the window imported the whole demo archive from the installed package
    sid = max(rows, key=lambda r: r["duration_ms"])["id"]

    png = tmp_path / "frame.png"
    r = _run([exe, "render", sid, "--at", "2000", "-o", png, "--db", db], env=env, cwd=tmp_path, timeout=90)
    assert r.returncode == 0, r.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 2000
    assert f"wrote {png}" in r.stdout
