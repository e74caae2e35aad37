"""Light and dark themes that follow the system colour scheme.

Fusion everywhere (same look on every desktop), with a palette chosen from
the system's light/dark setting and updated live when it changes.
The analyst picks System / Light / Dark in View > Theme (kept in the settings
and applied with :func:`set_theme_mode`); ``REPLAYDESK_THEME=light|dark`` in
the environment overrides both (scripts, CI).
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = QColor("#3b7ddd")
#: the choices of View > Theme, in menu order
THEME_MODES = ("system", "light", "dark")

_mode = "system"


def set_theme_mode(mode: str | None) -> None:
    """Choose "system", "light" or "dark" (``None``/unknown = "system"); call
    :func:`apply_theme` (or :func:`refresh_palette`) afterwards to repaint."""
    global _mode
    _mode = mode if mode in THEME_MODES else "system"


def theme_mode() -> str:
    return _mode


def is_dark() -> bool:
    forced = os.environ.get("REPLAYDESK_THEME", "").lower()
    if forced in ("dark", "light"):
        return forced == "dark"
    if _mode != "system":
        return _mode == "dark"
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def _dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor("#1e1f22"), QColor("#2b2d30"), QColor("#dfe1e5")
    p.setColor(QPalette.ColorRole.Window, window)
    p.setColor(QPalette.ColorRole.WindowText, text)
    p.setColor(QPalette.ColorRole.Base, base)
    p.setColor(QPalette.ColorRole.AlternateBase, QColor("#25272a"))
    p.setColor(QPalette.ColorRole.ToolTipBase, QColor("#3c3f41"))
    p.setColor(QPalette.ColorRole.ToolTipText, text)
    p.setColor(QPalette.ColorRole.Text, text)
    p.setColor(QPalette.ColorRole.Button, QColor("#35373b"))
    p.setColor(QPalette.ColorRole.ButtonText, text)
    p.setColor(QPalette.ColorRole.BrightText, QColor("#ff6b68"))
    p.setColor(QPalette.ColorRole.Highlight, ACCENT)
    p.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    p.setColor(QPalette.ColorRole.Link, QColor("#6ea8fe"))
    p.setColor(QPalette.ColorRole.PlaceholderText, QColor("#8c8f94"))
    p.setColor(QPalette.ColorRole.Mid, QColor("#43454a"))
    p.setColor(QPalette.ColorRole.Dark, QColor("#1a1b1e"))
    p.setColor(QPalette.ColorRole.Light, QColor("#4e5157"))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f737a"))
    return p


def _light_palette() -> QPalette:
    p = QApplication.style().standardPalette()
    p.setColor(QPalette.ColorRole.Window, QColor("#f3f4f6"))
    p.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    p.setColor(QPalette.ColorRole.AlternateBase, QColor("#f6f7f9"))
    p.setColor(QPalette.ColorRole.Button, QColor("#f7f8fa"))
    p.setColor(QPalette.ColorRole.Highlight, ACCENT)
    p.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    p.setColor(QPalette.ColorRole.PlaceholderText, QColor("#8a8f98"))
    return p


STYLE = """
QMainWindow::separator { width: 1px; height: 1px; background: palette(mid); }
QDockWidget::title { padding: 5px 8px; font-weight: 600; }
QTableView, QTreeView { border: none; }
QHeaderView::section { padding: 3px 6px; border: none; border-bottom: 1px solid palette(mid); border-right: 1px solid palette(midlight); font-weight: 600; }
QTabWidget::pane { border: none; border-top: 1px solid palette(mid); }
QTabBar::tab { padding: 4px 9px; }
QStatusBar { border-top: 1px solid palette(mid); }
QLabel#sessionCount { color: palette(placeholder-text); padding: 2px 2px 4px 2px; }
QLabel#emptyState { color: palette(placeholder-text); font-size: 15px; }
"""


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    font = app.font()
    if font.pointSizeF() < 9.5:
        font.setPointSizeF(9.5)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    app.setFont(font)
    _apply_palette(app)
    app.setStyleSheet(STYLE)
    hints = QGuiApplication.styleHints()
    if not getattr(app, "_replaydesk_theme_hooked", False):
        hints.colorSchemeChanged.connect(lambda _s: _apply_palette(app))
        app._replaydesk_theme_hooked = True  # type: ignore[attr-defined]


def refresh_palette(app: QApplication | None = None) -> None:
    """Repaint the application in the current mode (after :func:`set_theme_mode`)."""
    _apply_palette(app or QApplication.instance())


def _apply_palette(app: QApplication) -> None:
    app.setPalette(_dark_palette() if is_dark() else _light_palette())
