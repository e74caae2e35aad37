"""Viewer privacy modes (issue 14): the renderer masks inputs or all text at view time.

A corpus moment (a discount code typed into a form) is drawn in each mode and the content
document is read back: in "mask-inputs" every typed value is '*', in "mask-text" no text node
(style sheets aside) holds a letter or digit, and "as-recorded" shows the page as recorded.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from qt_helpers import headless_view, js, renderer_problems, show_moment, wait_ready

CORPUS = Path(os.environ.get("REPLAYDESK_CORPUS", Path(__file__).resolve().parents[2].parent / "shared" / "corpus"))
SESSION = CORPUS / "ses_894a31ac3a8c"
AT_MS = 26000  # after "SPRING20" was typed into the discount field

pytestmark = pytest.mark.skipif(not (SESSION / "events.json").is_file(), reason="corpus not available")

#: the content document read back: text of every text node outside <style>/<script>, and the
#: live value of every input and textarea (with its type)
READ_BACK = """
  const doc = RD.topDocument();
  const texts = [];
  const walker = doc.createTreeWalker(doc, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const p = n.parentNode && n.parentNode.localName;
    if (p === 'style' || p === 'script') continue;
    if (n.data.trim()) texts.push(n.data);
  }
  const inputs = Array.from(doc.querySelectorAll('input, textarea')).map(
    (el) => ({type: (el.getAttribute('type') || el.localName).toLowerCase(), value: el.value,
              placeholder: el.getAttribute('placeholder') || ''}));
  return {texts, inputs, mode: RD.sanitize.privacyMode()};
"""


def _events():
    return json.loads((SESSION / "events.json").read_text())


def _draw(qtbot, qapp, mode, out_dir=None):
    events = _events()
    with headless_view(qapp, 1024, 768) as view:
        wait_ready(qtbot, view)
        view.set_privacy_mode(mode)
        img = show_moment(qtbot, view, events, AT_MS)
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            img.save(str(out_dir / f"privacy-{mode}.png"), "PNG")
        state = js(qtbot, view, READ_BACK)
        assert renderer_problems(view) == []
    return state, img


def _typed(state):
    return [i["value"] for i in state["inputs"] if i["value"] and i["type"] not in
            ("checkbox", "radio", "hidden", "submit", "button", "reset", "range", "color", "file", "image")]


def _shot_dir():
    d = os.environ.get("REPLAYDESK_PRIVACY_SHOTS")
    return Path(d) if d else None


def test_as_recorded_shows_the_page(qtbot, qapp):
    state, _ = _draw(qtbot, qapp, "as-recorded", _shot_dir())
    assert state["mode"] == "as-recorded"
    assert "SPRING20" in _typed(state)
    assert any(any(c.isalpha() for c in t) for t in state["texts"])


def test_mask_inputs_masks_values_only(qtbot, qapp):
    state, _ = _draw(qtbot, qapp, "mask-inputs", _shot_dir())
    assert state["mode"] == "mask-inputs"
    typed = _typed(state)
    assert "********" in typed  # SPRING20, length kept
    assert all(set(v.replace(" ", "")) == {"*"} for v in typed), typed
    assert any(any(c.isalpha() for c in t) for t in state["texts"])  # page text stays


def test_mask_text_masks_every_text_node(qtbot, qapp):
    state, _ = _draw(qtbot, qapp, "mask-text", _shot_dir())
    assert state["mode"] == "mask-text"
    assert state["texts"], "the page has text nodes"
    leaking = [t for t in state["texts"] if any(c.isalnum() for c in t)]
    assert leaking == []
    assert all(set(v.replace(" ", "")) == {"*"} for v in _typed(state))
    assert all(not any(c.isalnum() for c in i["placeholder"]) for i in state["inputs"])


def test_modes_change_pixels_not_layout(qtbot, qapp):
    """Masked text keeps its length: the page keeps its size while its pixels change."""
    import numpy as np

    _, plain = _draw(qtbot, qapp, "as-recorded")
    _, masked = _draw(qtbot, qapp, "mask-text")
    assert (plain.width(), plain.height()) == (masked.width(), masked.height())

    def arr(img):
        img = img.convertToFormat(img.Format.Format_RGB888)
        data = bytes(img.constBits())[: img.sizeInBytes()]  # a copy: the converted image goes away
        return np.frombuffer(data, np.uint8).reshape(img.height(), img.bytesPerLine())

    assert (arr(plain) != arr(masked)).mean() > 0.001


def test_unknown_mode_is_refused(qtbot, qapp):
    with headless_view(qapp, 320, 200) as view:
        with pytest.raises(ValueError, match="unknown privacy mode"):
            view.set_privacy_mode("blur-everything")
        assert view.privacy_mode == "as-recorded"
