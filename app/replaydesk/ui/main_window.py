"""The analyst's window. It only composes panes and wires their signals.

Panes get their state and services through constructor arguments; nothing
reaches back into the window. Layout, filters and recent archives persist in
the settings.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
)

from .. import __version__
from ..state.filters import ListState, filter_from_json, filter_to_json
from ..store import ImportReport, open_store, session_info
from .actions import ActionId, create_actions
from .import_controller import ImportController
from .import_report import ImportReportDialog
from .player import PlayerPane
from .session_list import SessionListPane
from .session_panel import SessionPanel
from .settings import Settings
from .shortcuts_dialog import ShortcutsDialog

log = logging.getLogger(__name__)

ARCHIVE_FILTER = "Recording archives (*.zip *.json *.jsonl *.ndjson *.gz *.zst);;All files (*)"


class MainWindow(QMainWindow):
    def __init__(self, db_path: str | Path, settings: Settings | None = None):
        super().__init__()
        self.setWindowTitle("ReplayDesk")
        self.setObjectName("ReplayDeskMainWindow")
        self.setAcceptDrops(True)
        self.settings = settings or Settings()
        self.db_path = Path(db_path)
        self.db = open_store(self.db_path)
        s = self.settings
        self.list_state = ListState(
            filter_from_json(s.get("list/filter")),
            s.get("list/sort"),
            s.get("list/descending"),
            ListState.saved_from_json(s.get("list/saved_filters")),
        )

        # panes
        self.sessions = SessionListPane(self.db, self.list_state)
        self.player = PlayerPane(self.db, allow_web_assets=s.get("replay/web_assets"))
        self.panel = SessionPanel()
        self.panel.add_events_tab(self.player.inspector)
        self.importer = ImportController(self.db_path, self)
        self.setCentralWidget(self.player)
        self.sessions_dock = self._dock("Sessions", self.sessions, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.panel_dock = self._dock("Inspector", self.panel, Qt.DockWidgetArea.RightDockWidgetArea)

        # actions and menus
        self.actions_by_id = create_actions(self)
        self._build_menus()
        self._build_status_bar()

        # wiring
        self.sessions.sessionSelected.connect(self.open_session)
        # a click on a session hands the keyboard to the player (Space plays);
        # arrow keys in the list keep moving through sessions
        self.sessions.view.clicked.connect(lambda _i: self.player.setFocus())
        self.panel.seekRequested.connect(self.player.seek_relative)
        self.player.statusMessage.connect(self._on_player_status)
        self.importer.started.connect(self._on_import_started)
        self.importer.progressed.connect(self._on_import_progressed)
        self.importer.sessionsLanded.connect(self._on_sessions_landed)
        self.importer.finished.connect(self._on_import_finished)
        self.importer.failed.connect(self._on_import_failed)
        self._off = [
            self.list_state.connect("filter_changed", lambda f: self.settings.set("list/filter", filter_to_json(f))),
            self.list_state.connect("sort_changed", self._on_sort_changed),
            self.list_state.connect("saved_changed", lambda _n: self.settings.set("list/saved_filters", self.list_state.saved_json())),
        ]
        self._refresh_timer = QTimer(self, singleShot=True, interval=300)
        self._refresh_timer.timeout.connect(self.sessions.model.refresh)
        self._restore_layout()
        self._update_empty_state()

    # -- composition -----------------------------------------------------
    def _dock(self, title: str, widget, area) -> QDockWidget:
        d = QDockWidget(title, self)
        d.setObjectName(title.lower() + "Dock")
        d.setWidget(widget)
        d.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, d)
        return d

    def _build_menus(self) -> None:
        a = self.actions_by_id
        mb = self.menuBar()
        file_menu = mb.addMenu("&File")
        file_menu.addAction(a[ActionId.OPEN_ARCHIVE])
        file_menu.addAction(a[ActionId.OPEN_FOLDER])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.addSeparator()
        file_menu.addAction(a[ActionId.QUIT])
        view = mb.addMenu("&View")
        view.addAction(a[ActionId.FOCUS_SEARCH])
        view.addSeparator()
        for dock, aid in ((self.sessions_dock, ActionId.TOGGLE_SESSIONS), (self.panel_dock, ActionId.TOGGLE_PANEL)):
            t = dock.toggleViewAction()
            t.setShortcut(a[aid].shortcut())
            t.setStatusTip(a[aid].statusTip())
            view.addAction(t)
            a[aid] = t
        view.addSeparator()
        view.addAction(a[ActionId.WEB_ASSETS])
        playback = mb.addMenu("&Playback")
        for act in self.player.actions():
            playback.addAction(act)
        help_menu = mb.addMenu("&Help")
        help_menu.addAction(a[ActionId.SHORTCUTS])
        help_menu.addAction(a[ActionId.ABOUT])

        a[ActionId.OPEN_ARCHIVE].triggered.connect(self.open_archive_dialog)
        a[ActionId.OPEN_FOLDER].triggered.connect(self.open_folder_dialog)
        a[ActionId.QUIT].triggered.connect(self.close)
        a[ActionId.FOCUS_SEARCH].triggered.connect(self._focus_search)
        a[ActionId.WEB_ASSETS].setChecked(self.settings.get("replay/web_assets"))
        a[ActionId.WEB_ASSETS].toggled.connect(self._on_web_assets_toggled)
        a[ActionId.SHORTCUTS].triggered.connect(self.show_shortcuts)
        a[ActionId.ABOUT].triggered.connect(self._about)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(260)
        self.progress.setTextVisible(False)
        self.progress_label = QLabel()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the import; sessions already imported stay")
        self.cancel_button.clicked.connect(self.importer.cancel)
        sb.addPermanentWidget(self.progress_label)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.cancel_button)
        self._set_import_widgets_visible(False)

    def all_actions(self):
        acts = list(self.actions_by_id.values()) + list(self.player.actions())
        return acts

    # -- sessions --------------------------------------------------------
    def open_session(self, session_id: str) -> None:
        info = session_info(self.db, session_id)
        if info is None:
            return
        self.setWindowTitle(f"{session_id} — ReplayDesk")
        self.panel.show_session(info)
        self.player.open_session(info)

    # -- importing -------------------------------------------------------
    def import_paths(self, paths: list[str]) -> None:
        paths = [p for p in paths if p]
        if not paths:
            return
        for p in paths:
            self.settings.set("files/recent", self.settings.add_recent(str(p)))
        self.settings.set("files/last_dir", str(Path(paths[0]).parent))
        self.importer.start(paths)

    def open_archive_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Open recording archive", self.settings.get("files/last_dir"), ARCHIVE_FILTER)
        self.import_paths(paths)

    def open_folder_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Open folder of recordings", self.settings.get("files/last_dir"))
        self.import_paths([path] if path else [])

    def _fill_recent_menu(self) -> None:
        m = self.recent_menu
        m.clear()
        recent = [p for p in self.settings.get("files/recent") if p]
        for p in recent:
            act = m.addAction(Path(p).name or p)
            act.setToolTip(p)
            act.setStatusTip(p)
            act.triggered.connect(lambda _=False, path=p: self.import_paths([path]))
        if not recent:
            act = m.addAction("No recent archives")
            act.setEnabled(False)

    def _set_import_widgets_visible(self, on: bool) -> None:
        for w in (self.progress, self.progress_label, self.cancel_button):
            w.setVisible(on)

    def _on_import_started(self, label: str) -> None:
        self.progress.setValue(0)
        self.progress_label.setText(f"Importing {label}…")
        self._set_import_widgets_visible(True)

    def _on_import_progressed(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.progress_label.setText(text)

    def _on_sessions_landed(self, ids: list) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _on_import_finished(self, report: ImportReport) -> None:
        self._refresh_timer.stop()
        self.sessions.model.refresh()
        self._set_import_widgets_visible(self.importer.busy)
        self.statusBar().showMessage(f"Import: {report.summary_line()}", 15_000)
        self._update_empty_state()
        if self.sessions.current_session() is None:
            first = (report.added or report.replaced or report.skipped or [None])[0]
            if first is not None:
                self.sessions.select_session(first)
        if report.rejected or report.warnings:
            self.last_report_dialog = ImportReportDialog(report, self)
            self.last_report_dialog.setModal(False)
            self.last_report_dialog.show()

    def _on_player_status(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text)
        else:
            self.statusBar().clearMessage()

    def _on_import_failed(self, message: str) -> None:
        self._set_import_widgets_visible(False)
        QMessageBox.warning(self, "Import failed", message)

    def _update_empty_state(self) -> None:
        self.player.set_empty_hint(
            None
            if self.sessions.model.total
            else "No sessions yet.\nOpen a recording archive with Ctrl+O, or drop it on this window."
        )

    # -- drag and drop ---------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt API
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    # -- misc ------------------------------------------------------------
    def _focus_search(self) -> None:
        self.sessions_dock.show()
        self.sessions.filter_bar.url.setFocus()
        self.sessions.filter_bar.url.selectAll()

    def _on_sort_changed(self, column: str, descending: bool) -> None:
        self.settings.set("list/sort", column)
        self.settings.set("list/descending", descending)

    def _on_web_assets_toggled(self, on: bool) -> None:
        self.settings.set("replay/web_assets", on)
        self.player.set_allow_web_assets(on)

    def show_shortcuts(self) -> ShortcutsDialog:
        self.shortcuts_dialog = ShortcutsDialog(self.all_actions(), self)
        self.shortcuts_dialog.show()
        return self.shortcuts_dialog

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About ReplayDesk",
            f"<b>ReplayDesk {__version__}</b><p>Replay and analyse rrweb session recordings on your own machine."
            f"<p>Store: {self.db_path}",
        )

    def open_log_folder(self) -> None:
        from ..logsetup import log_path

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_path().parent)))

    # -- layout persistence ---------------------------------------------
    def _restore_layout(self) -> None:
        s = self.settings
        geo = s.get("window/geometry")
        if not geo.isEmpty():
            self.restoreGeometry(geo)
        else:
            self.resize(1600, 960)
        state = s.get("window/state")
        if not state.isEmpty():
            self.restoreState(state)
        else:
            self.resizeDocks([self.sessions_dock, self.panel_dock], [520, 380], Qt.Orientation.Horizontal)
        split = s.get("window/centre_splitter")
        if not split.isEmpty():
            self.player.restore_splitter(split)
        header = s.get("list/header")
        if not header.isEmpty():
            self.sessions.view.horizontalHeader().restoreState(header)

    def save_layout(self) -> None:
        s = self.settings
        s.set("window/geometry", self.saveGeometry())
        s.set("window/state", self.saveState())
        s.set("window/centre_splitter", self.player.save_splitter())
        s.set("list/header", self.sessions.view.horizontalHeader().saveState())
        s.sync()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.save_layout()
        self.importer.cancel()
        self.importer.wait(30_000)
        self.player.shutdown()
        for off in self._off:
            off()
        self.sessions.model.close()
        self.sessions.filter_bar.close_bindings()
        super().closeEvent(event)
