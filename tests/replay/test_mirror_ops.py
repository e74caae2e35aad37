"""Edge cases of rrweb semantics, one behaviour per test, on hand-written events."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from replaydesk.replay import Mirror
from replaydesk.replay.codec import decode_state, encode_state

from .builders import T0, add, document, el, full, inc, meta, mutation, start, text


def run(events) -> Mirror:
    m = Mirror()
    for ev in events:
        m.apply(ev)
    return m


def child_ids(m: Mirror, nid: int) -> list[int]:
    return [c["id"] for c in m.serialize(nid)["childNodes"]]


def test_adds_in_scrambled_order_resolve_by_anchor():
    # ul(10) gets li 11,12,13; entries arrive child-first and siblings out of order
    ev = mutation(adds=[
        add(11, text(21, "one")),
        add(10, el(12, "li"), next_id=13),
        add(10, el(11, "li"), next_id=12),
        add(5, el(10, "ul")),
        add(10, el(13, "li")),
    ])
    m = run(start() + [ev])
    assert child_ids(m, 10) == [11, 12, 13]
    assert child_ids(m, 11) == [21]
    assert dict(m.anomalies.counts) == {}


def test_move_is_remove_plus_readd_and_keeps_side_state():
    events = start(el(10, "div", {}, [el(11, "input", {"type": "text"})]), el(12, "section")) + [
        inc(5, id=11, text="hello", isChecked=False),
        mutation(removes=[{"parentId": 10, "id": 11}], adds=[add(12, el(11, "input", {"type": "text"}))]),
    ]
    m = run(events)
    assert child_ids(m, 12) == [11] and child_ids(m, 10) == []
    assert m.side_state()["inputs"][11]["value"] == "hello", "the moved element keeps its value"
    assert dict(m.anomalies.counts) == {}


def test_add_of_existing_id_never_duplicates():
    events = start(el(10, "div"), el(12, "p")) + [mutation(adds=[add(12, el(10, "div", {"class": "x"}))])]
    m = run(events)
    assert child_ids(m, 5) == [12] and child_ids(m, 12) == [10]
    assert m.node(10).attributes == {"class": "x"}
    assert m.anomalies.counts["duplicate_add"] == 1


def test_removes_take_the_subtree_and_skip_already_removed_ids_silently():
    events = start(el(10, "div", {}, [el(11, "span", {}, [text(12, "x")])])) + [
        inc(3, id=11, x=0, y=5),
        mutation(removes=[{"parentId": 5, "id": 10}, {"parentId": 10, "id": 11}]),
    ]
    m = run(events)
    assert all(i not in m for i in (10, 11, 12))
    assert 11 not in m.side_state()["scrolls"]
    assert dict(m.anomalies.counts) == {}
    m.apply(mutation(removes=[{"parentId": 5, "id": 99}]))
    assert m.anomalies.counts["remove_missing"] == 1


def test_missing_next_anchor_appends_and_missing_parent_drops():
    events = start(el(10, "div")) + [mutation(adds=[
        add(10, el(11, "b"), next_id=777),      # sibling never arrives: appended, counted
        add(888, el(12, "i")),                  # parent never arrives: dropped, counted
    ])]
    m = run(events)
    assert child_ids(m, 10) == [11] and 12 not in m
    assert m.anomalies.counts["missing_anchor"] == 1 and m.anomalies.counts["missing_parent"] == 1


def test_text_and_attribute_changes_including_style_diff_and_null():
    events = start(el(10, "div", {"style": "color: red;", "title": "t"}, [text(11, "a")])) + [
        mutation(texts=[{"id": 11, "value": "b"}, {"id": 11, "value": "c"}],
                 attributes=[{"id": 10, "attributes": {"style": {"margin": ["1px", "important"], "color": False},
                                                       "title": None, "data-x": "1"}}]),
    ]
    m = run(events)
    assert m.node(11).text == "c"
    assert m.node(10).attributes == {"style": "margin: 1px !important;", "data-x": "1"}


def test_link_inlined_later_via_cssText():
    events = start() + [mutation(adds=[add(4, el(20, "link", {"rel": "stylesheet", "href": "http://x/a.css"}))]),
                        mutation(attributes=[{"id": 20, "attributes": {"_cssText": "a { color: red; }"}}])]
    m = run(events)
    assert m.node(20).attributes == {"_cssText": "a { color: red; }"}


def test_shadow_children_go_after_light_children():
    events = start(el(10, "x-card", {}, [el(11, "span")], isShadowHost=True)) + [
        mutation(adds=[add(10, el(12, "div", isShadow=True)), add(10, el(13, "b", isShadow=True), next_id=12)]),
        mutation(removes=[{"parentId": 10, "id": 12, "isShadow": True}]),
    ]
    m = run(events)
    kids = m.serialize(10)["childNodes"]
    assert [(k["id"], k.get("isShadow", False)) for k in kids] == [(11, False), (13, True)]


def test_iframe_document_parked_until_iframe_exists_and_replaced_on_reload():
    doc = {"type": 0, "id": 50, "childNodes": [el(51, "html", {}, [el(52, "body", {}, [text(53, "hi", rootId=50)],
                                                                       rootId=50)], rootId=50)]}
    doc2 = {"type": 0, "id": 60, "childNodes": [el(61, "html", {}, [], rootId=60)]}
    events = start() + [
        mutation(adds=[add(30, doc)], isAttachIframe=True),  # arrives before its iframe
        mutation(adds=[add(5, el(30, "iframe"))]),
    ]
    m = run(events)
    assert child_ids(m, 30) == [50] and m.text_content(50) == "hi"
    m.apply(mutation(adds=[add(30, doc2)], isAttachIframe=True))
    assert child_ids(m, 30) == [60] and 53 not in m
    assert dict(m.anomalies.counts) == {}


def test_textarea_text_child_replaces_existing_text():
    events = start(el(10, "textarea", {}, [text(11, "old")])) + [mutation(adds=[add(10, text(12, "new"))])]
    m = run(events)
    assert child_ids(m, 10) == [12]


def test_radio_check_unchecks_group_in_same_form_only():
    r = lambda i, name: el(i, "input", {"type": "radio", "name": name, "value": str(i)})  # noqa: E731
    events = start(el(10, "form", {}, [r(11, "ship"), r(12, "ship"), r(13, "pay")]),
                   el(20, "form", {}, [r(21, "ship")])) + [
        inc(5, id=11, text="11", isChecked=True),
        inc(5, id=21, text="21", isChecked=True),
        inc(5, id=12, text="12", isChecked=True),
    ]
    inputs = run(events).side_state()["inputs"]
    assert inputs[11]["isChecked"] is False and inputs[12]["isChecked"] is True
    assert inputs[21]["isChecked"] is True and 13 not in inputs


def test_adopted_sheet_before_meta_quirk():
    sheet = {"styleId": 1, "rules": [{"rule": ":host { display: block; }", "index": 0}]}
    events = [inc(15, id=-1, styleIds=[1], styles=[sheet]), meta(),
              full(document(el(10, "x-el", {}, [], isShadowHost=True))),
              inc(15, id=10, styleIds=[1])]
    m = run(events)
    side = m.side_state()
    assert side["adopted"] == {"sheets": {1: [":host { display: block; }"]}, "targets": {10: [1]}}
    assert dict(m.anomalies.counts) == {}


def test_stylesheet_rules_on_style_element_and_constructed_sheet():
    events = start(el(10, "style", {"_cssText": "a { color: red; }"})) + [
        inc(8, id=10, adds=[{"rule": "b { top: 0; }", "index": 1}]),
        inc(13, id=10, index=[0], set={"property": "color", "value": "blue", "priority": ""}),
        inc(15, id=1, styleIds=[7], styles=[{"styleId": 7, "rules": []}]),
        inc(8, styleId=7, replaceSync="c { left: 0; }"),
        mutation(attributes=[{"id": 10, "attributes": {"_cssText": "z { }"}}]),
    ]
    m = run(events[:-1])
    side = m.side_state()
    assert side["stylesheets"][10] == ["a { color: blue; }", "b { top: 0; }"]
    assert m.serialize(10)["attributes"]["_cssText"] == "a { color: blue; }b { top: 0; }"
    assert side["adopted"]["sheets"][7] == ["c { left: 0; }"]
    m.apply(events[-1])
    assert 10 not in m.side_state()["stylesheets"], "new _cssText resets the CSSOM edits"
    assert m.serialize(10)["attributes"]["_cssText"] == "z { }"


def test_media_canvas_viewport_and_full_snapshot_reset():
    events = start(el(10, "video", {"rr_mediaState": "paused", "rr_mediaCurrentTime": 3}),
                   el(11, "canvas", {"rr_dataURL": "data:image/png;base64,AA"})) + [
        inc(7, T0 + 10, id=10, type=0, currentTime=4.5),
        inc(9, id=11, type=0, commands=[{"property": "fillRect", "args": [0, 0, 1, 1]}]),
        inc(9, id=11, type=0, property="stroke", args=[]),
        inc(4, width=500, height=400),
    ]
    m = run(events)
    side = m.side_state()
    assert side["media"][10]["paused"] is False and side["media"][10]["currentTime"] == 4.5
    assert side["media"][10]["at"] == T0 + 10
    assert side["canvas"][11]["image"] == "data:image/png;base64,AA"
    assert [c["commands"][0]["property"] for c in side["canvas"][11]["mutations"]] == ["fillRect", "stroke"]
    assert side["viewport"] == {"width": 500, "height": 400}
    m.apply(meta(href="http://example.test/next"))
    m.apply(full(document(el(40, "p"))))
    side = m.side_state()
    assert side["href"] == "http://example.test/next" and side["media"] == {} and side["canvas"] == {}
    assert side["viewport"] == {"width": 1024, "height": 768}


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 40) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["id", "parentId", "nextId", "node", "adds", "removes", "texts", "attributes",
                         "source", "type", "positions", "value", "styleId", "index", "rules", "childNodes",
                         "tagName", "textContent", "styles", "styleIds", "commands", "x", "y"]), inner, max_size=6),
    max_leaves=25)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries({"type": st.integers(0, 6), "timestamp": st.integers(0, 10),
                                       "data": _json}), max_size=8),
       st.integers(0, 16))
def test_garbage_never_raises_and_never_hits_a_python_exception(events, source):
    m = run(start(el(10, "div", {}, [text(11, "x")])))
    for ev in events:
        if isinstance(ev["data"], dict) and ev["type"] == 3:
            ev["data"]["source"] = source
        m.apply(ev)
    assert m.anomalies.counts["exception"] == 0, m.anomalies.log
    m2 = decode_state(encode_state(m))
    assert m2.serialize() == m.serialize() and m2.side_state() == m.side_state()


def test_host_removed_then_reinserted_later_keeps_adopted_sheets():
    sheet = {"styleId": 3, "rules": [{"rule": "b { color: red; }", "index": 0}]}
    events = start(el(10, "x-el", {}, [], isShadowHost=True)) + [
        inc(15, id=10, styleIds=[3], styles=[sheet]),
        mutation(removes=[{"parentId": 5, "id": 10}]),
    ]
    m = run(events)
    assert m.side_state()["adopted"]["targets"] == {}
    m.apply(mutation(adds=[add(5, el(10, "x-el", {}, [], isShadowHost=True))]))
    assert m.side_state()["adopted"]["targets"] == {10: [3]}
    back = decode_state(encode_state(m))
    assert back.side_state() == m.side_state()


def test_non_dict_events_are_counted_not_raised():
    m = run(start())
    for bad in (None, 3, "x", [1]):
        m.apply(bad)
    assert m.anomalies.counts["bad_event"] == 4 and m.anomalies.counts["exception"] == 0
