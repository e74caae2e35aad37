"""Test helpers driving ReplayView through pytest-qt waits (no sleeps)."""

from __future__ import annotations

import json
from contextlib import contextmanager

from replaydesk.replay.plan import plan_frame

FRAME_TIMEOUT_MS = 20000


@contextmanager
def headless_view(qapp, width: int, height: int, *, show_cursor: bool = False):
    """A shown headless ReplayView (+1 row below the viewport for the frame sentinel),
    closed and deleted afterwards so its page goes before its profile."""
    from replaydesk.ui.replay.view import ReplayView

    v = ReplayView(headless=True, show_cursor=show_cursor)
    v.resize(width, height + 1)
    v.show()
    try:
        yield v
    finally:
        v.close()
        v.deleteLater()
        qapp.processEvents()


def js(qtbot, view, code: str):
    """Evaluate ``code`` in the renderer (outer) page and return its JSON-decoded result."""
    box: list = []
    view.run_javascript(f"JSON.stringify((() => {{ {code} }})())", lambda v: box.append(v))
    qtbot.waitUntil(lambda: bool(box), timeout=FRAME_TIMEOUT_MS)
    return json.loads(box[0]) if box[0] is not None else None


def wait_ready(qtbot, view) -> None:
    qtbot.waitUntil(lambda: view.is_ready, timeout=FRAME_TIMEOUT_MS)


def capture(qtbot, view, sentinel: bool = True, at_ts: int | None = None):
    """Wait until everything sent so far is painted (ack + sentinel row) and grab the viewport.

    The sentinel row exists only in headless views; interactive views just wait for the ack.
    """
    with qtbot.waitSignal(view.framePainted, timeout=FRAME_TIMEOUT_MS) as blocker:
        token = view.request_frame(settle=True, at_ts=at_ts)
    assert blocker.args[0] == token
    if not sentinel:
        return None
    qtbot.waitUntil(lambda: view.sentinel_matches(token), timeout=FRAME_TIMEOUT_MS)
    return view.grab_viewport()


def show_moment(qtbot, view, events, at_ms):
    """Render the moment ``at_ms`` of a recording in ``view`` (headless) and grab it."""
    plan = plan_frame(events, at_ms)
    w, h = plan.final_viewport
    view.resize(w, h + 1)
    snap = plan.snapshot["data"]
    view.load_snapshot(snap["node"], plan.viewport, snap.get("initialOffset"),
                       ((plan.meta or {}).get("data") or {}).get("href", ""), timestamp=plan.snapshot.get("timestamp"))
    if plan.preludes:
        view.apply_events(plan.preludes)
    if plan.pointer:
        view.set_state({"mouse": plan.pointer})
    view.apply_events(plan.incrementals)
    return capture(qtbot, view, at_ts=plan.target_ts)


def renderer_problems(view, min_level: int = 2) -> list:
    """Console messages from our own renderer scripts at ``min_level`` or above (1 warn, 2 error)."""
    return [m for m in view.page().console if m[2].startswith("replaydesk://renderer/") and m[0] >= min_level
            and not (m[1].startswith("Refused to") or "Content Security Policy" in m[1])]  # CSP doing its job
