"""Replay engine core (Qt-free): DOM mirror, checkpoints and seeking.

* :class:`Mirror` - applies rrweb events to a Python model of the page and answers
  ``serialize()`` / ``side_state()`` / node lookups at any moment.
* :func:`build_checkpoints` / :class:`CheckpointPolicy` - compact mirror snapshots
  taken while scanning a session.
* :class:`SeekPlanner` / :func:`seek_state` - state at any time ``t`` with bounded
  work: restore the nearest checkpoint, apply at most one checkpoint interval.

Only stdlib, orjson, zstandard and numpy may be imported here (no Qt, no store/ui).
"""

from .checkpoints import Checkpoint, CheckpointBuilder, CheckpointPolicy, build_checkpoints, restore_checkpoint
from .mirror import Mirror
from .seek import EventSource, ListEventSource, SeekPlanner, seek_state, sorted_events
from .selectors import NodeInfo

__all__ = [
    "Checkpoint", "CheckpointBuilder", "CheckpointPolicy", "EventSource", "ListEventSource", "Mirror",
    "NodeInfo", "SeekPlanner", "build_checkpoints", "restore_checkpoint", "seek_state", "sorted_events",
]
