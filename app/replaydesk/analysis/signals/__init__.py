"""Frustration signals and click attribution (Qt-free), issue 11.

* :class:`SignalSettings` - every threshold, JSON round-trip;
* :class:`SignalDetector` - ``feed(event, mirror_or_None)`` during a pass over the
  events, ``finish()`` -> findings; its ``facts`` (:class:`SignalFacts`, compact and
  threshold-free, :func:`encode_facts`) are what to store at import;
* :func:`detect` - facts + settings -> findings (recompute after a settings change);
* :class:`Finding` - kind, ``t_ms``/``ts``, the rule with its numbers, evidence text,
  node id and selector;
* :func:`click_target` / :func:`stable_selector` - what a click landed on.
"""

from .attribution import ClickTarget, click_target, looks_generated, stable_selector
from .detector import SignalDetector, detect_events
from .facts import FACTS_VERSION, SignalFacts, decode_facts, encode_facts
from .rules import SIGNAL_KINDS, Finding, detect
from .settings import SignalSettings

__all__ = [
    "FACTS_VERSION", "SIGNAL_KINDS", "ClickTarget", "Finding", "SignalDetector", "SignalFacts", "SignalSettings",
    "click_target", "decode_facts", "detect", "detect_events", "encode_facts", "looks_generated", "stable_selector",
]
