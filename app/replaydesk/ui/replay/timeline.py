"""Old home of :mod:`replaydesk.replay.plan` (``plan_frame`` has no Qt, so it moved to replay/).

Kept only so that code written against the old path keeps importing; new code imports
``replaydesk.replay.plan``. Delete once nothing imports this module.
"""

from replaydesk.replay.plan import FramePlan, plan_frame, sort_events  # noqa: F401 - re-exported

__all__ = ["FramePlan", "plan_frame", "sort_events"]
