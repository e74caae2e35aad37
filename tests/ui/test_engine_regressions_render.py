"""Renderer regressions found on rrweb's and PostHog's own fixtures (tests/ui/test_third_party_replay.py,
which skips without that data), pinned here on small hand-built recordings.

Each moment is checked on both paths a recording reaches the renderer: played (snapshot + the
events through ``ReplayView.apply_events``) and seeked (Python mirror -> ``frame_from_mirror`` ->
``ReplayView.show_frame``); the two must agree with what the browser did live.
"""

from __future__ import annotations

import pytest

from qt_helpers import capture, headless_view, js, renderer_problems, show_moment, wait_ready
from replaydesk.replay import Mirror
from replaydesk.replay.frame import frame_from_mirror
from synth import Doc, events, mutation


@pytest.fixture(scope="module")
def view(qapp):
    with headless_view(qapp, 400, 300, show_cursor=False) as v:
        v.patch_frames = False  # every seek builds its page: the path under test, not the same-visit diff
        yield v


@pytest.fixture
def ready(view, qtbot):
    wait_ready(qtbot, view)
    yield view
    assert renderer_problems(view) == []


def played(qtbot, view, evs):
    """Snapshot, then every incremental through apply_events (the playing path)."""
    show_moment(qtbot, view, evs, evs[-1]["timestamp"] - evs[0]["timestamp"] + 1)


def seeked(qtbot, view, evs):
    """The moment after the last event as the player seeks to it (mirror -> frame -> show_frame)."""
    m = Mirror()
    for e in evs:
        m.apply(e)
    frame = frame_from_mirror(m, evs[-1]["timestamp"] + 1)
    view.resize(frame.viewport[0], frame.viewport[1] + 1)
    view.show_frame(frame)
    capture(qtbot, view, at_ts=frame.timestamp)


def both_paths(qtbot, view, evs, code: str) -> dict:
    played(qtbot, view, evs)
    a = js(qtbot, view, code)
    seeked(qtbot, view, evs)
    return {"played": a, "seeked": js(qtbot, view, code)}


COLOURS = """const d = RD.topDocument(), c = (id) => getComputedStyle(d.getElementById(id)).color;"""


def test_rule_inserted_without_index_goes_first(qtbot, ready):
    """rrweb calls insertRule(rule, undefined): the CSSOM default index is 0, so an earlier rule
    for the same selector still wins (css.js insertAt; it went to the end when playing)."""
    d = Doc()
    node = d.document([d.el("style", {"_cssText": "#a { color: rgb(1, 1, 1); }"}, [d.text("")], key="st")],
                      [d.el("p", {"id": "a"}, [d.text("a")])])
    evs = events(node, incrementals=[{"source": 8, "id": d.by_key["st"], "adds": [{"rule": "#a { color: rgb(2, 2, 2); }"}]}])
    r = both_paths(qtbot, ready, evs, COLOURS + f"""
      return {{a: c('a'), rules: [...RD.mirror.get({d.by_key['st']}).sheet.cssRules].map((r) => r.style.color)}};""")
    expected = {"a": "rgb(1, 1, 1)", "rules": ["rgb(2, 2, 2)", "rgb(1, 1, 1)"]}
    assert r == {"played": expected, "seeked": expected}


def test_style_css_sent_twice_keeps_only_css_text(qtbot, ready):
    """Old recorders sent a <style>'s CSS twice, as _cssText and as a text child that may differ;
    rrweb keeps _cssText (rrweb#1417). Playing kept both (apply.js tryAdd)."""
    d = Doc()
    node = d.document([], [d.el("p", {"id": "a"}, [d.text("a")]), d.el("p", {"id": "b"}, [d.text("b")])])
    head = d.by_key["head"]
    evs = events(node, incrementals=[mutation(adds=[
        {"parentId": head, "nextId": None,
         "node": {"type": 2, "tagName": "style", "attributes": {"_cssText": "#a { color: rgb(1, 1, 1); }"}, "childNodes": [], "id": 100}},
        {"parentId": 100, "nextId": None,
         "node": {"type": 3, "textContent": "#a { color: rgb(2, 2, 2); } #b { color: rgb(3, 3, 3); }", "id": 101}},
    ])])
    r = both_paths(qtbot, ready, evs, COLOURS + """
      const st = RD.mirror.get(100);
      return {a: c('a'), b: c('b'), texts: st.childNodes.length, adopted: RD.mirror.get(101) === st.firstChild};""")
    expected = {"a": "rgb(1, 1, 1)", "b": "rgb(0, 0, 0)", "texts": 1, "adopted": True}
    assert r == {"played": expected, "seeked": expected}


def test_replaced_html_and_doctype_forget_their_old_ids(qtbot, ready):
    """A document.open rewrite adds a new doctype and <html> without removing the old ones: the old
    nodes leave the page and their ids (apply.js tryAdd; the Python mirror's _make_room does)."""
    d = Doc()
    node = d.document([], [d.el("p", {"id": "old"}, [d.text("old")], key="p")])
    old = {"doctype": node["childNodes"][0]["id"], "html": node["childNodes"][1]["id"], "body": d.by_key["body"], "p": d.by_key["p"]}
    evs = events(node, incrementals=[mutation(adds=[
        {"parentId": d.doc_id, "nextId": 201, "node": {"type": 1, "name": "html", "publicId": "", "systemId": "", "id": 200}},
        {"parentId": d.doc_id, "nextId": None, "node": {"type": 2, "tagName": "html", "attributes": {}, "childNodes": [], "id": 201}},
        {"parentId": 201, "nextId": None, "node": {"type": 2, "tagName": "head", "attributes": {}, "childNodes": [], "id": 202}},
        {"parentId": 201, "nextId": None, "node": {"type": 2, "tagName": "body", "attributes": {}, "childNodes": [], "id": 203}},
        {"parentId": 203, "nextId": None, "node": {"type": 2, "tagName": "p", "attributes": {"id": "new"}, "childNodes": [], "id": 204}},
    ])])
    r = both_paths(qtbot, ready, evs, f"""
      const d = RD.topDocument(), ids = {old};
      return {{stale: Object.keys(ids).filter((k) => RD.mirror.has(ids[k])),
              html: RD.mirror.get(201) === d.documentElement, doctype: RD.mirror.get(200) === d.doctype,
              ps: [...d.querySelectorAll('p')].map((p) => p.id)}};""")
    expected = {"stale": [], "html": True, "doctype": True, "ps": ["new"]}
    assert r == {"played": expected, "seeked": expected}


def test_dialog_switched_from_modal_to_non_modal(qtbot, ready):
    """showModal() then show(): the dialog stays open but leaves the top layer (build.js syncDialog)."""
    d = Doc()
    node = d.document([], [d.el("dialog", {"open": "", "rr_open_mode": "modal"}, [d.text("hi")], key="dlg")])
    dlg = d.by_key["dlg"]
    code = f"const el = RD.mirror.get({dlg}); return {{open: el.open, modal: el.matches(':modal')}};"
    show_moment(qtbot, ready, events(node), 100)
    assert js(qtbot, ready, code) == {"open": True, "modal": True}  # the recorded start: modal
    evs = events(node, incrementals=[mutation(attributes=[{"id": dlg, "attributes": {"rr_open_mode": "non-modal"}}])])
    r = both_paths(qtbot, ready, evs, code)
    expected = {"open": True, "modal": False}
    assert r == {"played": expected, "seeked": expected}


def test_click_after_a_seek_with_hover_moves_hover(qtbot, ready):
    """A seek frame pins :hover by id; playing on from there, a click without a mouse move must
    move :hover to what was clicked (cursor.js hoverId switched the renderer into touch mode)."""
    d = Doc()
    css = "div { width: 100px; height: 50px; color: rgb(0, 0, 255) } div:hover { color: rgb(255, 0, 0) }"
    node = d.document([d.el("style", {"_cssText": css}, [d.text("")])],
                      [d.el("div", {"id": "a"}, [d.text("a")], key="a"), d.el("div", {"id": "b"}, [d.text("b")], key="b")],
                      body_attrs={"style": "margin:0"})
    a, b = d.by_key["a"], d.by_key["b"]
    evs = events(node, incrementals=[{"source": 1, "positions": [{"x": 20, "y": 20, "id": a, "timeOffset": 0}]}])
    seeked(qtbot, ready, evs)
    assert js(qtbot, ready, COLOURS + "return [c('a'), c('b')];") == ["rgb(255, 0, 0)", "rgb(0, 0, 255)"]
    ts = evs[-1]["timestamp"]
    ready.apply_events([{"type": 3, "timestamp": ts + 100 + k, "data": {"source": 2, "type": t, "id": b, "x": 20, "y": 70}}
                        for k, t in enumerate((1, 0, 2))])  # MouseDown, MouseUp, Click on #b: no MouseMove
    capture(qtbot, ready, at_ts=ts + 103)
    assert js(qtbot, ready, COLOURS + "return [c('a'), c('b')];") == ["rgb(0, 0, 255)", "rgb(255, 0, 0)"]
