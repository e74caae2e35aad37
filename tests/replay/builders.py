"""Tiny builders for hand-written rrweb events in tests."""

from __future__ import annotations

T0 = 1_700_000_000_000


def el(nid: int, tag: str, attrs: dict | None = None, children: list | None = None, **extra) -> dict:
    d = {"type": 2, "tagName": tag, "attributes": attrs or {}, "childNodes": children or [], "id": nid}
    d.update(extra)
    return d


def text(nid: int, value: str, **extra) -> dict:
    d = {"type": 3, "textContent": value, "id": nid}
    d.update(extra)
    return d


def document(*body_children: dict, doc_id: int = 1) -> dict:
    """Document(1) > [doctype(2), html(3) > [head(4), body(5) > body_children]]."""
    return {"type": 0, "id": doc_id, "childNodes": [
        {"type": 1, "name": "html", "publicId": "", "systemId": "", "id": 2},
        el(3, "html", {}, [el(4, "head"), el(5, "body", {}, list(body_children))]),
    ]}


def meta(ts: int = T0, href: str = "http://example.test/", width: int = 1024, height: int = 768) -> dict:
    return {"type": 4, "data": {"href": href, "width": width, "height": height}, "timestamp": ts}


def full(node: dict, ts: int = T0, top: int = 0, left: int = 0) -> dict:
    return {"type": 2, "data": {"node": node, "initialOffset": {"top": top, "left": left}}, "timestamp": ts}


def inc(source: int, ts: int = T0, **data) -> dict:
    return {"type": 3, "data": {"source": source, **data}, "timestamp": ts}


def mutation(ts: int = T0, adds=(), removes=(), texts=(), attributes=(), **extra) -> dict:
    return inc(0, ts, adds=list(adds), removes=list(removes), texts=list(texts),
               attributes=list(attributes), **extra)


def add(parent: int, node: dict, next_id: int | None = None, **extra) -> dict:
    return {"parentId": parent, "nextId": next_id, "node": node, **extra}


def start(*body_children: dict) -> list[dict]:
    return [meta(), full(document(*body_children))]
