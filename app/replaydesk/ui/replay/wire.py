"""What crosses between Python and the renderer page besides the bridge: JavaScript literals
for ``runJavaScript`` and the token colours by which a frame is recognised on screen.

Why a module: the view, the headless renderer and the tests must agree on both byte for
byte (``RD.tokenColour`` in renderer.js mirrors :func:`token_colour`)."""

from __future__ import annotations

from typing import Any

import orjson

from replaydesk.formats import deepjson


def js_literal(obj: Any) -> str:
    """``obj`` as a JavaScript expression. A recorded page may nest deeper than orjson
    writes (255 levels) and than V8's literal parser reads (~3,000): such a value is
    sent as ``JSON.parse("...")``, which V8 parses without recursion."""
    try:
        return orjson.dumps(obj).decode()
    except TypeError as exc:
        if not deepjson.too_deep(exc):
            raise
    return "JSON.parse(" + orjson.dumps(deepjson.dumps(obj).decode()).decode() + ")"


def token_colour(token: int) -> tuple[int, int, int]:
    """Colour of the sentinel row for ``token`` (must match RD.tokenColour in renderer.js)."""
    return ((token * 97 + 31) & 255, (token * 57 + 101) & 255, (token * 23 + 211) & 255)


def shows_token(colour, token: int) -> bool:
    """A grabbed pixel (a ``QColor``) is ``token``'s colour, within compositing rounding."""
    r, g, b = token_colour(token)
    return abs(colour.red() - r) <= 3 and abs(colour.green() - g) <= 3 and abs(colour.blue() - b) <= 3
