"""Standalone preview of the replay renderer (house style §14: every view runs on demo data).

    python -m replaydesk.ui.replay EVENTS_JSON [--at MS]              # window with a time slider
    python -m replaydesk.ui.replay EVENTS_JSON --at MS --png OUT.png  # headless frame export
    python -m replaydesk.ui.replay --demo [SESSION_ID] ...            # a session of the demo archive

Seeking rebuilds the page load on screen at the slider time from its FullSnapshot and applies the
events up to that time (the same plan the headless renderer uses).
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from pathlib import Path

DEMO_ARCHIVE = Path(__file__).resolve().parents[4].parent / "shared" / "corpus" / "archive-demo.zip"


def _load_events(args) -> list[dict]:
    if args.demo is not None:
        with zipfile.ZipFile(args.archive) as z:
            names = sorted(n for n in z.namelist() if n.endswith("/events.json"))
            name = next((n for n in names if args.demo and n.startswith(args.demo)), names[0])
            return json.loads(z.read(name))
    data = json.loads(Path(args.events).read_text())
    return data["events"] if isinstance(data, dict) and "events" in data else data


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m replaydesk.ui.replay", description=__doc__.splitlines()[0])
    p.add_argument("events", nargs="?", help="rrweb events JSON (array or {events: [...]})")
    p.add_argument("--demo", nargs="?", const="", default=None, help="use the demo archive (optional session id)")
    p.add_argument("--archive", default=str(DEMO_ARCHIVE), help="demo archive path")
    p.add_argument("--at", type=float, default=None, help="ms after the first event")
    p.add_argument("--png", help="write the frame at --at to this PNG and exit (headless)")
    p.add_argument("--web-assets", action="store_true", help='"Load page assets from the web"')
    args = p.parse_args(argv)
    if args.events is None and args.demo is None:
        p.error("give an events file or --demo")
    events = _load_events(args)

    if args.png:
        from replaydesk.ui.replay.headless import render_frame_png

        out = render_frame_png(events, args.at or 0, args.png, allow_web_assets=args.web_assets)
        print(out)
        return 0

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QLabel, QSlider, QVBoxLayout, QWidget

    from replaydesk.ui.replay.scheme import register_scheme
    from replaydesk.replay.plan import plan_frame, sort_events
    from replaydesk.ui.replay.headless import plan_as_frame
    from replaydesk.ui.replay.view import ReplayView

    register_scheme()
    app = QApplication.instance() or QApplication(sys.argv)
    evs = sort_events(events)
    duration = evs[-1]["timestamp"] - evs[0]["timestamp"]

    win = QWidget()
    win.setWindowTitle("ReplayDesk renderer preview")
    view = ReplayView(win, allow_web_assets=args.web_assets)
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setRange(0, int(duration))
    slider.setTracking(False)  # seek on release, not on every pixel of a drag
    label = QLabel()
    lay = QVBoxLayout(win)
    lay.addWidget(view, 1)
    lay.addWidget(slider)
    lay.addWidget(label)

    def _on_slider_value_changed(ms: int) -> None:
        try:
            plan = plan_frame(evs, ms)
        except ValueError as e:
            label.setText(str(e))
            return
        view.show_frame(plan_as_frame(plan), page_ts=plan.snapshot["timestamp"])
        view.request_frame(settle=True, at_ts=plan.target_ts)
        label.setText(f"{ms / 1000:.1f} s / {duration / 1000:.1f} s")

    slider.valueChanged.connect(_on_slider_value_changed)
    slider.setValue(int(args.at or 0))
    _on_slider_value_changed(slider.value())
    win.resize(1100, 760)
    win.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
