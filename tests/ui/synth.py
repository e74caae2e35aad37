"""Tiny builders for synthetic rrweb recordings used by the renderer tests."""

from __future__ import annotations

import itertools

T0 = 1_700_000_000_000


class Doc:
    """Build a serialized document with predictable ids (document = 1)."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.doc_id = next(self._ids)
        self.by_key: dict[str, int] = {}

    def nid(self) -> int:
        return next(self._ids)

    def el(self, tag: str, attrs: dict | None = None, children: list | None = None, key: str | None = None, **extra) -> dict:
        node = {"type": 2, "tagName": tag, "attributes": attrs or {}, "childNodes": children or [], "id": self.nid(), **extra}
        if key:
            self.by_key[key] = node["id"]
        return node

    def text(self, value: str, key: str | None = None) -> dict:
        node = {"type": 3, "textContent": value, "id": self.nid()}
        if key:
            self.by_key[key] = node["id"]
        return node

    def document(self, head: list, body: list, body_attrs: dict | None = None) -> dict:
        return {"type": 0, "id": self.doc_id, "childNodes": [
            {"type": 1, "name": "html", "publicId": "", "systemId": "", "id": self.nid()},
            self.el("html", {}, [self.el("head", {}, head, key="head"), self.el("body", body_attrs or {}, body, key="body")]),
        ]}


def events(node: dict, width: int = 400, height: int = 300, incrementals: list | None = None, href: str = "http://example.test/") -> list:
    out = [{"type": 4, "data": {"href": href, "width": width, "height": height}, "timestamp": T0},
           {"type": 2, "data": {"node": node, "initialOffset": {"top": 0, "left": 0}}, "timestamp": T0 + 1}]
    ts = T0 + 10
    for inc in incrementals or []:
        ts += 10
        out.append({"type": 3, "data": inc, "timestamp": ts})
    return out


def mutation(adds=None, removes=None, texts=None, attributes=None) -> dict:
    return {"source": 0, "adds": adds or [], "removes": removes or [], "texts": texts or [], "attributes": attributes or []}
