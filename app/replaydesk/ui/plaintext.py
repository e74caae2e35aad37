"""Recorded text is shown as plain text, everywhere in the window.

Why: Qt guesses that a string which starts like HTML is rich text (tooltips
always guess; so do labels and message boxes left at ``Qt.AutoText``) and its
rich-text engine loads ``<img src=...>`` straight from the local disk. A
recorded button label ``<img src="/some/fifo">`` hung the GUI thread as soon as
its row was hovered; ``<img src="/dev/zero">`` aborted the app. Every string
that can come from a recording (URLs, titles, element text, typed values,
console messages, user and meta fields, file names) goes through one of these
helpers before Qt sees it:

- :func:`plain_tooltip` for tooltips (``setToolTip``, ``ToolTipRole``,
  ``QToolTip.showText``): the text escaped inside a rich-text wrapper, so Qt
  draws it literally and keeps its line breaks;
- :func:`plain_label` / :func:`make_plain` for ``QLabel``-like widgets and
  message boxes: ``Qt.PlainText``;
- :func:`plain_title` for window titles (where ``[*]`` is a placeholder).

Table cells (``DisplayRole``), the status bar message and QTextEdit's
``setPlainText`` are drawn as plain text by Qt already.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

#: Tooltips are for a glance: a 50 MB recorded attribute must not be laid out.
TOOLTIP_LIMIT = 2_000


def plain_tooltip(text: object, *, limit: int = TOOLTIP_LIMIT) -> str | None:
    """``text`` as a tooltip Qt shows literally (``None``/empty: no tooltip)."""
    if text is None:
        return None
    s = str(text)
    if not s:
        return ""
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    # white-space:pre-wrap keeps the recorded line breaks and runs of spaces
    # (stack traces) while still wrapping long lines in the tooltip.
    return "<p style='white-space:pre-wrap'>" + html.escape(s, quote=False) + "</p>"


def make_plain(widget):
    """Switch a QLabel or QMessageBox to plain text; returns the widget."""
    widget.setTextFormat(Qt.TextFormat.PlainText)
    return widget


def plain_label(text: str = "", parent=None) -> QLabel:
    """A QLabel that never interprets its text as HTML."""
    label = QLabel(parent)
    make_plain(label)
    label.setText(text)
    return label


def plain_title(text: str) -> str:
    """A window title shown literally: Qt treats ``[*]`` as the modified marker."""
    return str(text).replace("[*]", "[*][*]")
