"""rrweb enums used by the replay engine.

They live in :mod:`replaydesk.rrweb`, the bottom-layer vocabulary that formats/ and
store/ may import too; this module only re-exports them so existing imports keep working.
"""

from __future__ import annotations

from ..rrweb import EventType, MediaInteraction, MouseInteraction, NodeType, Source  # noqa: F401 - re-exported

__all__ = ["EventType", "MediaInteraction", "MouseInteraction", "NodeType", "Source"]
