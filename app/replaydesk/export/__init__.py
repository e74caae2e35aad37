"""Clip export: a stretch of a session as a video file with notes, cursor and privacy burned in.

Why a package of its own: a clip is made by the same seek -> frame -> paint path as
``replaydesk render`` (:func:`replaydesk.ui.render.render_replay_frame`), then stepped
forward on a *virtual* clock, never recorded in real time, so the result is deterministic
and faster than real time. The pieces, small on purpose:

* :mod:`.spec` - what to export (:class:`ClipSpec`) and the frame schedule (Qt-free);
* :mod:`.track` - pointer samples, clicks/taps and URLs along the clip (Qt-free);
* :mod:`.source` - steps the renderer frame by frame (one seek, then incremental events);
* :mod:`.overlays` - captions, highlights, cursor and trail, ripples, header, progress,
  the "skipped" card and the blurs, drawn with QPainter;
* :mod:`.encoder` - PyAV (MP4 H.264, WebM VP9, GIF) on a background thread;
* :mod:`.job` - one export: temporary file, progress, cancel, atomic rename;
* :mod:`.queue` - exports waiting their turn, each in a helper process (GUI).

Layering: export sits beside ui (it drives the renderer widget); cli imports it.
"""

from .spec import ClipError, ClipSpec, FrameTime, schedule

__all__ = ["ClipError", "ClipSpec", "FrameTime", "schedule"]
