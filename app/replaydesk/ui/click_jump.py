"""Play one recorded click in the main window (issue 12): the Heatmap window's "sessions
with clicks on this element" entries land here (``clickJumpRequested``).

Why a small object: the session may not be open yet. Opening it goes through the session
list (so the list, inspector and title follow), and the seek waits for the player's
``sessionLoaded`` - a seek sent earlier would be undone by the timeline load, which rewinds.
"""

from __future__ import annotations

from PySide6.QtCore import QObject


class ClickJumper(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.pending: tuple[str, int] | None = None
        window.player.sessionLoaded.connect(self._on_loaded)

    def jump(self, session_id: str, at_ms: int) -> None:
        """Open ``session_id`` (unless open) and show it paused ``at_ms`` after its start."""
        w = self.window
        w.raise_()
        w.activateWindow()
        if w.player.session_id == session_id and w.player.loaded:
            self.pending = None
            self._seek(at_ms)
            return
        self.pending = (session_id, int(at_ms))
        if not w.sessions.select_session(session_id):  # filtered out of the list: open it anyway
            w.open_session(session_id)

    def _on_loaded(self, session_id: str) -> None:
        if self.pending is not None and self.pending[0] == session_id:
            _, at_ms = self.pending
            self.pending = None
            self._seek(at_ms)

    def _seek(self, at_ms: int) -> None:
        state = self.window.player.state
        state.pause()
        state.seek(at_ms)
