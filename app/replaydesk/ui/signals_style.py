"""How frustration signals look everywhere in the window: names, letters, colours, rank.

One table so the list's badges, the timeline's lanes, the Signals tab and the thresholds
dialog call a kind by the same name and paint it in the same hue. Kinds are
``analysis.signals.SIGNAL_KINDS``; the store keeps one count column per kind
(``sig_rage`` ...) that :func:`row_counts` reads from a session list row.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

from ..analysis.signals import SIGNAL_KINDS
from ..store.signals import SIGNAL_COLUMN
from .formatting import clock


@dataclass(frozen=True)
class SignalStyle:
    kind: str
    letter: str  # the badge: "R3"
    name: str  # "Rage click"
    plural: str  # "rage clicks"
    lane: str  # timeline lane title (fits the 64 px axis)
    column: str  # sessions.sig_* count column
    light: str
    dark: str
    symbol: str  # pyqtgraph symbol on the timeline


STYLES: dict[str, SignalStyle] = {
    s.kind: s
    for s in (
        SignalStyle("rage_click", "R", "Rage click", "rage clicks", "Rage", "sig_rage", "#be123c", "#fb7185", "star"),
        SignalStyle("dead_click", "D", "Dead click", "dead clicks", "Dead", "sig_dead", "#475569", "#cbd5e1", "x"),
        SignalStyle("error_click", "E", "Error click", "error clicks", "Error click", "sig_error", "#ea580c", "#fb923c", "h"),
        SignalStyle("quick_back", "B", "Quick back", "quick backs", "Quick back", "sig_quick_back", "#7c3aed", "#c4b5fd", "t1"),
        SignalStyle("excessive_scroll", "S", "Excessive scrolling", "excessive scrolls", "Scrolling", "sig_scroll",
                    "#0e7490", "#67e8f9", "d"),
        SignalStyle("thrashed_cursor", "T", "Thrashed cursor", "thrashed cursors", "Thrashing", "sig_thrash",
                    "#a16207", "#facc15", "p"),
        SignalStyle("form_abandonment", "F", "Form abandonment", "abandoned forms", "Form left", "sig_form",
                    "#15803d", "#4ade80", "s"),
    )
}
assert tuple(STYLES) == tuple(SIGNAL_KINDS), "signals_style must name every kind of analysis.signals"
assert all(s.column == SIGNAL_COLUMN[k] for k, s in STYLES.items()), "signals_style must use the store's sig_* columns"

#: the order the Signals tab ranks findings in: what breaks the page first, then what
#: only suggests trouble
SEVERITY = ("error_click", "rage_click", "dead_click", "form_abandonment", "quick_back", "thrashed_cursor", "excessive_scroll")
#: the kinds the filter bar offers ("has rage / dead / error click / quick back")
FILTER_KINDS = ("rage_click", "dead_click", "error_click", "quick_back")


def style(kind: str) -> SignalStyle:
    return STYLES.get(kind) or SignalStyle(kind, "?", kind.replace("_", " ").capitalize(), kind, kind[:10], "", "#64748b",
                                           "#cbd5e1", "o")


def color(kind: str, palette: QPalette | None = None) -> QColor:
    dark = palette is not None and palette.color(QPalette.ColorRole.Window).lightness() < 128
    s = style(kind)
    return QColor(s.dark if dark else s.light)


def row_counts(row: dict) -> list[tuple[str, int]]:
    """``[(kind, count)]`` of the kinds a session list row has (store order), zeros left out.

    A store from before signals has no ``sig_*`` columns: no badges, no error."""
    out = []
    for s in STYLES.values():
        n = row.get(s.column) or 0
        if n:
            out.append((s.kind, int(n)))
    return out


def badge_text(counts: list[tuple[str, int]]) -> str:
    """``R3 D1 E2``: the plain-text form of the badges (copy, accessibility, tests)."""
    return " ".join(f"{style(k).letter}{n}" for k, n in counts)


def counts_tooltip(counts: list[tuple[str, int]]) -> str:
    """The badges spelled out, plus the legend of the letters."""
    lines = [f"{style(k).letter}{n}  {n} {style(k).plural if n != 1 else style(k).name.lower()}" for k, n in counts]
    if not lines:
        lines = ["No frustration signals"]
    legend = ", ".join(f"{s.letter} {s.name.lower()}" for s in STYLES.values())
    return "\n".join(lines) + "\n\nLegend: " + legend


def rank_key(finding: dict) -> tuple[int, int]:
    """Sort key of the Signals tab: severity of the kind, then time."""
    kind = finding.get("kind", "")
    return (SEVERITY.index(kind) if kind in SEVERITY else len(SEVERITY), int(finding.get("t_ms") or 0))


def describe_finding(f: dict) -> str:
    """Kind and time, the rule with its numbers, the evidence, the element: what the timeline
    hover and the Signals tab say about one finding (recorded text: show it plain)."""
    t, end = int(f.get("t_ms") or 0), f.get("end_ms")
    when = f"{clock(t)} – {clock(end)}" if end and end > t else clock(t)
    lines = [f"{style(str(f.get('kind'))).name} · {when}"]
    if f.get("rule"):
        lines.append(f"Rule: {f['rule']}")
    if f.get("evidence"):
        lines.append(str(f["evidence"]))
    if element_text(f):
        lines.append(f"Element: {element_text(f)}")
    return "\n".join(lines)


def element_text(f: dict) -> str:
    """``button#share-lab 'Share'``: the store's label names the element (selector and text)
    once the session was replayed with its DOM; before that only the node id is known."""
    sel = f.get("selector") or ""
    label = f.get("target_label") or ""
    if label and (not sel or label.startswith(sel)):
        return label
    return f"{sel} {label}".strip()
