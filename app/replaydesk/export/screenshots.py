"""docs/screenshots/clip-*.png: frames of corpus clips with a note, as the export burns them in.

    python -m replaydesk.export.screenshots --db STORE --out docs/screenshots

The store must hold the corpus (``replaydesk import ../shared/corpus/archive-demo.zip``).
The note is taken from the store when the session has notes (store/notes.py); otherwise the
frames are made with one unsaved example note, so the script also works on a fresh store.
Look at every image before committing it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from types import SimpleNamespace

SHOP = "ses_46d365862838"
IDLE = "ses_eca6cdfc6b65"  # 13 s of inactivity from 15.4 s


def _example_note():
    hl = SimpleNamespace(kind="rect", x=118, y=306, w=720, h=56, selector=None, node_id=None)
    return SimpleNamespace(id="example", session_id=SHOP, start_ms=48_500, end_ms=52_500, tag="issue", highlight=hl,
                           text="Card number is masked after redaction: the analyst sees only the field's length")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--out", default="docs/screenshots")
    args = ap.parse_args(argv)
    from ..ui.replay.headless import ensure_application

    ensure_application()
    from ..store import open_store
    from .job import run_clip
    from .spec import ClipSpec

    db = open_store(args.db)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        from ..store.notes import list_notes
        notes = [n for n in list_notes(db, SHOP)]
    except ImportError:
        notes = []
    notes = notes or [_example_note()]
    def saver(name_by_index: dict[int, str]):
        def hook(i, img, _rects):
            if i in name_by_index:
                img.save(str(out / name_by_index[i]), "PNG")
        return hook

    spec = ClipSpec(SHOP, 47_000, 54_000, fps=15, notes=True)
    run_clip(db, spec, out / ".clip-shop.mp4", notes=notes,
             frame_hook=saver({45: "clip-note.png", 20: "clip-before-note.png"}))
    spec = ClipSpec(SHOP, 19_000, 20_500, fps=15, width=960, privacy="mask-text", blur_inputs=True)
    run_clip(db, spec, out / ".clip-privacy.mp4", frame_hook=saver({9: "clip-click-masked.png"}))
    spec = ClipSpec(IDLE, 14_000, 32_000, fps=15, width=960, skip_inactivity=True, speed=2.0)
    run_clip(db, spec, out / ".clip-skip.mp4", frame_hook=saver({12: "clip-skipped.png"}))
    for p in out.glob(".clip-*.mp4"):
        p.unlink()
    print("wrote", ", ".join(sorted(p.name for p in out.glob("clip-*.png"))), "to", out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
