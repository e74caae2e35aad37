"""Checkpoints: compact snapshots of the mirror taken while scanning a session once.

Why: rrweb re-applies everything since the last FullSnapshot on every seek (docs/rrweb-format.md §4,
issues #1281/#6, PostHog 0.4-3.7 s per seek on long recordings). With a checkpoint at
most one interval before any moment, a seek is "restore + apply <= one interval of
events", the same cost at minute 59 as at second 5.

Policy (:class:`CheckpointPolicy`): a checkpoint is taken right after every
FullSnapshot, and otherwise *before* applying an event that would make the span since
the last checkpoint exceed ``interval_ms`` of event time or ``max_events`` events
(whichever first). Taking it before the event means idle gaps cost nothing: the
checkpoint closes the burst of activity, and the next one is due only after new
activity.

Size: consecutive states of one page differ little, so a checkpoint is stored as a
*delta*: its state JSON compressed with zstd using the state JSON of the last
*keyframe* as a raw-content dictionary. Keyframes are taken after each FullSnapshot
and whenever a delta would exceed ``keyframe_ratio`` of its keyframe's size. A delta
depends on exactly one keyframe (never on a chain), so restoring costs at most two
decompressions; :class:`KeyframeCache` keeps recent keyframe dictionaries warm.

Byte layout (self-describing, so the store can keep checkpoints as opaque blobs):
``b"RDK1" + zstd(state)`` for keyframes, ``b"RDD1" + u64 keyframe event_index +
zstd_dict(state)`` for deltas.
"""

from __future__ import annotations

import bisect
import struct
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterable, NamedTuple, Sequence

import zstandard

from .codec import decode_state, encode_state
from .constants import EventType
from .mirror import Mirror

KEY_MAGIC = b"RDK1"
DELTA_MAGIC = b"RDD1"
_U64 = struct.Struct("<Q")


@dataclass(frozen=True)
class CheckpointPolicy:
    """When to checkpoint. Defaults: every 5 s of event time or 2000 events."""

    interval_ms: int = 5000
    max_events: int = 2000
    keyframe_ratio: float = 0.35
    level: int = 3


class Checkpoint(NamedTuple):
    """``timestamp``/``event_index`` of the last event applied to the stored state."""

    timestamp: int
    event_index: int
    data: bytes

    @property
    def is_keyframe(self) -> bool:
        return self.data[:4] == KEY_MAGIC

    @property
    def keyframe_index(self) -> int:
        """event_index of the keyframe this checkpoint depends on (itself for keyframes)."""
        if self.is_keyframe:
            return self.event_index
        return _U64.unpack_from(self.data, 4)[0] - 1


def _raw_dict(raw: bytes) -> zstandard.ZstdCompressionDict:
    return zstandard.ZstdCompressionDict(raw, dict_type=zstandard.DICT_TYPE_RAWCONTENT)


class CheckpointBuilder:
    """Feed events in order; collects :class:`Checkpoint` objects in ``checkpoints``.

    The builder owns its :class:`Mirror` (``builder.mirror``); after :meth:`finish`
    it holds the final state of the session, e.g. for analysis passes.
    """

    def __init__(self, policy: CheckpointPolicy | None = None):
        self.policy = policy or CheckpointPolicy()
        self.mirror = Mirror()
        self.checkpoints: list[Checkpoint] = []
        self._cp_ts: float | None = None
        self._since = 0
        self._key_raw: bytes | None = None
        self._key_size = 0
        self._key_index = -1
        self._key_compressor: zstandard.ZstdCompressor | None = None
        self._plain = zstandard.ZstdCompressor(level=self.policy.level)

    def feed(self, event: dict, index: int | None = None) -> None:
        ts = event.get("timestamp")
        if self._cp_ts is None and isinstance(ts, (int, float)):
            self._cp_ts = ts
        if self._since and isinstance(ts, (int, float)) and (
                ts - self._cp_ts > self.policy.interval_ms or self._since >= self.policy.max_events):
            self._emit(keyframe=False)
        self.mirror.apply(event, index)
        self._since += 1
        if event.get("type") == EventType.FULL_SNAPSHOT:
            self._emit(keyframe=True)

    def feed_all(self, events: Iterable[dict], start_index: int = 0) -> "CheckpointBuilder":
        for k, ev in enumerate(events, start_index):
            self.feed(ev, k)
        return self

    def finish(self) -> list[Checkpoint]:
        return self.checkpoints

    def _emit(self, keyframe: bool) -> None:
        m = self.mirror
        raw = encode_state(m)
        data = None
        if not keyframe and self._key_compressor is not None:
            body = self._key_compressor.compress(raw)
            if len(body) <= self.policy.keyframe_ratio * self._key_size:
                # +1 so that a keyframe taken before any event (index -1) fits in u64
                data = DELTA_MAGIC + _U64.pack(self._key_index + 1) + body
        if data is None:
            data = KEY_MAGIC + self._plain.compress(raw)
            self._key_raw = raw
            self._key_size = len(data)
            self._key_index = m.event_index
            d = _raw_dict(raw)
            d.precompute_compress(level=self.policy.level)
            self._key_compressor = zstandard.ZstdCompressor(level=self.policy.level, dict_data=d)
        self.checkpoints.append(Checkpoint(m.timestamp, m.event_index, data))
        self._cp_ts = m.timestamp
        self._since = 0


def build_checkpoints(events: Iterable[dict], policy: CheckpointPolicy | None = None) -> list[Checkpoint]:
    """Scan a whole (stably sorted) session once and return its checkpoints."""
    return CheckpointBuilder(policy).feed_all(events).finish()


class KeyframeCache:
    """LRU of decompressed keyframes (raw JSON + ready decompressor), keyed by event_index."""

    def __init__(self, size: int = 4):
        self.size = size
        self._items: OrderedDict[int, tuple[bytes, zstandard.ZstdDecompressor]] = OrderedDict()

    def get(self, cp: Checkpoint) -> tuple[bytes, zstandard.ZstdDecompressor]:
        item = self._items.get(cp.event_index)
        if item is None:
            raw = zstandard.ZstdDecompressor().decompress(cp.data[4:])
            item = (raw, zstandard.ZstdDecompressor(dict_data=_raw_dict(raw)))
            self._items[cp.event_index] = item
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        else:
            self._items.move_to_end(cp.event_index)
        return item


def checkpoint_raw(checkpoints: Sequence[Checkpoint], pos: int, cache: KeyframeCache | None = None) -> bytes:
    """Uncompressed state JSON of ``checkpoints[pos]``."""
    cache = cache or KeyframeCache(1)
    cp = checkpoints[pos]
    if cp.is_keyframe:
        return cache.get(cp)[0]
    if cp.data[:4] != DELTA_MAGIC:
        raise ValueError("not a ReplayDesk checkpoint")
    key_index = cp.keyframe_index
    indexes = [c.event_index for c in checkpoints]
    k = bisect.bisect_left(indexes, key_index)
    # several checkpoints may share an event_index; the keyframe is among them
    while k < len(checkpoints) and checkpoints[k].event_index == key_index and not checkpoints[k].is_keyframe:
        k += 1
    if k >= len(checkpoints) or checkpoints[k].event_index != key_index:
        raise ValueError(f"keyframe {key_index} of checkpoint {pos} is missing")
    _, dctx = cache.get(checkpoints[k])
    return dctx.decompress(cp.data[4 + _U64.size:])


def restore_checkpoint(checkpoints: Sequence[Checkpoint], pos: int, cache: KeyframeCache | None = None) -> Mirror:
    """A fresh :class:`Mirror` equal to the state stored in ``checkpoints[pos]``."""
    return decode_state(checkpoint_raw(checkpoints, pos, cache))
