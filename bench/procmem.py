"""RSS and PSS of a process and of its descendants, read from /proc (Linux).

Why not psutil: importing it adds ~3 MB to the process being measured, which the
app never imports; the memory benches measure the app, not their own tools.
"""

from __future__ import annotations

import os


def rss_mb(pid: int | None = None) -> float:
    """Resident set size (MB) of ``pid`` (this process by default)."""
    with open(f"/proc/{pid or 'self'}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def pss_mb(pid: int | None = None) -> float:
    """Proportional set size (MB): shared pages split between the processes mapping them."""
    with open(f"/proc/{pid or 'self'}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024 / 1e6
    return 0.0


def descendants(pid: int | None = None) -> list[int]:
    """Every live descendant of ``pid`` (this process by default)."""
    root = pid or os.getpid()
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])  # the name may hold spaces and ')'
        children.setdefault(ppid, []).append(int(name))
    out, todo = [], [root]
    while todo:
        for c in children.get(todo.pop(), ()):
            out.append(c)
            todo.append(c)
    return out


def helpers_mb(pid: int | None = None) -> tuple[float, float]:
    """(RSS, PSS) in MB of the descendants of ``pid``, summed (a helper may exit meanwhile)."""
    rss = pss = 0.0
    for c in descendants(pid):
        try:
            rss += rss_mb(c)
            pss += pss_mb(c)
        except OSError:
            pass
    return rss, pss
