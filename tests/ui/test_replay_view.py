"""ReplayView / renderer behaviour on small synthetic recordings (docs/rrweb-format.md §2-§4)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from qt_helpers import capture, headless_view, js, renderer_problems, show_moment, wait_ready
from replaydesk.ui.replay.headless import FrameRenderer, render_frame_png
from replaydesk.ui.replay.view import ReplayView
from synth import Doc, events, mutation


@pytest.fixture(scope="module")
def view(qapp):
    with headless_view(qapp, 400, 300, show_cursor=False) as v:
        yield v


@pytest.fixture
def ready(view, qtbot):
    wait_ready(qtbot, view)
    yield view
    assert renderer_problems(view) == []


def colour_at(img, x, y) -> tuple[int, int, int]:
    c = QColor(img.pixel(x, y))
    return c.red(), c.green(), c.blue()


def test_frame_tokens_increase_and_signal(qtbot, ready):
    with qtbot.waitSignal(ready.framePainted, timeout=10000) as b1:
        t1 = ready.request_frame()
    with qtbot.waitSignal(ready.framePainted, timeout=10000) as b2:
        t2 = ready.request_frame()
    assert (b1.args[0], b2.args[0]) == (t1, t2) and t2 == t1 + 1


def test_stream_with_page_loads_equals_plan(qtbot, ready):
    """applyEvents on a raw stream (Meta + FullSnapshot inside) rebuilds like load()."""
    d1, d2 = Doc(), Doc()
    n1 = d1.document([], [d1.el("div", {"style": "background:#ff0000;width:400px;height:300px"})])
    n2 = d2.document([], [d2.el("div", {"style": "background:#0000ff;width:400px;height:300px"})])
    stream = events(n1) + [dict(e, timestamp=e["timestamp"] + 5000) for e in events(n2)]
    ready.resize(400, 301)
    ready.apply_events(stream)
    img = capture(qtbot, ready)
    assert colour_at(img, 200, 150) == (0, 0, 255)
    img2 = show_moment(qtbot, ready, stream, 100)
    assert colour_at(img2, 200, 150) == (255, 0, 0)


def test_deferred_adds_insert_by_next_id(qtbot, ready):
    d = Doc()
    node = d.document([], [d.el("ul", {}, [], key="ul")])
    ul = d.by_key["ul"]
    a, b, c = 100, 101, 102
    # emitted "later siblings first" but also out of order: c's nextId (none), a before b, b before c
    adds = [
        {"parentId": ul, "nextId": b, "node": {"type": 2, "tagName": "li", "attributes": {"id": "a"}, "childNodes": [], "id": a}},
        {"parentId": ul, "nextId": c, "node": {"type": 2, "tagName": "li", "attributes": {"id": "b"}, "childNodes": [], "id": b}},
        {"parentId": a, "nextId": None, "node": {"type": 3, "textContent": "A", "id": 103}},
        {"parentId": ul, "nextId": None, "node": {"type": 2, "tagName": "li", "attributes": {"id": "c"}, "childNodes": [], "id": c}},
        {"parentId": 999, "nextId": None, "node": {"type": 2, "tagName": "li", "attributes": {"id": "orphan"}, "childNodes": [], "id": 104}},
    ]
    evs = events(node, incrementals=[mutation(adds=adds), mutation(adds=[adds[0]])])  # duplicate add: no copy
    show_moment(qtbot, ready, evs, 1000)
    order = js(qtbot, ready, "return [...RD.topDocument().querySelectorAll('li')].map(li => li.id + li.textContent)")
    assert order == ["aA", "b", "c"]


def test_style_diffs_css_text_swap_and_textarea(qtbot, ready):
    d = Doc()
    node = d.document(
        [d.el("link", {"rel": "stylesheet", "href": "http://example.test/late.css"}, key="link")],
        [d.el("div", {"id": "box", "style": "color: red; width: 10px"}, key="box"),
         d.el("textarea", {"value": "first"}, key="ta")])
    k = d.by_key
    evs = events(node, incrementals=[
        mutation(attributes=[{"id": k["box"], "attributes": {"style": {"color": False, "width": ["20px", "important"], "height": "5px"}}}]),
        mutation(attributes=[{"id": k["link"], "attributes": {"_cssText": "#box { background-color: rgb(0, 128, 0); }"}}]),
        mutation(attributes=[{"id": k["ta"], "attributes": {"value": "second"}}]),
    ])
    show_moment(qtbot, ready, evs, 1000)
    r = js(qtbot, ready, """
      const d = RD.topDocument(), box = d.getElementById('box'), cs = getComputedStyle(box);
      return {style: box.getAttribute('style'), bg: cs.backgroundColor, links: d.querySelectorAll('link').length,
              ta: d.querySelector('textarea').value};
    """)
    assert "color: red" not in r["style"] and "20px !important" in r["style"] and "height: 5px" in r["style"]
    assert r["bg"] == "rgb(0, 128, 0)" and r["links"] == 0
    assert r["ta"] == "second"


def test_hover_simulation_and_no_real_focus(qtbot, ready):
    d = Doc()
    css = "#b { background: rgb(0, 0, 255); width: 100px; height: 50px } #b:hover { background: rgb(255, 0, 0) } " \
          "input:focus { border-color: rgb(0, 255, 0) }"
    node = d.document([d.el("style", {"_cssText": css}, [d.text("")])],
                      [d.el("div", {"id": "b"}, key="b"), d.el("input", {"id": "i"}, key="i")],
                      body_attrs={"style": "margin:0"})
    k = d.by_key
    evs = events(node, incrementals=[
        {"source": 1, "positions": [{"x": 20, "y": 20, "id": k["b"], "timeOffset": 0}]},
        {"source": 2, "type": 5, "id": k["i"]},
    ])
    img = show_moment(qtbot, ready, evs, 1000)
    assert colour_at(img, 50, 25) == (255, 0, 0)
    r = js(qtbot, ready, """const d = RD.topDocument(); const i = d.getElementById('i');
      return {active: d.activeElement === d.body, cls: i.className, border: getComputedStyle(i).borderTopColor};""")
    assert r["active"] is True  # the frame never got real focus
    assert ":focus" in r["cls"] and ":focus-visible" in r["cls"]
    assert r["border"] == "rgb(0, 255, 0)"


def test_canvas_commands_are_visible(qtbot, ready):
    d = Doc()
    node = d.document([], [d.el("canvas", {"width": "100", "height": "50"}, key="c")], body_attrs={"style": "margin:0"})
    evs = events(node, incrementals=[{"source": 9, "id": d.by_key["c"], "type": 0, "commands": [
        {"property": "fillStyle", "args": ["#00ff00"], "setter": True},
        {"property": "fillRect", "args": [0, 0, 100, 50]}]}])
    img = show_moment(qtbot, ready, evs, 1000)
    assert colour_at(img, 50, 25) == (0, 255, 0)
    assert colour_at(img, 150, 25) == (255, 255, 255)  # intrinsic 100px box, like a live canvas


def test_canvas_transparency_and_clearing(qtbot, ready):
    """Transparent canvas pixels show what is behind; a cleared canvas shows nothing of before."""
    d = Doc()
    node = d.document([], [d.el("canvas", {"width": "100", "height": "100"}, key="c")],
                      body_attrs={"style": "margin:0; background: rgb(0, 0, 255)"})
    c = d.by_key["c"]
    draw = {"source": 9, "id": c, "type": 0, "commands": [
        {"property": "fillStyle", "args": ["rgba(255, 0, 0, 0.5)"], "setter": True},
        {"property": "fillRect", "args": [0, 50, 100, 50]}]}
    clear = {"source": 9, "id": c, "type": 0, "commands": [{"property": "clearRect", "args": [0, 0, 100, 100]}]}
    evs = events(node, incrementals=[draw, clear])
    evs[-1]["timestamp"] += 5000
    img = show_moment(qtbot, ready, evs, 1500)  # drawn, not yet cleared
    assert colour_at(img, 50, 25) == (0, 0, 255)  # transparent rows first: still transparent
    r, g, b = colour_at(img, 50, 75)
    assert abs(r - 128) <= 3 and g == 0 and abs(b - 127) <= 3  # half red over blue
    img = show_moment(qtbot, ready, evs, 10_000)  # cleared: all transparent again
    assert colour_at(img, 50, 75) == (0, 0, 255)


def test_every_load_gets_a_fresh_sandboxed_frame_and_old_ones_go(qtbot, ready):
    d = Doc()
    evs = events(d.document([], [d.el("div", {"id": "x"})]))
    frames = """return [...document.querySelectorAll('#rd-stage > iframe')].map(f =>
        ({shown: !f.hidden, id: f.id, sandbox: f.getAttribute('sandbox')}));"""
    show_moment(qtbot, ready, evs, 100)
    js(qtbot, ready, "RD.topDocument().rdTestMark = 1; return 1")
    show_moment(qtbot, ready, evs, 100)
    assert js(qtbot, ready, "return RD.topDocument().rdTestMark === undefined")  # nothing carried over
    assert js(qtbot, ready, "return !!RD.topDocument().getElementById('x')")
    # once idle: the shown frame plus one hidden spare; the replaced frame is gone
    qtbot.waitUntil(lambda: len(js(qtbot, ready, frames)) == 2, timeout=5000)
    fs = js(qtbot, ready, frames)
    assert [f["shown"] for f in fs] == [True, False] and fs[0]["id"] == "rd-content"
    assert {f["sandbox"] for f in fs} == {"allow-same-origin"}
    ready.clear()
    qtbot.waitUntil(lambda: js(qtbot, ready, frames) == [], timeout=5000)


def test_entry_animation_is_settled(qtbot, ready):
    d = Doc()
    css = "@keyframes fade { from { opacity: 0 } to { opacity: 1 } } .row { animation: fade 5s linear; height: 20px; background: rgb(0,0,0) }"
    node = d.document([d.el("style", {"_cssText": css}, [d.text("")])], [d.el("div", {}, [], key="list")],
                      body_attrs={"style": "margin:0"})
    add = {"parentId": d.by_key["list"], "nextId": None,
           "node": {"type": 2, "tagName": "div", "attributes": {"class": "row"}, "childNodes": [], "id": 500}}
    evs = events(node, incrementals=[mutation(adds=[add])])
    img = show_moment(qtbot, ready, evs, 10_000)
    assert colour_at(img, 10, 10) == (0, 0, 0)  # over live: fully shown (rrweb: stuck invisible)
    img = show_moment(qtbot, ready, evs, 2_520)  # 2.5 s into the 5 s fade: live phase, frozen
    assert 100 <= colour_at(img, 10, 10)[0] <= 155


def test_set_state_and_scroll(qtbot, ready):
    d = Doc()
    node = d.document([], [d.el("div", {"style": "height:3000px"}), d.el("input", {"id": "t"}, key="t"),
                           d.el("input", {"type": "checkbox", "id": "c"}, key="c")])
    k = d.by_key
    show_moment(qtbot, ready, events(node), 100)
    ready.set_state({"scrolls": {"1": {"x": 0, "y": 700}}, "inputs": {str(k["t"]): {"text": "typed"},
                                                                      str(k["c"]): {"isChecked": True}}})
    capture(qtbot, ready)
    r = js(qtbot, ready, "const d = RD.topDocument(); return [d.defaultView.scrollY, d.getElementById('t').value, d.getElementById('c').checked]")
    assert r == [700, "typed", True]


def test_viewport_is_scaled_not_reflowed(qtbot, qapp):
    v = ReplayView(show_cursor=True)
    try:
        v.resize(640, 400)
        v.show()
        wait_ready(qtbot, v)
        d = Doc()
        v.load_snapshot(d.document([], [d.el("p", {}, [d.text("hello")])]), (1280, 800))
        capture(qtbot, v, sentinel=False)
        r = js(qtbot, v, """const f = document.getElementById('rd-content');
          return [f.style.width, document.getElementById('rd-stage').style.transform, RD.topDocument().documentElement.clientWidth];""")
        assert r[0] == "1280px" and r[1] == "scale(0.5)" and r[2] == 1280
        v.apply_events([{"type": 3, "timestamp": 1, "data": {"source": 4, "width": 390, "height": 844}}])
        capture(qtbot, v, sentinel=False)
        r = js(qtbot, v, "return [document.getElementById('rd-content').style.width, RD.topDocument().documentElement.clientWidth]")
        assert r == ["390px", 390]
    finally:
        v.close()
        v.deleteLater()
        qapp.processEvents()


def test_render_frame_png(tmp_path, qtbot, qapp):
    d = Doc()
    node = d.document([], [d.el("div", {"style": "background:#123456;width:100%;height:100%"})],
                      body_attrs={"style": "margin:0;height:100vh"})
    with FrameRenderer() as r:
        out = render_frame_png(events(node, 320, 200), 50, tmp_path / "f.png", renderer=r)
    from PySide6.QtGui import QImage

    img = QImage(str(out))
    assert (img.width(), img.height()) == (320, 200)
    assert colour_at(img, 160, 100) == (0x12, 0x34, 0x56)
    qapp.processEvents()


def test_cssom_rules_declarations_and_adopted_sheets(qtbot, ready):
    d = Doc()
    css = "@media (min-width: 1px) { #a { color: rgb(1, 1, 1); } } #b { color: rgb(2, 2, 2); }"
    node = d.document(
        [d.el("style", {"_cssText": css}, [d.text("")], key="st")],
        [d.el("p", {"id": "a"}, [d.text("a")]), d.el("p", {"id": "b"}, [d.text("b")]),
         d.el("my-card", {"id": "host"}, [], key="host", isCustom=True)])
    k = d.by_key
    shadow_style = {"styleId": 7, "rules": [{"rule": "span { color: rgb(3, 3, 3); }", "index": 0},
                                            {"rule": "span:hover { color: rgb(9, 9, 9); }", "index": 1}]}
    evs = events(node, incrementals=[
        # adoption arrives before the shadow content exists (posthog-js#4435)
        {"source": 15, "id": k["host"], "styles": [shadow_style], "styleIds": [7]},
        mutation(adds=[{"parentId": k["host"], "nextId": None,
                        "node": {"type": 2, "tagName": "span", "attributes": {"id": "s"}, "childNodes": [], "id": 900, "isShadow": True}}]),
        {"source": 8, "id": k["st"], "adds": [{"rule": "#a { background-color: rgb(4, 4, 4); }", "index": [0, 1]}]},
        {"source": 8, "id": k["st"], "removes": [{"index": 1}], "adds": [{"rule": "#b { color: rgb(5, 5, 5); }", "index": 1}]},
        {"source": 13, "id": k["st"], "index": [0, 0], "set": {"property": "color", "value": "rgb(6, 6, 6)", "priority": ""}},
        {"source": 8, "styleId": 7, "adds": [{"rule": "span { background-color: rgb(8, 8, 8); }", "index": 2}]},
        {"source": 1, "positions": [{"x": 1, "y": 1, "id": 900, "timeOffset": 0}]},
    ])
    show_moment(qtbot, ready, evs, 1000)
    r = js(qtbot, ready, """
      const d = RD.topDocument(), cs = (el) => getComputedStyle(el);
      const host = d.getElementById('host'), span = host.shadowRoot.getElementById('s');
      return {a: cs(d.getElementById('a')).color, abg: cs(d.getElementById('a')).backgroundColor,
              b: cs(d.getElementById('b')).color, span: cs(span).backgroundColor,
              sheets: host.shadowRoot.adoptedStyleSheets.length, defined: host.matches(':defined')};
    """)
    assert r == {"a": "rgb(6, 6, 6)", "abg": "rgb(4, 4, 4)", "b": "rgb(5, 5, 5)", "span": "rgb(8, 8, 8)",
                 "sheets": 1, "defined": True}


def test_preview_module_exports_a_frame(tmp_path):
    """`python -m replaydesk.ui.replay --demo ... --png` works standalone (house style §14)."""
    import os
    import subprocess
    import sys

    from replaydesk.ui.replay.__main__ import DEMO_ARCHIVE

    if not DEMO_ARCHIVE.is_file():
        pytest.skip("demo archive not available")
    out = tmp_path / "demo.png"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.run([sys.executable, "-m", "replaydesk.ui.replay", "--demo", "ses_6ef7552cd34d", "--at", "2605",
                           "--png", str(out)], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    from PySide6.QtGui import QImage

    img = QImage(str(out))
    assert (img.width(), img.height()) == (1440, 900)


def test_large_mutation_resolves_in_linear_time(qtbot, ready):
    """20 000 adds whose next siblings come later in the batch (rrweb#1407: no timeout, no loss)."""
    import time

    d = Doc()
    node = d.document([], [d.el("ol", {}, [], key="ol")])
    n = 20_000
    base = 10_000
    # add i must go before add i+1, but the batch lists them first-to-last: every add waits for
    # the next one, which only resolves once the last (nextId null) is in.
    adds = [{"parentId": d.by_key["ol"], "nextId": (base + i + 1) if i + 1 < n else None,
             "node": {"type": 2, "tagName": "li", "attributes": {}, "childNodes": [], "id": base + i}} for i in range(n)]
    t = time.perf_counter()
    show_moment(qtbot, ready, events(node, incrementals=[mutation(adds=adds)]), 1000)
    elapsed = time.perf_counter() - t
    r = js(qtbot, ready, """const lis = RD.topDocument().querySelectorAll('li');
      return [lis.length, RD.mirror.idOf(lis[0]), RD.mirror.idOf(lis[lis.length - 1])];""")
    assert r == [n, base, base + n - 1]
    assert elapsed < 10


@pytest.mark.parametrize(("with_doctype", "compat", "mode"), [(True, None, "CSS1Compat"), (False, "BackCompat", "BackCompat"),
                                                              (False, None, "CSS1Compat")])
def test_document_mode_follows_the_recording(qtbot, ready, with_doctype, compat, mode):
    d = Doc()
    node = d.document([], [d.el("p", {}, [d.text("x")])])
    if not with_doctype:
        node["childNodes"] = [c for c in node["childNodes"] if c["type"] != 1]
    if compat:
        node["compatMode"] = compat
    show_moment(qtbot, ready, events(node), 100)
    assert js(qtbot, ready, "return rd.info().compatMode") == mode
