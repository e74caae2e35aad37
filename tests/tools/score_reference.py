"""Score rrweb's reference frames (made by rrweb_reference.cjs) against a test recording's truth
and keep the figure in its meta.json (``truthScreenshots[].rrwebWithin``), so the fidelity tests
can hold ours to "at least as close as rrweb" without committing rrweb's PNGs. Not run by the
test suite.

    python tests/tools/score_reference.py tests/data/recordings/anchor-desktop /tmp/rrweb/anchor-desktop
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))

from fidelity import load_png, within  # noqa: E402


def main(recording: Path, frames: Path) -> None:
    meta_path = recording / "meta.json"
    meta = json.loads(meta_path.read_text())
    for t in meta["truthScreenshots"]:
        score = within(load_png(frames / f"{t['ms']}.png"), load_png(recording / t["file"]))
        t["rrwebWithin"] = round(score, 6)
        print(f"{recording.name} {t['ms']}: rrweb {score:.4%}")
    meta["rrwebReference"] = "rrweb 2.2.2 Replayer, mouseTail off, UNSAFE_replayCanvas, paused at each moment in turn"
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: score_reference.py <recording dir> <rrweb frames dir>")
    main(Path(sys.argv[1]), Path(sys.argv[2]))
