"""Render the application icon's PNG sizes from the SVG (run after editing the SVG).

    .venv/bin/python packaging/make_icons.py

Writes ``resources/icons/hicolor/<N>x<N>/apps/io.replaydesk.ReplayDesk.png`` for the sizes
desktop environments look up (freedesktop icon theme layout, so packaging copies the tree
as is) and a copy of the SVG as the ``scalable`` size. The window loads the same files
(``ui/app.py``), so what the task bar shows and what the menu shows cannot drift apart.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

APP_ID = "io.replaydesk.ReplayDesk"
SIZES = (16, 24, 32, 48, 64, 128, 256)
ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"


def render(svg: Path, out_root: Path, sizes=SIZES) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - QPainter needs it
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {svg} is not a valid SVG")
    written = []
    for n in sizes:
        img = QImage(n, n, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(Qt.GlobalColor.transparent)
        p = QPainter(img)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(p)
        p.end()
        dest = out_root / "hicolor" / f"{n}x{n}" / "apps" / f"{APP_ID}.png"
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not img.save(str(dest), "PNG"):
            raise SystemExit(f"make_icons: cannot write {dest}")
        written.append(dest)
    scalable = out_root / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, scalable)
    return written + [scalable]


def main() -> int:
    for p in render(ICONS / "replaydesk.svg", ICONS):
        print(p.relative_to(ICONS.parents[1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
