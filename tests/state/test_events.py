"""State events are declared: a misspelt name raises instead of never firing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import importlib
import pkgutil

import replaydesk.state
from replaydesk.state.filters import ListState
from replaydesk.state.observable import Observable
from replaydesk.state.playback import PlaybackState

APP = Path(__file__).resolve().parents[2] / "app" / "replaydesk"
for _m in pkgutil.iter_modules(replaydesk.state.__path__):
    importlib.import_module(f"replaydesk.state.{_m.name}")
#: every observable state object of the app (a new one is checked without being listed here)
STATES = tuple(Observable.__subclasses__())


def test_unknown_event_names_raise():
    st = PlaybackState()
    with pytest.raises(ValueError, match="time_chnaged"):
        st.connect("time_chnaged", lambda t: None)
    with pytest.raises(ValueError):
        st._emit("no_such_event")
    with pytest.raises(ValueError):
        ListState().connect("time_changed", lambda t: None)  # another state's event


def test_connect_still_delivers_and_disconnects():
    st = PlaybackState()
    seen: list[float] = []
    off = st.connect("speed_changed", seen.append)
    st.set_speed(2.0)
    off()
    off()  # twice is harmless
    st.set_speed(4.0)
    assert seen == [2.0]


def test_every_emitted_name_is_declared():
    for cls in STATES:
        src = Path(__import__(cls.__module__, fromlist=["x"]).__file__).read_text()
        emitted = set(re.findall(r'_emit\("([a-z_]+)"', src))
        assert emitted == cls.EVENTS, cls.__name__  # declared and emitted agree both ways


def test_every_literal_connect_in_the_app_names_a_declared_event():
    known = set().union(*(c.EVENTS for c in STATES))
    used = set()
    for path in APP.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= {(path.name, m) for m in re.findall(r'(?:\.connect\(|bind\(\w+, [\w.]+, )"([a-z_]+)"', text)}
        used |= {(path.name, m) for m in re.findall(r'^\s*"([a-z_]+_changed|seek_requested|skipped)": ', text, re.M)}
    assert used, "the scan found no subscriptions"
    assert {u for u in used if u[1] not in known} == set()
    assert issubclass(PlaybackState, Observable) and issubclass(ListState, Observable)
