"""Field drop-off (issue 12): generated forms and the corpus checkout."""

from __future__ import annotations

import json

import pytest

from replaydesk.analysis.fields import field_dropoff
from replaydesk.store import import_paths, open_store
from replaydesk.store.insights import Selection
from tests.replay.builders import T0, document, el, full, inc, meta, mutation, text

FORM, NAME, EMAIL, PHONE, ZIP, SEND = 20, 21, 22, 23, 24, 25
URL = "http://shop.test/signup?step=1"


def _page(at: int, href: str = URL) -> list[dict]:
    doc = document(el(FORM, "form", {"id": "signup"}, [
        el(NAME, "input", {"id": "name", "name": "name"}),
        el(EMAIL, "input", {"id": "email", "name": "email", "type": "email"}),
        el(PHONE, "input", {"id": "phone", "name": "phone", "type": "tel"}),
        el(ZIP, "input", {"id": "zip", "name": "zip"}),
        el(SEND, "button", {"id": "send", "type": "submit"}, [text(26, "Send")]),
    ]))
    return [meta(T0 + at, href=href, width=1280, height=800), full(doc, T0 + at)]


def _type(at: int, nid: int, *values: str, blur: bool = True) -> list[dict]:
    """Focus ``nid``, type ``values`` 100 ms apart, blur."""
    out = [inc(2, T0 + at, type=5, id=nid)]
    for k, v in enumerate(values):
        out.append(inc(5, T0 + at + 100 * (k + 1), id=nid, text=v, isChecked=False))
    if blur:
        out.append(inc(2, T0 + at + 100 * (len(values) + 1), type=6, id=nid))
    return out


def _submit(at: int) -> list[dict]:
    return [inc(2, T0 + at, type=t, id=SEND, x=10, y=10) for t in (1, 0, 2)]


def _invalid(at: int, nid: int) -> dict:
    return mutation(T0 + at, attributes=[{"id": nid, "attributes": {"aria-invalid": "true"}}])


def _write(folder, sid: str, events: list[dict]) -> None:
    d = folder / sid
    d.mkdir()
    (d / "events.json").write_text(json.dumps(events))
    (d / "meta.json").write_text(json.dumps({"sessionId": sid, "viewport": {"width": 1280, "height": 800}}))


@pytest.fixture
def store(tmp_path):
    three = [*_page(0), *_type(1000, NAME, "A", "Al"), *_type(2000, EMAIL, "a", "a@"),
             *_type(3000, PHONE, "55", "555", "55", "556", blur=False)]  # a correction, then the tab closes
    _write(tmp_path, "ses_left_at_phone", three)
    _write(tmp_path, "ses_left_at_phone_too", [*three, _invalid(3600, PHONE)])
    _write(tmp_path, "ses_submitted", [
        *_page(0), *_type(1000, NAME, "B"), *_type(2000, EMAIL, "b@x"), *_type(3000, PHONE, "1"),
        *_submit(4000), _invalid(4100, ZIP), *_type(5000, ZIP, "1"), *_submit(6000),
        *_page(7000, "http://shop.test/thanks")])
    _write(tmp_path, "ses_left_at_name", [*_page(0), *_type(1000, NAME, "C"),
                                          *_page(5000, "http://shop.test/elsewhere")])
    db = open_store(tmp_path / "s.db")
    report = import_paths(db, [tmp_path / s for s in ("ses_left_at_phone", "ses_left_at_phone_too",
                                                       "ses_submitted", "ses_left_at_name")])
    assert len(report.added) == 4, report.rejected
    yield db
    db.conn.close()


def test_a_form_left_after_the_third_field_reports_that_field_as_last(store):
    rep = field_dropoff(store, Selection("/signup"))
    assert (rep.page_views, rep.with_input, rep.submitted, rep.abandoned) == (4, 4, 1, 3)
    assert rep.last_fields == [("input#phone", 2, pytest.approx(2 / 3)), ("input#name", 1, pytest.approx(1 / 3))]
    rows = {f.selector: f for f in rep.fields}
    assert [f.selector for f in rep.fields] == ["input#name", "input#email", "input#phone", "input#zip"]
    assert rows["input#name"].sessions == 4 and rows["input#zip"].sessions == 1
    assert rows["input#phone"].last_touched == 2
    # "555" -> "55" -> "556": one delete-and-retype, in each of the two abandoning sessions
    assert rows["input#phone"].corrections == 2 and rows["input#email"].corrections == 0
    # aria-invalid set true by a mutation
    assert rows["input#phone"].errors == 1 and rows["input#zip"].errors == 1 and rows["input#name"].errors == 0
    # focus to blur: 300 ms in name for the first session ("A", "Al"), still focused at the end counts too
    assert rows["input#name"].time_s == pytest.approx(0.3 + 0.3 + 0.2 + 0.2)
    assert rows["input#phone"].time_s > 0


def test_no_matching_page_is_one_clear_error(store):
    with pytest.raises(ValueError, match="no page views match '/nope'"):
        field_dropoff(store, Selection("/nope"))


def test_corpus_checkout_abandoned_at_card_and_validation_loop_errors(seeded_db, corpus):
    meta_5924 = json.loads((corpus / "ses_5924706e4bfc" / "meta.json").read_text())
    assert "card" in meta_5924["description"] and meta_5924["urls"][-1] == "/checkout.html"
    rep = field_dropoff(seeded_db, Selection("/checkout.html"))
    assert rep.abandoned == 1 and rep.last_fields[0][0] == "input#card"
    rows = {f.selector: f for f in rep.fields}
    # ses_f69ef2c8dc31: submit #1 fails with 9 errors, the form marks each field's wrapper
    # "field invalid" and adds p.error-msg beside it (no aria-invalid in this recording)
    for name in ("input#name", "input#email", "input#password", "input#card", "input#expiry", "input#cvc",
                 "select#country", "input[name=shipping]"):
        assert rows[name].errors >= 1 and rows[name].error_sessions == 1, name
    assert rows["input[name=shipping]"].errors == 3  # still missing at submits #2 and #3
    assert rows["textarea#notes"].errors == 0
