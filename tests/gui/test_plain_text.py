"""Recorded text is plain text everywhere in the window (issue 9).

Qt guesses that a string starting like HTML is rich text (tooltips always guess,
labels and message boxes at ``Qt.AutoText`` too) and then loads ``<img src=...>``
from the local disk: a recorded label ``<img src="/some/fifo">`` hung the GUI
thread as soon as its row was hovered.

The hostile recording is generated here: every field a recording can fill (URLs
and hrefs, the page title, element text and labels, typed values, console
messages and stacks, custom events, user and meta fields, the session id and a
file name) carries ``<img src="FIFO">`` pointing at its own FIFO, and a
``javascript:`` URL. Opening a FIFO for reading blocks until a writer comes, so a
watchdog thread keeps trying a non-blocking open of each FIFO's writer side: it
fails with ENXIO while nobody reads, and succeeds (and unblocks the reader) the
moment Qt opens one, naming the field that leaked. Then each place that shows
the data is shown (tooltips via hover events and ``QToolTip``, labels, the
Details/Errors/Pages tabs, the session list, the timeline, the status bar, the
window title, the import report and error dialogs) and the text must appear
literally.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, QTimer
from PySide6 import QtGui
from PySide6.QtGui import QHelpEvent, QTextDocument
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QMessageBox, QPlainTextEdit, QTextEdit, QToolTip, QTreeWidget

from replaydesk.ui.main_window import MainWindow
from replaydesk.ui.settings import use_settings_file
from replaydesk.ui.timeline import LANES, _lane_center

pytestmark = pytest.mark.qt

T0 = 1_700_000_000_000
JS_URL = "javascript:alert(document.domain)//"
FIELDS = (
    "session_id", "user_id", "user_name", "user_email", "user_agent", "journey", "meta_note", "meta_nested",
    "href", "href2", "title", "button_text", "aria_label", "link_text", "input_value", "console_message",
    "console_stack", "custom_tag", "custom_payload", "file_name",
)


_WATCHER = r"""
import errno, os, sys, time
folder, log = sys.argv[1], sys.argv[2]
names = [n for n in os.listdir(folder) if n.startswith("f_")]
while True:
    for n in names:
        try:
            fd = os.open(os.path.join(folder, n), os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno == errno.ENXIO:  # nobody has it open for reading
                continue
            raise
        with open(log, "a") as f:
            f.write(n[2:] + "\n")
        os.close(fd)  # the reader sees end of file and carries on
    time.sleep(0.01)
"""


class FifoWatch:
    """One FIFO per field, watched by another process (a thread would need the GIL,
    which a GUI thread blocked in Qt's ``open()`` may hold): it notices, and unblocks,
    any reader that opens one."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.paths = {}
        for f in FIELDS:
            p = folder / f"f_{f}"
            os.mkfifo(p)
            self.paths[f] = p
        self.log = folder.parent / "fifo-opened.log"
        self.log.touch()
        self._proc = subprocess.Popen([sys.executable, "-c", _WATCHER, str(folder), str(self.log)])

    @property
    def opened(self) -> list[str]:
        return self.log.read_text().split()

    def stop(self) -> None:
        self._proc.terminate()
        self._proc.wait(10)


def payload(field: str, watch: FifoWatch, *, absolute: bool = False, quote: str = '"') -> str:
    """``<img src="...">`` aimed at the field's FIFO (relative: the test runs in its folder,
    and short, so it survives the 40-character clipping of element names)."""
    src = str(watch.paths[field]) if absolute else watch.paths[field].name
    return f"<img src={quote}{src}{quote}>"


def hostile_session(folder: Path, watch: FifoWatch) -> str:
    """Write ``folder/<name>/{events.json,meta.json}``; returns the session id."""
    P = lambda f, **k: payload(f, watch, **k)  # noqa: E731
    sid = f"ses_{P('session_id')}[*]"
    ids = iter(range(1, 1000))

    def el(tag, attrs=None, kids=()):
        return {"type": 2, "tagName": tag, "attributes": attrs or {}, "childNodes": list(kids), "id": next(ids)}

    def tx(s):
        return {"type": 3, "textContent": s, "id": next(ids)}

    doc_id = next(ids)
    button = el("button", {"id": "go"}, [tx(P("button_text"))])
    labelled = el("button", {"aria-label": P("aria_label")}, [tx("x")])
    link = el("a", {"href": JS_URL + P("href", absolute=True)}, [tx(P("link_text"))])
    field = el("input", {"type": "text", "name": "q"})
    html = el("html", {}, [
        el("head", {}, [el("title", {}, [tx(P("title"))])]),
        el("body", {}, [button, labelled, link, field]),
    ])
    snapshot = {"type": 0, "childNodes": [{"type": 1, "name": "html", "publicId": "", "systemId": "", "id": next(ids)}, html], "id": doc_id}
    href = f"{JS_URL}{P('href', absolute=True)}"
    ev = [
        {"type": 4, "data": {"href": href, "width": 1024, "height": 700}, "timestamp": T0},
        {"type": 2, "data": {"node": snapshot, "initialOffset": {"left": 0, "top": 0}}, "timestamp": T0 + 5},
    ]
    t = T0 + 500

    def inc(source, **data):
        nonlocal t
        t += 400
        ev.append({"type": 3, "data": {"source": source, **data}, "timestamp": t})

    inc(2, type=2, id=button["id"], x=20, y=20)
    inc(2, type=2, id=labelled["id"], x=60, y=20)
    inc(2, type=2, id=link["id"], x=120, y=20)
    inc(5, id=field["id"], text=P("input_value"), isChecked=False)
    t += 400
    ev.append({"type": 6, "data": {"plugin": "rrweb/console@1", "payload": {
        "level": "error", "payload": [orjson.dumps(P("console_message", absolute=True, quote="'")).decode()],
        "trace": [f"{P('console_stack')} at {JS_URL}x.js:1:1"]}}, "timestamp": t})
    t += 400
    ev.append({"type": 5, "data": {"tag": P("custom_tag"), "payload": {"v": P("custom_payload")}}, "timestamp": t})
    t += 400
    ev.append({"type": 4, "data": {"href": f"{JS_URL}{P('href2')}", "width": 1024, "height": 700}, "timestamp": t})
    ev.append({"type": 2, "data": {"node": snapshot, "initialOffset": {"left": 0, "top": 0}}, "timestamp": t + 5})
    inc(2, type=2, id=button["id"], x=20, y=20)
    meta = {
        "sessionId": sid,
        "user": {"id": P("user_id"), "name": P("user_name"), "email": P("user_email")},
        "userAgent": P("user_agent") + " Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0",
        "journey": P("journey"),
        "note": f"{JS_URL}{P('meta_note', absolute=True)}",
        "nested": {"deep": [P("meta_nested")]},
        "viewport": {"width": 1024, "height": 700},
    }
    d = folder / "session-a"
    d.mkdir(parents=True)
    (d / "events.json").write_bytes(orjson.dumps(ev))
    (d / "meta.json").write_bytes(orjson.dumps(meta))
    # a file the importer rejects, named with a payload: the import report quotes its name
    bad = folder.parent / "loose" / f"{P('file_name')}.json"
    bad.parent.mkdir(exist_ok=True)
    bad.write_bytes(b"\x00 not a recording")
    return sid


def shown_text(text: str, fmt: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    """What Qt draws for ``text`` in a label/tooltip of format ``fmt``."""
    rich = fmt == Qt.TextFormat.RichText or (fmt == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text))
    if not rich:
        return text
    doc = QTextDocument()
    doc.setHtml(text)  # no layout here: nothing is loaded (the watchdog would tell)
    return doc.toPlainText()


def assert_literal(where: str, text: str, fmt=Qt.TextFormat.AutoText) -> None:
    """Recorded payload text shows as itself: ``<img src=`` is still there, as characters."""
    if "img src=" in text:
        assert "<img src=" in shown_text(text, fmt), f"{where}: shown as rich text: {text[:200]!r}"


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    probes = tmp_path / "probes"
    probes.mkdir()
    monkeypatch.chdir(probes)  # relative image sources resolve here
    watch = FifoWatch(probes)
    archive = tmp_path / "archive"
    archive.mkdir()
    sid = hostile_session(archive, watch)
    yield watch, archive, sid
    watch.stop()


def _tooltips_of_view(qtbot, view, where: str, shown: list) -> None:
    """Hover every cell (a real ToolTip help event) and check what the tooltip shows."""
    model = view.model()
    for r in range(model.rowCount()):
        for c in range(model.columnCount()):
            idx = model.index(r, c)
            tip = idx.data(Qt.ItemDataRole.ToolTipRole)
            cell = idx.data(Qt.ItemDataRole.DisplayRole)
            if isinstance(cell, str):
                shown.append((f"{where} cell", cell))  # delegates draw cells as plain text
            if not tip:
                continue
            view.scrollTo(idx, QAbstractItemView.ScrollHint.PositionAtCenter)
            rect = view.visualRect(idx)
            pos = rect.center()
            ev = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
            QApplication.sendEvent(view.viewport(), ev)
            QApplication.processEvents()
            assert_literal(f"{where} tooltip r{r}c{c}", tip)
            if QToolTip.isVisible():
                assert_literal(f"{where} shown tooltip r{r}c{c}", QToolTip.text())
            shown.append((f"{where} tooltip", shown_text(tip)))


def _tree_tooltips(tree, where: str, shown: list) -> None:
    def walk(item):
        for c in range(tree.columnCount()):
            tip = item.toolTip(c)
            shown.append((f"{where} cell", item.text(c)))
            if tip:
                assert_literal(f"{where} tooltip {item.text(0)}", tip)
                QToolTip.showText(tree.viewport().mapToGlobal(QPoint(10, 10)), tip, tree)
                QApplication.processEvents()
                shown.append((f"{where} tooltip", shown_text(tip)))
        for i in range(item.childCount()):
            walk(item.child(i))

    for i in range(tree.topLevelItemCount()):
        walk(tree.topLevelItem(i))


def _text_areas(root, where: str, shown: list) -> None:
    for area in root.findChildren(QPlainTextEdit):
        shown.append((f"{where} text area", area.toPlainText()))  # always plain
    for area in root.findChildren(QTextEdit):
        text = area.toPlainText()
        assert "\ufffc" not in text, f"{where}: an image object in a text area"
        shown.append((f"{where} text area", text))


def _labels(root, where: str, shown: list) -> None:
    for label in root.findChildren(QLabel):
        label.sizeHint()  # lays the text out: rich text would load its images now
        assert_literal(f"{where} label {label.objectName()}", label.text(), label.textFormat())
        shown.append((f"{where} label", shown_text(label.text(), label.textFormat())))


def test_recorded_text_is_plain_everywhere(qtbot, tmp_path, hostile):
    watch, archive, sid = hostile
    use_settings_file(str(tmp_path / "settings.ini"))
    w = MainWindow(tmp_path / "store.db")
    qtbot.addWidget(w)
    try:
        w.resize(1400, 900)
        w.show()
        qtbot.waitExposed(w)
        progress: list[tuple[str, Qt.TextFormat]] = []

        def progress_label_shown(*_args) -> None:  # runs after the window's own slot
            w.progress_label.sizeHint()
            progress.append((w.progress_label.text(), w.progress_label.textFormat()))

        w.importer.started.connect(progress_label_shown)
        w.importer.progressed.connect(progress_label_shown)
        (bad,) = (archive.parent / "loose").iterdir()
        with qtbot.waitSignal(w.importer.finished, timeout=60_000) as sig:
            w.import_paths([str(bad)])  # rejected: the report dialog and the progress name it
        rejected = sig.args[0].rejected
        assert rejected and "file_name" in rejected[0][0], rejected
        with qtbot.waitSignal(w.importer.finished, timeout=60_000) as sig:
            w.import_paths([str(archive)])
        report = sig.args[0]
        assert report.added, report.rejected
        assert any("file_name" in text for text, _fmt in progress), progress
        shown: list[tuple[str, str]] = []
        for text, fmt in progress:  # the status bar's import progress names the files
            assert_literal("import progress label", text, fmt)
            shown.append(("import progress label", shown_text(text, fmt)))

        # the import report dialog and the status bar
        dlg = w.last_report_dialog
        qtbot.waitExposed(dlg)
        dlg.grab()
        _labels(dlg, "import report", shown)
        _tree_tooltips(dlg.tree, "import report", shown)
        shown.append(("status bar", w.statusBar().currentMessage()))

        # the session: list, title, tabs, inspector, timeline
        stored = report.added[0]
        assert w.sessions.select_session(stored)
        qtbot.waitUntil(lambda: w.player.session_id == stored and w.player.inspector.model.rowCount() > 0, timeout=60_000)
        w.grab()
        title = w.windowHandle().title()
        shown.append(("window title", title))
        assert stored in title, (title, stored)  # "[*]" in the id is shown, not eaten
        _tooltips_of_view(qtbot, w.sessions.view, "session list", shown)
        _tooltips_of_view(qtbot, w.player.inspector.view, "inspector", shown)
        for name in ("pages_tab", "errors_tab"):
            tab = getattr(w.panel, name, None)
            if tab is not None:
                w.panel.setCurrentWidget(tab)
                _tooltips_of_view(qtbot, tab.view, name, shown)
                for r in range(tab.view.model().rowCount()):  # the selected row's detail area
                    tab.view.setCurrentIndex(tab.view.model().index(r, 0))
                    QApplication.processEvents()
                    _text_areas(tab, name, shown)
        w.panel.setCurrentWidget(w.panel.details)
        for tree in w.panel.findChildren(QTreeWidget):
            _tree_tooltips(tree, "details", shown)
        _labels(w, "window", shown)
        _text_areas(w, "window", shown)

        tl = w.player.timeline
        lane_of = {kind: i for i, (_t, kinds) in enumerate(LANES) for kind in kinds}
        for m in tl._timeline.markers:
            if m.kind not in lane_of:
                continue
            y = _lane_center(lane_of[m.kind])
            text = tl.tooltip_at(m.t, y)
            tl._on_scene_mouse_moved(tl._vb.mapViewToScene(QPointF(m.t, y)))  # the hover handler
            QApplication.processEvents()
            if QToolTip.isVisible():
                assert_literal(f"timeline tooltip {m.kind}", QToolTip.text())
                shown.append(("timeline tooltip", shown_text(QToolTip.text())))
            shown.append(("timeline text", text))

        # an import that fails outright, quoting a file name (a modal box: read it, then close it)
        failed_boxes: list[QMessageBox] = []

        def read_failed_box() -> None:
            box = QApplication.activeModalWidget()
            if isinstance(box, QMessageBox):
                failed_boxes.append(box)
                box.grab()
                assert_literal("import failed dialog", box.text(), box.textFormat())
                shown.append(("import failed dialog", shown_text(box.text(), box.textFormat())))
                box.close()
            else:
                QTimer.singleShot(50, read_failed_box)

        QTimer.singleShot(50, read_failed_box)
        w.importer.failed.emit(f"Import failed: [Errno 13] Permission denied: '{bad}'")
        qtbot.waitUntil(lambda: bool(failed_boxes), timeout=10_000)

        # an unexpected error quoting recorded text
        from replaydesk.ui.errors import install_error_handler

        saved_hook = sys.excepthook
        try:
            install_error_handler(w)
            try:
                raise ValueError(f"cannot use {payload('console_message', watch, absolute=True)}")
            except ValueError as exc:
                sys.excepthook(type(exc), exc, exc.__traceback__)
        finally:
            sys.excepthook = saved_hook
        box: QMessageBox = w._last_error_box
        box.grab()
        assert_literal("error dialog", box.text(), box.textFormat())
        shown.append(("error dialog", shown_text(box.text(), box.textFormat())))
        _labels(box, "error dialog", shown)
        box.close()
        QToolTip.hideText()
        QApplication.processEvents()
        time.sleep(0.1)
    finally:
        w.close()
        use_settings_file(None)

    assert not watch.opened, f"Qt opened files named in recorded text: {sorted(set(watch.opened))}"
    everything = "\n".join(text for _w, text in shown)
    # the text is there, literally, for the fields the window shows
    for field in ("user_name", "button_text", "aria_label", "input_value", "console_message", "console_stack",
                  "custom_tag", "meta_note", "file_name", "session_id"):
        assert any(f"<img src={q}{src}{q}>" in everything for q in "'\"" for src in (watch.paths[field].name, watch.paths[field])), field
    assert JS_URL in everything
    literal_tooltips = [t for w_, t in shown if "tooltip" in w_ and "<img src=" in t]
    assert len(literal_tooltips) >= 10, literal_tooltips
