"""The one-folder PyInstaller build runs headless (packaging/smoke_test.sh).

Building takes about a minute and needs PyInstaller, so the test runs on an existing build
(``REPLAYDESK_PYI_DIST=path/to/dist/replaydesk``) or builds one when
``REPLAYDESK_PYI_BUILD=1`` (with the ``PYTHON`` that packaging/build_linux.sh should use);
otherwise it is skipped with the reason.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    given = os.environ.get("REPLAYDESK_PYI_DIST")
    if given:
        return Path(given)
    if os.environ.get("REPLAYDESK_PYI_BUILD") != "1":
        pytest.skip("set REPLAYDESK_PYI_DIST=<dist/replaydesk> or REPLAYDESK_PYI_BUILD=1 to test the PyInstaller build")
    out = tmp_path_factory.mktemp("pyi")
    r = subprocess.run([str(REPO / "packaging" / "build_linux.sh")], env=dict(os.environ, OUT=str(out)),
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return out / "dist" / "replaydesk"


def test_one_folder_build_imports_renders_and_opens(dist):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "QT_", "REPLAYDESK_"))}
    r = subprocess.run([str(REPO / "packaging" / "smoke_test.sh"), str(dist)], env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "replaydesk 0.1.0" in r.stdout and "9 added" in r.stdout
    assert "wrote " in r.stdout and "build size: " in r.stdout and "window shown" in r.stdout
    print(r.stdout)
