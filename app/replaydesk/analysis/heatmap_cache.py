"""Heatmap results kept until new sessions land (issue 12), Qt-free.

The window redraws the same page often (switching overlays, widths, snapshots, going back
to a page seen a minute ago). Reading the inputs and rendering the background are the slow
parts, so both are kept here per key - ``(pattern, device, filter, kind)`` for inputs,
``(pattern, device, filter, width, snapshot)`` for backgrounds and drawn results - together
with the store's insight generation (:func:`replaydesk.store.click_cache.generation`),
which moves whenever sessions land or leave or clicks are attributed: an entry of another
generation is never returned, and a new generation drops every entry.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any


class ResultCache:
    """A small LRU of results valid for one store generation."""

    def __init__(self, capacity: int = 24):
        self.capacity = capacity
        self.generation: int | None = None
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def _at(self, generation: int) -> None:
        if generation != self.generation:
            self._items.clear()
            self.generation = generation

    def get(self, key, generation: int, default=None):
        """The value stored for ``key`` at ``generation`` (else ``default``)."""
        self._at(generation)
        if key in self._items:
            self._items.move_to_end(key)
            self.hits += 1
            return self._items[key]
        self.misses += 1
        return default

    def put(self, key, generation: int, value) -> None:
        """Keep ``value`` for ``key``; ignored when computed at an older generation than
        the cache already holds (a read that raced with an import)."""
        if self.generation is not None and generation < self.generation:
            return
        self._at(generation)
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)

    def __contains__(self, key) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)
