"""One resource finder for the checkout, the editable install and a wheel."""

from __future__ import annotations

import glob
import tomllib
from importlib.resources import files
from pathlib import Path

from replaydesk.resources import demo_archive, renderer_dir, resources_dir

REPO = Path(__file__).resolve().parents[1]


def test_resources_are_package_data_found_through_importlib():
    assert resources_dir() == Path(str(files("replaydesk") / "_resources")).resolve()
    assert (renderer_dir() / "renderer.html").is_file() and renderer_dir().parent == resources_dir()
    assert demo_archive().is_file()


def test_the_wheel_globs_pick_up_the_renderer_and_the_demo():
    """setuptools copies what ``package-data`` matches under app/replaydesk/ (the
    ``_resources`` link leads to resources/), so a wheel carries the same files."""
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["replaydesk"]
    pkg = REPO / "app" / "replaydesk"
    found = {Path(p).relative_to(pkg).as_posix() for pat in patterns for p in glob.glob(str(pkg / pat), recursive=True)}
    wanted = {f"_resources/{p.relative_to(REPO / 'resources').as_posix()}" for p in (REPO / "resources").rglob("*") if p.is_file()}
    assert wanted and wanted <= found, sorted(wanted - found)
    assert "_resources/replay/renderer.html" in found and "_resources/demo/archive-demo.zip" in found


def test_renderer_dir_env_override(monkeypatch, tmp_path):
    (tmp_path / "renderer.html").write_text("<!doctype html>")
    renderer_dir.cache_clear()
    monkeypatch.setenv("REPLAYDESK_RENDERER_DIR", str(tmp_path))
    try:
        assert renderer_dir() == tmp_path.resolve()
    finally:
        monkeypatch.delenv("REPLAYDESK_RENDERER_DIR")
        renderer_dir.cache_clear()
