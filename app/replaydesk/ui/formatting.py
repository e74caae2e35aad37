"""How times, durations and URLs are shown across the window (one place)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit


def duration(ms: int | None) -> str:
    if ms is None:
        return ""
    s = int(ms) // 1000
    if s >= 3600:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


def span(ms: float) -> str:
    """A length of time at the unit that reads: ``13 s``, ``5 min``, ``3 h``, ``12 d``, ``317 y``
    (idle gaps, which a recorder's clock gone wrong can make centuries long)."""
    s = max(0, round(ms / 1000))
    for unit, size, upto in (("s", 1, 120), ("min", 60, 7200), ("h", 3600, 2 * 86400), ("d", 86400, 730 * 86400)):
        if s < upto:
            return f"{s // size:,} {unit}"
    return f"{s // (365 * 86400):,} y"


def clock(ms: float) -> str:
    """Playback position: ``m:ss.s``."""
    ms = max(0, int(ms))
    s, rest = divmod(ms, 1000)
    if s >= 3600:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}.{rest // 100}"
    return f"{s // 60}:{s % 60:02d}.{rest // 100}"


def local_time(epoch_ms: int | None, *, seconds: bool = True) -> str:
    if epoch_ms is None:
        return ""
    return datetime.fromtimestamp(epoch_ms / 1000).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def url_path(url: str | None) -> str:
    """``https://shop.example/cart?x=1`` -> ``/cart?x=1`` (host shown elsewhere)."""
    if not url:
        return ""
    u = urlsplit(url)
    if not u.scheme:
        return url
    return (u.path or "/") + (f"?{u.query}" if u.query else "") + (f"#{u.fragment}" if u.fragment else "")
