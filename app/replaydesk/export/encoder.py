"""PyAV encoding on a background thread: MP4 (H.264, yuv420p), WebM (VP9) or GIF.

Why a thread: PyAV releases the GIL while it converts and encodes, so the next frame is
painted on the GUI thread while this one is encoded. Frames arrive as BGRA numpy arrays
(QImage RGB32 bytes) of one fixed size (even for video); a bounded queue keeps memory flat when the
encoder is the slower side. Errors on the thread are raised again by the next
:meth:`Encoder.put` or by :meth:`Encoder.close`.
"""

from __future__ import annotations

import queue
import threading
import time
from fractions import Fraction

import av
import numpy as np

from .spec import ClipError

CONTAINERS = {"mp4": "mp4", "webm": "webm", "gif": "gif"}
CODECS = {"mp4": "libx264", "webm": "libvpx-vp9", "gif": "gif"}
PIX_FMT = {"mp4": "yuv420p", "webm": "yuv420p", "gif": "pal8"}
OPTIONS = {
    # superfast: a third less CPU than veryfast on screen content (the renderer needs the cores); crf 23 is x264's default quality
    "mp4": {"preset": "superfast", "crf": "23", "movflags": "+faststart"},
    # realtime + cpu-used 8: VP9's fast mode (its default is many times slower than the renderer)
    "webm": {"deadline": "realtime", "cpu-used": "8", "row-mt": "1", "crf": "32", "b": "0"},
    "gif": {},
}

_STOP = object()


def _palette_graph(width: int, height: int, fps: int) -> av.filter.Graph:
    """FFmpeg's palettegen + paletteuse per frame: a GIF in a fixed 3-3-2 palette loses the light
    greys of most pages (borders and panels vanish); a palette per frame keeps them."""
    g = av.filter.Graph()
    src = g.add_buffer(width=width, height=height, format="bgra", time_base=Fraction(1, fps))
    split = g.add("split")
    gen = g.add("palettegen", "stats_mode=single:reserve_transparent=0")
    use = g.add("paletteuse", "new=1:dither=bayer:bayer_scale=3")
    sink = g.add("buffersink")
    src.link_to(split)
    split.link_to(gen, 0, 0)
    split.link_to(use, 1, 0)
    gen.link_to(use, 0, 1)
    use.link_to(sink)
    g.configure()
    return g


class Encoder:
    """``put(bgra)`` once per frame in order, then ``close()``; ``abort()`` on cancel or failure."""

    def __init__(self, path: str, fmt: str, width: int, height: int, fps: int, *, threads: int = 2, depth: int = 6):
        if fmt not in CONTAINERS:
            raise ClipError(f"unknown format {fmt!r}")
        if fmt != "gif" and (width % 2 or height % 2):
            raise ClipError(f"{fmt} needs an even frame size, not {width}x{height}")
        self.width, self.height, self.fps, self.fmt = width, height, fps, fmt
        opts = dict(OPTIONS[fmt])
        movflags = opts.pop("movflags", None)
        self.container = av.open(path, "w", format=CONTAINERS[fmt],
                                 container_options={"movflags": movflags} if movflags else None)
        self.stream = self.container.add_stream(CODECS[fmt], rate=Fraction(fps), options=opts)
        self.stream.width, self.stream.height = width, height
        self.stream.pix_fmt = PIX_FMT[fmt]
        self.stream.time_base = Fraction(1, fps)
        if fmt != "gif":
            self.stream.codec_context.thread_count = threads
        self._palette = _palette_graph(width, height, fps) if fmt == "gif" else None
        self.frames = 0
        self.seconds = 0.0  # time spent on the encoder thread (conversion + encoding + muxing)
        self._q: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._aborted = False
        self._thread = threading.Thread(target=self._run, name="clip-encoder", daemon=True)
        self._thread.start()

    def put(self, bgra: np.ndarray) -> None:
        self._raise()
        if bgra.shape != (self.height, self.width, 4):
            raise ClipError(f"frame of {bgra.shape[1]}x{bgra.shape[0]} for a {self.width}x{self.height} clip")
        while True:
            try:
                self._q.put(bgra, timeout=0.2)
                return
            except queue.Full:
                self._raise()

    def close(self) -> None:
        """Flush and finish the file (waits for the thread)."""
        self._q.put(_STOP)
        self._thread.join()
        self._raise()

    def abort(self) -> None:
        """Stop without finishing the file (the caller deletes it)."""
        self._aborted = True
        try:
            while True:
                self._q.get_nowait()
        except queue.Empty:
            pass
        self._q.put(_STOP)
        self._thread.join()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        pts = 0
        try:
            while True:
                item = self._q.get()
                if item is _STOP:
                    break
                if self._aborted:
                    continue
                t0 = time.perf_counter()
                frame = av.VideoFrame.from_ndarray(item, format="bgra")
                if self._palette is not None:  # GIF: each frame's own 256 colours
                    frame.pts, frame.time_base = pts, Fraction(1, self.fps)
                    self._palette.push(frame)
                    frame = self._palette.pull()
                else:
                    frame = frame.reformat(format=self.stream.pix_fmt)
                frame.pts = pts
                pts += 1
                for packet in self.stream.encode(frame):
                    self.container.mux(packet)
                self.frames += 1
                self.seconds += time.perf_counter() - t0
            if not self._aborted:
                t0 = time.perf_counter()
                for packet in self.stream.encode(None):
                    self.container.mux(packet)
                self.seconds += time.perf_counter() - t0
        except BaseException as exc:  # noqa: BLE001 - handed to the producing thread
            self._error = exc
            while True:  # unblock a producer waiting on a full queue
                try:
                    if self._q.get(timeout=0.05) is _STOP:
                        break
                except queue.Empty:
                    if self._aborted:
                        break
        finally:
            try:
                self.container.close()
            except Exception as exc:  # noqa: BLE001
                if self._error is None and not self._aborted:
                    self._error = exc
