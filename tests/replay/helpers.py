"""Helpers for the replay-engine tests: corpus location and cached, sorted sessions.

The corpus is shared read-only data next to the repository
(``<repo>/../shared/corpus``). Tests that need it fail, not skip, when it is
missing: a silently skipped corpus suite would hide regressions.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import orjson
import pytest

try:  # the package may not be installed in the venv yet; fall back to the source tree
    import replaydesk.replay  # noqa: F401
except ImportError:  # pragma: no cover - depends on the environment
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "app"))

from replaydesk.replay import Mirror, sorted_events  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
SESSION_IDS = [
    "ses_46d365862838", "ses_49340e341bb8", "ses_5924706e4bfc", "ses_6ef7552cd34d", "ses_8339d0629316",
    "ses_894a31ac3a8c", "ses_ac59c861b05d", "ses_eca6cdfc6b65", "ses_f69ef2c8dc31",
]


def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"rrweb corpus not found at {CORPUS}: the replay tests need /work/shared/corpus "
                    f"(expected next to the repository as ../shared/corpus)", pytrace=False)
    return CORPUS


@functools.lru_cache(maxsize=None)
def _load(session_id: str) -> tuple:
    path = corpus_dir() / session_id / "events.json"
    if not path.is_file():
        pytest.fail(f"corpus session {session_id} is missing: {path}", pytrace=False)
    return tuple(sorted_events(orjson.loads(path.read_bytes())))


def load_session(session_id: str) -> list[dict]:
    """Stably sorted events of one corpus session (cached; do not mutate the dicts)."""
    return list(_load(session_id))


def replay_until(session_id: str, ms_after_start: int | None = None):
    """A Mirror after all events up to ``first timestamp + ms_after_start`` (all if None)."""
    from replaydesk.replay import Mirror

    events = load_session(session_id)
    t = None if ms_after_start is None else events[0]["timestamp"] + ms_after_start
    m = Mirror()
    for k, ev in enumerate(events):
        if t is not None and ev["timestamp"] > t:
            break
        m.apply(ev, k)
    return m


def direct_replay(events: list[dict], t: int) -> Mirror:
    """A fresh mirror fed every event up to ``t`` (absolute ms): the reference a seek must equal.

    Like a seek (and rrweb), a ``t`` before the first full snapshot means the first snapshot."""
    from replaydesk.replay.seek import is_full_snapshot

    first = next((e["timestamp"] for e in events if is_full_snapshot(e)), None)
    if first is not None and t < first:
        t = first
    m = Mirror()
    for k, ev in enumerate(events):
        if ev["timestamp"] > t:
            break
        m.apply(ev, k)
    return m
