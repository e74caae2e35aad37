"""Parse a browser user-agent string into browser, OS and device class.

A small, dependency-free classifier good enough to filter sessions by
"mobile / tablet / desktop" and to show "Chrome 156 on Android". Order of the
checks matters: Edge and Opera claim to be Chrome, Chrome claims to be Safari.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class UserAgent:
    browser: str
    browser_version: str
    os: str
    device: str  # "desktop" | "tablet" | "mobile" | "bot" | "unknown"

    @property
    def label(self) -> str:
        b = f"{self.browser} {self.browser_version}".strip()
        return f"{b} on {self.os}" if self.os != "Unknown" else b


_BROWSERS = [
    ("Edge", r"Edg(?:e|A|iOS)?/([\d.]+)"),
    ("Opera", r"(?:OPR|Opera)/([\d.]+)"),
    ("Samsung Internet", r"SamsungBrowser/([\d.]+)"),
    ("Firefox", r"(?:Firefox|FxiOS)/([\d.]+)"),
    ("Chrome", r"(?:HeadlessChrome|Chrome|CriOS)/([\d.]+)"),
    ("Safari", r"Version/([\d.]+).*Safari/"),
]
_OSES = [
    ("iOS", r"iPhone|iPad|iPod"),
    ("Android", r"Android"),
    ("Windows", r"Windows"),
    ("macOS", r"Mac OS X|Macintosh"),
    ("ChromeOS", r"CrOS"),
    ("Linux", r"Linux|X11"),
]


def parse_user_agent(ua: str | None, *, is_mobile: bool | None = None, has_touch: bool | None = None) -> UserAgent:
    """Classify ``ua``. ``is_mobile``/``has_touch`` (from metadata) break ties."""
    ua = ua or ""
    browser, version = "Unknown", ""
    for name, pat in _BROWSERS:
        m = re.search(pat, ua)
        if m:
            browser, version = name, m.group(1).split(".")[0]
            break
    os_name = next((name for name, pat in _OSES if re.search(pat, ua)), "Unknown")
    if re.search(r"bot|crawler|spider|Googlebot", ua, re.I) and "HeadlessChrome" not in ua:
        device = "bot"
    elif re.search(r"iPad|Tablet|Nexus (7|9|10)|SM-T\d", ua) or (os_name == "Android" and "Mobile" not in ua and ua):
        device = "tablet"
    elif re.search(r"Mobi|iPhone|iPod|Android.*Mobile|Windows Phone", ua):
        device = "mobile"
    elif is_mobile:
        device = "mobile"
    elif ua:
        device = "desktop"
    else:
        device = "unknown"
    return UserAgent(browser, version, os_name, device)
