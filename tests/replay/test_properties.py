"""Model-based tests: random DOM edits, emitted the way rrweb's recorder does, must
leave the mirror identical to a simple reference DOM - directly, through a
to_bytes/from_bytes round trip, and through checkpoints + seek.

The generator keeps a "live" reference tree, applies random operations per batch
(insert subtrees, move nodes in and out of shadow roots, remove, edit text,
attributes and inline styles) and then emits one Mutation like the recorder:
removes for the topmost removed/moved nodes (plus some redundant descendant
removes), one add per node of every new or moved subtree with ``nextId`` = its
final next sibling, **in scrambled order**, and texts/attributes for the other
changed nodes, inline style changes sometimes as rrweb diff objects.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings, strategies as st

from replaydesk.replay import CheckpointPolicy, ListEventSource, Mirror, SeekPlanner, build_checkpoints
from replaydesk.replay.codec import decode_state, encode_state

from .builders import T0

TAGS = ["div", "span", "p", "li", "b"]
PROPS = ["color", "margin", "--v", "background"]
VALUES = ["red", "1px", "url(data:a;b)", "0"]


class Ref:
    """The reference DOM: dict nodes, ordered child lists, no cleverness."""

    def __init__(self, rnd: random.Random):
        self.rnd = rnd
        self.nodes: dict[int, dict] = {}
        self.next_id = 10
        self._mk(1, "doc", None)
        self._mk(2, "doctype", 1)
        self._mk(3, "el", 1, tag="html")
        self._mk(4, "el", 3, tag="head")
        self._mk(5, "el", 3, tag="body")
        for _ in range(rnd.randint(1, 4)):
            self.new_subtree(5, False, None, depth=2)

    # --- structure -----------------------------------------------------------------
    def _mk(self, nid, kind, parent, tag=None, shadow=False, host=False, pos=None):
        n = {"id": nid, "kind": kind, "tag": tag, "attrs": {}, "text": None, "parent": parent,
             "children": [], "shadow": [] if host else None, "is_shadow": shadow, "host": host, "style": None}
        if kind == "text":
            n["text"] = f"t{nid}"
        self.nodes[nid] = n
        if parent is not None:
            lst = self.nodes[parent]["shadow"] if shadow else self.nodes[parent]["children"]
            lst.insert(len(lst) if pos is None else pos, nid)
        return n

    def new_subtree(self, parent, shadow, pos, depth):
        nid = self.next_id
        self.next_id += 1
        if depth == 0 or self.rnd.random() < 0.3:
            return self._mk(nid, "text", parent, shadow=shadow, pos=pos)["id"]
        host = self.rnd.random() < 0.25
        n = self._mk(nid, "el", parent, tag="x-host" if host else self.rnd.choice(TAGS), shadow=shadow, host=host,
                     pos=pos)
        if self.rnd.random() < 0.5:
            n["attrs"]["class"] = self.rnd.choice(["a", "b c"])
        for _ in range(self.rnd.randint(0, 2)):
            self.new_subtree(nid, False, None, depth - 1)
        if host:
            for _ in range(self.rnd.randint(0, 2)):
                self.new_subtree(nid, True, None, depth - 1)
        return nid

    def subtree(self, nid):
        out, stack = [], [nid]
        while stack:
            x = stack.pop()
            out.append(x)
            n = self.nodes[x]
            stack.extend(n["children"] + (n["shadow"] or []))
        return out

    def body_nodes(self):
        return [x for x in self.subtree(5) if x != 5]

    def detach(self, nid):
        n = self.nodes[nid]
        p = self.nodes[n["parent"]]
        (p["shadow"] if n["is_shadow"] else p["children"]).remove(nid)
        n["parent"] = None

    def random_slot(self, exclude=()):
        parents = [x for x in self.subtree(5) if self.nodes[x]["kind"] == "el" and x not in exclude]
        parent = self.rnd.choice(parents)
        p = self.nodes[parent]
        shadow = p["host"] and self.rnd.random() < 0.5
        lst = p["shadow"] if shadow else p["children"]
        return parent, shadow, self.rnd.randint(0, len(lst))

    # --- serialisation (docs/rrweb-format.md §2: shadow children after light ones) -----------
    def shallow(self, nid):
        n = self.nodes[nid]
        if n["kind"] == "doc":
            d = {"type": 0, "childNodes": []}
        elif n["kind"] == "doctype":
            d = {"type": 1, "name": "html", "publicId": "", "systemId": ""}
        elif n["kind"] == "text":
            d = {"type": 3, "textContent": n["text"]}
        else:
            d = {"type": 2, "tagName": n["tag"], "attributes": dict(n["attrs"]), "childNodes": []}
            if n["host"]:
                d["isShadowHost"] = True
        d["id"] = nid
        if n["is_shadow"]:
            d["isShadow"] = True
        return d

    def serialize(self, nid=1):
        d = self.shallow(nid)
        n = self.nodes[nid]
        if "childNodes" in d:
            d["childNodes"] = [self.serialize(c) for c in n["children"] + (n["shadow"] or [])]
        return d


def _style_text(decls):
    return " ".join(f"{k}: {v}{' !important' if imp else ''};" for k, v, imp in decls)


def _apply_diff(decls, diff):
    """Independent re-statement of CSSStyleDeclaration.setProperty/removeProperty."""
    out = [list(d) for d in decls]
    for name, val in diff.items():
        idx = next((i for i, d in enumerate(out) if d[0] == name), None)
        if val is False:
            if idx is not None:
                del out[idx]
            continue
        v, imp = (val[0], True) if isinstance(val, list) else (val, False)
        if idx is None:
            out.append([name, v, imp])
        else:
            out[idx][1:] = [v, imp]
    return out


def batch(ref: Ref, ts: int) -> dict:
    rnd = ref.rnd
    before_parent = {i: n["parent"] for i, n in ref.nodes.items()}
    before_attrs = {i: dict(n["attrs"]) for i, n in ref.nodes.items() if n["kind"] == "el"}
    before_style = {i: [list(d) for d in n["style"] or []] for i, n in ref.nodes.items() if n["kind"] == "el"}
    before_text = {i: n["text"] for i, n in ref.nodes.items() if n["kind"] == "text"}
    moved: set[int] = set()
    for _ in range(rnd.randint(1, 6)):
        op = rnd.random()
        body = ref.body_nodes()
        if op < 0.25 or not body:
            parent, shadow, pos = ref.random_slot()
            ref.new_subtree(parent, shadow, pos, depth=2)
        elif op < 0.45:
            nid = rnd.choice(body)
            sub = set(ref.subtree(nid))
            parent, shadow, pos = ref.random_slot(exclude=sub)
            ref.detach(nid)
            n = ref.nodes[nid]
            n["parent"], n["is_shadow"] = parent, shadow
            lst = ref.nodes[parent]["shadow"] if shadow else ref.nodes[parent]["children"]
            lst.insert(min(pos, len(lst)), nid)
            moved.add(nid)
        elif op < 0.6:
            nid = rnd.choice(body)
            ref.detach(nid)
            for x in ref.subtree(nid):
                del ref.nodes[x]
                moved.discard(x)
        else:
            texts = [x for x in body if ref.nodes[x]["kind"] == "text"]
            els = [x for x in body if ref.nodes[x]["kind"] == "el"]
            if op < 0.7 and texts:
                ref.nodes[rnd.choice(texts)]["text"] = rnd.choice(["", "x", "hello world", f"v{ts}"])
            elif op < 0.85 and els:
                n = ref.nodes[rnd.choice(els)]
                key = rnd.choice(["title", "data-x", "class"])
                if rnd.random() < 0.3:
                    n["attrs"].pop(key, None)
                else:
                    n["attrs"][key] = rnd.choice(["1", "two", ""])
            elif els:
                n = ref.nodes[rnd.choice(els)]
                decls = n["style"] = n["style"] or []
                name = rnd.choice(PROPS)
                if rnd.random() < 0.3:
                    decls[:] = [d for d in decls if d[0] != name]
                else:
                    diff = {name: [rnd.choice(VALUES), "important"] if rnd.random() < 0.3 else rnd.choice(VALUES)}
                    decls[:] = _apply_diff(decls, diff)
                n["attrs"]["style"] = _style_text(decls)

    alive = ref.nodes
    gone_or_moved = {i for i in before_parent if i not in alive} | {i for i in moved if i in before_parent}
    removes = []
    for i in gone_or_moved:
        p, topmost = before_parent[i], True
        while p is not None:
            if p in gone_or_moved:
                topmost = False
                break
            p = before_parent[p]
        if topmost or rnd.random() < 0.2:  # redundant descendant removes must be harmless
            removes.append({"parentId": before_parent[i], "id": i})
    rnd.shuffle(removes)
    removes.sort(key=lambda r: r["id"] not in gone_or_moved)

    def in_added(i):
        x = i
        while x is not None:
            if x in moved or x not in before_parent:
                return True
            x = alive[x]["parent"]
        return False

    added = [i for i in ref.subtree(1) if in_added(i)]
    adds = []
    for i in added:
        n = alive[i]
        p = alive[n["parent"]]
        lst = p["shadow"] if n["is_shadow"] else p["children"]
        k = lst.index(i)
        adds.append({"parentId": n["parent"], "nextId": lst[k + 1] if k + 1 < len(lst) else None,
                     "node": ref.shallow(i)})
    rnd.shuffle(adds)
    added_set = set(added)
    texts = [{"id": i, "value": alive[i]["text"]} for i in alive
             if alive[i]["kind"] == "text" and i not in added_set and before_text.get(i) != alive[i]["text"]]
    attributes = []
    for i, n in alive.items():
        if n["kind"] != "el" or i in added_set:
            continue
        old, new = before_attrs.get(i, {}), n["attrs"]
        changed = {k: new.get(k) for k in set(old) | set(new) if old.get(k) != new.get(k)}
        if "style" in changed and changed["style"] is not None and rnd.random() < 0.6:
            start, final = before_style.get(i, []), n["style"] or []
            diff = {}
            for name, v, imp in final:
                if [name, v, imp] not in start:
                    diff[name] = [v, "important"] if imp else v
            for name, _, _ in start:
                if all(name != d[0] for d in final):
                    diff[name] = False
            # what the browser (and so the mirror) ends up with is the diff applied to the start
            n["style"] = _apply_diff(start, diff)
            n["attrs"]["style"] = _style_text(n["style"])
            changed["style"] = diff
        if changed:
            attributes.append({"id": i, "attributes": changed})
    return {"type": 3, "timestamp": ts, "data": {"source": 0, "adds": adds, "removes": removes,
                                                  "texts": texts, "attributes": attributes}}


def noise(ref: Ref, ts: int) -> dict:
    rnd = ref.rnd
    nid = rnd.choice(ref.subtree(5))
    kind = rnd.random()
    if kind < 0.4:
        data = {"source": 3, "id": nid, "x": 0, "y": rnd.randint(0, 500)}
    elif kind < 0.7:
        data = {"source": 5, "id": nid, "text": f"v{ts}", "isChecked": False}
    else:
        data = {"source": 1, "positions": [{"x": 1, "y": 2, "id": nid, "timeOffset": -10}]}
    return {"type": 3, "timestamp": ts, "data": data}


def generate(seed: int, n_batches: int):
    ref = Ref(random.Random(seed))
    events = [{"type": 4, "timestamp": T0, "data": {"href": "http://t/", "width": 800, "height": 600}},
              {"type": 2, "timestamp": T0, "data": {"node": ref.serialize(), "initialOffset": {"top": 0, "left": 0}}}]
    expected = [None, ref.serialize()]
    ts = T0
    for _ in range(n_batches):
        ts += ref.rnd.choice([0, 40, 100, 700])
        events.append(batch(ref, ts))
        expected.append(ref.serialize())
        if ref.rnd.random() < 0.5:
            events.append(noise(ref, ts))
            expected.append(expected[-1])
    return events, expected


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32), st.integers(1, 25))
def test_mirror_matches_reference_dom(seed, n_batches):
    events, expected = generate(seed, n_batches)
    m = Mirror()
    for k, (ev, exp) in enumerate(zip(events, expected)):
        m.apply(ev, k)
        assert m.serialize() == exp, f"after event {k}"
    assert dict(m.anomalies.counts) == {}, m.anomalies.log


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32), st.integers(1, 25), st.randoms(use_true_random=False))
def test_checkpoint_restore_and_direct_replay_agree(seed, n_batches, rnd):
    events, expected = generate(seed, n_batches)
    direct_states = []
    m = Mirror()
    for k, ev in enumerate(events):
        m.apply(ev, k)
        direct_states.append(encode_state(m))
    # bytes round trip at a random point, then continue replaying on the restored copy
    cut = rnd.randrange(len(events))
    m2 = Mirror()
    for k, ev in enumerate(events[: cut + 1]):
        m2.apply(ev, k)
    m2 = decode_state(encode_state(m2))
    for k, ev in enumerate(events[cut + 1:], cut + 1):
        m2.apply(ev, k)
    assert encode_state(m2) == direct_states[-1]
    assert m2.serialize() == expected[-1]
    # checkpoints + seek to random moments (tiny policy: many keyframes and deltas)
    policy = CheckpointPolicy(interval_ms=rnd.choice([50, 300, 1000]), max_events=rnd.choice([1, 3, 10]),
                              keyframe_ratio=rnd.choice([0.0, 0.35, 10.0]))
    planner = SeekPlanner(build_checkpoints(events, policy), ListEventSource(events))
    times = sorted({ev["timestamp"] for ev in events})
    for t in rnd.sample(times, min(5, len(times))) + [times[0] - 1]:
        shown = planner.effective_time(t)  # before the first full snapshot: that snapshot
        last = max((k for k, ev in enumerate(events) if ev["timestamp"] <= shown), default=-1)
        got = planner.seek(t)
        if last < 0:
            assert got.event_index == -1 and got.serialize() is None
        else:
            assert encode_state(got) == direct_states[last]
            assert got.serialize() == expected[last]
