"""Python-mirror regressions found on rrweb's and PostHog's own fixtures (tests/formats/test_third_party.py),
pinned here on hand-built events so CI (which has no third-party data) keeps them fixed."""

from __future__ import annotations

from replaydesk.replay import Mirror
from replaydesk.replay.frame import frame_from_mirror
from replaydesk.rrweb import MediaInteraction, Source

from .builders import T0, el, inc, mutation, start, text


def run(events) -> Mirror:
    m = Mirror()
    for ev in events:
        m.apply(ev)
    return m


def test_removing_a_style_text_child_drops_earlier_cssom_rules():
    """The browser re-parses a <style> whose text child goes: rules inserted through the CSS object
    model before are lost (rrweb too). The mirror kept them (replay/mutation.py -> Mirror.on_child_removed)."""
    events = start(el(10, "style", {}, [text(11, "a { color: red; }")])) + [
        inc(Source.STYLE_SHEET_RULE, T0 + 10, id=10, adds=[{"rule": "b { top: 0px; }", "index": 1}]),
    ]
    m = run(events)
    assert m.side_state()["stylesheets"][10] == ["a { color: red; }", "b { top: 0px; }"]  # the edit is live
    m.apply(mutation(T0 + 20, removes=[{"parentId": 10, "id": 11}]))
    assert 10 not in m.side_state()["stylesheets"], "CSSOM edits outlived the style's text"
    assert "b { top" not in (m.serialize(10)["attributes"].get("_cssText") or "")


def test_seek_frame_restores_media_state_of_the_last_interaction():
    """A seeked frame carries the media element's played state (position, mute, pause) as its last
    interaction left it, not the snapshot's rr_media* attributes (replay/frame.py)."""
    events = start(el(10, "video", {"rr_mediaState": "paused", "rr_mediaCurrentTime": 3, "rr_mediaMuted": False})) + [
        inc(Source.MEDIA_INTERACTION, T0 + 10, id=10, type=MediaInteraction.PLAY, currentTime=4.5),
        inc(Source.MEDIA_INTERACTION, T0 + 20, id=10, type=MediaInteraction.VOLUME_CHANGE, volume=0.5, muted=True),
    ]
    frame = frame_from_mirror(run(events), T0 + 30)
    media = [e["data"] for e in frame.events if e["data"]["source"] == Source.MEDIA_INTERACTION]
    assert len(media) == 1, frame.events
    d = media[0]
    assert (d["id"], d["type"]) == (10, MediaInteraction.PLAY)
    assert d["currentTime"] == 4.5 and d["muted"] is True and d["volume"] == 0.5

    paused = run(events + [inc(Source.MEDIA_INTERACTION, T0 + 40, id=10, type=MediaInteraction.PAUSE, currentTime=6)])
    d = next(e["data"] for e in frame_from_mirror(paused, T0 + 50).events if e["data"]["source"] == Source.MEDIA_INTERACTION)
    assert d["type"] == MediaInteraction.PAUSE and d["currentTime"] == 6 and d["muted"] is True
