"""Desktop integration files: the .desktop entry, the MIME type, AppStream metainfo, the icon."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from tests.checkers import require_tool

REPO = Path(__file__).resolve().parents[2]
PKG = REPO / "packaging"
ICONS = REPO / "resources" / "icons"
APP_ID = "io.replaydesk.ReplayDesk"
MIME = "application/x-replaydesk-archive"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def desktop_entry() -> dict:
    cp = configparser.ConfigParser(interpolation=None)
    cp.optionxform = str
    cp.read(PKG / f"{APP_ID}.desktop", encoding="utf-8")
    return dict(cp["Desktop Entry"])


def test_desktop_entry_opens_archives():
    e = desktop_entry()
    assert e["Type"] == "Application" and e["Name"] == "ReplayDesk"
    assert e["Exec"].split() == ["replaydesk", "%F"]  # files double-clicked are imported and opened
    assert e["Icon"] == APP_ID and e["Terminal"] == "false"
    assert MIME in e["MimeType"].rstrip(";").split(";")
    from replaydesk.ui.app import APP_ID as used_by_window

    assert used_by_window == APP_ID  # QGuiApplication.setDesktopFileName matches the entry


def test_metainfo_passes_appstreamcli():
    tool = require_tool("appstreamcli", "appstream")
    r = subprocess.run([tool, "validate", "--no-net", str(PKG / f"{APP_ID}.metainfo.xml")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    root = ET.parse(PKG / f"{APP_ID}.metainfo.xml").getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    assert root.find("provides/mediatype").text == MIME


@pytest.mark.parametrize("name, want", [
    ("visit.rrweb.zip", MIME), ("visit.rrweb.json", MIME), ("VISIT.RRWEB.ZIP", MIME),
    ("other.zip", "application/zip"), ("other.json", "application/json"),
])
def test_mime_type_matches_archives_only(tmp_path, name, want):
    """Qt's own MIME database (what file managers built on Qt use) with the package installed
    per user; with ``update-mime-database`` the compiled cache is what is read."""
    share = tmp_path / "share"
    (share / "mime" / "packages").mkdir(parents=True)
    shutil.copy(PKG / "replaydesk-mime.xml", share / "mime" / "packages")
    if shutil.which("update-mime-database"):
        subprocess.run(["update-mime-database", str(share / "mime")], check=True, timeout=60)
    code = ("import sys; from PySide6.QtCore import QMimeDatabase;"
            "print(QMimeDatabase().mimeTypeForFile(sys.argv[1], QMimeDatabase.MatchMode.MatchExtension).name())")
    env = dict(os.environ, XDG_DATA_DIRS=f"{share}:/usr/local/share:/usr/share", XDG_DATA_HOME=str(tmp_path / "nohome"))
    r = subprocess.run([sys.executable, "-c", code, name], capture_output=True, text=True, env=env, timeout=60)
    assert r.stdout.strip() == want, r.stderr


# Qt's raster engine rounds antialiased edges by the CPU's SIMD path: the same SVG, Qt and
# PySide6 gave a few edge pixels one level apart on CI's machine (stop 21). An edited SVG
# moves pixels by far more than this.
ICON_ROUNDING = 2


def _largest_channel_difference(a, b) -> int:
    from PySide6.QtGui import QImage

    a = a.convertToFormat(QImage.Format.Format_ARGB32)
    b = b.convertToFormat(QImage.Format.Format_ARGB32)
    assert a.size() == b.size()
    n = a.width() * a.height() * 4
    pa = np.frombuffer(bytes(a.constBits())[:n], np.uint8).astype(np.int16)
    pb = np.frombuffer(bytes(b.constBits())[:n], np.uint8).astype(np.int16)
    return int(np.abs(pa - pb).max())


def test_icon_sizes_are_rendered_from_the_svg(tmp_path, qapp):
    from PySide6.QtGui import QImage

    sys.path.insert(0, str(PKG))
    try:
        import make_icons
    finally:
        sys.path.remove(str(PKG))
    make_icons.render(ICONS / "replaydesk.svg", tmp_path)
    for n in SIZES:
        shipped = QImage(str(ICONS / "hicolor" / f"{n}x{n}" / "apps" / f"{APP_ID}.png"))
        assert (shipped.width(), shipped.height()) == (n, n)
        fresh = QImage(str(tmp_path / "hicolor" / f"{n}x{n}" / "apps" / f"{APP_ID}.png"))
        worst = _largest_channel_difference(shipped, fresh)
        assert worst <= ICON_ROUNDING, f"{n}px PNG is stale (a channel differs by {worst}): run packaging/make_icons.py"
    assert (ICONS / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").read_bytes() == (ICONS / "replaydesk.svg").read_bytes()


def test_the_window_uses_the_icon(qapp, tmp_path, monkeypatch):
    """The GUI start-up path (ui.app.run_gui) gives the application, so every window, the icon."""
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtGui import QIcon

    from replaydesk.ui import app as uiapp
    from replaydesk.ui.settings import use_settings_file

    use_settings_file(str(tmp_path / "settings.ini"))
    monkeypatch.setenv(uiapp.QUIT_AFTER_ENV, "0")
    qapp.setWindowIcon(QIcon())
    try:
        assert uiapp.run_gui([], tmp_path / "store.db", crash_dialog=False) == 0
    finally:
        qInstallMessageHandler(None)
        use_settings_file(None)
    sizes = {(s.width(), s.height()) for s in qapp.windowIcon().availableSizes()}
    assert {(n, n) for n in SIZES} <= sizes
    assert qapp.desktopFileName() == APP_ID
