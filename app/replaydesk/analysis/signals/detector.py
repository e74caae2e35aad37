"""The streaming detector: one pass over a session's events -> facts and findings.

It rides on a pass that runs anyway (the import's summary pass, or the checkpoint
scan that already replays a DOM mirror for :class:`~replaydesk.analysis.views.ViewsBuilder`):
feed every event with the mirror as it is *before* that event is applied, or ``None``
when no mirror runs; :meth:`SignalDetector.finish` returns the findings, and
:attr:`SignalDetector.facts` is what to store so that a threshold change only reruns
:func:`.rules.detect`.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...work import CancelToken, check_every
from .facts import FactsCollector, SignalFacts
from .rules import Finding, detect
from .settings import SignalSettings


class SignalDetector:
    def __init__(self, settings: SignalSettings | None = None):
        self.settings = settings or SignalSettings()
        self._collector = FactsCollector()
        self.facts: SignalFacts | None = None

    def feed(self, event: dict, mirror=None) -> None:
        self._collector.feed(event, mirror)

    def finish(self, mirror=None) -> list[Finding]:
        """Close the pass (``mirror``: its final state, to see which forms are still on
        the page) and return the findings, in time order."""
        self.facts = self._collector.finish(mirror)
        return detect(self.facts, self.settings)


def detect_events(events: Iterable[dict], settings: SignalSettings | None = None, *, with_mirror: bool = True,
                  cancel: CancelToken | None = None) -> tuple[list[Finding], SignalFacts]:
    """Findings and facts of one session's events (time order), replaying a fresh DOM
    mirror alongside unless ``with_mirror`` is False (then click targets are unknown,
    every click is a dead-click candidate and forms are not tracked)."""
    mirror = None
    if with_mirror:
        from ...replay import Mirror

        mirror = Mirror()
    det = SignalDetector(settings)
    for i, e in enumerate(events):
        det.feed(e, mirror)
        if mirror is not None:
            mirror.apply(e)
        check_every(cancel, i, 4096)
    findings = det.finish(mirror)
    return findings, det.facts
