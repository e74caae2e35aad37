"""Side-pane widths and the window layout, split from :mod:`.main_window` (house rule: no
module over ~600 lines). :class:`PaneLayoutMixin` is mixed into ``MainWindow`` so that its
names (``dock_fractions``, ``apply_dock_fractions``, ``_dock_fractions``, ``reset_layout``,
``save_layout``...) stay the window's own.

The side panes keep their widths as shares of the window width, applied on show and on
every resize: a width chosen in a small window scales with it instead of squeezing the
replay when the window grows (QMainWindow gives all new width to the centre). A separator
drag (a pane resized while the window keeps its size and the mouse is down) stores the new
share. View > Reset Layout puts panes, columns and zoom back to the defaults, which fit at
1280x800 and hold at 1024x700.

The mixin expects the window's ``settings``, ``sessions``, ``player``, ``sessions_dock`` and
``panel_dock``; call :meth:`PaneLayoutMixin._init_pane_layout` once the docks exist.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QStyle

#: default widths of the Sessions and Inspector panes, as shares of the window width; the
#: Sessions share grows (up to SESSIONS_MAX_SHARE) until its core columns show whole
DEFAULT_DOCK_FRACTIONS = (0.26, 0.21)
SESSIONS_MAX_SHARE = 0.36
#: the replay's least share of the window when the Inspector widens for its tab titles
CENTRE_MIN_SHARE = 0.46
#: below these the panes stop shrinking (Inspector: its four tabs stay readable)
DOCK_MIN_WIDTH = (240, 270)
#: the replay keeps at least this much width when the panes are restored
CENTRE_MIN_WIDTH = 380
DEFAULT_SIZE = (1600, 960)


class PaneLayoutMixin:
    """Pane shares, separator drags, Reset Layout and the saved layout of a QMainWindow
    (list it before ``QMainWindow`` in the bases: its Qt event handlers call ``super()``)."""

    def _init_pane_layout(self) -> None:
        """Minimum pane widths, the default dock state and the drag watch (after the docks)."""
        self.sessions_dock.setMinimumWidth(DOCK_MIN_WIDTH[0])
        self.panel_dock.setMinimumWidth(DOCK_MIN_WIDTH[1])
        self._default_dock_state = self.saveState()
        self._dock_fractions: list[float] | None = None  # None: the defaults for the current width
        self._applying_docks = False
        self._known_size = None
        for d in (self.sessions_dock, self.panel_dock):
            d.installEventFilter(self)

    def dock_fractions(self) -> tuple[float, float]:
        """The panes' shares of the window width: the analyst's (a separator dragged), else
        the defaults for the current width."""
        fr = self._dock_fractions or self.default_dock_fractions()
        return (fr[0], fr[1])

    def default_dock_fractions(self) -> list[float]:
        """Sessions: its core columns whole if that takes at most SESSIONS_MAX_SHARE of the
        window; Inspector: a fixed share. The replay gets the rest."""
        total = max(1, self.width())
        need = self.sessions.preferred_width() + 4
        sessions = min(SESSIONS_MAX_SHARE, max(DEFAULT_DOCK_FRACTIONS[0], need / total))
        # Inspector: room for every tab title whole when the replay keeps CENTRE_MIN_SHARE
        # (at 1600 px six titles elided to "Pa…", "No…" in a 0.21 share)
        tabs = self.panel.tabBar().sizeHint().width() + 12
        inspector = max(DEFAULT_DOCK_FRACTIONS[1], min(tabs / total, 1 - sessions - CENTRE_MIN_SHARE))
        return [round(sessions, 4), round(inspector, 4)]

    def _side_docks(self) -> list[tuple[int, QDockWidget]]:
        """The panes docked at the sides and shown (a moved or floating pane keeps its size)."""
        sides = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
        return [
            (i, d)
            for i, d in enumerate((self.sessions_dock, self.panel_dock))
            if d.isVisible() and not d.isFloating() and self.dockWidgetArea(d) in sides
        ]

    def apply_dock_fractions(self) -> None:
        """Size the side panes by their shares of the window width (the replay gets the rest,
        at least :data:`CENTRE_MIN_WIDTH` while the panes can shrink)."""
        docks = self._side_docks()
        if not docks:
            return
        total = self.width()
        fractions = self.dock_fractions()
        widths = [max(DOCK_MIN_WIDTH[i], round(fractions[i] * total)) for i, _d in docks]
        centre_min = max(CENTRE_MIN_WIDTH, self.player.transport.minimumSizeHint().width() + 8)  # the transport bar whole
        seps = len(docks) * self.style().pixelMetric(QStyle.PixelMetric.PM_DockWidgetSeparatorExtent)
        over = sum(widths) + centre_min + seps - total
        if over > 0:  # give way proportionally, down to the minimums
            room = [w - DOCK_MIN_WIDTH[i] for w, (i, _d) in zip(widths, docks)]
            spare = sum(room)
            if spare > 0:
                widths = [w - round(over * r / spare) if over < spare else w - r for w, r in zip(widths, room)]
        self._applying_docks = True
        try:
            self.resizeDocks([d for _i, d in docks], widths, Qt.Orientation.Horizontal)
        finally:
            self._applying_docks = False

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if (
            event.type() == QEvent.Type.Resize
            and obj in (self.sessions_dock, self.panel_dock)
            and not self._applying_docks
            and self._known_size is not None
            and self.size() == self._known_size
            and self.isVisible()
            and self.width() > 0
            and QGuiApplication.mouseButtons() & Qt.MouseButton.LeftButton
        ):
            # the window kept its size and the mouse is down: the analyst is dragging a
            # separator; keep the new share (layout passes alone never change it)
            i = 0 if obj is self.sessions_dock else 1
            self._dock_fractions = list(self.dock_fractions())
            self._dock_fractions[i] = min(0.6, max(0.05, obj.width() / self.width()))
        return super().eventFilter(obj, event)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self._known_size = self.size()
        QTimer.singleShot(0, self.apply_dock_fractions)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._known_size = self.size()
        if self.isVisible():
            self.apply_dock_fractions()

    def reset_layout(self) -> None:
        """View > Reset Layout: panes back at the sides at their default shares, default
        columns, the replay / timeline split and zoom to fit."""
        self.restoreState(self._default_dock_state)
        for d in (self.sessions_dock, self.panel_dock):
            d.setFloating(False)
            d.show()
        self.sessions.reset_columns()
        self._dock_fractions = None
        self.apply_dock_fractions()
        sp = self.player.splitter
        bottom = sp.widget(1).sizeHint().height()
        sp.setSizes([max(1, sum(sp.sizes()) - bottom), bottom])
        self.player.view.set_zoom("fit")
        for key in ("window/state", "window/centre_splitter", "window/dock_fractions", "list/columns"):
            self.settings.remove(key)

    def _restore_layout(self) -> None:
        s = self.settings
        geo = s.get("window/geometry")
        if not geo.isEmpty():
            self.restoreGeometry(geo)
        else:
            screen = QGuiApplication.primaryScreen()
            avail = screen.availableGeometry() if screen is not None else None
            w, h = DEFAULT_SIZE
            if avail is not None and avail.width() > 0:
                w, h = min(w, avail.width()), min(h, avail.height())
            self.resize(w, h)
        state = s.get("window/state")
        if not state.isEmpty():
            self.restoreState(state)
        try:
            fr = json.loads(s.get("window/dock_fractions") or "null")
            if isinstance(fr, list) and len(fr) == 2 and all(isinstance(x, (int, float)) and 0.03 <= x <= 0.7 for x in fr):
                self._dock_fractions = [float(fr[0]), float(fr[1])]
        except ValueError:
            pass
        split = s.get("window/centre_splitter")
        if not split.isEmpty():
            self.player.restore_splitter(split)
        try:
            self.sessions.restore_column_state(json.loads(s.get("list/columns") or "null"))
        except ValueError:
            pass

    def save_layout(self) -> None:
        s = self.settings
        s.set("window/geometry", self.saveGeometry())
        s.set("window/state", self.saveState())
        if self._dock_fractions is None:
            s.remove("window/dock_fractions")
        else:
            s.set("window/dock_fractions", json.dumps([round(x, 4) for x in self._dock_fractions]))
        s.set("window/centre_splitter", self.player.save_splitter())
        s.set("list/columns", json.dumps(self.sessions.column_state()))
        s.sync()
