"""Replay engine core (Qt-free): DOM mirror, checkpoints and seeking.

* :class:`Mirror` - applies rrweb events to a Python model of the page and answers
  ``serialize()`` / ``side_state()`` / node lookups at any moment.
* :func:`build_checkpoints` / :class:`CheckpointPolicy` - compact mirror snapshots
  taken while scanning a session.
* :class:`SeekPlanner` / :func:`seek_state` - state at any time ``t`` with bounded
  work: restore the nearest checkpoint, apply at most one checkpoint interval.

* :func:`~.plan.plan_frame` - the events that make up one moment, from an in-memory
  event list (headless renderer, standalone viewer).

Imports: stdlib, orjson, zstandard, numpy, :mod:`replaydesk.rrweb`/:mod:`replaydesk.work`,
formats/, and store/ (``session.py`` reads a stored session's chunks and checkpoints
through it); never Qt, analysis/, state/ or ui/ (import-linter's layers contract).
"""

from .checkpoints import Checkpoint, CheckpointBuilder, CheckpointPolicy, build_checkpoints, restore_checkpoint
from .mirror import Mirror
from .seek import EventSource, ListEventSource, SeekPlanner, seek_state, sorted_events
from .selectors import NodeInfo

__all__ = [
    "Checkpoint", "CheckpointBuilder", "CheckpointPolicy", "EventSource", "ListEventSource", "Mirror",
    "NodeInfo", "SeekPlanner", "build_checkpoints", "restore_checkpoint", "seek_state", "sorted_events",
]
