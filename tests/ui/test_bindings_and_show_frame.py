"""One binding helper (state callbacks go with the widget) and one way a moment
reaches the renderer (ReplayView.show_frame)."""

from __future__ import annotations

import re
from pathlib import Path

import shiboken6
from PySide6.QtWidgets import QWidget

from replaydesk.state.playback import PlaybackState
from replaydesk.ui.bindings import bind, bind_all

UI = Path(__file__).resolve().parents[2] / "app" / "replaydesk" / "ui"


def test_bind_disconnects_when_the_widget_is_destroyed(qtbot):
    st = PlaybackState()
    w = QWidget()
    seen: list = []
    bind(w, st, "speed_changed", seen.append)
    offs = bind_all(w, st, {"playing_changed": seen.append, "range_changed": lambda *a: seen.append(a)})
    assert len(offs) == 2
    st.set_speed(2.0)
    assert seen == [2.0]
    shiboken6.delete(w)  # the C++ object goes: destroyed fires
    st.set_speed(3.0)
    st.play()
    assert seen == [2.0]
    assert not any(st._subscribers.values())


def test_bind_returns_an_early_disconnect(qtbot):
    st = PlaybackState()
    w = QWidget()
    qtbot.addWidget(w)
    seen: list = []
    off = bind(w, st, "speed_changed", seen.append)
    off()
    st.set_speed(2.0)
    assert seen == []


def test_only_show_frame_builds_a_page():
    """player, render and the headless renderer all go through ReplayView.show_frame:
    no other ui module calls load_snapshot/set_state directly."""
    offenders = []
    for path in UI.rglob("*.py"):
        if path.name == "view.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.(load_snapshot|set_state)\(", line):
                offenders.append(f"{path.relative_to(UI)}:{n}")
    assert offenders == []
    users = [p.relative_to(UI).as_posix() for p in UI.rglob("*.py") if ".show_frame(" in p.read_text(encoding="utf-8")]
    assert {"player.py", "render.py", "replay/headless.py"} <= set(users)
