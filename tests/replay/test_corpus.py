"""The mirror against every real recording in the corpus, plus spot checks that matter
for the player and for analysis (see the corpus README for what happens when)."""

from __future__ import annotations

import pytest

from replaydesk.replay import Mirror
from replaydesk.replay.constants import EventType, NodeType, Source

from .helpers import SESSION_IDS, load_session, replay_until


def _find(m: Mirror, pred):
    return [n for n in m.tree.nodes.values() if pred(n)]


def _connected(m: Mirror, nid: int) -> bool:
    n = m.tree.nodes[nid]
    while n.parent is not None:
        n = n.parent
    return n is m.tree.root


@pytest.mark.parametrize("session_id", SESSION_IDS)
def test_every_session_applies_cleanly(session_id):
    """Applying every event never raises and the real recordings produce no anomaly
    at all (an anomaly here means the mirror misunderstood valid data)."""
    events = load_session(session_id)
    m = Mirror()
    for k, ev in enumerate(events):
        m.apply(ev, k)
        if ev["type"] == EventType.FULL_SNAPSHOT:
            assert m.document_id == ev["data"]["node"]["id"]
    assert dict(m.anomalies.counts) == {}
    assert m.event_index == len(events) - 1
    # the index is consistent with the tree: every registered node hangs off the document
    assert all(_connected(m, nid) for nid in m.tree.nodes)
    # serialize() covers exactly the registered nodes
    seen = []
    stack = [m.serialize()]
    while stack:
        d = stack.pop()
        seen.append(d["id"])
        stack.extend(d.get("childNodes", ()))
    assert sorted(seen) == sorted(m.tree.nodes)


@pytest.mark.parametrize("session_id", SESSION_IDS)
def test_href_follows_page_loads(session_id):
    """After each Meta + FullSnapshot the href is the new page and the old tree is gone."""
    events = load_session(session_id)
    m = Mirror()
    pending_href = None
    for k, ev in enumerate(events):
        m.apply(ev, k)
        if ev["type"] == EventType.META:
            pending_href = ev["data"]["href"]
        elif ev["type"] == EventType.FULL_SNAPSHOT:
            assert m.side_state()["href"] == pending_href
            assert len(m) == _count_nodes(ev["data"]["node"])


def _count_nodes(d: dict) -> int:
    return 1 + sum(_count_nodes(c) for c in d.get("childNodes", ()))


def test_phone_cart_mutation_with_inlined_img_is_complete():
    """ses_894a31ac3a8c: rrweb's Replayer throws on the <img rr_dataURL> add in the cart
    and drops the rest of that mutation; the mirror must keep all of it."""
    events = load_session("ses_894a31ac3a8c")
    m = Mirror()
    on_cart = False
    target = None
    for k, ev in enumerate(events):
        m.apply(ev, k)
        if ev["type"] == EventType.META:
            on_cart = ev["data"]["href"].endswith("/cart.html")
        data = ev["data"]
        if on_cart and ev["type"] == EventType.INCREMENTAL and data["source"] == Source.MUTATION and any(
                a["node"].get("tagName") == "img" and "rr_dataURL" in a["node"].get("attributes", {})
                for a in data["adds"]):
            target = data
            break
    assert target is not None, "the cart mutation with an inlined image was not found"
    for add in target["adds"]:
        nid = add["node"]["id"]
        assert nid in m, f"node {nid} of the mutation is missing"
        assert m.node(nid).parent_id == add["parentId"]
        assert _connected(m, nid)
    img = next(a["node"]["id"] for a in target["adds"] if a["node"].get("tagName") == "img")
    assert m.node(img).attributes["rr_dataURL"].startswith("data:image/png")
    text = m.text_content(m.document_id)
    assert "Finish: sand" in text and "$36.00" in text


def test_lab_iframe_chat_document():
    """ses_ac59c861b05d at 19247 ms: the same-origin chat iframe shows the sent message
    and the reply; its document is the iframe element's child, nodes carry rootId."""
    m = replay_until("ses_ac59c861b05d", 19247)
    iframes = _find(m, lambda n: n.tag == "iframe")
    assert len(iframes) == 1
    ser = m.serialize(iframes[0].id)
    docs = [c for c in ser["childNodes"] if c["type"] == NodeType.DOCUMENT]
    assert len(docs) == 1
    doc = docs[0]
    inner = []
    stack = list(doc["childNodes"])
    while stack:
        d = stack.pop()
        inner.append(d)
        stack.extend(d.get("childNodes", ()))
    assert inner and all(d.get("rootId") == doc["id"] for d in inner)
    text = m.text_content(doc["id"])
    assert "Do you ship to Norway?" in text
    assert "Thanks, an agent will join in a moment." in text
    # the chat input was cleared after sending
    chat = next(n for n in _find(m, lambda n: n.tag == "input") if n.attrs.get("id") == "chat-input")
    assert m.side_state()["inputs"][chat.id]["value"] == ""
    assert m.css_selector(chat.id) == "iframe#widget >>> input#chat-input"


def test_lab_shadow_dom_and_adopted_sheets():
    m = replay_until("ses_ac59c861b05d", 10692)
    host = _find(m, lambda n: n.tag == "star-rating")[0]
    ser = m.serialize(host.id)
    shadow = [c for c in ser["childNodes"] if c.get("isShadow")]
    assert [c["tagName"] for c in shadow] == ["button"] * 5
    assert ser.get("isShadowHost") is True
    lit = [c for c in shadow if c["attributes"].get("class") == "on"]
    assert len(lit) == 4, "rated 4 stars at 8.3 s"
    assert m.css_selector(shadow[3]["id"]) == "star-rating#rating >>> button:nth-of-type(4)"
    side = m.side_state()
    assert side["adopted"]["targets"] == {host.id: [1]}
    assert side["adopted"]["sheets"][1][0].startswith(":host")
    # the user-card's light child comes first, shadow children after it
    card = m.serialize(_find(m, lambda n: n.tag == "user-card")[0].id)
    flags = [bool(c.get("isShadow")) for c in card["childNodes"]]
    assert flags == sorted(flags) and flags[0] is False and flags[-1] is True


def test_lab_canvas_image_and_commands():
    events = load_session("ses_ac59c861b05d")
    m = replay_until("ses_ac59c861b05d", 10692)
    canvas = m.side_state()["canvas"]
    spark = next(n.id for n in _find(m, lambda n: n.attrs and n.attrs.get("id") == "spark"))
    sketch = next(n.id for n in _find(m, lambda n: n.attrs and n.attrs.get("id") == "sketch"))
    assert canvas[spark]["image"].startswith("data:image/png")
    t = events[0]["timestamp"] + 10692
    expected = sum(1 for e in events if e["timestamp"] <= t and e["type"] == 3
                   and e["data"]["source"] == Source.CANVAS_MUTATION and e["data"]["id"] == sketch)
    assert canvas[sketch]["image"] is None
    assert len(canvas[sketch]["mutations"]) == expected > 10


def test_share_button_lookup():
    m = replay_until("ses_ac59c861b05d", 32429)
    share = next(n.id for n in _find(m, lambda n: n.attrs and n.attrs.get("id") == "share-lab"))
    info = m.node(share)
    assert info.tag == "button" and info.text.strip() == "Share"
    assert m.css_selector(share) == "button#share-lab"
    assert m.describe(share) == "button#share-lab 'Share'"
    # a text node resolves to its element's selector
    text_id = next(c for c in info.child_ids if m.node(c).type == NodeType.TEXT)
    assert m.css_selector(text_id) == "button#share-lab"
    # the pointer had left the button again by 32.4 s
    assert m.side_state()["hover"] != share
    # during the rage clicks (29.8-30.5 s) hover and mouse are on the button, even though
    # a MouseMove batch flushed after the first click carries older points elsewhere
    m = replay_until("ses_ac59c861b05d", 29815)
    side = m.side_state()
    assert side["hover"] == share and side["mouse"]["id"] == share
    assert (side["mouse"]["x"], side["mouse"]["y"]) == (787, 834)


def test_lab_then_shop_page_load_replaces_document():
    m = replay_until("ses_ac59c861b05d")
    side = m.side_state()
    assert side["href"].endswith("/index.html")
    assert not _find(m, lambda n: n.tag in ("iframe", "star-rating"))
    assert side["canvas"] == {} and side["adopted"]["targets"] == {}
    promo = next(n.id for n in _find(m, lambda n: n.attrs and n.attrs.get("id") == "promo-claim"))
    assert m.css_selector(promo).endswith("#promo-claim")


def test_dashboard_cssom_style_diff_and_resize():
    m = replay_until("ses_49340e341bb8")
    side = m.side_state()
    assert side["viewport"] == {"width": 860, "height": 700}
    rules = side["stylesheets"][28]
    assert rules[:3] == [".kpi { padding: 8px 12px; } ", ".kpi .value { font-size: 19px; }",
                         ".chart { background-image: repeating-linear-gradient(0deg, #e9ecf5 0, #e9ecf5 1px, "
                         "transparent 1px, transparent 34px); }"]
    css = m.serialize(28)["attributes"]["_cssText"]
    assert css.startswith(".kpi { padding: 8px 12px; } .kpi .value")
    assert "_cssText" not in m.node(28).attributes, "node() shows the recorded attributes only"
    assert "box-shadow: rgb(232, 89, 12) 0px 0px 0px 2px;" in m.node(378).attributes["style"]


def test_selection_scroll_and_mouse():
    events = load_session("ses_8339d0629316")
    m = replay_until("ses_8339d0629316")
    last_sel = [e for e in events if e["type"] == 3 and e["data"]["source"] == Source.SELECTION][-1]
    last_scroll = [e for e in events if e["type"] == 3 and e["data"]["source"] == Source.SCROLL][-1]
    last_move = [e for e in events if e["type"] == 3 and e["data"]["source"] == Source.MOUSE_MOVE][-1]
    side = m.side_state()
    assert side["selection"] == last_sel["data"]["ranges"]
    d = last_scroll["data"]
    assert side["scrolls"][d["id"]] == {"x": d["x"], "y": d["y"]}
    assert side["scrolls"][m.document_id]["y"] == d["y"] if d["id"] == m.document_id else True
    assert side["mouse"] is not None and side["hover"] is not None
    p = last_move["data"]["positions"][-1]
    assert any(e["type"] == 3 and e["data"]["source"] == Source.MOUSE_INTERACTION
               for e in events if e["timestamp"] > last_move["timestamp"]) or side["mouse"] == {
        "x": p["x"], "y": p["y"], "id": p["id"]}


@pytest.mark.parametrize("session_id", ["ses_f69ef2c8dc31", "ses_46d365862838"])
def test_radio_groups_have_one_checked(session_id):
    """At every moment each radio group (same name, same form) has <= 1 checked radio."""
    events = load_session(session_id)
    m = Mirror()
    checked_groups = 0
    for k, ev in enumerate(events):
        m.apply(ev, k)
        if ev["type"] != 3 or ev["data"]["source"] != Source.INPUT:
            continue
        inputs = m.side_state()["inputs"]
        groups: dict = {}
        for nid, st in inputs.items():
            n = m.tree.nodes.get(nid)
            if n is not None and n.attrs.get("type") == "radio" and st["isChecked"]:
                groups.setdefault(n.attrs.get("name"), []).append(nid)
        assert all(len(v) == 1 for v in groups.values()), groups
        checked_groups = max(checked_groups, len(groups))
    assert checked_groups >= 1, "the checkout has a shipping radio group"
