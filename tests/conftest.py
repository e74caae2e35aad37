"""Shared test fixtures. Nothing here imports Qt: the core tests (formats, store,
replay, analysis, state) run on a machine without PySide6 (``tests/test_no_qt.py``).

The Qt/WebEngine environment is still set here, as plain environment variables,
because it must be in place before anything in the run imports PySide6: CI runs as
root, and without a disabled Chromium sandbox QtWebEngine kills the pytest process
with exit 1 and no output. The Qt test folders (tests/ui, tests/gui, tests/timeline)
register the ``replaydesk://`` scheme in their own conftest, which pytest loads
during collection, before any test creates the QApplication.
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from tests.xserver import x_display  # noqa: F401  (fixture: one Xvfb per test session, for tests/display and the wheel)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu --use-gl=angle --use-angle=swiftshader-webgl")  # = qtenv.SOFTWARE_GL_FLAGS

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def corpus_dir() -> Path:
    if not (CORPUS / "archive-demo.zip").is_file():
        pytest.fail(f"the shared corpus is missing: expected it at {CORPUS} (CI lays ../shared beside the checkout)")
    return CORPUS


@pytest.fixture(scope="session")
def corpus() -> Path:
    return corpus_dir()


@pytest.fixture(scope="session")
def corpus_sessions(corpus) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if p.is_dir() and p.name.startswith("ses_"))


@pytest.fixture(autouse=True)
def _isolated_store_env(tmp_path, monkeypatch):
    """Never touch the developer's real store or log directory."""
    monkeypatch.setenv("REPLAYDESK_DB", str(tmp_path / "default-store.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


@pytest.fixture
def fresh_db():
    from replaydesk.store import open_store

    db = open_store(":memory:")
    yield db
    db.conn.close()


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "store.db"


def _import_demo(tmp_path_factory, corpus, name: str, import_paths) -> Path:
    from replaydesk.store import open_store

    p = tmp_path_factory.mktemp(name) / "store.db"
    db = open_store(p)
    report = import_paths(db, [corpus / "archive-demo.zip"])
    assert len(report.added) == 9, report.rejected
    db.conn.close()
    return p


@pytest.fixture(scope="session")
def seeded_db_path(tmp_path_factory, corpus) -> Path:
    """A store holding the nine corpus sessions (built once per run). Shared: a test that
    writes (a window, a render or clip that keeps its checkpoints, a cache) copies it first;
    the teardown check fails the run if one did not, since later tests would see its rows."""
    from replaydesk.store import import_paths

    p = _import_demo(tmp_path_factory, corpus, "seeded", import_paths)
    before = _digest(p)
    yield p
    assert _digest(p) == before, f"a test wrote into the shared seeded store {p}: copy it first"


@pytest.fixture(scope="session")
def signals_db_path(tmp_path_factory, corpus) -> Path:
    """The corpus imported the way the app imports it (frustration signals included), once per
    run. Shared, like ``seeded_db_path``: tests copy it before writing."""
    from replaydesk.analysis.importing import import_paths

    p = _import_demo(tmp_path_factory, corpus, "signals", import_paths)
    before = _digest(p)
    yield p
    assert _digest(p) == before, f"a test wrote into the shared signals store {p}: copy it first"


def _digest(path: Path) -> str:
    import hashlib

    h = hashlib.sha256(path.read_bytes())
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        h.update(wal.read_bytes())
    return h.hexdigest()


@pytest.fixture
def seeded_db(seeded_db_path, tmp_path):
    import shutil

    from replaydesk.store import open_store

    p = tmp_path / "seeded.db"
    shutil.copy(seeded_db_path, p)
    db = open_store(p)
    yield db
    db.conn.close()


def load_events(session_dir: Path) -> list[dict]:
    return orjson.loads((session_dir / "events.json").read_bytes())


def load_meta(session_dir: Path) -> dict:
    return orjson.loads((session_dir / "meta.json").read_bytes())
