"""Redaction at import (formats/redact/): which values are sensitive and how they are masked."""

from __future__ import annotations

import orjson
import pytest

from replaydesk.formats.redact import (
    RedactionPolicy,
    Redactor,
    SelectorError,
    field_category,
    luhn_ok,
    mask,
)
from tests.formats import builders

T0 = 1_700_000_000_000
CARD = "4242 4242 4242 4242"


def _el(nid, tag, attrs=None, kids=()):
    return {"type": 2, "id": nid, "tagName": tag, "attributes": dict(attrs or {}), "childNodes": list(kids)}


def _text(nid, s):
    return {"type": 3, "id": nid, "textContent": s}


def _snapshot(*body_kids, ts=T0 + 1):
    doc = {"type": 0, "id": 1, "childNodes": [_el(2, "html", {}, [_el(3, "body", {}, list(body_kids))])]}
    return {"type": 2, "data": {"node": doc, "initialOffset": {"top": 0, "left": 0}}, "timestamp": ts}


def _input(nid, text, ts=T0 + 100):
    return {"type": 3, "data": {"source": 5, "id": nid, "text": text, "isChecked": False}, "timestamp": ts}


def _run(events, policy=None):
    r = Redactor(policy or RedactionPolicy())
    r.events(events)
    return r


def test_mask_keeps_length_and_spaces():
    assert mask(CARD) == "**** **** **** ****"
    assert mask("09/27") == "*****"


def test_luhn():
    assert luhn_ok("4242424242424242")
    assert not luhn_ok("4242424242424241")


@pytest.mark.parametrize(
    "hint",
    [
        "card", "cardNumber", "cc-number", "card_no", "Kartennummer", "Numéro de carte", "número de tarjeta",
        "cvc", "CVV2", "Prüfziffer", "Cryptogramme visuel", "código de seguridad",
        "expiry", "MM/YY", "Ablaufdatum", "Date d'expiration", "fecha de caducidad", "exp-date",
        "iban", "account_number", "routing number", "Kontonummer", "numéro de compte", "número de cuenta",
        "ssn", "Steuernummer", "numéro fiscal", "NIF", "DNI", "tax_id",
        "pin", "PIN-Code", "Geheimzahl",
    ],
)
def test_field_words_in_four_languages(hint):
    assert field_category(hint), hint


@pytest.mark.parametrize(
    "hint", ["shipping", "name", "Name on card", "cardholder name", "coupon", "email", "notes", "spinner", "bic", "Expedition"]
)
def test_ordinary_fields_are_not_sensitive(hint):
    assert not field_category(hint), hint


def test_card_typed_into_a_field_named_notes_is_found_by_luhn_and_an_order_number_is_not():
    order = "Order 1234 5678 9012 3456 ok"  # 16 digits failing Luhn
    assert not luhn_ok("1234567890123456")
    evs = [
        _snapshot(_el(10, "textarea", {"name": "notes", "id": "notes"})),
        _input(10, f"please charge {CARD} thanks"),
        _input(10, order, ts=T0 + 200),
    ]
    r = _run(evs)
    assert evs[1]["data"]["text"] == "please charge **** **** **** **** thanks"
    assert evs[2]["data"]["text"] == order
    assert r.counts == {"luhn": 1}


def test_password_autocomplete_and_names_are_masked_in_snapshot_input_and_mutation():
    evs = [
        _snapshot(
            _el(10, "input", {"type": "password", "value": "hunter22"}),
            _el(11, "input", {"type": "text", "autocomplete": "cc-exp", "value": "09/27"}),
            _el(12, "input", {"type": "text", "name": "cvc"}),
            _el(13, "input", {"type": "text", "name": "city", "value": "Berlin"}),
        ),
        _input(12, "314"),
        _input(13, "Paris"),
        {"type": 3, "timestamp": T0 + 300, "data": {"source": 0, "adds": [], "removes": [], "texts": [],
                                                    "attributes": [{"id": 12, "attributes": {"value": "271"}}]}},
    ]
    r = _run(evs)
    body = evs[0]["data"]["node"]["childNodes"][0]["childNodes"][0]["childNodes"]
    assert body[0]["attributes"]["value"] == "********"
    assert body[1]["attributes"]["value"] == "*****"
    assert body[3]["attributes"]["value"] == "Berlin"
    assert evs[1]["data"]["text"] == "***"
    assert evs[2]["data"]["text"] == "Paris"
    assert evs[3]["data"]["attributes"][0]["attributes"]["value"] == "***"
    assert r.counts == {"password": 1, "autocomplete": 1, "field-name": 2}


def test_label_for_and_wrapping_label_name_the_field():
    evs = [
        _snapshot(
            _el(20, "label", {"for": "f1"}, [_text(21, "Kartennummer")]),
            _el(22, "input", {"id": "f1", "name": "field1"}),
            _el(30, "label", {}, [_text(31, "Numéro fiscal "), _el(32, "input", {"name": "x2"})]),
        ),
        _input(22, "5555 5555 5555 4444"),
        _input(32, "AB123"),
    ]
    r = _run(evs)
    assert evs[1]["data"]["text"] == "**** **** **** ****"
    assert evs[2]["data"]["text"] == "*****"
    assert r.counts == {"field-name": 2}


def test_fields_added_by_mutation_and_textarea_text_children():
    evs = [
        _snapshot(_el(10, "div")),
        {"type": 3, "timestamp": T0 + 50, "data": {"source": 0, "removes": [], "texts": [], "attributes": [], "adds": [
            {"parentId": 10, "nextId": None, "node": _el(40, "label", {"for": "iban"})},
            {"parentId": 40, "nextId": None, "node": _text(41, "IBAN")},
            {"parentId": 10, "nextId": None, "node": _el(42, "textarea", {"id": "iban"})},
            {"parentId": 42, "nextId": None, "node": _text(43, "DE89 3704 0044 0532 0130 00")},
        ]}},
        {"type": 3, "timestamp": T0 + 60, "data": {"source": 0, "removes": [], "adds": [], "attributes": [],
                                                   "texts": [{"id": 43, "value": "DE89 3704"}]}},
    ]
    _run(evs)
    adds = evs[1]["data"]["adds"]
    assert adds[3]["node"]["textContent"] == "**** **** **** **** **** **"
    assert adds[1]["node"]["textContent"] == "IBAN"
    assert evs[2]["data"]["texts"][0]["value"] == "**** ****"


def test_echoed_value_is_masked_but_last_four_digits_stay():
    iban = "DE89 3704 0044 0532 0130 00"
    evs = [
        _snapshot(_el(10, "input", {"name": "iban"}), _el(11, "p", {}, [_text(12, "")])),
        _input(10, iban),
        {"type": 3, "timestamp": T0 + 200, "data": {"source": 0, "removes": [], "adds": [], "attributes": [],
                                                    "texts": [{"id": 12, "value": f"Paying from {iban}"}]}},
        {"type": 3, "timestamp": T0 + 300, "data": {"source": 0, "removes": [], "adds": [], "attributes": [],
                                                    "texts": [{"id": 12, "value": "Card ending 4242"}]}},
    ]
    r = _run(evs)
    assert evs[2]["data"]["texts"][0]["value"] == "Paying from " + mask(iban)
    assert evs[3]["data"]["texts"][0]["value"] == "Card ending 4242"
    assert r.counts["echo"] == 1


def test_console_and_custom_events_and_numbers():
    evs = [
        _snapshot(),
        {"type": 6, "timestamp": T0 + 10, "data": {"plugin": "rrweb/console@1", "payload": {
            "level": "log", "payload": [f'"charging {CARD}"'], "trace": []}}},
        {"type": 5, "timestamp": T0 + 20, "data": {"tag": "pay", "payload": {
            "card": 4242424242424242, "at": 1795736987151, "nested": [{"pan": "4000-0566-5566-5556"}]}}},
    ]
    r = _run(evs)
    assert evs[1]["data"]["payload"]["payload"] == ['"charging **** **** **** ****"']
    p = evs[2]["data"]["payload"]
    assert p["card"] == "****************"
    assert p["at"] == 1795736987151  # an epoch-ms timestamp is not a card number
    assert p["nested"][0]["pan"] == "*******************"
    assert r.counts == {"luhn": 3}


def test_user_selectors_and_patterns():
    policy = RedactionPolicy(selectors=("input[name=member], div.secret",), patterns=(r"ORD-\d+",))
    evs = [
        _snapshot(
            _el(10, "input", {"name": "member", "value": "M-77"}),
            _el(11, "div", {"class": "box secret"}, [_el(12, "span", {}, [_text(13, "Loyalty 9988")])]),
            _el(14, "p", {}, [_text(15, "Your order ORD-5521 is on its way")]),
        ),
        _input(10, "M-778"),
    ]
    r = _run(evs, policy)
    body = evs[0]["data"]["node"]["childNodes"][0]["childNodes"][0]["childNodes"]
    assert body[0]["attributes"]["value"] == "****"
    assert body[1]["childNodes"][0]["childNodes"][0]["textContent"] == "******* ****"
    assert body[2]["childNodes"][0]["textContent"] == "Your order ******** is on its way"
    assert evs[1]["data"]["text"] == "*****"
    assert r.counts == {"selector": 3, "pattern": 1}


def test_bad_selector_or_pattern_is_one_clear_error():
    with pytest.raises(SelectorError, match="unsupported selector"):
        RedactionPolicy(selectors=("form > input",))
    with pytest.raises(SelectorError, match="bad redaction pattern"):
        RedactionPolicy(patterns=("([",))


def test_policy_digest_names_the_policy():
    assert RedactionPolicy().digest() == RedactionPolicy().digest()
    assert RedactionPolicy(patterns=("x",)).digest() != RedactionPolicy().digest()
    assert RedactionPolicy(enabled=False).digest() == "off"


def test_disabled_policy_changes_nothing():
    evs = builders.raw_events("ses_46d365862838")
    before = orjson.dumps(evs)
    _run(evs, RedactionPolicy(enabled=False))
    assert orjson.dumps(evs) == before


def _checkout_card_inputs(evs):
    """Input events into the card, expiry and CVC fields (ids 115, 122, 127 on /checkout.html)."""
    href, out = "", []
    for e in evs:
        if e["type"] == 4:
            href = e["data"]["href"]
        elif e["type"] == 3 and e["data"].get("source") == 5 and "checkout" in href and e["data"]["id"] in (115, 122, 127):
            out.append(e["data"])
    return out


@pytest.mark.parametrize("name", ["ses_46d365862838", "ses_f69ef2c8dc31", "ses_5924706e4bfc"])
def test_corpus_checkouts_keep_no_card_expiry_or_cvc(name):
    evs = builders.raw_events(name)
    typed = {d["text"] for d in _checkout_card_inputs(evs) if d["text"].strip()}
    assert "4000 12" in typed or "4242 4242 4242 4242" in typed
    r = _run(evs)
    after = {d["text"] for d in _checkout_card_inputs(evs)}
    assert all(set(v) <= {"*", " "} for v in after), after
    assert r.counts["field-name"] >= len(typed)
    blob = orjson.dumps(evs)
    assert b"4242 4242" not in blob and b"09/27" not in blob and b"11/26" not in blob


def test_other_corpus_sessions_are_left_alone():
    evs = builders.raw_events("ses_49340e341bb8")
    before = orjson.dumps(evs)
    r = _run(evs)
    assert r.total == 0 and orjson.dumps(evs) == before


def _attr_mutation(recs, ts=T0 + 50):
    return {"type": 3, "data": {"source": 0, "adds": [], "removes": [], "texts": [], "attributes": recs}, "timestamp": ts}


def test_attribute_only_mutations_still_reach_fields_after_the_fast_skip():
    """The fast skip passes over style/class/geometry changes but not a field's new type, name or value."""
    evs = [
        _snapshot(_el(10, "input", {"name": "note"}), _el(11, "div", {"class": "x"}), _el(12, "input", {"type": "text"})),
        _attr_mutation([{"id": 11, "attributes": {"style": {"color": "red"}}}, {"id": 10, "attributes": {"class": "y"}}]),
        _attr_mutation([{"id": 10, "attributes": {"type": "password"}}, {"id": 12, "attributes": {"name": "cvc", "value": "123"}}]),
        _input(10, "secret", ts=T0 + 200),
        _attr_mutation([{"id": 11, "attributes": {"title": CARD}}], ts=T0 + 300),
    ]
    r = _run(evs)
    assert evs[2]["data"]["attributes"][1]["attributes"]["value"] == "***"
    assert evs[3]["data"]["text"] == "******"
    assert evs[4]["data"]["attributes"][0]["attributes"]["title"] == mask(CARD)
    assert evs[1]["data"]["attributes"][0]["attributes"] == {"style": {"color": "red"}}
    assert r.counts["password"] == 1 and r.counts["field-name"] == 1 and r.counts["luhn"] == 1


def test_malformed_nodes_are_skipped_not_fatal():
    """Recordings are untrusted: a non-object node, a list as tag name or missing keys do not stop
    redaction of the rest of the page."""
    odd = [
        "not a node",
        {"type": 2, "id": 20, "tagName": ["input"], "attributes": {"value": CARD}, "childNodes": []},
        {"type": 3, "id": 21},
        {"type": 2, "id": 22, "tagName": "p", "childNodes": [_text(23, "card " + CARD)]},
    ]
    evs = [_snapshot(*odd, _el(24, "input", {"type": "password", "value": "hunter22"})),
           {"type": 3, "timestamp": T0 + 60, "data": {"source": 0, "texts": [], "attributes": [], "removes": [],
            "adds": [{"parentId": 3, "nextId": None, "node": {"type": 2, "id": 30, "tagName": {"x": 1}, "attributes": {}}}]}}]
    r = _run(evs)
    body = evs[0]["data"]["node"]["childNodes"][0]["childNodes"][0]["childNodes"]
    assert body[1]["attributes"]["value"] == mask(CARD)  # scanned as a plain attribute
    assert body[3]["childNodes"][0]["textContent"] == "card " + mask(CARD)
    assert body[4]["attributes"]["value"] == "********"
    assert r.counts["password"] == 1


def test_malformed_attribute_records_do_not_hide_a_later_field_change():
    """The inline filter of attribute-only mutations gives up on the first odd record (no
    "attributes", a non-object, None) and hands the whole list to the checked path, so a
    sensitive change later in the same list is still masked."""
    evs = [
        _snapshot(_el(10, "input", {"name": "cvc"}), _el(11, "div")),
        _attr_mutation([{"id": 11, "attributes": {"class": "a"}}, {"id": 11}, {"id": 10, "attributes": {"value": "123"}}]),
        _attr_mutation(["junk", {"id": 11, "attributes": None}, {"id": 10, "attributes": {"value": "456"}}], ts=T0 + 60),
        _attr_mutation([{"id": 11, "attributes": ["value"]}, {"id": 10, "attributes": {"value": "789"}}], ts=T0 + 70),
    ]
    r = _run(evs)
    assert [e["data"]["attributes"][-1]["attributes"]["value"] for e in evs[1:]] == ["***"] * 3
    assert evs[3]["data"]["attributes"][0]["attributes"] == ["value"]
    assert r.counts["field-name"] == 3
