"""Zoom of the replay: ReplayView.displayed_rect() agrees with where renderer.js draws the page,
in fit mode, at 100% (scrolled) and zoomed in and out; the window's View menu drives it."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QRect

from replaydesk.ui.replay import ReplayView

pytestmark = pytest.mark.qt


@pytest.fixture
def view(qtbot):
    v = ReplayView()
    qtbot.addWidget(v)
    v.resize(800, 600)
    v.show()
    qtbot.waitExposed(v)
    qtbot.waitUntil(lambda: v.is_ready, timeout=30_000)
    v.set_viewport(1280, 720)
    yield v
    v.shutdown()


def js(qtbot, v, code):
    """The JSON value of ``code`` (PySide turns JS arrays into "")."""
    out = []
    v.run_javascript(f"JSON.stringify({code})", out.append)
    qtbot.waitUntil(lambda: bool(out), timeout=10_000)
    return json.loads(out[0])


def stage_rect(qtbot, v) -> QRect:
    r = js(qtbot, v, "(() => { const r = document.getElementById('rd-stage').getBoundingClientRect();"
                     " return [r.left, r.top, r.width, r.height]; })()")
    return QRect(round(r[0]), round(r[1]), round(r[2]), round(r[3]))


def same(a: QRect, b: QRect) -> bool:
    return all(abs(x - y) <= 1 for x, y in ((a.x(), b.x()), (a.y(), b.y()), (a.width(), b.width()), (a.height(), b.height())))


def test_fit_is_the_default_and_matches_the_page(qtbot, view):
    assert view.zoom == "fit"
    web = view.web_view()
    scale = min(web.width() / 1280, web.height() / 720, 1.0)
    assert abs(view.zoom_scale() - scale) < 1e-9
    r = view.displayed_rect()
    assert r.width() == round(1280 * scale) and r.x() == 0  # width-bound: fills the width
    qtbot.waitUntil(lambda: same(stage_rect(qtbot, view), view.displayed_rect()), timeout=5_000)


def test_actual_size_scrolls_and_stays_in_step_with_the_page(qtbot, view):
    changes = []
    view.zoomChanged.connect(changes.append)
    view.set_zoom(1.0)
    assert changes == [1.0] and view.zoom_scale() == 1.0
    qtbot.waitUntil(lambda: same(stage_rect(qtbot, view), view.displayed_rect()), timeout=5_000)
    assert view.displayed_rect().size().toTuple() == (1280, 720)
    # the outer page scrolls (scroll bars, wheel, drag): the rect moves with it
    # (set_zoom kept the centre of the page in view: it scrolled already)
    assert js(qtbot, view, "[window.scrollX, window.scrollY]") == [240, 60]
    sx, sy = js(qtbot, view, "(window.scrollTo(100, 30), [window.scrollX, window.scrollY])")
    assert (sx, sy) == (100, 30)
    qtbot.waitUntil(lambda: view.page().scrollPosition().toPoint().toTuple() == (100, 30), timeout=5_000)
    r = view.displayed_rect()
    assert r.x() < 0 and r.y() < 0
    assert same(stage_rect(qtbot, view), r)


def test_zoom_steps(qtbot, view):
    fit = view.zoom_scale()
    up = view.zoom_step(+1)
    assert up > fit and up in ReplayView.ZOOM_STEPS
    view.set_zoom(up)
    view.set_zoom(view.zoom_step(+1))
    assert view.zoom_scale() > up
    qtbot.waitUntil(lambda: same(stage_rect(qtbot, view), view.displayed_rect()), timeout=5_000)
    view.set_zoom(0.25)
    assert view.zoom_step(-1) == 0.25  # the smallest step stays
    qtbot.waitUntil(lambda: same(stage_rect(qtbot, view), view.displayed_rect()), timeout=5_000)
    r = view.displayed_rect()
    assert r.width() == 320 and r.x() == (view.web_view().width() - 320) // 2  # centred when smaller
    view.set_zoom("fit")
    qtbot.waitUntil(lambda: same(stage_rect(qtbot, view), view.displayed_rect()), timeout=5_000)
    assert js(qtbot, view, "[window.scrollX, window.scrollY]") == [0, 0]


def test_view_menu_zoom_actions_and_readout(qtbot, tmp_path):
    from replaydesk.ui.main_window import MainWindow
    from replaydesk.ui.settings import use_settings_file

    use_settings_file(str(tmp_path / "s.ini"))
    try:
        w = MainWindow(tmp_path / "store.db")
        qtbot.addWidget(w)
        w.resize(1280, 800)
        w.show()
        a = w.actions_by_id
        assert a["zoom_fit"].shortcut().toString() == "Ctrl+0"
        a["zoom_actual"].trigger()
        assert w.player.view.zoom == 1.0 and w.player.transport.zoom_button.text() == "100%"
        a["zoom_in"].trigger()
        assert w.player.view.zoom == 1.1
        a["zoom_out"].trigger()
        a["zoom_out"].trigger()
        assert w.player.view.zoom == 0.9
        a["zoom_fit"].trigger()
        assert w.player.view.zoom == "fit" and w.player.transport.zoom_button.text().startswith("Fit ")
        menu = w.player.transport.zoom_button.menu()
        assert [x.objectName() for x in menu.actions()] == ["zoom_fit", "zoom_actual", "zoom_in", "zoom_out"]
        w.close()
    finally:
        use_settings_file(None)
