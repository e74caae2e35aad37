"""The redactor's C walk (``formats/redact/_walk.c``) against its Python walk.

The C walk only sorts nodes and events out (what the rules must see, what the general path
must handle); every decision stays in Python. So the two must agree on everything: the
redacted events byte for byte, the report, and the field map they leave for the events that
follow. Checked here on the recordings of the corpus under three policies, and on generated
hostile trees and events (odd types, missing keys, numbers where lists belong).
"""

from __future__ import annotations

import shutil
import sysconfig
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replaydesk.formats import Normalizer, decode
from replaydesk.formats.redact import RedactionPolicy, Redactor, dom

from .test_redact import CARD, T0

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
POLICIES = {
    "default": RedactionPolicy(),
    "selectors": RedactionPolicy(selectors=(".secret", "#email", "input[name=q]")),
    "patterns": RedactionPolicy(patterns=(r"\bORD-\d{4}\b", r"[\w.]+@[\w.]+")),
}

needs_c = pytest.mark.skipif(dom._drain is None, reason="the C walk is not built here (no C compiler at install)")


@contextmanager
def _walk(c: bool):
    was = dom._C_WALK
    dom._C_WALK = c
    try:
        yield
    finally:
        dom._C_WALK = was


def _state(r: Redactor) -> dict:
    """What the redactor knows after the events: it decides how the next events are redacted."""
    return {
        "fields": sorted((repr(k), f.tag, f.rule, f.label, repr(sorted(f.attrs.items(), key=repr)))
                         for k, f in r._fields.items()),
        "labels": sorted((repr(k), repr(v)) for k, v in r._labels.items()),
        "masked": sorted(map(repr, r._masked)),
        "owner": sorted((repr(k), repr(v)) for k, v in r._text_owner.items()),
        "echo": sorted((repr(k), v) for k, v in r._echo.items()),
        "short": r._short,
    }


def _redact(batches: list, policy: RedactionPolicy, c: bool):
    """Redact a copy of ``batches`` (lists of events, as the import feeds them)."""
    batches = orjson.loads(orjson.dumps(batches))
    with _walk(c):
        r = Redactor(policy)
        feed = r.restart()
        try:
            for events in batches:
                feed(events)
        except Exception as exc:  # noqa: BLE001 - the two walks must fail alike, if at all
            return ("raised", type(exc).__name__)
    return orjson.dumps(batches), r.report(), _state(r)


def _corpus_batches(folder: Path) -> list:
    """A corpus session as the import feeds the redactor: parsed pieces, normalized."""
    out = []
    for stream in decode((folder / "events.json").read_bytes(), folder.name):
        norm = Normalizer()
        out += [norm.batch(items, stream.deep)[0] for items in stream.batches()]
    return out


@needs_c
@pytest.mark.parametrize("policy", list(POLICIES))
def test_the_c_walk_redacts_every_corpus_session_as_the_python_walk_does(policy):
    folders = sorted(p.parent for p in CORPUS.glob("*/events.json"))
    if not folders:
        pytest.skip(f"no corpus at {CORPUS}")
    for folder in folders:
        batches = _corpus_batches(folder)
        c, py = _redact(batches, POLICIES[policy], True), _redact(batches, POLICIES[policy], False)
        assert c == py, folder.name
    # and the corpus is no trivial case for it: its checkout recording has card data to mask
    assert any(_redact(_corpus_batches(f), POLICIES["default"], True)[1]["redacted"] for f in folders)


def test_the_c_walk_is_built_where_a_compiler_is_installed():
    """The import's speed depends on it (BENCHMARKS.md, "Redaction at import"): an install with a
    C compiler must have built it, or a broken build would go unnoticed behind the fallback."""
    if not (shutil.which(sysconfig.get_config_var("CC").split()[0] if sysconfig.get_config_var("CC") else "cc")
            or shutil.which("cc")):
        pytest.skip("no C compiler here: the Python walk is the one installed")
    assert dom._drain is not None and dom._skip is not None


# -- hostile generated input ------------------------------------------------------------------

ids = st.integers(min_value=1, max_value=12)
odd = st.one_of(st.none(), st.booleans(), st.integers(-2, 6), st.floats(allow_nan=False, allow_infinity=False),
                st.text(max_size=4), st.lists(st.integers(0, 3), max_size=2), st.just({}))
texts = st.one_of(st.text(max_size=16), st.sampled_from([CARD, f"Paid {CARD}", "4242424242424241",
                                                         "ORD-1234", "jane@example.com", "Card number", " "]))
attr_keys = st.sampled_from(["class", "style", "value", "title", "name", "id", "type", "for", "autocomplete",
                             "placeholder", "aria-label", "alt", "content", "data-rr-is-password"])
attr_values = st.one_of(texts, st.sampled_from(["password", "cc-number", "card", "email", "secret", "q"]), odd)
attributes = st.one_of(st.dictionaries(attr_keys, attr_values, max_size=4), odd)
tags = st.sampled_from(["div", "span", "input", "textarea", "select", "label", "option", "iframe", "p"])


def _text_node():
    return st.fixed_dictionaries(
        {"type": st.sampled_from([3, 3, 3, 3.0, True, "3"]), "id": ids},
        optional={"textContent": st.one_of(texts, odd)})


def _element(children):
    return st.fixed_dictionaries(
        {"type": st.sampled_from([2, 2, 2, 2, 2.0, 0, 1, 4]), "id": st.one_of(ids, odd)},
        optional={"tagName": st.one_of(tags, odd), "attributes": attributes,
                  "childNodes": st.one_of(st.lists(children, max_size=4), odd)})


nodes = st.recursive(st.one_of(_text_node(), odd), _element, max_leaves=24)


def _snapshot(kids):
    return {"type": 2, "timestamp": T0, "data": {"node": {"type": 0, "id": 1, "childNodes": kids},
                                                 "initialOffset": {"top": 0, "left": 0}}}


#: a form every generated session starts with, so that the generated events meet fields (ids
#: 5-8), a label (4) and its text (9) as well as whatever the generated tree holds
FORM = [{"type": 2, "id": 3, "tagName": "form", "attributes": {}, "childNodes": [
    {"type": 2, "id": 4, "tagName": "label", "attributes": {"for": "cc"}, "childNodes": [
        {"type": 3, "id": 9, "textContent": "Card"}]},
    {"type": 2, "id": 5, "tagName": "input", "attributes": {"type": "password", "value": "hunter22"},
     "childNodes": []},
    {"type": 2, "id": 6, "tagName": "input", "attributes": {"id": "cc", "value": "4242"}, "childNodes": []},
    {"type": 2, "id": 7, "tagName": "input", "attributes": {"name": "q"}, "childNodes": []},
    {"type": 2, "id": 8, "tagName": "textarea", "attributes": {}, "childNodes": [
        {"type": 3, "id": 10, "textContent": "notes"}]},
]}]


#: the shape rrweb writes (all four lists, often empty), aimed at the form's ids
records = st.lists(st.fixed_dictionaries({"id": st.integers(3, 12), "attributes": st.one_of(
    st.dictionaries(attr_keys, st.one_of(texts, st.none()), min_size=1, max_size=3),
    st.just({"style": "x"}))}), max_size=3)
well_formed = st.fixed_dictionaries({
    "type": st.just(3), "timestamp": st.just(T0 + 10),
    "data": st.fixed_dictionaries({
        "source": st.just(0),
        "adds": st.lists(st.fixed_dictionaries({"parentId": st.integers(1, 12), "nextId": st.none(), "node": nodes}),
                         max_size=2),
        "texts": st.one_of(st.just([]), st.lists(st.fixed_dictionaries({"id": st.integers(3, 12), "value": texts}),
                                                 max_size=2)),
        "removes": st.just([]),
        "attributes": records,
    }),
})
hostile = st.fixed_dictionaries({
    "type": st.just(3), "timestamp": st.just(T0 + 10),
    "data": st.fixed_dictionaries(
        {"source": st.just(0)},
        optional={
            "adds": st.one_of(st.lists(st.fixed_dictionaries({"parentId": st.one_of(ids, odd), "node": nodes}),
                                       max_size=3), odd),
            "texts": st.one_of(st.lists(st.fixed_dictionaries({"id": ids, "value": st.one_of(texts, odd)}),
                                        max_size=2), odd),
            "removes": st.just([]),
            "attributes": st.one_of(st.lists(st.fixed_dictionaries({"id": st.one_of(ids, odd),
                                                                    "attributes": attributes}), max_size=3), odd),
        }),
})
typed = st.fixed_dictionaries({
    "type": st.just(3), "timestamp": st.just(T0 + 20),
    "data": st.fixed_dictionaries({"source": st.just(5), "id": st.one_of(st.integers(3, 12), odd),
                                   "text": st.one_of(texts, odd),
                                   "isChecked": st.booleans()}),
})
others = st.sampled_from([
    {"type": 3, "timestamp": T0 + 30, "data": {"source": 1, "positions": []}},
    {"type": 3, "timestamp": T0 + 30, "data": {"source": 2, "type": 2, "id": 3, "x": 1, "y": 1}},
    {"type": 6, "timestamp": T0 + 40, "data": {"plugin": "rrweb/console@1", "payload": {"payload": [CARD]}}},
    {"type": 5, "timestamp": T0 + 40, "data": {"tag": "x", "payload": {"card": CARD}}},
    {"type": 4, "timestamp": T0 + 40, "data": {"href": "https://x/", "width": 1, "height": 1}},
])
mutation = st.one_of(well_formed, hostile)
sessions = st.tuples(st.lists(nodes, max_size=5), st.lists(st.one_of(mutation, typed, others), max_size=12),
                     st.sampled_from(list(POLICIES)), st.integers(1, 4))


@needs_c
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sessions)
def test_the_c_walk_agrees_with_the_python_walk_on_hostile_input(session):
    kids, events, policy, cut = session
    events = [_snapshot(FORM + kids), *events]
    batches = [events[i:i + cut] for i in range(0, len(events), cut)]
    c = _redact(batches, POLICIES[policy], True)
    assert c == _redact(batches, POLICIES[policy], False)
    assert c[0] != "raised", c  # and neither walk gives up on it


@pytest.mark.parametrize("c", [True, False], ids=["C walk", "Python walk"])
@pytest.mark.parametrize("kids", [5, 3.5, True, "abc", {"a": 1}])
def test_a_number_or_string_where_child_nodes_belong_holds_no_nodes(c, kids):
    """It used to stop the import of the whole session ("internal error: TypeError")."""
    if c and dom._drain is None:
        pytest.skip("the C walk is not built here")
    card = {"type": 3, "id": 9, "textContent": f"Paid {CARD}"}
    events = [
        _snapshot([{"type": 2, "id": 2, "tagName": "div", "attributes": {}, "childNodes": kids},
                   {"type": 2, "id": 3, "tagName": "p", "attributes": {}, "childNodes": [card]}]),
        {"type": 3, "timestamp": T0 + 5, "data": {"source": 0, "texts": [], "removes": [], "attributes": [],
                                                  "adds": [{"parentId": 2, "node": {
                                                      "type": 2, "id": 4, "tagName": "iframe", "attributes": {},
                                                      "childNodes": kids}}]}},
    ]
    out, report, _state_ = _redact([events], RedactionPolicy(), c)
    assert CARD.encode() not in out
    assert report["by_rule"] == {"luhn": 1}


def _typed(nid, text):
    return {"type": 3, "timestamp": T0 + 20, "data": {"source": 5, "id": nid, "text": text, "isChecked": False}}


def _mutation(adds=(), texts=(), attributes=()):
    return {"type": 3, "timestamp": T0 + 10, "data": {"source": 0, "adds": list(adds), "texts": list(texts),
                                                      "removes": [], "attributes": list(attributes)}}


#: each case is one the C walk must hand on to the rules (and the masked text it must end as)
HANDED_ON = {
    "typed into a password field": ([_typed(5, "ab")], b'"text":"**"'),
    "typed into the field labelled Card": ([_typed(6, "4111")], b'"text":"****"'),
    "typed a card number into a plain field": ([_typed(7, CARD)], b'"text":"**** **** **** ****"'),
    "a value set on a password field": ([_mutation(attributes=[{"id": 5, "attributes": {"value": "pw"}}])],
                                        b'"value":"**"'),
    "a field turned into a password field": ([_mutation(attributes=[{"id": 7, "attributes": {"type": "password"}}]),
                                              _typed(7, "xy")], b'"text":"**"'),
    "a text added to the textarea": ([_mutation(adds=[{"parentId": 8, "node": {"type": 3, "id": 11,
                                                                              "textContent": "DE44"}}])],
                                     b'"textContent":"DE44"'),
    "a card number added as text": ([_mutation(adds=[{"parentId": 3, "node": {"type": 3, "id": 11,
                                                                             "textContent": f"Paid {CARD}"}}])],
                                    b'"textContent":"Paid **** **** **** ****"'),
    "a title holding a card number": ([_mutation(adds=[{"parentId": 3, "node": {
        "type": 2, "id": 11, "tagName": "span", "attributes": {"title": CARD}, "childNodes": []}}])],
        b'"title":"**** **** **** ****"'),
}


@needs_c
@pytest.mark.parametrize("case", list(HANDED_ON))
def test_the_c_walk_hands_on_what_a_rule_must_see(case):
    events, expected = HANDED_ON[case]
    batches = [[_snapshot(FORM)], events]
    c = _redact(batches, POLICIES["default"], True)
    assert c == _redact(batches, POLICIES["default"], False)
    assert expected in c[0]
