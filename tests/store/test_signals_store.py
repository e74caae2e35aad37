"""Frustration signals in the store (issue 11): at import, attribution, recompute, cascade, list."""

from __future__ import annotations

import json
import shutil

import pytest

from replaydesk.analysis import signals as analysis_signals
from replaydesk.analysis.importing import import_paths
from replaydesk.analysis.signals import SignalSettings
from replaydesk.analysis.signals_store import (
    FACTS_KEY, attribute_sessions, recompute_signals, stored_settings,
)
from replaydesk.store import SessionFilter, list_sessions, open_store
from replaydesk.store import signals as sig
from replaydesk.store.queries import session_ids
from replaydesk.work import CancelToken, Cancelled

LABELLED = ("rage_click", "dead_click", "error_click", "quick_back")


@pytest.fixture
def db(signals_db_path, tmp_path):
    p = tmp_path / "s.db"
    shutil.copy(signals_db_path, p)
    d = open_store(p)
    yield d
    d.conn.close()


def _meta(corpus, sid):
    return json.loads((corpus / sid / "meta.json").read_text())


def test_kind_names_match_the_detector():
    assert sig.SIGNAL_KINDS == analysis_signals.SIGNAL_KINDS
    assert set(sig.SIGNAL_COLUMN) == set(sig.SIGNAL_KINDS) == set(sig.SIGNAL_LABEL)


def test_import_stores_every_labelled_signal_within_a_second_and_none_for_clean(db, corpus, corpus_sessions):
    labelled = 0
    for d in corpus_sessions:
        meta = _meta(corpus, d.name)
        found = sig.session_findings(db, d.name)
        for s in meta.get("signals") or []:
            labelled += 1
            assert any(f["kind"] == s["kind"] and abs(f["t_ms"] - s["atMs"]) <= 1000 for f in found), (d.name, s, found)
        if meta.get("clean"):
            assert [f for f in found if f["kind"] in LABELLED] == []
            assert sig.signal_counts(db, d.name)["rage_click"] == 0
    assert labelled == 10
    # counts on the session row agree with the rows
    for sid, total in db.conn.execute("SELECT id, sig_total FROM sessions"):
        assert total == len(sig.session_findings(db, sid))
    f = sig.session_findings(db, "ses_ac59c861b05d")[0]
    assert f["rule"] and isinstance(f["params"], dict) and f["evidence"]


def test_attribution_names_targets_and_tracks_forms(db):
    assert sig.stale_fact_sessions(db, FACTS_KEY, unattributed=True)  # import is mirror-less
    before = [f["selector"] for f in sig.findings(db, kinds=["rage_click"])]
    assert before == [None, None]
    assert attribute_sessions(db) == 9
    assert sig.stale_fact_sessions(db, FACTS_KEY, unattributed=True) == []
    rage = sig.findings(db, kinds=["rage_click"])
    assert [f["selector"] for f in rage] == ["button#share-lab", "button#promo-claim"]
    assert rage[0]["target_label"] == "button#share-lab 'Share'"
    forms = sig.findings(db, kinds=["form_abandonment"])
    assert [(f["session_id"], f["selector"]) for f in forms] == [("ses_5924706e4bfc", "form#checkout-form")]
    clicks = [c for c in sig.click_rows(db, "ses_46d365862838") if c["target_text"] == "Add to cart"]
    assert [(c["selector"], c["tag"], c["role"]) for c in clicks] == [("button#add-to-cart", "button", "button")]


def test_threshold_change_recomputes_findings_both_ways(db):
    n = recompute_signals(db, SignalSettings(rage_min_clicks=7))
    assert n == 9
    rage = sig.findings(db, kinds=["rage_click"])
    assert [f["t_ms"] for f in rage] == [38205] and rage[0]["params"]["min_clicks"] == 7
    assert sig.signal_counts(db, "ses_ac59c861b05d")["rage_click"] == 1
    assert stored_settings(db).rage_min_clicks == 7
    recompute_signals(db, SignalSettings())
    assert len(sig.findings(db, kinds=["rage_click"])) == 2
    # a longer dead-click window: the paragraph clicks answered after 7.5 s disappear
    recompute_signals(db, SignalSettings(dead_window_ms=10_000))
    assert sig.findings(db, kinds=["dead_click"]) == []
    assert db.conn.execute("SELECT sum(sig_dead) FROM sessions").fetchone()[0] == 0


def test_import_uses_the_stored_thresholds(tmp_path, corpus):
    d = open_store(tmp_path / "t.db")
    recompute_signals(d, SignalSettings(rage_min_clicks=7))  # empty store: records the settings
    import_paths(d, [corpus / "archive-demo.zip"])
    assert len(sig.findings(d, kinds=["rage_click"])) == 1
    d.conn.close()


def test_cancelled_recompute_keeps_the_previous_findings(db):
    before = sig.findings(db)
    token = CancelToken()
    calls = []

    def progress(done, total, label=""):
        calls.append(done)
        token.cancel()

    with pytest.raises(Cancelled):
        recompute_signals(db, SignalSettings(rage_min_clicks=7), token, progress, batch=2)
    assert sig.findings(db) == before and calls
    assert stored_settings(db) == SignalSettings()


def test_delete_and_replace_cascade(db, corpus, tmp_path):
    sid = "ses_ac59c861b05d"
    db.conn.execute("DELETE FROM sessions WHERE id = ?", (sid,))
    for table in ("signals", "signal_facts"):
        assert db.conn.execute(f"SELECT count(*) FROM {table} WHERE session_id = ?", (sid,)).fetchone()[0] == 0
    # replace: the same session id from the same origin with other content
    src = tmp_path / "one"
    shutil.copytree(corpus / "ses_894a31ac3a8c", src / "ses_894a31ac3a8c", ignore=shutil.ignore_patterns("truth", "rrweb"))
    d2 = open_store(tmp_path / "r.db")
    import_paths(d2, [src])
    assert sig.signal_counts(d2, "ses_894a31ac3a8c")["error_click"] == 3
    events = json.loads((src / "ses_894a31ac3a8c" / "events.json").read_text())
    cut = [e for e in events if e["timestamp"] - events[0]["timestamp"] < 20_000]  # before the coupon taps
    (src / "ses_894a31ac3a8c" / "events.json").write_text(json.dumps(cut))
    r = import_paths(d2, [src])
    assert r.replaced == ["ses_894a31ac3a8c"]
    found = sig.session_findings(d2, "ses_894a31ac3a8c")
    assert [f["kind"] for f in found] == ["quick_back"]
    assert sig.signal_counts(d2, "ses_894a31ac3a8c")["error_click"] == 0
    assert d2.conn.execute("SELECT count(*) FROM signal_facts").fetchone()[0] == 1
    d2.conn.close()


def test_stale_facts_are_rebuilt_by_recompute(db):
    db.conn.execute("UPDATE signal_facts SET version = 'facts-0' WHERE session_id = 'ses_ac59c861b05d'")
    db.conn.execute("DELETE FROM signal_facts WHERE session_id = 'ses_eca6cdfc6b65'")
    assert set(sig.stale_fact_sessions(db, FACTS_KEY)) == {"ses_ac59c861b05d", "ses_eca6cdfc6b65"}
    recompute_signals(db, SignalSettings())
    assert sig.stale_fact_sessions(db, FACTS_KEY) == []
    assert sig.signal_counts(db, "ses_ac59c861b05d")["rage_click"] == 2
    assert sig.signal_counts(db, "ses_eca6cdfc6b65")["quick_back"] == 1


def test_filter_by_signal_kinds_and_sort_by_count(db):
    assert set(session_ids(db, SessionFilter(signals=("error_click",)))) == {"ses_ac59c861b05d", "ses_894a31ac3a8c"}
    assert session_ids(db, SessionFilter(signals=("error_click", "quick_back"))) == ["ses_894a31ac3a8c"]
    assert session_ids(db, SessionFilter(signals=("rage_click",))) == ["ses_ac59c861b05d"]
    assert SessionFilter(signals=()).is_empty() and not SessionFilter(signals=("rage_click",)).is_empty()
    rows = list_sessions(db, sort="signals")
    assert [r["id"] for r in rows[:3]] == ["ses_ac59c861b05d", "ses_894a31ac3a8c", "ses_eca6cdfc6b65"]
    assert rows[0]["sig_rage"] == 2 and rows[0]["sig_total"] == 6
    with pytest.raises(ValueError):
        session_ids(db, SessionFilter(signals=("nope",)))


def test_a_failing_observer_keeps_the_session(tmp_path, corpus):
    from replaydesk.store import import_paths as store_import

    class Broken:
        def feed(self, e):
            pass

        def finish(self, conn, sid, chash):
            raise RuntimeError("boom")

    d = open_store(tmp_path / "b.db")
    r = store_import(d, [corpus / "ses_eca6cdfc6b65"], observers=[Broken])
    assert len(r.added) == 1 and not r.rejected
    assert sig.stale_fact_sessions(d, FACTS_KEY) == r.added  # rebuilt later by a recompute
    d.conn.close()
