"""``render`` of deeply nested pages (issue 9, "Nesting"): a frame, never a traceback.

Before: a page nested 124+ levels failed in ``ReplayView._json`` (orjson's 255-level
write limit), and past ~1,500 levels V8's literal parser overflowed its stack so the
frame never reached the screen.
"""

from __future__ import annotations

import pytest

from fidelity import to_array
from replaydesk.store import import_paths, open_store
from replaydesk.ui.render import render_session_png
from replaydesk.ui.replay.wire import js_literal as _json
from tests.formats.builders import deep_json, deep_mutation_events, deep_snapshot_events

CASES = {
    "snapshot-130": lambda: deep_snapshot_events(130),  # the "124 levels": past orjson's 255 once stored
    "snapshot-1000": lambda: deep_snapshot_events(1000),
    "snapshot-20000": lambda: deep_snapshot_events(20_000),
    "mutations-1000": lambda: deep_mutation_events(1000),
}


@pytest.mark.parametrize("name", list(CASES))
def test_render_deep_page(qapp, tmp_path, name):
    path = tmp_path / f"{name}.json"
    path.write_bytes(deep_json(CASES[name]()))
    db = open_store(tmp_path / "store.db")
    (sid,) = import_paths(db, [path]).added
    out = render_session_png(db, sid, 1500, tmp_path / f"{name}.png")
    from PySide6.QtGui import QImage

    a = to_array(QImage(str(out)))
    assert a.shape[:2] == (600, 800)
    ink = (a.max(axis=2) < 128).sum()
    if name == "snapshot-20000":
        assert ink == 0  # the text lay below the clipped level
    else:
        assert ink > 20, "the text at the bottom of the nesting is not on screen"
    db.conn.close()


def test_deep_frame_payload_is_sent_through_json_parse():
    shallow = {"a": [1, {"b": "x"}]}
    assert _json(shallow) == '{"a":[1,{"b":"x"}]}'
    deep = deep_snapshot_events(3000)[1]
    expr = _json(deep)
    assert expr.startswith('JSON.parse("') and expr.endswith('")')
    assert "bottom of 2998" in expr
