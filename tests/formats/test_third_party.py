"""Recordings made by others through the importer the CLI uses, and the replay engine's
mirror on them (Qt-free). rrweb's own test recordings are hand-made edge cases (timestamps
from 0, a clock in 1970, one timestamp typo 198 days ahead, a <textarea> with two values);
PostHog's blob file has one line per browser window. Where the fixture comes with an rrweb
test, the mirror is checked against what that test asserts of rrweb's replayer.

The recordings live outside the repository: see tests/formats/third_party.py.
"""

from __future__ import annotations

import pytest

from replaydesk.replay.frame import frame_from_mirror
from replaydesk.replay.session import open_session_replay
from replaydesk.rrweb import MediaInteraction, Source
from replaydesk.store import import_paths, open_store

from .third_party import DROPPED, POSTHOG_BLOBS, RRWEB, fixture_path, posthog_windows, rrweb_events, rrweb_path, stated

_SMALL_CLOCK = 9_999_999_999  # at or below, timestamps could be seconds (normalize.py's cutoff)


def _row(db, sid: str) -> dict:
    return next(db.query("SELECT * FROM sessions WHERE id = ?", [sid]))


def _check_facts(row: dict, facts) -> None:
    assert row["event_count"] == facts.events
    assert row["started_at"] == facts.first_ts
    assert row["duration_ms"] == facts.duration_ms
    assert row["entry_url"] == facts.href
    assert (row["viewport_width"], row["viewport_height"]) == (facts.viewport or (None, None))
    assert row["click_count"] == facts.clicks
    assert row["page_count"] == (1 if facts.href is not None else 0)  # one Meta (page load) each


@pytest.mark.parametrize("name", RRWEB)
def test_rrweb_fixture_imports_with_the_facts_it_states(tmp_path, name):
    events = rrweb_events(name)
    db = open_store(tmp_path / "store.db")
    report = import_paths(db, [rrweb_path(name)])
    assert report.rejected == [] and report.ok
    (sid,) = report.added
    warnings = [w for _, w in report.warnings]
    expected = 0
    dropped, why = DROPPED.get(name, (0, None))
    if dropped:
        expected += 1
        assert any(f"dropped {dropped} malformed event(s)" in w and why in w for w in warnings), warnings
    ts = [e["timestamp"] for e in events]
    if min(ts) <= _SMALL_CLOCK:  # a recorder clock near 1970: kept as ms, and said so
        expected += 1
        assert any("kept as milliseconds" in w for w in warnings), warnings
    backwards = sum(1 for a, b in zip(ts, ts[1:]) if b < a)
    if backwards:
        expected += 1
        assert any(f"timestamps went backwards {backwards} time(s)" in w for w in warnings), warnings
    assert len(warnings) == expected, warnings
    _check_facts(_row(db, sid), stated(events, drop_zero_ts=bool(dropped)))
    db.conn.close()


def test_posthog_blob_lines_import_one_session_per_window(tmp_path):
    windows = posthog_windows()
    assert len(windows) == 2
    db = open_store(tmp_path / "store.db")
    report = import_paths(db, [fixture_path(POSTHOG_BLOBS)])
    assert report.rejected == [] and report.warnings == [] and report.ok
    assert len(report.added) == 2
    rows = sorted((_row(db, sid) for sid in report.added), key=lambda r: r["started_at"])
    for row, (_, events) in zip(rows, windows):
        _check_facts(row, stated(events))
    db.conn.close()


def test_a_meta_at_timestamp_zero_keeps_its_viewport(tmp_path):
    """rrweb's hover.ts starts its clock at 0: its Meta (href, 1600x900) is at timestamp 0. It
    used to be dropped as "not a time", and the frame fell back to 1024x768 where rrweb's
    replayer uses 1600x900."""
    db = open_store(tmp_path / "store.db")
    (sid,) = import_paths(db, [rrweb_path("hover")]).added
    row = _row(db, sid)
    db.conn.close()
    assert (row["viewport_width"], row["viewport_height"]) == (1600, 900)


# --- the mirror at moments (ms after the first event) --------------------------------------------


def _css(m, style_id: int) -> str:
    """The CSS a <style> holds now: its CSSOM-edited rules, else its text."""
    node = m.serialize(style_id)
    return node["attributes"].get("_cssText") or "".join(c.get("textContent", "") for c in node["childNodes"])


def _media_events(m, t_abs: int) -> list[dict]:
    frame = frame_from_mirror(m, t_abs)
    return [e["data"] for e in frame.events if e["data"].get("source") == Source.MEDIA_INTERACTION]


# (fixture, window, ms, probe of the mirror and seek time, expected): rrweb's test assertions where
# the fixture has one (replayer.test.ts), else what the fixture's own names and comments say
MIRROR = [
    ("ordering", 0, 35, lambda m, t: m.text_content(101), "Final - correct"),
    ("bad-textarea", 0, 50, lambda m, t: m.node(6).attributes["value"], "this value is used for replay"),
    ("document-replacement", 0, 500, lambda m, t: (m.node(1).child_ids, m.node(6).child_ids, 3 in m), ((8, 6), (9, 7), False)),
    ("input", 0, 1500, lambda m, t: m.side_state()["inputs"][26]["value"], "valueA"),
    ("input", 0, 2000, lambda m, t: m.side_state()["inputs"][26]["value"], "valueC"),
    ("input", 0, 3000, lambda m, t: m.side_state()["inputs"][33]["value"], "test input"),
    ("input", 0, 4000, lambda m, t: (26 in m, 33 in m), (False, False)),
    ("scroll", 0, 1000, lambda m, t: m.side_state()["scrolls"][6], {"x": 0, "y": 2500}),
    ("scroll", 0, 1500, lambda m, t: m.side_state()["scrolls"][1], {"x": 0, "y": 250}),
    ("scroll", 0, 2000, lambda m, t: 6 in m, False),
    ("shadow-dom", 0, 1000, lambda m, t: [(m.node(i).is_shadow, m.text_content(i)) for i in (7, 10)] + [m.node(9).is_shadow_host],
     [(True, "shadow dom one"), (True, "shadow dom two"), True]),
    ("selection", 0, 360, lambda m, t: m.side_state()["selection"], [{"start": 12, "startOffset": 5, "end": 15, "endOffset": 15}]),
    ("selection", 0, 410, lambda m, t: m.side_state()["selection"], [{"start": 12, "startOffset": 11, "end": 15, "endOffset": 6}]),
    ("style-sheet-rule-events", 0, 1500, lambda m, t: ".css-added-at-1000-deleted-at-2500" in _css(m, 105), True),
    ("style-sheet-rule-events", 0, 3000, lambda m, t: ".css-added-at-1000-deleted-at-2500" in _css(m, 105), False),
    ("style-sheet-rule-events", 0, 3500, lambda m, t: [s in _css(m, 101) for s in (
        ".css-added-at-3100", ".all-css-overwritten-at-3000", ".css-added-at-200-overwritten-at-3000",
        ".css-added-at-500-overwritten-at-3000")], [True, True, False, False]),
    # a <style>'s text child added / removed re-parses the sheet: CSSOM inserts before it are gone
    ("style-sheet-text-mutation", 0, 1600, lambda m, t: ".css-added-at-1000-overwritten-at-1500" in _css(m, 101), False),
    ("style-sheet-text-mutation", 0, 2100, lambda m, t: ".css-added-at-2000-overwritten-at-2500" in _css(m, 101), True),
    ("style-sheet-text-mutation", 0, 2600, lambda m, t: ("overwritten" in _css(m, 101), "deleted-at-2500" in _css(m, 101)),
     (False, False)),
    ("style-sheet-text-mutation", 0, 3100, lambda m, t: _css(m, 101).split("{")[0].strip(), ".css-added-at-3000"),
    ("style-declaration-missing-rule", 0, 500, lambda m, t: (m.side_state()["stylesheets"][5], dict(m.anomalies.counts)),
     ([".existing { color: blue; }"], {"css_rule": 3})),
    ("adopted-style-sheet", 0, 550, lambda m, t: m.side_state()["adopted"],
     {"sheets": {1: ["div { color: yellow; }"], 2: ["span { color: red; }"], 3: ["h1 { color: blue; }"],
                 4: ["span { color: green; }"]}, "targets": {1: [1], 10: [1, 2], 20: [3], 16: [4]}}),
    ("adopted-style-sheet-empty-replace--emptyReplaceEvents", 0, 250, lambda m, t: len(m.side_state()["adopted"]["sheets"][1]), 1),
    ("adopted-style-sheet-empty-replace--emptyReplaceEvents", 0, 350, lambda m, t: m.side_state()["adopted"]["sheets"][1], []),
    ("adopted-style-sheet-empty-replace--emptyReplaceSyncEvents", 0, 350, lambda m, t: m.side_state()["adopted"]["sheets"][1], []),
    ("dialog-playback", 0, 1600, lambda m, t: (m.node(27).attributes.get("open"), m.node(27).attributes.get("rr_open_mode")),
     ("", "non-modal")),
    ("dialog-playback", 0, 2100, lambda m, t: "open" in m.node(27).attributes, False),
    ("dialog-playback", 0, 4000, lambda m, t: (m.node(32).attributes.get("rr_open_mode"), m.text_content(32)), ("modal", "Dialog 3")),
    ("iframe", 0, 2000, lambda m, t: (m.node(80).tag, m.node(80).root_id, m.node(81).type), ("iframe", 62, 0)),
    ("iframe", 0, 2500, lambda m, t: (64 in m, 80 in m), (False, False)),
    ("iframe-shadowdom-hover", 0, 550, lambda m, t: m.side_state()["hover"], 14),
    ("iframe-shadowdom-hover", 0, 1050, lambda m, t: m.side_state()["hover"], 13),
    ("hover", 0, 145, lambda m, t: m.side_state()["hover"], 16),
    ("video-playback", 0, 21000, lambda m, t: {k: v for k, v in m.side_state()["media"][27].items() if k != "at"},
     {"paused": True, "currentTime": 20.088367, "playbackRate": 1, "volume": 1, "muted": True, "loop": False}),
    # a seek's frame carries the media state the played path has (it was left on the snapshot's
    # rr_media* attributes: currentTime 0, unmuted)
    ("video-playback", 0, 21000, lambda m, t: _media_events(m, t),
     [{"source": Source.MEDIA_INTERACTION, "id": 27, "type": MediaInteraction.PAUSE, "currentTime": 20.088367,
       "volume": 1, "muted": True, "loop": False, "playbackRate": 1}]),
    ("posthog", 0, 5694, lambda m, t: (m.text_content(24), m.text_content(32), m.side_state()["viewport"]),
     ("PostHog React", "Feature flag response: false", {"width": 2560, "height": 476})),
    ("posthog", 0, 5694, lambda m, t: [m.node(i).is_shadow for i in m.node(39).child_ids], [True, True]),
    ("posthog", 1, 0, lambda m, t: _css(m, 5), "body { display: none; }"),  # Next.js hides the page until loaded
    ("posthog", 1, 4, lambda m, t: (5 in m, 7 in m), (False, False)),
    ("posthog", 1, 28, lambda m, t: (m.text_content(36), m.text_content(10), [m.node(i).is_shadow for i in m.node(42).child_ids]),
     ("Feature flag response: false", "PostHog", [True, True])),
]


@pytest.fixture(scope="module")
def replays(tmp_path_factory):
    """Every fixture imported into one store: {(fixture, window): SessionReplay}."""
    db = open_store(tmp_path_factory.mktemp("third-party") / "store.db")
    out = {}
    for name in sorted({c[0] for c in MIRROR}):
        path = fixture_path(POSTHOG_BLOBS) if name == "posthog" else rrweb_path(name)
        report = import_paths(db, [path])
        assert report.rejected == [], report.rejected
        by_start = sorted(report.added, key=lambda sid: _row(db, sid)["started_at"])
        for k, sid in enumerate(by_start):
            out[(name, k)] = open_session_replay(db, sid)
    yield out
    db.conn.close()


@pytest.mark.parametrize("name,window,at_ms,probe,expected", MIRROR,
                         ids=[f"{c[0]}-{c[1]}@{c[2]}" for c in MIRROR])
def test_mirror_at_a_moment(replays, name, window, at_ms, probe, expected):
    replay = replays[(name, window)]
    t = replay.first_ts + at_ms
    m = replay.seek(t)
    assert probe(m, t) == expected
