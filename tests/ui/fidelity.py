"""Pixel comparison of rendered frames with corpus ground truth (helpers, numpy only).

Metric (issue "Replay engine" part 5): share of pixels whose largest RGB channel difference is
<= 24, on equal-size images. Unequal sizes score 0 (a wrong viewport is a wrong frame).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage

THRESHOLD = 24


def to_array(img: QImage) -> np.ndarray:
    img = img.convertToFormat(QImage.Format.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), dtype=np.uint8, count=bpl * h).reshape(h, bpl)
    return buf[:, : w * 3].reshape(h, w, 3).copy()


def load_png(path: Path) -> np.ndarray:
    img = QImage(str(path))
    if img.isNull():
        raise FileNotFoundError(path)
    return to_array(img)


def within(a: np.ndarray, b: np.ndarray, threshold: int = THRESHOLD) -> float:
    if a.shape != b.shape:
        return 0.0
    diff = np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2)
    return float((diff <= threshold).mean())


@dataclass
class Moment:
    session: str
    ms: int
    label: str
    truth: Path
    rrweb: Path | None


def corpus_moments(corpus: Path) -> list[Moment]:
    out = []
    for sdir in sorted(corpus.glob("ses_*")):
        meta = json.loads((sdir / "meta.json").read_text())
        for t in meta.get("truthScreenshots", []):
            out.append(Moment(sdir.name, int(t["ms"]), t.get("label", ""), sdir / t["file"], sdir / "rrweb" / f"{t['ms']}.png"))
    return out


#: Recordings made for the tests with the real rrweb recorder (tests/tools/record_rrweb.cjs):
#: pages the corpus lacks (an anchor-heavy documentation page, a WebGL canvas), with truth only.
RECORDINGS = Path(__file__).resolve().parents[1] / "data" / "recordings"


def recording_moments(root: Path = RECORDINGS) -> list[Moment]:
    """Truth moments of the test recordings (``rrweb`` is None: no reference replay was made)."""
    out = []
    for sdir in sorted(p for p in root.glob("*") if (p / "meta.json").is_file()):
        meta = json.loads((sdir / "meta.json").read_text())
        for t in meta.get("truthScreenshots", []):
            out.append(Moment(sdir.name, int(t["ms"]), t.get("label", ""), sdir / t["file"], None))
    return out


def colour_count(a: np.ndarray, rgb: tuple[int, int, int], tolerance: int = 24) -> int:
    """Pixels within ``tolerance`` (largest channel difference) of ``rgb``."""
    return int((np.abs(a.astype(np.int16) - np.array(rgb, dtype=np.int16)).max(axis=2) <= tolerance).sum())

