"""Qt-free analysis of stored sessions: activity, markers, inactivity (and later frustration signals).

Everything here works on streamed event dicts or store queries and never imports Qt,
so the CLI, background jobs and tests share it.
"""

from .activity import MARKER_KINDS, Marker, SessionTimeline, build_timeline, timeline_for_session

__all__ = ["MARKER_KINDS", "Marker", "SessionTimeline", "build_timeline", "timeline_for_session"]
