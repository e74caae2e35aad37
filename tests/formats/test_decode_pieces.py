"""An rrweb event array is parsed a few tens of KB at a time, not 1 MB at a time.

Why: the objects one piece parses into (2.5-4x its bytes) should still be in the core's
L2 cache when the normalizer, the redactor and the summary and signals passes go over them;
with 1 MB pieces every pass missed the cache and the whole import took 15-30% more CPU
(BENCHMARKS.md, "Redaction at import").
"""

from __future__ import annotations

import orjson

from replaydesk.formats import decode
from replaydesk.formats.decode import _PIECE

T0 = 1_700_000_000_000


def _events(n: int) -> list:
    return [{"type": 3, "data": {"source": 1, "positions": [{"x": i, "y": k, "id": 7, "timeOffset": -k} for k in range(6)]},
             "timestamp": T0 + i} for i in range(n)]


def test_large_array_is_parsed_in_cache_sized_pieces():
    events = _events(12_000)
    buf = orjson.dumps(events)
    assert len(buf) > 2 << 20
    (stream,) = decode(buf, "big.json")
    batches = list(stream.batches())
    assert [e for b in batches for e in b] == events
    sizes = [len(orjson.dumps(b)) for b in batches]
    assert _PIECE <= 1 << 17
    assert max(sizes) < 2 * _PIECE and len(batches) >= len(buf) // (2 * _PIECE)


def test_an_event_larger_than_a_piece_is_kept_whole():
    big = {"type": 2, "data": {"node": {"type": 0, "id": 1, "childNodes": [
        {"type": 3, "id": k + 2, "textContent": "x" * 1000} for k in range(300)]}}, "timestamp": T0}
    events = [*_events(50), big, *_events(50)]
    (stream,) = decode(orjson.dumps(events), "big-snapshot.json")
    assert [e for b in stream.batches() for e in b] == events
