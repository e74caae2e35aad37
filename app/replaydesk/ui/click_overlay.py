"""View > Click Overlay (issue 12): the clicked elements of the session being watched,
outlined over the replay with a click-count badge.

Why a transparent widget over the replay view, not drawing in the page: the recorded page
is untrusted and sandboxed, so nothing of ours runs in it. The boxes come from the store
(``interactions.box_*``, measured by the renderer at attribution time, in page px of the
recorded viewport) and are mapped to the widget with what the view already knows: where it
draws the recorded viewport (``displayed_rect``, zoom) and the document's scroll at the
shown moment (``PlayerPane.page_scroll``). Only the current page view's elements are shown,
and of those not the ones recorded at another viewport width or absent from the page as
shown (another tab pane of a single-page app, a closed dialog: ``PlayerPane.shown_node``).
While playing, the mirror stays at the last seek (a tick only hands new events to the
page), so ``page_scroll`` follows the document's scroll events as they are played and the
outlines move with the page; they are repainted only when the scroll or the page view
changed, not at every tick.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

from ..store import session_info
from ..store.signals import click_rows
from .bindings import bind

OUTLINE = QColor(255, 140, 0)
BADGE = QColor(200, 90, 0)


@dataclass(frozen=True)
class ClickedElement:
    page_seq: int
    selector: str
    clicks: int
    share: float  # of the page view's clicks
    box: tuple[float, float, float, float]  # page px at the recorded width
    width: int = 0  # the recorded viewport width the box belongs to (0: unknown)
    nodes: tuple[int, ...] = ()  # recorded node ids clicked


def clicked_elements(rows: list[dict]) -> list[ClickedElement]:
    """Per page view and recorded width, the elements clicked (``click_rows`` of one
    session) with a measured box: click count, share of that page view's clicks, the box
    (its last measurement) and the node ids clicked."""
    per_page: dict[int, int] = {}
    groups: dict[tuple[int, str, int], list] = {}
    for r in rows:
        if r.get("kind") not in ("click", "tap"):
            continue
        seq = int(r.get("page_seq") or 0)
        per_page[seq] = per_page.get(seq, 0) + 1
        key = r.get("selector") or (f"#node-{r['target_id']}" if r.get("target_id") is not None else None)
        if key is None:
            continue
        g = groups.setdefault((seq, key, int(r.get("viewport_width") or 0)), [0, None, set()])
        g[0] += 1
        if r.get("target_id") is not None:
            g[2].add(int(r["target_id"]))
        if r.get("box_w") and r.get("box_h"):
            g[1] = (float(r["box_x"]), float(r["box_y"]), float(r["box_w"]), float(r["box_h"]))
    out = [ClickedElement(seq, key, n, n / per_page[seq], box, width, tuple(sorted(nodes)))
           for (seq, key, width), (n, box, nodes) in groups.items() if box]
    out.sort(key=lambda e: (e.page_seq, -e.clicks, e.selector))
    return out


class ClickOverlay(QWidget):
    """A transparent child of the player's replay view; ``set_active(True)`` to show it."""

    def __init__(self, player):
        super().__init__(player.view)
        self.player = player
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground, True)
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground, True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.active = False
        self._sid: str | None = None
        self._elements: list[ClickedElement] = []
        self._pages: list[tuple[int, int]] = []  # (seq, t_enter abs ms)
        self._started = 0
        self._drawn: tuple | None = None  # (page view, scroll) last painted: repaint when it changes
        self.hide()
        player.view.installEventFilter(self)
        player.framePainted.connect(lambda _t: self.refresh())
        # the page is revealed (loading note gone) a little after its first frame is painted
        player.stack.currentChanged.connect(lambda _i: self.refresh())
        player.view.zoomChanged.connect(lambda _z: self.refresh())
        bind(self, player.state, "playing_changed", lambda _p: self.refresh())
        bind(self, player.state, "time_changed", self._follow_play)

    def set_active(self, on: bool) -> None:
        self.active = bool(on)
        self.refresh()

    def _follow_play(self, _t: float) -> None:
        """A playing tick: the player has applied its events (it follows ``time_changed``
        first), so move the outlines if the page scrolled or another page view began."""
        if self.active and self.isVisible() and self.player.state.playing and \
                self._drawn != (self.current_page(), self.player.page_scroll):
            self.update()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if obj is self.player.view and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.player.view.rect())
        return False

    def _load(self, sid: str | None) -> None:
        self._sid = sid
        self._elements, self._pages = [], []
        if sid is None:
            return
        info = session_info(self.player.db, sid)
        if info is None:
            return
        self._started = int(info["started_at"])
        self._pages = sorted((int(p["seq"]), int(p["t_enter"])) for p in info["pages"])
        self._elements = clicked_elements(click_rows(self.player.db, sid))

    def current_page(self) -> int:
        t_abs = self._started + int(self.player.state.time)
        seq = self._pages[0][0] if self._pages else 0
        for s, t_enter in self._pages:
            if t_enter <= t_abs:
                seq = s
        return seq

    def boxes(self) -> list[tuple[ClickedElement, QRectF]]:
        """The current page view's clicked elements and where they are drawn (widget px)."""
        view = self.player.view
        rect = view.displayed_rect()
        vp = view.viewport_size
        if vp.width() <= 0 or rect.width() <= 0:
            return []
        scale = rect.width() / vp.width()
        sx, sy = self.player.page_scroll
        seq = self.current_page()
        out = []
        for e in self._elements:
            if e.page_seq != seq or (e.width and e.width != vp.width()):
                continue  # another page view, or a layout of another viewport width
            if e.nodes and not any(self.player.shown_node(n) for n in e.nodes):
                continue  # not in the page as shown now (another state of a single-page app)
            x, y, w, h = e.box
            out.append((e, QRectF(rect.x() + (x - sx) * scale, rect.y() + (y - sy) * scale, w * scale, h * scale)))
        return out

    def refresh(self) -> None:
        sid = self.player.session_id
        if self.active and sid != self._sid:
            self._load(sid)
        visible = self.active and sid is not None and self.player.showing_page
        self.setGeometry(self.player.view.rect())
        self.setVisible(visible)
        if visible:
            self.raise_()
            self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setFont(QFont("Liberation Sans", 9, QFont.Weight.Bold))
            fm = p.fontMetrics()
            clip = QRectF(self.player.view.displayed_rect())
            self._drawn = (self.current_page(), self.player.page_scroll)
            p.setClipRect(clip)
            for e, r in self.boxes():
                if not r.intersects(clip):
                    continue  # scrolled out of the shown viewport
                p.setPen(QPen(OUTLINE, 2))
                p.setBrush(QColor(255, 140, 0, 40))
                p.drawRect(r)
                badge = f"{e.clicks} click{'s' if e.clicks != 1 else ''} · {e.share:.0%}"
                bw, bh = fm.horizontalAdvance(badge) + 10, fm.height() + 4
                bx, by = max(clip.x(), min(r.x(), clip.right() - bw)), max(clip.y(), r.y() - bh)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(BADGE)
                p.drawRoundedRect(QRectF(bx, by, bw, bh), 3, 3)
                p.setPen(QColor("white"))
                p.drawText(QRectF(bx, by, bw, bh), Qt.AlignmentFlag.AlignCenter, badge)
        finally:
            p.end()
