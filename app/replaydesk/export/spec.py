"""What a clip is (:class:`ClipSpec`) and when each of its frames is taken (:func:`schedule`).

Qt-free so that the command line can check options before any renderer starts and tests can
check the timing rules alone. Times are ms after the session's first event (``render --at``).

Timing: output frame ``k`` shows session time ``start + k * step`` with
``step = 1000 * speed / fps``; a clip of ``range`` ms therefore has ``range * fps / speed / 1000``
frames (at least one). With ``skip_inactivity`` the clock jumps over every inactive span it
reaches (the player's rule, :meth:`PlaybackState` skipping) and the frames after the jump carry
a "skipped N s" card for :data:`CARD_SECONDS` of clip time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

FORMATS = ("mp4", "webm", "gif")
SPEEDS = (1.0, 2.0, 4.0)
MAX_FPS = 60
MAX_WIDTH = 3840
#: how long (clip seconds) the "skipped 14 s" card stays after a jump
CARD_SECONDS = 1.5
#: a clip has at most this many frames (an hour at 60 fps, 6.7 hours at 15): a range over a
#: recording's weeks-long gap (a stray timestamp) would otherwise list and render billions
MAX_FRAMES = 360_000


class ClipError(ValueError):
    """Options that cannot make a clip; the message is one line for the user."""


@dataclass(frozen=True)
class ClipSpec:
    """One export. ``end_ms`` is exclusive; ``width`` None keeps the recorded viewport.

    Burn-ins: ``notes`` (caption bar + highlights of the notes given to the job), ``cursor``
    (pointer, trail, click/tap ripples), ``header`` (URL and session time), ``progress_bar``.
    Privacy: ``privacy`` is a renderer mode (state/privacy.py, masked text stays masked in every
    frame), ``blur_inputs`` blurs every form field's box, ``blur_region`` ``(x, y, w, h)`` in CSS
    px of the recorded viewport is blurred in every frame.
    """

    session_id: str
    start_ms: int
    end_ms: int
    fps: int = 15
    width: int | None = None
    format: str = "mp4"
    speed: float = 1.0
    skip_inactivity: bool = False
    notes: bool = False
    cursor: bool = True
    header: bool = True
    progress_bar: bool = True
    privacy: str = "as-recorded"
    blur_inputs: bool = False
    blur_region: tuple[int, int, int, int] | None = None
    allow_web_assets: bool = False

    def validate(self) -> ClipSpec:
        if self.format not in FORMATS:
            raise ClipError(f"unknown format {self.format!r}; choose from {', '.join(FORMATS)}")
        if not 1 <= int(self.fps) <= MAX_FPS:
            raise ClipError(f"--fps must be between 1 and {MAX_FPS}")
        if self.width is not None and not 16 <= int(self.width) <= MAX_WIDTH:
            raise ClipError(f"--width must be between 16 and {MAX_WIDTH} px")
        if not 0.25 <= float(self.speed) <= 16:
            raise ClipError("--speed must be between 0.25 and 16")
        if self.start_ms < 0 or self.end_ms <= self.start_ms:
            raise ClipError(f"the clip range {self.start_ms}-{self.end_ms} ms is empty")
        if not self.skip_inactivity and self.frame_count > MAX_FRAMES:
            raise ClipError(self._too_long(self.frame_count))
        if self.blur_region is not None:
            if len(self.blur_region) != 4 or self.blur_region[2] <= 0 or self.blur_region[3] <= 0:
                raise ClipError("--blur-region must be X,Y,W,H with a positive width and height")
        return self

    def _too_long(self, frames: int) -> str:
        return (f"the clip would have {frames:,} frames ({frames / int(self.fps) / 3600:,.1f} h of video; at most"
                f" {MAX_FRAMES:,}): choose a shorter range, a higher --speed or a lower --fps, or --skip-inactivity")

    @property
    def step_ms(self) -> float:
        return 1000.0 * float(self.speed) / int(self.fps)

    @property
    def frame_count(self) -> int:
        """Frames without skipping: the clip's range × fps / speed."""
        return max(1, math.ceil((self.end_ms - self.start_ms) / self.step_ms - 1e-9))


@dataclass(frozen=True)
class FrameTime:
    index: int
    t_ms: int  # session time shown (ms after the first event)
    skipped_ms: int = 0  # > 0: the "skipped N s" card is on this frame
    progress: float = 0.0  # position in the clip's range, 0..1 (the progress bar)


@dataclass
class Schedule:
    frames: list[FrameTime]
    skipped: list[tuple[int, int]] = field(default_factory=list)  # inactive spans jumped over


def schedule(spec: ClipSpec, inactive_spans: Sequence[tuple[int, int]] = ()) -> Schedule:
    """The frames of ``spec`` (see the module docstring)."""
    step = spec.step_ms
    span = spec.end_ms - spec.start_ms
    if not spec.skip_inactivity:
        n = spec.frame_count
        return Schedule([FrameTime(k, round(spec.start_ms + k * step), 0, min(1.0, k * step / span)) for k in range(n)])
    spans = sorted((int(s), int(e)) for s, e in inactive_spans if e > spec.start_ms and s < spec.end_ms)
    card_frames = max(1, round(CARD_SECONDS * spec.fps))
    frames: list[FrameTime] = []
    skipped: list[tuple[int, int]] = []
    t = float(spec.start_ms)
    card_left, card_ms = 0, 0
    i = 0
    while t < spec.end_ms:
        while i < len(spans) and spans[i][1] <= t:
            i += 1
        if i < len(spans) and spans[i][0] <= t < spans[i][1]:
            s, e = spans[i]
            jump_to = min(e, spec.end_ms)
            skipped.append((int(t), jump_to))
            card_ms, card_left = jump_to - int(t), card_frames
            t = float(jump_to)
            if t >= spec.end_ms:
                break
        if len(frames) >= MAX_FRAMES:
            raise ClipError(spec._too_long(len(frames) + math.ceil((spec.end_ms - t) / step)))
        frames.append(FrameTime(len(frames), round(t), card_ms if card_left > 0 else 0, min(1.0, (t - spec.start_ms) / span)))
        card_left -= 1
        t += step
    if not frames:  # the whole range was inactive: one frame of its start
        frames.append(FrameTime(0, spec.start_ms, 0, 0.0))
    return Schedule(frames, skipped)
