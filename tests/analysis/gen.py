"""Generated sessions for the signal rules' edge tests.

One page (``page()``) with the elements the rules care about; helpers return lists of
rrweb events at ms offsets from ``T0`` so a test reads like a timeline.
"""

from __future__ import annotations

from tests.replay.builders import T0, document, el, full, inc, meta, mutation, text

BUTTON = 10  # button#go "Go"
PARA = 12  # p.plain with text
FORM = 20  # form#signup > input#name, input#email, button#send (submit), label > span
NAME, EMAIL, SEND, LABEL, LABEL_SPAN = 21, 22, 23, 24, 25
SELECT = 27
LIST = 30  # div#list, a scrollable element


def page(url: str = "http://example.test/", at: int = 0) -> list[dict]:
    doc = document(
        el(BUTTON, "button", {"id": "go", "class": "btn primary"}, [text(11, "Go")]),
        el(PARA, "p", {"class": "plain"}, [text(13, "Some plain paragraph text.")]),
        el(FORM, "form", {"id": "signup"}, [
            el(NAME, "input", {"id": "name", "type": "text"}),
            el(EMAIL, "input", {"id": "email", "type": "email"}),
            el(SEND, "button", {"id": "send"}, [text(26, "Send")]),
            el(LABEL, "label", {"for": "name"}, [el(LABEL_SPAN, "span", {}, [text(28, "Name")])]),
            el(SELECT, "select", {"id": "country"}),
        ]),
        el(LIST, "div", {"id": "list"}),
    )
    return [
        {"type": 0, "data": {}, "timestamp": T0 + at},
        meta(T0 + at, href=url),
        full(doc, T0 + at),
    ]


def click(at: int, x: float = 100, y: float = 100, nid: int = BUTTON, touch: bool = False) -> list[dict]:
    """A press, release and click at ``at`` ms (a tap: TouchStart/TouchEnd first)."""
    if touch:
        return [inc(2, T0 + at, type=7, id=nid, x=x, y=y), inc(2, T0 + at, type=9, id=nid, x=x, y=y),
                inc(2, T0 + at, type=2, id=nid, x=x, y=y)]
    return [inc(2, T0 + at, type=1, id=nid, x=x, y=y), inc(2, T0 + at, type=0, id=nid, x=x, y=y),
            inc(2, T0 + at, type=2, id=nid, x=x, y=y)]


def change(at: int) -> dict:
    """A DOM mutation (the page responding)."""
    return mutation(T0 + at, attributes=[{"id": BUTTON, "attributes": {"data-state": str(at)}}])


def console(at: int, level: str = "error", message: str = "Uncaught TypeError: boom") -> dict:
    return {"type": 6, "timestamp": T0 + at,
            "data": {"plugin": "rrweb/console@1", "payload": {"level": level, "payload": [f'"{message}"'], "trace": []}}}


def scroll(at: int, y: int, nid: int = 1) -> dict:
    return inc(3, T0 + at, id=nid, x=0, y=y)


def scroll_path(start: int, ys: list[int], step_ms: int, nid: int = 1) -> list[dict]:
    return [scroll(start + k * step_ms, y, nid) for k, y in enumerate(ys)]


def moves(at: int, points: list[tuple[float, float]], step_ms: int = 50) -> dict:
    """One MouseMove batch emitted at the time of its last position."""
    end = at + step_ms * (len(points) - 1)
    return inc(1, T0 + end, positions=[
        {"x": x, "y": y, "id": BUTTON, "timeOffset": k * step_ms - (end - at)} for k, (x, y) in enumerate(points)
    ])


def typed(at: int, nid: int, value: str) -> dict:
    return inc(5, T0 + at, id=nid, text=value, isChecked=False)


def tail(at: int) -> dict:
    """A late custom event (neither a response nor a pointer move), so the recording
    lasts until ``at``."""
    return {"type": 5, "data": {"tag": "heartbeat", "payload": {}}, "timestamp": T0 + at}


def session(*parts) -> list[dict]:
    """Flatten and sort (stable) a mix of events and event lists."""
    out: list[dict] = []
    for p in parts:
        out.extend(p if isinstance(p, list) else [p])
    return sorted(out, key=lambda e: e["timestamp"])
