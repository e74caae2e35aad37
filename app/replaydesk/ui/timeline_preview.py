"""Standalone preview of the timeline and transport on the bundled demo archive.

    python -m replaydesk.ui.timeline_preview [--session ID] [--at MS] [--theme light|dark]
        [--skip] [--range IN OUT] [--zoom A B] [--screenshot PNG] [--play]

A QTimer drives ``PlaybackState.advance`` so the playhead moves as in the app.
"""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..analysis.activity import SessionTimeline
from ..state.playback import PlaybackState
from .formatting import clock
from .timeline import TimelineWidget


class TimelinePreview(QWidget):
    """Timeline + transport on one session, with the keyboard actions and a clock driver."""

    def __init__(self, state: PlaybackState, timeline: SessionTimeline, title: str = "", parent: QWidget | None = None):
        from .plaintext import plain_label, plain_title
        from .transport import PlaybackDriver, TransportBar, playback_actions

        super().__init__(parent)
        self.setWindowTitle(plain_title(f"ReplayDesk timeline - {title or timeline.session_id}"))
        self.header = plain_label(title, self)
        self.header.setObjectName("previewHeader")
        self.header.setContentsMargins(10, 8, 10, 2)
        self.timeline = TimelineWidget(state, timeline, self)
        self.transport = TransportBar(state, self)
        self.driver = PlaybackDriver(state, self)
        self.actions_ = playback_actions(self, state)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 4)
        lay.setSpacing(0)
        lay.addWidget(self.header)
        lay.addWidget(self.timeline, 1)
        lay.addWidget(self.transport)

    def closeEvent(self, ev):  # noqa: N802 - Qt API
        self.driver.stop()
        super().closeEvent(ev)


def main(argv: list[str] | None = None) -> int:
    """``python -m replaydesk.ui.timeline_preview [--session ID] [--at MS] [--theme light|dark] [--screenshot PNG]``.

    Imports the bundled demo archive into an in-memory store and shows its first session
    (or ``--session``). With ``--screenshot`` it renders once, saves the PNG and exits.
    """
    import argparse
    import os
    import sys

    ap = argparse.ArgumentParser(prog="python -m replaydesk.ui.timeline_preview", description=main.__doc__)
    ap.add_argument("--session", help="session id (default: the first one in the demo archive)")
    ap.add_argument("--at", type=float, default=None, help="start at this many ms (default: 0, or mid-way with --screenshot)")
    ap.add_argument("--theme", choices=("light", "dark"), help="force a theme (default: follow the system)")
    ap.add_argument("--skip", action="store_true", help="turn on skip inactivity")
    ap.add_argument("--range", nargs=2, type=float, metavar=("IN", "OUT"), help="set an in/out range (ms)")
    ap.add_argument("--zoom", nargs=2, type=float, metavar=("FROM", "TO"), help="show only this time range (ms)")
    ap.add_argument("--size", nargs=2, type=int, default=(1100, 230), metavar=("W", "H"))
    ap.add_argument("--screenshot", help="save a PNG of the window and exit")
    ap.add_argument("--play", action="store_true", help="start playing")
    args = ap.parse_args(argv)

    if args.theme:
        os.environ["REPLAYDESK_THEME"] = args.theme
    from PySide6.QtWidgets import QApplication

    from replaydesk.analysis import timeline_for_session
    from replaydesk.resources import demo_archive
    from replaydesk.store import import_paths, open_store, session_info

    from .theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_theme(app)
    db = open_store(":memory:")
    report = import_paths(db, [demo_archive()])
    sid = args.session or (report.added[0] if report.added else None)
    tl = timeline_for_session(db, sid) if sid else None
    if tl is None:
        print(f"no such session: {sid}", file=sys.stderr)
        return 2
    info = session_info(db, sid) or {}
    meta = info.get("meta") or {}
    title = (
        f"{sid}  ·  {meta.get('journey') or info.get('device') or ''}  ·  {clock(tl.duration)}  ·  "
        f"{info.get('page_count', 0)} pages, {info.get('click_count', 0)} clicks, {info.get('error_count', 0)} errors"
    )
    state = PlaybackState()
    state.load_timeline(tl)
    w = TimelinePreview(state, tl, title)
    w.resize(*args.size)
    state.set_skip_inactivity(args.skip)
    if args.range:
        state.set_range_in(args.range[0])
        state.set_range_out(args.range[1])
    at = args.at if args.at is not None else (tl.duration / 2 if args.screenshot else 0)
    state.seek(at)
    w.show()
    if args.zoom:
        w.timeline.set_x_range(*args.zoom)
    if args.screenshot:
        app.processEvents()
        w.grab().save(args.screenshot)
        w.close()
        db.conn.close()
        print(args.screenshot)
        return 0
    if args.play:
        state.play()
    rc = app.exec()
    db.conn.close()
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
