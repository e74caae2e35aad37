"""Resource bombs: every budget of replay/budgets.py holds in the renderer, and the renderer
recovers when a frame hangs anyway.

Each bomb used to hang or stall the renderer (issue 9: a <use> fan-out timed out after 30 s at
8.7 GB, a million canvas commands took 11 s, a 16384² canvas 12 s, a 50 MB attribute 1.5 s per
seek, a 1e9 x 1 viewport failed with OSError). Now each is reported "too heavy to draw" quickly
and the renderer stays usable. Also: the sanitiser is the only writer of attributes and styles.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from hostile import T0, el, recording, _Ids
from qt_helpers import show_moment, wait_ready
from replaydesk.replay import budgets
from replaydesk.ui.replay.headless import FrameRenderer, FrameTooHeavy, render_frame_png

RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "replay"
FAST_S = 8.0  # every bomb must be answered well within the 15 s frame budget


def page(children: list, *, width=400, height=300, incrementals=(), ids=None) -> list[dict]:
    """A recording whose body holds ``children`` (built with hostile.el), then ``incrementals``."""
    ids = ids or _Ids(1000)
    body = el(ids, "body", {}, children)
    snap = {"type": 0, "id": 1, "childNodes": [
        {"type": 2, "tagName": "html", "attributes": {}, "id": 2, "childNodes": [
            {"type": 2, "tagName": "head", "attributes": {}, "id": 3, "childNodes": []}, body]}]}
    events = [{"type": 4, "data": {"href": "https://example.test/", "width": width, "height": height}, "timestamp": T0},
              {"type": 2, "data": {"node": snap, "initialOffset": {"top": 0, "left": 0}}, "timestamp": T0 + 1}]
    for i, inc in enumerate(incrementals):
        events.append({"type": 3, "data": inc, "timestamp": T0 + 10 + i})
    return events


def use_fanout(levels=7, fan=10) -> list[dict]:
    ids = _Ids(10)
    defs = [el(ids, "g", {"id": "l0"}, [el(ids, "rect", {"width": "1", "height": "1"}, isSVG=True)], isSVG=True)]
    for k in range(1, levels + 1):
        defs.append(el(ids, "g", {"id": f"l{k}"}, [el(ids, "use", {"href": f"#l{k - 1}", "x": str(i)}, isSVG=True)
                                                    for i in range(fan)], isSVG=True))
    svg = el(ids, "svg", {"width": "200", "height": "100"}, [
        el(ids, "defs", {}, defs, isSVG=True),
        el(ids, "use", {"href": f"#l{levels}"}, isSVG=True),
        el(ids, "use", {"href": "#l1", "y": "20"}, isSVG=True),
    ], isSVG=True)
    return page([svg], ids=ids)


def canvas_page(w, h, commands=0) -> list[dict]:
    ids = _Ids(10)
    c = el(ids, "canvas", {"width": str(w), "height": str(h)})
    incs = []
    if commands:
        cmds = [{"property": "fillRect", "args": [i % 300, i % 150, 1, 1]} for i in range(commands)]
        incs.append({"source": 9, "id": c["id"], "type": 0, "commands": cmds})
    return page([c], incrementals=incs, ids=ids)


@pytest.fixture(scope="module")
def renderer(qapp):
    r = FrameRenderer()
    yield r
    r.close()
    qapp.processEvents()


def timed_render(renderer, events, tmp_path) -> tuple[float, str | None]:
    t = time.monotonic()
    try:
        render_frame_png(events, 100, tmp_path / "frame.png", renderer=renderer)
        err = None
    except FrameTooHeavy as exc:
        err = str(exc)
    return time.monotonic() - t, err


def assert_still_renders(renderer, tmp_path):
    """After a bomb the same renderer draws an ordinary page."""
    out = render_frame_png(page([el(_Ids(10), "p", {}, [])]), 100, tmp_path / "after.png", renderer=renderer)
    assert out.is_file()


@pytest.mark.parametrize("bomb, events, why", [
    ("use fan-out 7x10", lambda: use_fanout(), "SVG <use>"),
    ("16384x16384 canvas", lambda: canvas_page(16384, 16384), "16384x16384 px canvas"),
    ("1e6 canvas commands", lambda: canvas_page(300, 150, 1_000_000), "canvas commands"),
    ("50 MB attribute", lambda: page([el(_Ids(10), "div", {"title": "x" * (50 * 1024 * 1024)}, [])]), "recorded value of 50 MB"),
    ("1e9 x 1 viewport", lambda: page([], width=1_000_000_000, height=1), "1000000000x1 px viewport"),
])
def test_bomb_is_too_heavy_quickly(renderer, tmp_path, bomb, events, why):
    elapsed, err = timed_render(renderer, events(), tmp_path)
    print(f"{bomb}: {elapsed:.2f} s -> {err}")
    assert err is not None and err.startswith("this moment is too heavy to draw (") and why in err, err
    assert "\n" not in err
    assert elapsed < FAST_S, f"{bomb} took {elapsed:.1f} s"
    assert_still_renders(renderer, tmp_path)


def test_use_within_budget_still_draws(renderer, tmp_path):
    """Sprites (a few levels of <use>) are not affected by the expansion budget."""
    elapsed, err = timed_render(renderer, use_fanout(levels=3, fan=10), tmp_path)
    assert err is None
    n = js_count(renderer, "use[href]")
    assert n == 32  # 3 levels x 10 + the two in the page


def js_count(renderer, selector):
    from PySide6.QtWidgets import QApplication

    box = []
    renderer.view.run_javascript(f"RD.topDocument().querySelectorAll({selector!r}).length", box.append)
    deadline = time.monotonic() + 10
    while not box and time.monotonic() < deadline:
        QApplication.processEvents()
    return box[0]


def test_canvas_within_budget_draws(renderer, tmp_path):
    img = render_frame_png(canvas_page(300, 150, 2000), 100, tmp_path / "c.png", renderer=renderer)
    assert img.is_file()


def test_stuck_renderer_is_restarted(qtbot, qapp):
    """A renderer that does not acknowledge a frame within the budget is killed; a new one
    takes over and the view draws again."""
    from replaydesk.ui.replay.view import ReplayView

    view = ReplayView(headless=True)
    try:
        view.resize(400, 301)
        view.show()
        wait_ready(qtbot, view)
        view.frame_time_budget_ms = 1000
        show_moment(qtbot, view, page([]), 100)
        view.run_javascript("(() => { const t = Date.now(); while (Date.now() - t < 60000) {} })()")
        with qtbot.waitSignal(view.frameTooHeavy, timeout=10000) as blocker:
            token = view.request_frame()
        assert "the renderer took over 1 s" in blocker.args[0]
        assert view.frame_finished(token) and view.heavy_reason(token)
        qtbot.waitUntil(lambda: view.is_ready, timeout=20000)
        assert view.renderer_restarts == 1
        img = show_moment(qtbot, view, page([el(_Ids(10), "p", {}, [])]), 100)
        assert img.width() == 400
        # the memory budget works the same way
        view.memory_budget_bytes = 1
        view.run_javascript("(() => { const t = Date.now(); while (Date.now() - t < 60000) {} })()")
        with qtbot.waitSignal(view.frameTooHeavy, timeout=10000) as blocker:
            view.request_frame()
        assert "the renderer needed over" in blocker.args[0]
        qtbot.waitUntil(lambda: view.is_ready, timeout=20000)
    finally:
        view.close()
        view.deleteLater()
        qapp.processEvents()


def test_page_limits_match_python_budgets():
    text = (RESOURCES / "sanitize.js").read_text()
    block = re.search(r"const LIMITS = Object\.freeze\(\{(.*?)\}\);", text, re.S).group(1)
    js_limits = {k: eval(v, {}) for k, v in re.findall(r"(\w+):\s*([\d\s*]+),", block)}  # noqa: S307 - our own digits
    assert js_limits == {
        "attributeChars": budgets.MAX_ATTRIBUTE_CHARS,
        "dataUrlChars": budgets.MAX_DATA_URL_CHARS,
        "canvasPixels": budgets.MAX_CANVAS_PIXELS,
        "canvasSide": budgets.MAX_CANVAS_SIDE,
        "canvasCommands": budgets.MAX_CANVAS_COMMANDS,
        "useExpansion": budgets.MAX_USE_EXPANSION,
        "viewportSide": budgets.MAX_VIEWPORT_SIDE,
    }


# (a constant cssText on our own outer-page element is fine: no recorded value can be in it)
WRITERS = re.compile(r"\.(setAttribute|setAttributeNS|setProperty|insertAdjacentHTML|write|writeln)\s*\(|"
                     r"\.(innerHTML|outerHTML|srcdoc)\s*=|\.cssText\s*=(?!\s*'[^'+]*';\s*$)")


def test_only_the_sanitiser_writes_attributes_and_styles():
    """Every recorded value reaches the content frame through sanitize.js (one module to audit)."""
    offenders = []
    for f in sorted(RESOURCES.glob("*.js")):
        if f.name == "sanitize.js":
            continue
        for i, line in enumerate(f.read_text().splitlines(), 1):
            if WRITERS.search(line):
                offenders.append(f"{f.name}:{i}: {line.strip()}")
    assert offenders == []
    assert "Object.freeze({" in (RESOURCES / "sanitize.js").read_text()
    html = (RESOURCES / "renderer.html").read_text()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts[0] == "sanitize.js"  # loaded first: every other file uses it


def test_every_renderer_script_states_its_trust_boundary():
    for f in sorted(RESOURCES.glob("*.js")):
        head = f.read_text()[:2500]
        assert "Trust boundary" in head, f.name
