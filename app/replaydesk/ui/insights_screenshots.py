"""Regenerate the page-insights screenshots (issue 12) on a real X display:

    DISPLAY=:99 QT_QPA_PLATFORM=xcb python -m replaydesk.ui.insights_screenshots \\
        --corpus /path/to/corpus --out docs/screenshots

* ``heatmap-row-highlight.png`` - the Heatmap window on the corpus ``/index.html`` (desktop)
  with the top ranked element selected (outlined on the map);
* ``click-overlay.png`` - the main window replaying the corpus checkout (View > Click Overlay
  on, paused where most clicked elements of the page are in view);
* ``heatmap-near-miss.png`` - a tap map with near-miss dots and arrows and the Near-misses
  table, from two generated mobile sessions (the corpus has no near-miss taps).

Everything is built in a temporary store (the corpus imported, clicks attributed and measured).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

CHECKOUT_SESSION = "ses_46d365862838"
T0 = 1_700_000_000_000


def _tap_session(folder: Path, sid: str, taps: list[tuple[int, int, float, float]]) -> None:
    """A 390 px page with one small absolutely placed button (node 11) in a full-height
    wrapper (10): taps on the wrapper beside the button are the near-misses."""
    def el(nid, tag, attrs, children=()):
        return {"type": 2, "tagName": tag, "attributes": attrs, "childNodes": list(children), "id": nid}
    button = el(11, "button", {"id": "ok", "style": "position:absolute; left:100px; top:200px; width:40px;"
                                                     " height:24px"}, [{"type": 3, "textContent": "OK", "id": 12}])
    doc = {"type": 0, "id": 1, "childNodes": [
        {"type": 1, "name": "html", "publicId": "", "systemId": "", "id": 2},
        el(3, "html", {}, [el(4, "head", {}), el(5, "body", {"style": "margin:0"},
                                              [el(10, "div", {"id": "wrap", "style": "position:relative; height:800px;"
                                                                                    " background:#f6f7fb"}, [button])])])]}
    events = [{"type": 4, "data": {"href": "http://shop.test/pay/7", "width": 390, "height": 800}, "timestamp": T0},
              {"type": 2, "data": {"node": doc, "initialOffset": {"top": 0, "left": 0}}, "timestamp": T0}]
    for at, nid, x, y in taps:
        for kind in (7, 9, 2):  # touchstart, touchend, click
            events.append({"type": 3, "timestamp": T0 + at,
                           "data": {"source": 2, "type": kind, "id": nid, "x": x, "y": y}})
    d = folder / sid
    d.mkdir()
    (d / "events.json").write_text(json.dumps(events))
    (d / "meta.json").write_text(json.dumps({"sessionId": sid, "viewport": {"width": 390, "height": 800}}))


def take(corpus: Path, out: Path, app) -> list[Path]:
    from ..analysis.importing import import_paths
    from ..analysis.signals_store import attribute_sessions
    from ..store import open_store
    from .actions import ActionId
    from .heatmap_window import HeatmapWindow
    from .main_window import MainWindow
    from .replay.headless import FrameRenderer
    from .replay.measure import measure_sessions
    from .settings import use_settings_file

    def pump(sec: float) -> None:
        end = time.monotonic() + sec
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    def wait(pred, sec: float = 120) -> bool:
        end = time.monotonic() + sec
        while time.monotonic() < end and not pred():
            app.processEvents()
            time.sleep(0.02)
        return pred()

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = open_store(work / "s.db")
        import_paths(db, sorted(p for p in corpus.iterdir() if p.name.startswith("ses_")))
        attribute_sessions(db)
        with FrameRenderer() as r:
            measure_sessions(db, [s for (s,) in db.conn.execute("SELECT id FROM sessions")], renderer=r)
        db.conn.close()
        use_settings_file(str(work / "settings.ini"))
        w = MainWindow(work / "s.db")
        try:
            w.resize(1600, 960)
            w.show()
            pump(1)
            w.sessions.select_session(CHECKOUT_SESSION)
            if not wait(lambda: w.player.loaded and w.player.session_id == CHECKOUT_SESSION):
                raise RuntimeError(f"{CHECKOUT_SESSION} did not load")
            w.actions_by_id[ActionId.CLICK_OVERLAY].setChecked(True)
            best = (0, 0)
            for t in range(1000, int(w.player.state.duration), 1500):
                w.player.state.seek(t)
                pump(0.6)
                best = max(best, (len(w.click_overlay.boxes()), t))
            w.player.state.seek(best[1])
            pump(2)
            written.append(out / "click-overlay.png")
            w.grab().save(str(written[-1]))

            w._open_heatmaps()
            hm = w._heatmaps
            hm.resize(1500, 950)
            hm.pattern.setCurrentText("/index.html")
            hm.device.setCurrentText("desktop")
            hm.refresh()
            wait(lambda: hm._result is not None)
            hm.element_view.selectRow(0)
            pump(1)
            written.append(out / "heatmap-row-highlight.png")
            hm.grab().save(str(written[-1]))
            hm.close()
        finally:
            w.close()
            use_settings_file(None)

        taps = work / "taps"
        taps.mkdir()
        _tap_session(taps, "ses_a", [(1000, 10, 120, 235), (1600, 11, 118, 210), (5000, 10, 152, 214),
                                     (5400, 11, 135, 212)])
        _tap_session(taps, "ses_b", [(1000, 10, 95, 210), (1200, 10, 94, 211), (1900, 11, 105, 212),
                                     (3000, 10, 118, 190), (3300, 11, 120, 205)])
        tdb = open_store(taps / "s.db")
        import_paths(tdb, [taps / "ses_a", taps / "ses_b"])
        attribute_sessions(tdb)
        with FrameRenderer() as r:
            measure_sessions(tdb, ["ses_a", "ses_b"], renderer=r)
        tdb.conn.close()
        hm = HeatmapWindow(taps / "s.db")
        try:
            hm.resize(1300, 760)
            hm.show()
            pump(0.5)
            hm.pattern.setCurrentText("/pay/:id")
            hm.kind.setCurrentText("taps")
            wait(lambda: hm._result is not None)
            hm.opacity.setValue(35)
            hm.side_tabs.setCurrentIndex(1)
            hm.near_view.selectRow(0)
            pump(1)
            written.append(out / "heatmap-near-miss.png")
            hm.grab().save(str(written[-1]))
        finally:
            hm.close()
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m replaydesk.ui.insights_screenshots",
                                 description="Regenerate the page-insights screenshots on a real X display.")
    ap.add_argument("--corpus", type=Path, required=True, help="folder of corpus session folders (ses_*)")
    ap.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = ap.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        print("insights_screenshots: no X display: run under Xvfb (see docs/screenshots/README.md)", file=sys.stderr)
        return 2
    if not (args.corpus / CHECKOUT_SESSION).is_dir():
        print(f"insights_screenshots: {args.corpus} has no {CHECKOUT_SESSION} session folder", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu --log-level=3")
    from .app import _prepare_environment

    _prepare_environment()
    from PySide6.QtWidgets import QApplication

    from .replay import register_scheme

    register_scheme()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    for p in take(args.corpus, args.out, app):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
