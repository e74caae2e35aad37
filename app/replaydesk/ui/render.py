"""Render a stored session's viewport at a moment to an image, headless.

The same path the player uses to seek: checkpoint + events since (Python
mirror), one frame payload to the renderer, wait until that frame is on
screen, grab the recorded viewport at device pixel ratio 1. Used by
``replaydesk render``, list thumbnails and clip export.

A moment before the session's first full snapshot shows that snapshot (the
replay layer's rule, as in rrweb), so ``--at 0`` works; a session with no page
at all is a :class:`NothingToRender` error with one line to show, not a traceback.
The image is finished: the renderer waits until the view has the recorded size
and the frame's sentinel row shows across its whole width before grabbing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage

from ..replay.budgets import clamp_viewport
from ..replay.frame import frame_from_mirror, page_start
from ..replay.session import SessionReplay, open_session_replay
from ..store.queries import page_starts
from .replay import FrameRenderer
from .replay.headless import RenderError


class NothingToRender(RenderError):
    """The session has no page to show (no full snapshot the replay can build)."""


def render_replay_frame(renderer: FrameRenderer, replay: SessionReplay, at_ms: int, *, pages: list[int] | None = None) -> QImage:
    """The frame ``at_ms`` after the session start, exactly the recorded viewport."""
    t_abs = replay.first_ts + int(at_ms)
    mirror = replay.seek(t_abs)
    frame = frame_from_mirror(mirror, t_abs, replay.pointer_at(mirror, t_abs))
    if frame is None:
        raise NothingToRender(f"session {replay.session_id} has no page to show: its recording has no full snapshot")
    w, h, _ = clamp_viewport(*frame.viewport)  # over the budget: the view says so (FrameTooHeavy)
    shown = frame.timestamp  # t_abs, or the first snapshot's time for a moment before it
    renderer.view.resize(max(w, 1), h + 1)  # +1 row: the renderer's sentinel below the viewport
    renderer.view.show_frame(replace(frame, viewport=(w, h)), page_ts=page_start(pages or [], shown))
    return renderer.capture(at_ts=shown)


def render_session_png(db, session_id: str, at_ms: int, out_path: str | Path, *, allow_web_assets: bool = False,
                       privacy: str = "as-recorded") -> Path:
    replay = open_session_replay(db, session_id)
    pages = page_starts(db, session_id)
    with FrameRenderer(allow_web_assets=allow_web_assets, privacy=privacy) as renderer:
        img = render_replay_frame(renderer, replay, at_ms, pages=pages)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    # encoded in memory, written by Python: a full disk or an unwritable path raises OSError
    # (QImage.save to /dev/full reported success)
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not img.save(buf, "PNG"):
        raise OSError(f"cannot encode the frame as PNG for {out}")
    buf.close()
    try:
        out.write_bytes(data.data())
    except OSError as exc:
        raise OSError(f"cannot write {out}: {exc.strerror or exc}") from None
    return out
