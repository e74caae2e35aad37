"""The layering rules of the design card, checked by import-linter."""

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "import-linter is not installed (pip install -e '.[test]')"
    r = subprocess.run([exe, "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "broken" not in r.stdout.lower() or " 0 broken" in r.stdout


def test_core_imports_without_qt():
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'):\n"
        "            raise ImportError('Qt is blocked for this check: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import replaydesk.formats, replaydesk.store, replaydesk.replay, replaydesk.analysis, replaydesk.state, replaydesk.cli\n"
        "import replaydesk.replay.session, replaydesk.analysis.events, replaydesk.state.playback, replaydesk.state.filters\n"
        "from replaydesk.store import open_store, import_paths\n"
        "from replaydesk.analysis import build_timeline, timeline_for_session\n"
        "from replaydesk.state.playback import PlaybackState\n"
        "s = PlaybackState(1000); s.play(); s.advance(10)\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


def _contracts() -> list[dict]:
    import tomllib

    return tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def test_bottom_layer_contract_forbids_every_other_replaydesk_module():
    """replaydesk.rrweb and replaydesk.work import nothing from replaydesk: the contract
    must name every other top-level module, including ones added later (export/...)."""
    import pkgutil

    import replaydesk

    [c] = [c for c in _contracts() if "replaydesk.rrweb" in c.get("source_modules", [])]
    assert c["type"] == "forbidden" and set(c["source_modules"]) == {"replaydesk.rrweb", "replaydesk.work"}
    bottom = {"rrweb", "work", "__main__"}
    mine = {f"replaydesk.{m.name}" for m in pkgutil.iter_modules(replaydesk.__path__) if m.name not in bottom}
    assert mine <= set(c["forbidden_modules"]), mine - set(c["forbidden_modules"])
    assert {"PySide6", "pyqtgraph", "shiboken6"} <= set(c["forbidden_modules"])


def test_bottom_layer_and_signals_import_alone_without_qt():
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'):\n"
        "            raise ImportError('Qt is blocked for this check: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import replaydesk.rrweb, replaydesk.work\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('replaydesk.'))\n"
        "assert loaded == ['replaydesk.rrweb', 'replaydesk.work'], loaded\n"
        "import replaydesk.analysis.signals\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


def test_sql_only_in_store_contract_covers_every_other_module():
    """Only replaydesk.store may import sqlite3: the contract names every other top-level
    module (the bottom layer's own contract forbids it too), so a new package is covered."""
    import pkgutil

    import replaydesk

    [c] = [c for c in _contracts() if c["name"].startswith("SQL only in store/")]
    assert c["type"] == "forbidden" and c["forbidden_modules"] == ["sqlite3", "sqlcipher3"]  # plain and encrypted stores
    [bottom] = [c for c in _contracts() if "replaydesk.rrweb" in c.get("source_modules", [])]
    assert "sqlite3" in bottom["forbidden_modules"]
    others = {f"replaydesk.{m.name}" for m in pkgutil.iter_modules(replaydesk.__path__)
              if m.name not in {"store", "rrweb", "work", "__main__"}}
    assert others <= set(c["source_modules"]), others - set(c["source_modules"])


def test_no_python_module_over_600_lines():
    """House rule: small modules with one job. A module that grows past 600 lines is split
    (as formats/redact/ and ui/timeline_axis.py were), not waved through."""
    app = Path(__file__).resolve().parents[1] / "app" / "replaydesk"
    long = {str(p.relative_to(app)): n for p in app.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert long == {}, long
