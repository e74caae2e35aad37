"""The redactor's inline hot paths (``Redactor._events``): a mutation adding one node and an input
event skip the checked path only when no rule could change them. Each case here is one the hot
path must hand on: a card number, a label, a masked element, an echo of a masked value."""

from __future__ import annotations

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replaydesk.formats.redact import RedactionPolicy

from .test_redact import CARD, T0, _el, _input, _run, _snapshot, _text

MASKED_CARD = "**** **** **** ****"


def _add(parent, node, ts=T0 + 50, style_change=True):
    """One added node, with the style change rrweb often batches with it (the common shape)."""
    attrs = [{"id": 3, "attributes": {"style": "color: red"}}] if style_change else []
    return {"type": 3, "timestamp": ts,
            "data": {"source": 0, "adds": [{"parentId": parent, "nextId": None, "node": node}],
                     "removes": [], "texts": [], "attributes": attrs}}


def test_one_added_text_with_a_card_number_is_masked_and_a_short_one_kept():
    evs = [_snapshot(_el(10, "div")), _add(10, _text(11, f"Paid with {CARD}")), _add(10, _text(12, "Thanks"))]
    r = _run(evs)
    assert evs[1]["data"]["adds"][0]["node"]["textContent"] == f"Paid with {MASKED_CARD}"
    assert evs[2]["data"]["adds"][0]["node"]["textContent"] == "Thanks"
    assert r.counts["luhn"] == 1


def test_one_added_text_under_a_label_names_the_field_it_labels():
    # the label arrives empty; its text comes as a single add beside a style change
    evs = [_snapshot(_el(20, "label", {"for": "f"}), _el(21, "input", {"id": "f", "type": "text"})),
           _add(20, _text(22, "Card number")), _input(21, "4111")]
    r = _run(evs)
    assert evs[2]["data"]["text"] == "****"
    assert r.counts["field-name"] == 1


def test_one_added_text_under_a_masked_element_is_masked():
    evs = [_snapshot(_el(30, "div", {"class": "secret"})), _add(30, _text(31, "Jane Doe"))]
    _run(evs, RedactionPolicy(selectors=(".secret",)))
    assert evs[1]["data"]["adds"][0]["node"]["textContent"] == "**** ***"


def test_one_added_text_in_a_sensitive_textarea_is_masked():
    evs = [_snapshot(_el(40, "textarea", {"name": "iban"})), _add(40, _text(41, "DE44 5001"))]
    _run(evs)
    assert evs[1]["data"]["adds"][0]["node"]["textContent"] == "**** ****"


def test_one_added_element_with_a_text_attribute_is_scanned():
    evs = [_snapshot(_el(50, "div")), _add(50, _el(51, "span", {"title": CARD, "class": "x"}))]
    _run(evs)
    assert evs[1]["data"]["adds"][0]["node"]["attributes"]["title"] == MASKED_CARD


def test_one_added_field_joins_the_field_map():
    evs = [_snapshot(_el(60, "form")), _add(60, _el(61, "input", {"autocomplete": "cc-csc"})), _input(61, "123")]
    _run(evs)
    assert evs[2]["data"]["text"] == "***"


def test_an_echo_of_a_masked_value_in_one_added_text_is_masked():
    iban = "DE44500105175407324931"
    evs = [_snapshot(_el(70, "input", {"name": "iban"}), _el(71, "p")), _input(70, iban),
           _add(71, _text(72, f"IBAN {iban} saved"))]
    r = _run(evs)
    assert evs[1]["data"]["text"] == "*" * len(iban)
    assert evs[2]["data"]["adds"][0]["node"]["textContent"] == f"IBAN {'*' * len(iban)} saved"
    assert r.counts["echo"] == 1


def test_the_maps_follow_a_second_full_snapshot():
    # the hot paths read the field map through local names: a new snapshot must replace them
    evs = [_snapshot(_el(80, "input", {"name": "notes"})), _input(80, "4111"),
           _snapshot(_el(80, "input", {"name": "cvc"})), _input(80, "4111")]
    _run(evs)
    assert evs[1]["data"]["text"] == "4111"
    assert evs[3]["data"]["text"] == "****"


def test_inputs_a_long_value_is_checked_by_luhn_and_a_plain_one_kept():
    evs = [_snapshot(_el(90, "input", {"name": "notes"})), _input(90, f"card {CARD} pls", ts=T0 + 100),
           _input(90, "call me tomorrow at noon", ts=T0 + 200)]
    _run(evs)
    assert evs[1]["data"]["text"] == f"card {MASKED_CARD} pls"
    assert evs[2]["data"]["text"] == "call me tomorrow at noon"


def test_an_input_on_a_sensitive_field_is_masked_however_short():
    evs = [_snapshot(_el(95, "input", {"type": "password"})), _input(95, "a")]
    _run(evs)
    assert evs[1]["data"]["text"] == "*"


def _value_change(nid, value, ts=T0 + 60, add=None):
    """A lone value-attribute change (a range, select or script-set input), as rrweb batches it
    with a text add: the commonest mutation of the bench archive."""
    return {"type": 3, "timestamp": ts,
            "data": {"source": 0, "adds": [add] if add else [], "removes": [], "texts": [],
                     "attributes": [{"id": 3, "attributes": {"class": "on"}}, {"id": nid, "attributes": {"value": value}}]}}


def test_a_value_change_is_masked_on_a_sensitive_field_and_kept_on_a_plain_one():
    evs = [_snapshot(_el(100, "input", {"name": "cvc"}), _el(101, "input", {"type": "range"}), _el(102, "p")),
           _value_change(100, "12"), _value_change(101, "4", add={"parentId": 102, "nextId": None, "node": _text(103, "4 of 5")})]
    r = _run(evs)
    assert evs[1]["data"]["attributes"][1]["attributes"]["value"] == "**"
    assert evs[2]["data"]["attributes"][1]["attributes"]["value"] == "4"
    assert r.counts == {"field-name": 1}


def test_a_value_change_holding_a_card_number_is_checked_by_luhn():
    evs = [_snapshot(_el(110, "input", {"name": "notes"}), _el(111, "div")),
           _value_change(110, f"card {CARD}"), _value_change(111, CARD), _value_change(110, "1234567812345678")]
    r = _run(evs)
    assert evs[1]["data"]["attributes"][1]["attributes"]["value"] == f"card {MASKED_CARD}"
    assert evs[2]["data"]["attributes"][1]["attributes"]["value"] == MASKED_CARD
    assert evs[3]["data"]["attributes"][1]["attributes"]["value"] == "1234567812345678"  # fails Luhn
    assert r.counts["luhn"] == 2


def test_a_value_change_under_a_selector_or_echoing_a_masked_value_is_masked():
    iban = "DE44500105175407324931"
    evs = [_snapshot(_el(120, "div", {"class": "secret"}), _el(121, "input", {"name": "iban"}), _el(122, "input")),
           _value_change(120, "Jane"), _input(121, iban), _value_change(122, iban)]
    _run(evs, RedactionPolicy(selectors=(".secret",)))
    assert evs[1]["data"]["attributes"][1]["attributes"]["value"] == "****"
    assert evs[3]["data"]["attributes"][1]["attributes"]["value"] == "*" * len(iban)


def test_a_value_change_with_a_hostile_id_or_value_takes_the_checked_path():
    evs = [_snapshot(_el(130, "input", {"name": "cvc"})),
           {"type": 3, "timestamp": T0 + 70, "data": {"source": 0, "adds": [], "removes": [], "texts": [],
                                                      "attributes": [{"id": [130], "attributes": {"value": CARD}},
                                                                     {"id": 130, "attributes": {"value": 123}},
                                                                     {"id": 130, "attributes": {"value": "999"}}]}}]
    _run(evs)
    recs = evs[1]["data"]["attributes"]
    assert recs[0]["attributes"]["value"] == MASKED_CARD
    assert recs[2]["attributes"]["value"] == "***"


def test_malformed_mutations_take_the_checked_path_without_raising():
    evs = [_snapshot(_el(10, "div")),
           {"type": 3, "timestamp": T0 + 5, "data": {"source": 0, "adds": [{"node": _text(11, CARD)}]}},
           {"type": 3, "timestamp": T0 + 6, "data": {"source": 0, "adds": [{"parentId": [1], "node": _text(12, CARD)}],
                                                   "texts": [], "attributes": [], "removes": []}},
           {"type": 3, "timestamp": T0 + 7, "data": {"source": 0, "texts": [{"id": 11, "value": CARD}]}},
           {"type": 3, "timestamp": T0 + 8, "data": {"source": 5, "id": [1], "text": CARD}}]
    _run(evs)
    assert evs[1]["data"]["adds"][0]["node"]["textContent"] == MASKED_CARD
    assert evs[3]["data"]["texts"][0]["value"] == MASKED_CARD


_json = st.recursive(st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | st.text(max_size=20),
                     lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=5), kids, max_size=3),
                     max_leaves=6)
_ids = st.integers(1, 6) | _json


@st.composite
def _hostile_session(draw):
    """Well-formed events whose ids, parents, tags, attributes and texts are any JSON value."""
    def node(depth=0):
        kind = draw(st.sampled_from([2, 3, 2, draw(_json)]))
        n = {"type": kind, "id": draw(_ids)}
        if kind == 3:
            n["textContent"] = draw(st.sampled_from([CARD, "hi"]) | _json)
        else:
            n["tagName"] = draw(st.sampled_from(["input", "label", "div", "textarea"]) | _json)
            n["attributes"] = draw(st.fixed_dictionaries({}, optional={"name": st.just("cvc"), "for": _json,
                                                                       "value": st.just(CARD) | _json}) | _json)
            n["childNodes"] = [node(depth + 1) for _ in range(draw(st.integers(0, 2 if depth < 2 else 0)))]
        return n
    evs = [_snapshot(*(node() for _ in range(draw(st.integers(0, 3)))))]
    for k in range(draw(st.integers(0, 4))):
        src = draw(st.sampled_from([0, 5]))
        if src == 5:
            d = {"source": 5, "id": draw(_ids), "text": draw(st.just(CARD) | _json)}
        else:
            d = {"source": 0, "adds": draw(st.lists(st.fixed_dictionaries({"parentId": _ids}).map(
                     lambda a: {**a, "node": node()}), max_size=2) | _json),
                 "texts": draw(st.lists(st.fixed_dictionaries({"id": _ids, "value": st.just(CARD) | _json}),
                                        max_size=1) | _json),
                 "attributes": draw(st.lists(st.fixed_dictionaries({"id": _ids, "attributes": _json}), max_size=1)
                                    | _json)}
        evs.append({"type": 3, "timestamp": T0 + 10 + k, "data": d})
    return evs


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_hostile_session())
def test_hostile_ids_and_shapes_never_raise_and_no_card_number_survives(evs):
    _run(evs)
    # every CARD placed anywhere as a text or value is masked, whatever the ids around it
    assert CARD.encode() not in orjson.dumps(evs)


def test_a_session_with_hostile_ids_imports_with_redaction_on(tmp_path):
    """It imported with redaction off; with it on the redactor raised and the session was
    rejected as an internal error."""
    from replaydesk.store import import_paths, open_store

    doc = {"type": 0, "id": 1, "childNodes": [_el(2, "html", {}, [
        {"type": 2, "id": [3], "tagName": "input", "attributes": {"name": "cvc", "value": "123"}, "childNodes": []},
        {"type": 5, "id": 4, "textContent": f"card {CARD}"}])]}
    evs = [{"type": 4, "data": {"href": "http://x.test/", "width": 800, "height": 600}, "timestamp": T0},
           {"type": 2, "data": {"node": doc, "initialOffset": {"top": 0, "left": 0}}, "timestamp": T0 + 1},
           {"type": 3, "data": {"source": 5, "id": [3], "text": "4567"}, "timestamp": T0 + 2},
           {"type": 3, "timestamp": T0 + 3, "data": {"source": 0, "adds": [{"parentId": {"a": 1}, "node": _text(9, CARD)}],
                                                   "removes": [], "texts": [{"id": [2], "value": "x"}],
                                                   "attributes": [{"id": [5], "attributes": {"value": CARD}}]}}]
    folder = tmp_path / "s1"
    folder.mkdir()
    (folder / "events.json").write_bytes(orjson.dumps(evs))
    db = open_store(tmp_path / "store.db")
    report = import_paths(db, [tmp_path / "s1"])
    assert report.rejected == [] and len(report.added) == 1
    from replaydesk.store.chunks import iter_events

    stored = orjson.dumps(list(iter_events(db.conn, report.added[0])))
    assert b"4242" not in stored and b"4567" not in stored and b"**** **** **** ****" in stored


# -- parsers, field rules, digit runs --------------------------------------------------------------


def _orjson(events):
    return orjson.loads(orjson.dumps(events))


def test_one_redactor_gives_the_same_result_whichever_parser_built_the_dicts():
    # orjson (the import), the standard library (tests, tools) and Python literals, one after the
    # other through one redactor restarted between them
    import json

    def session():
        return [_snapshot(_el(20, "label", {"for": "f"}, [_text(21, "Card number")]),
                          _el(22, "input", {"id": "f", "type": "text", "value": CARD}),
                          _el(23, "p", {"title": CARD}, [_text(24, f"Paid with {CARD}")])),
                _add(23, _text(25, f"Again {CARD}")), _input(22, "4111 1111")]

    r = RedactionPolicy()
    from replaydesk.formats.redact import Redactor

    red = Redactor(r)
    first, second, third = _orjson(session()), json.loads(json.dumps(session())), session()
    for evs in (first, second, third):
        red.restart()(evs)
    assert orjson.dumps(first) == orjson.dumps(second) == orjson.dumps(third)
    assert CARD.encode() not in orjson.dumps(first)
    assert first[-1]["data"]["text"] == "**** ****"


def test_a_field_rule_seen_before_still_follows_the_label_text():
    # the rule cache is keyed by the label text too: the same input under another label differs
    attrs = {"type": "text", "name": "notes", "class": "f"}
    evs = [_snapshot(_el(30, "label", {}, [_text(31, "Card number"), _el(32, "input", dict(attrs))])),
           _input(32, "4111"),
           _snapshot(_el(30, "label", {}, [_text(31, "Delivery notes"), _el(32, "input", dict(attrs))]), ts=T0 + 200),
           _input(32, "ring twice", ts=T0 + 300),
           _snapshot(_el(30, "label", {}, [_text(31, "Card number"), _el(32, "input", dict(attrs))]), ts=T0 + 400),
           _input(32, "4111", ts=T0 + 500)]
    _run(evs)
    assert [evs[i]["data"]["text"] for i in (1, 3, 5)] == ["****", "ring twice", "****"]


def test_a_field_with_an_unhashable_attribute_still_gets_its_rule():
    evs = [_snapshot(_el(40, "input", {"name": "cvc", "data-x": [1, 2], "type": "text"})), _input(40, "123")]
    _run(evs)
    assert evs[1]["data"]["text"] == "***"


def test_digit_runs_are_ascii_digits():
    # Luhn reads ASCII digits; a run in another script's digits is no card number to it, and an
    # ASCII card number next to such digits is still found
    fullwidth = "４２４２ ４２４２ ４２４２ ４２４２"
    evs = [_snapshot(_el(50, "p", {}, [_text(51, f"{fullwidth} / {CARD}")]))]
    _run(evs)
    p = evs[0]["data"]["node"]["childNodes"][0]["childNodes"][0]["childNodes"][0]
    assert p["childNodes"][0]["textContent"] == f"{fullwidth} / {MASKED_CARD}"


def test_elements_whose_attributes_are_no_object_keep_their_children_scanned():
    # the hot loop tests the attribute keys before the type: a number raises into the checked
    # path, a list or string of key names is no object to scan; the children are read either way
    for bad in (5, ["title", "value"], "value", 2.5, True):
        evs = [_snapshot({"type": 2, "id": 60, "tagName": "div", "attributes": bad,
                          "childNodes": [_text(61, f"Card {CARD}")]})]
        _run(evs)
        div = evs[0]["data"]["node"]["childNodes"][0]["childNodes"][0]["childNodes"][0]
        assert div["attributes"] == bad
        assert div["childNodes"][0]["textContent"] == f"Card {MASKED_CARD}", bad
