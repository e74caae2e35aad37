"""Fidelity of the renderer against the corpus ground truth, compared with rrweb's own replayer.

For every truth moment of every corpus session we render the frame headlessly (recorded viewport,
device pixel ratio 1), score it against ``truth/<ms>.png`` and score rrweb's ``rrweb/<ms>.png``
the same way (share of pixels whose largest RGB channel difference is <= 24). The table goes to
docs/fidelity.md; rendered frames are kept in $REPLAYDESK_FRAME_DIR (default /tmp/replaydesk-frames)
for looking at them next to the truth.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from pathlib import Path

import pytest

from fidelity import THRESHOLD, colour_count, corpus_moments, load_png, recording_moments, to_array, within
from qt_helpers import headless_view, renderer_problems, show_moment, wait_ready

CORPUS = Path(os.environ.get("REPLAYDESK_CORPUS", Path(__file__).resolve().parents[2].parent / "shared" / "corpus"))
FRAME_DIR = Path(os.environ.get("REPLAYDESK_FRAME_DIR", "/tmp/replaydesk-frames"))
# the table is written to $REPLAYDESK_DOCS_DIR (tests never change tracked files); regenerate the
# committed copy with: REPLAYDESK_DOCS_DIR=docs python -m pytest tests/ui/test_replay_fidelity.py
DOC = Path(os.environ.get("REPLAYDESK_DOCS_DIR", "/tmp/replaydesk-docs")) / "fidelity.md"
if not CORPUS.is_dir():
    raise RuntimeError(f"the shared corpus is missing: expected it at {CORPUS} (CI lays ../shared beside the checkout)")
MOMENTS = corpus_moments(CORPUS)
_results: dict[tuple[str, int], dict] = {}
STRICT = os.environ.get("REPLAYDESK_FIDELITY_STRICT") == "1"
ENGINE_GAP_FLOOR = 0.995  # at most 0.5 % differing pixels: the accepted engine gap (issue 16), see below
_events: dict[str, list] = {}


@pytest.fixture(scope="module")
def view(qapp):
    with headless_view(qapp, 1280, 800) as v:
        yield v
    if MOMENTS and len(_results) == len(MOMENTS):
        write_table(_results)


NOTES = """## Where ours is better than rrweb, and why

* **Entry animations**: rrweb pauses CSS animations on pause, so rows inserted with a keyframe
  entry animation stay at their first keyframe (invisible). We put every animation at the phase it
  had at the recorded time (finite ones that are over are finished; infinite ones get their live
  phase) and freeze it (`ses_49340e341bb8`).
* **Text selection** is painted in the active (blue) selection colour of the live page, not the
  grey inactive colour of an unfocused replay frame (`ses_8339d0629316` 20361: 96.83 % -> 99.86 %).
* **No focus rings the live page never showed**: we never call `.focus()`; focus is simulated with
  `.\\:focus` / `.\\:focus-visible` classes following Chromium's rule (text fields always, other
  elements only after keyboard focus), with Chromium's own ring colour (`ses_ac59c861b05d`,
  `ses_894a31ac3a8c`).
* **Images added by mutations** with `rr_dataURL` are shown (rrweb throws and drops the rest of
  the mutation: the phone cart, 84-86 % -> 99.7 %).
* **Canvas**: 2D commands are replayed from the trusted outer page into the frame's canvases (no
  `allow-scripts`), so canvases survive re-seeks.
* **Hover** follows the element under the pointer *now* (after scrolls and page loads) for mouse
  sessions, and sticks to the tapped element in touch sessions (touch drags never hover).

## Where ours is lower, and why (investigated)

All remaining lower moments are within 0.03-0.2 % of the pixels and are text only:

* **Glyph rasterization**: the truth and rrweb's frames come from the same Chromium 156 build;
  ours from QtWebEngine 6.11 (Chromium 140). Glyph *positions* are identical (column-profile
  cross-correlation peaks at shift 0, total ink differs by about 1 %), but FreeType/Skia rasterize
  glyph edges slightly differently, so some edge pixels differ by more than 24. No setting fixes
  this (tried fontconfig `hintnone`: worse, 98.1-99.6 %; Chromium's `--text-contrast` /
  `--text-gamma`: no effect in this build). It disappears only with the same engine version.
* **Form-control font**: Chromium draws buttons/inputs with the platform UI font. The recording
  machine had *Liberation Sans*; a machine without `fonts-liberation` falls back to DejaVu. Our injected CSS asks for
  `"Liberation Sans", Arimo, Arial, sans-serif` (page CSS still wins). With the `fonts-liberation`
  package available (verified with a private FONTCONFIG_FILE, nothing installed) the phone and
  shop moments go up (e.g. `ses_894a31ac3a8c` 24075: 99.71 % -> 99.91 %, `ses_ac59c861b05d` 41024
  and `ses_894a31ac3a8c` 18720 then beat rrweb). Recommendation: install `fonts-liberation` in
  the runtime/CI image.
* **10 Hz widgets**: the truth frame is painted 5-30 ms after its timestamp, so it sometimes shows
  one more tick than the events up to `<ms>` (e.g. the throughput meter at 53702); we keep the
  strict "events up to t" semantics.

A lower moment passes when at most 0.5 % of its pixels differ (the accepted engine gap, glyph
edges); anything larger fails. `REPLAYDESK_FIDELITY_STRICT=1` reports every lower moment as a
warning (it does not fail).

## Anchor pages: the scroll-offset investigation (issue 16)

`tests/data/anchor-site/` is a documentation-style page (sticky header, sticky scrollable table
of contents, anchors with `scroll-margin-top`, smooth scrolling, a `<details>` that opens with a
height transition on `::details-content`, a filter box, an image without a size).
`tests/tools/record_rrweb.cjs` recorded it with rrweb 2.2.2 in Chromium 156 (DPR 1): on a
desktop (1440x900: anchor jumps, opening the details, wheel-scrolling the contents, filtering,
jumping again) and on a tablet (820x1180 touch, rotated to 1180x820). rrweb's settled frames
(`tests/tools/rrweb_reference.cjs`, scores kept in each `meta.json` as `rrwebWithin`) and ours:

| recording | moment (ms) | ours before | ours | rrweb |
|---|---:|---:|---:|---:|
| `anchor-desktop` | 2763 | 99.83% | 99.83% | 100.00% |
| `anchor-desktop` | 4560 | 93.28% | 99.80% | 99.73% |
| `anchor-desktop` | 8897 | 90.34% | 99.83% | 100.00% |
| `anchor-tablet` | 5028 | 88.48% | 99.72% | 99.76% |
| `anchor-tablet` | 6311 | 87.82% | 99.77% | 100.00% |
| `anchor-tablet` | 7927 | 87.39% | 99.75% | 100.00% |

(The "ours before" column is the frame built from the event stream, as in this test. The seek
path, which builds the page with the details already open, was at the "ours" figures all along.
What is left is glyph edges: the best vertical shift against the truth is 0 px.)

**Cause found: the scroll is applied before layout settles (the `<details>`).** Opening the
details starts a transition on its `::details-content` pseudo-element. Chromium 140 does not list
that pseudo-element's transitions in `getAnimations()`, so `settleAnimations` could not finish it.
The frame was painted while the content was still growing from height 0. Scroll anchoring in the
replay then pushed the restored scroll down by the growth (7490 -> 7815 px, 3816 -> 4140 px): the
live page had already applied that anchoring, and its result is in the recorded scroll events.
Fixes, in the injected CSS (`css.js`): `details::details-content { transition: none }`, and
`overflow-anchor: none` everywhere. The replay's scroll is what was recorded and nothing else. On
this page, without a transition, the frames matched from the start.

The other suspects, each checked with a page variant recorded the same way:

* *Rounded or fractional scroll*: Chromium at DPR 1 records whole-pixel offsets, and we pass them
  on unchanged (the Python side keeps floats). **Not the cause.**
* *Wrong scrolling element*: the document's id scrolls the frame's window. A variant that scrolls
  `<body>` (`html, body {height: 100%}`, `body {overflow-y: auto}`) scored 99.80-99.83 %.
  **Not the cause.**
* *Scroll restored on a sticky container*: the contents' own scroll (420 px, 1206 px, 1251 px) is
  restored exactly. **Not the cause.**
* *Fonts and images*: `ack` waits for image decodes and `document.fonts`, then restores the
  scrolls. A web font with `font-display: swap` and a lazy image without a size both scored
  99.75-99.83 %. Auto-height headers around the filter box also matched, because
  `fonts-liberation` is installed.

Still open: sections with `content-visibility: auto` score 91-94 %. Sections the live page had
scrolled past keep their remembered size. In the replay they were never rendered, so the
document is shorter and the sections near the restored scroll stay unrendered.

Note on rrweb: `pause()` scrolls with `behavior: "auto"`, which this page's
`scroll-behavior: smooth` animates. Grabbed 0.4 s after the pause, rrweb's frames were 82-90 % in
mid-scroll; the figures above wait 2 s.

## WebGL canvases

rrweb records WebGL as a command stream (CanvasMutation type 1/2; objects referred to by an
index in creation order per type). `resources/replay/webgl.js` runs those commands from the
trusted page on a WebGL context of its own (an OffscreenCanvas per recorded canvas; only
methods of the WebGL prototype, by name; the content frame still runs no script and documents
still get no WebGL, `WebGLEnabled` stays off) and copies the drawing buffer into the mirrored
canvas, shown like a 2D canvas. A seek replays the canvas's whole command history. Without a
GPU this needs Chromium's software WebGL: the headless renderer and the tests start QtWebEngine
with `--disable-gpu --use-gl=angle --use-angle=swiftshader-webgl` (`qtenv.SOFTWARE_GL_FLAGS`);
with `--disable-gpu` alone there is no WebGL, and the renderer says so once (a warning) and
leaves such canvases as recorded. The WebGL test recording (a WebGL 1 and a WebGL 2 triangle) matches the
live page at 100.00 %.

## Fonts

Replays are closest with the recording machine's fonts installed: *Liberation Sans* (Debian
`fonts-liberation`, metric-compatible with Arial) for form controls and `sans-serif`, plus DejaVu as
the fallback. The README's system-package line and `.ci/run` install `fonts-liberation`.
"""


def write_table(results: dict) -> None:
    rows = [
        "# Replay fidelity against ground truth",
        "",
        "Generated by `tests/ui/test_replay_fidelity.py`. Score = share of pixels whose largest RGB",
        f"channel difference from `truth/<ms>.png` is <= {THRESHOLD}, on equal-size images. *ours* is",
        "`render_frame_png` (QtWebEngine renderer, headless, DPR 1); *rrweb* is rrweb 2.2.2's Replayer",
        "(`rrweb/<ms>.png`) scored the same way.",
        "",
        "| session | moment (ms) | label | ours | rrweb | verdict |",
        "|---|---:|---|---:|---:|---|",
    ]
    for m in MOMENTS:
        r = results[(m.session, m.ms)]
        verdict = "better" if r["ours"] > r["rrweb"] else ("equal" if r["ours"] == r["rrweb"] else "**lower**")
        rows.append(f"| `{m.session}` | {m.ms} | {m.label} | {r['ours'] * 100:.2f}% | {r['rrweb'] * 100:.2f}% | {verdict} |")
    ours = sum(r["ours"] for r in results.values()) / len(results)
    theirs = sum(r["rrweb"] for r in results.values()) / len(results)
    lower = sum(1 for r in results.values() if r["ours"] < r["rrweb"])
    rows += ["", f"Mean: ours {ours * 100:.2f}%, rrweb {theirs * 100:.2f}%. Moments where ours is lower: {lower}.", ""]
    rows += [NOTES]
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text("\n".join(rows))


@pytest.mark.skipif(not MOMENTS, reason="corpus not available")
@pytest.mark.parametrize("moment", MOMENTS, ids=[f"{m.session}-{m.ms}" for m in MOMENTS])
def test_frame_matches_truth_at_least_as_well_as_rrweb(qtbot, view, moment):
    wait_ready(qtbot, view)
    if moment.session not in _events:
        _events[moment.session] = json.loads((CORPUS / moment.session / "events.json").read_text())
    img = show_moment(qtbot, view, _events[moment.session], moment.ms)
    FRAME_DIR.mkdir(parents=True, exist_ok=True)
    img.save(str(FRAME_DIR / f"{moment.session}_{moment.ms}.png"))
    truth = load_png(moment.truth)
    ours = within(to_array(img), truth)
    theirs = within(load_png(moment.rrweb), truth)
    _results[(moment.session, moment.ms)] = {"ours": ours, "rrweb": theirs}
    assert img.width() == truth.shape[1] and img.height() == truth.shape[0]
    assert renderer_problems(view, min_level=1) == []  # the corpus replays without a warning
    if ours < theirs and ours >= ENGINE_GAP_FLOOR:
        # Accepted (issue 16; docs/fidelity.md "Where ours is lower"): rrweb's frames come from the
        # same Chromium 156 build as the truth, ours from QtWebEngine 6.11 (Chromium 140); glyph
        # positions are identical, glyph edges rasterize slightly differently. A real rendering bug
        # (missing element, wrong scroll/state, blank canvas) moves far more than 0.5 % of the
        # pixels and still fails. REPLAYDESK_FIDELITY_STRICT=1 reports each such moment.
        if STRICT:
            warnings.warn(f"{moment.session}@{moment.ms}: engine glyph gap, ours {ours:.4%} < rrweb {theirs:.4%}",
                          stacklevel=1)
        return
    assert ours >= theirs, f"ours {ours:.4%} < rrweb {theirs:.4%} ({moment.label})"


# ------------------------------------------------------------------ recordings made for the tests

OWN_MOMENTS = recording_moments()
# the WebGL page: WebGL 1 triangle and clear colour, WebGL 2 triangle and clear colour
ORANGE, CLEAR_BLUE, GREEN, CLEAR_CREAM = (255, 128, 0), (20, 51, 102), (0, 153, 51), (255, 255, 217)


def _own_frame(qtbot, view, moment):
    wait_ready(qtbot, view)
    key = "own:" + moment.session
    if key not in _events:
        _events[key] = json.loads((moment.truth.parents[1] / "events.json").read_text())
    img = show_moment(qtbot, view, _events[key], moment.ms)
    FRAME_DIR.mkdir(parents=True, exist_ok=True)
    img.save(str(FRAME_DIR / f"{moment.session}_{moment.ms}.png"))
    return img


@pytest.mark.parametrize("moment", OWN_MOMENTS, ids=[f"{m.session}-{m.ms}" for m in OWN_MOMENTS])
def test_test_recording_frame_matches_truth(qtbot, view, moment):
    """Anchor-page sessions (desktop 1440x900; tablet with a rotation: sticky header, sticky
    scrolled contents, scroll-margin-top anchors, <details>, a filter box) and a WebGL canvas,
    recorded with rrweb 2.2.2 in Chromium: at most 0.5 % of the pixels may differ from the
    live page (a scroll off by a few pixels moves 5-7 %, a blank canvas 16 %)."""
    img = _own_frame(qtbot, view, moment)
    truth = load_png(moment.truth)
    assert (img.width(), img.height()) == (truth.shape[1], truth.shape[0])
    ours = within(to_array(img), truth)
    # rrweb 2.2.2's settled frame, scored the same way (tests/tools/rrweb_reference.cjs)
    meta = json.loads((moment.truth.parents[1] / "meta.json").read_text())
    theirs = next(t.get("rrwebWithin") for t in meta["truthScreenshots"] if t["ms"] == moment.ms)
    assert ours >= ENGINE_GAP_FLOOR, f"{moment.session}@{moment.ms}: {ours:.4%} of pixels match the truth, rrweb {theirs:.4%} ({moment.label})"
    if STRICT and ours < theirs:
        warnings.warn(f"{moment.session}@{moment.ms}: engine glyph gap, ours {ours:.4%} < rrweb {theirs:.4%}", stacklevel=1)
    assert renderer_problems(view, min_level=1) == []


def test_webgl_canvas_shows_its_drawn_frame(qtbot, view):
    """WebGL and WebGL2 command streams (CanvasMutation type 1 and 2) are replayed from the
    trusted page: each triangle and clear colour is there, as many pixels as on the live page."""
    moment = next(m for m in OWN_MOMENTS if m.session == "webgl")
    ours = to_array(_own_frame(qtbot, view, moment))
    truth = load_png(moment.truth)
    for rgb in (ORANGE, CLEAR_BLUE, GREEN, CLEAR_CREAM):
        live = colour_count(truth, rgb)
        assert live > 5_000  # the truth shows them (the triangles are about 23 000 and 12 000 px)
        assert abs(colour_count(ours, rgb) - live) <= live * 0.01, f"colour {rgb}: {colour_count(ours, rgb)} px, live {live} px"



def _gl_driver_code_resident() -> int:
    """Bytes of the software GL driver's code resident in this process."""
    from replaydesk.ui.heap import GL_DRIVER_LIBRARIES

    total, ours = 0, False
    with open("/proc/self/smaps") as f:
        for line in f:
            head = line.split(maxsplit=5)
            if "-" in head[0] and len(head) >= 5 and not head[0].endswith(":"):
                ours = (len(head) == 6 and head[1] == "r-xp"
                        and os.path.basename(head[5].strip()).startswith(GL_DRIVER_LIBRARIES))
            elif ours and head[0] == "Rss:":
                total += int(head[1]) * 1024
    return total


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="MADV_PAGEOUT is Linux's")
def test_webgl_still_draws_after_the_idle_gl_code_is_dropped(qtbot, view):
    """Settling the heap drops Mesa's LLVM code that start-up ran from our resident set (issue 16,
    memory); a WebGL canvas replayed afterwards faults it back in and is drawn as before."""
    from replaydesk.ui.heap import release_idle_gl_code

    wait_ready(qtbot, view)
    before = _gl_driver_code_resident()
    if before < 1_000_000:
        pytest.skip("no software GL driver loaded in this process")
    assert release_idle_gl_code() > 0
    after = _gl_driver_code_resident()
    assert after < before / 4, f"{before / 1e6:.1f} -> {after / 1e6:.1f} MB resident"
    moment = next(m for m in OWN_MOMENTS if m.session == "webgl")
    ours = to_array(show_moment(qtbot, view, json.loads((moment.truth.parents[1] / "events.json").read_text()),
                                moment.ms))
    truth = load_png(moment.truth)
    for rgb in (ORANGE, CLEAR_BLUE, GREEN, CLEAR_CREAM):
        live = colour_count(truth, rgb)
        assert abs(colour_count(ours, rgb) - live) <= live * 0.01, f"colour {rgb}: {colour_count(ours, rgb)} px, live {live} px"
    assert _gl_driver_code_resident() > after  # the drawing ran the driver's code again
