"""The analyst's window. It only composes panes and wires their signals.

Panes get their state and services through constructor arguments; nothing
reaches back into the window. Layout, filters, theme and recent archives
persist in the settings.

The side panes' widths (shares of the window width), View > Reset Layout and
the saved layout live in :mod:`.pane_layout` (``PaneLayoutMixin``).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
)

from .. import __version__
from ..analysis.signals import SignalSettings
from ..analysis.signals_store import recompute_signals
from ..store.signals import load_setting
from ..work import Cancelled
from ..state.filters import ListState, filter_from_json, filter_to_json
from ..state.privacy import display_text
from ..store import ImportReport, Store, open_store, session_info
from ..store.queries import newest_session
from .actions import ActionId, create_actions
from .bindings import bind_all
from .import_controller import ImportController
from .import_report import ImportReportDialog
from .notes_window import NotesUi
from .pane_layout import (  # noqa: F401 - the layout constants are re-exported for callers and tests
    CENTRE_MIN_WIDTH,
    DEFAULT_DOCK_FRACTIONS,
    DEFAULT_SIZE,
    DOCK_MIN_WIDTH,
    SESSIONS_MAX_SHARE,
    PaneLayoutMixin,
)
from .plaintext import plain_title, plain_tooltip
from .player import PlayerPane
from .privacy_menu import PrivacyMenu
from .retention_runner import Retention
from .session_list import SessionListPane
from .session_panel import SessionPanel
from .settings import Settings
from .shortcuts_dialog import ShortcutsDialog
from .signal_settings_dialog import SignalSettingsDialog
from .tasks import TaskCancelled, op
from .theme import refresh_palette, set_theme_mode, theme_mode

log = logging.getLogger(__name__)

ARCHIVE_FILTER = "Recording archives (*.zip *.json *.jsonl *.ndjson *.gz *.zst);;All files (*)"



def recent_labels(paths: list[str]) -> list[str]:
    """Menu texts for recent archives: the file name, with as much of the parent folder path as
    tells two files of the same name apart (``archive-demo.zip — corpus``)."""
    names = [Path(p).name or p for p in paths]
    out = []
    for p, name in zip(paths, names):
        if names.count(name) == 1:
            out.append(name)
            continue
        parents = Path(p).parent.parts
        others = [Path(q).parent.parts for q, n in zip(paths, names) if n == name and q != p]
        depth = 1
        while depth < len(parents) and any(o[-depth:] == parents[-depth:] for o in others):
            depth += 1
        out.append(f"{name} — {Path(*parents[-depth:]) if parents else p}")
    return out


def _recompute(db_path: str, settings_json: str, task) -> int:
    """Writer thread: every session's findings again with these thresholds."""
    return recompute_signals(Store.shared(db_path).writer, SignalSettings.from_json(settings_json), cancel=task,
                             progress=lambda done, total, _label: task.progress((done, total)))


class MainWindow(PaneLayoutMixin, QMainWindow):
    #: a threshold change was applied: list, timeline and Signals tab show the new findings
    signalsRecomputed = Signal()

    def __init__(self, db_path: str | Path, settings: Settings | None = None):
        super().__init__()
        self.setWindowTitle("ReplayDesk")
        self.setObjectName("ReplayDeskMainWindow")
        self.setAcceptDrops(True)
        self.settings = settings or Settings()
        self.db_path = Path(db_path)
        self.db = open_store(self.db_path)
        s = self.settings
        set_theme_mode(s.get("view/theme"))
        if QApplication.instance() is not None:
            refresh_palette()
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
        self._init_pane_layout()
        self.notes = NotesUi(self)  # Notes tab, timeline notes, caption overlay (issue 13)

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
        self.panel.findingActivated.connect(self.player.show_finding)
        self.player.signalsLoaded.connect(self.panel.show_signals)
        self.player.signalsAttributed.connect(lambda _sid: self.sessions.model.refresh_rows())
        self.player.statusMessage.connect(self._on_player_status)
        self.player.view.zoomChanged.connect(lambda _z: self._show_zoom())
        self.player.framePainted.connect(lambda _t: self._show_zoom())
        self.importer.pathsImported.connect(self._on_paths_imported)
        self.importer.started.connect(self._on_import_started)
        self.importer.progressed.connect(self._on_import_progressed)
        self.importer.sessionsLanded.connect(self._on_sessions_landed)
        self.importer.finished.connect(self._on_import_finished)
        self.importer.failed.connect(self._on_import_failed)
        # Preferences' "Delete sessions older than N days" (issue 14): at start and after each import
        self.retention = Retention(self)
        self.importer.finished.connect(lambda _report: self.retention.run())
        self._off = bind_all(self, self.list_state, {
            "filter_changed": lambda f: self.settings.set("list/filter", filter_to_json(f)),
            "sort_changed": self._on_sort_changed,
            "saved_changed": lambda _n: self.settings.set("list/saved_filters", self.list_state.saved_json()),
        })
        self._refresh_timer = QTimer(self, singleShot=True, interval=300)
        self._refresh_timer.timeout.connect(self.sessions.model.refresh)
        self._restore_layout()
        self._update_empty_state()
        self.retention.run()

    # -- composition -----------------------------------------------------
    def _dock(self, title: str, widget, area) -> QDockWidget:
        d = QDockWidget(title, self)
        d.setObjectName(title.lower() + "Dock")
        d.setWidget(widget)
        d.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, d)
        return d

    def export_clip(self, _checked: bool = False, note_id=None):
        """File > Export Clip…: the dialog, then the export queue (ui/clip_dialog.py)."""
        from .clip_dialog import export_clip

        return export_clip(self, note_id=note_id)

    def _open_heatmaps(self) -> None:
        from .heatmap_window import HeatmapWindow

        win = getattr(self, "_heatmaps", None)
        if win is None:
            win = self._heatmaps = HeatmapWindow(self.db_path, lambda: self.list_state.filter, parent=self,
                                                 allow_web_assets=bool(self.settings.get("replay/web_assets")))
            win.clickJumpRequested.connect(self.jump_to_click)
        win.show()
        win.raise_()
        win.activateWindow()

    def jump_to_click(self, session_id: str, at_ms: int) -> None:
        """Open ``session_id`` paused ``at_ms`` after its start (a click listed by the Heatmap window)."""
        from .click_jump import ClickJumper

        if getattr(self, "_click_jumper", None) is None:
            self._click_jumper = ClickJumper(self)
        self._click_jumper.jump(session_id, at_ms)

    def _build_menus(self) -> None:
        a = self.actions_by_id
        mb = self.menuBar()
        file_menu = mb.addMenu("&File")
        file_menu.addAction(a[ActionId.OPEN_ARCHIVE])
        file_menu.addAction(a[ActionId.OPEN_FOLDER])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.addSeparator()
        file_menu.addAction(a[ActionId.EXPORT_CLIP])
        file_menu.addSeparator()
        file_menu.addAction(a[ActionId.PREFERENCES])
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
        zoom_actions = [a[ActionId.ZOOM_FIT], a[ActionId.ZOOM_ACTUAL], a[ActionId.ZOOM_IN], a[ActionId.ZOOM_OUT]]
        for act in zoom_actions:
            view.addAction(act)
        self.player.transport.set_zoom_actions(zoom_actions)
        view.addSeparator()
        theme_menu = view.addMenu("&Theme")
        for aid in (ActionId.THEME_SYSTEM, ActionId.THEME_LIGHT, ActionId.THEME_DARK):
            theme_menu.addAction(a[aid])
        a[ActionId(f"theme_{theme_mode()}")].setChecked(True)
        view.addAction(a[ActionId.RESET_LAYOUT])
        view.addSeparator()
        view.addAction(a[ActionId.WEB_ASSETS])
        self.privacy_menu = PrivacyMenu(self.settings, self.player, self._refresh_user_text, view)
        view.addMenu(self.privacy_menu)
        view.addAction("Heatmaps and &Pages…", self._open_heatmaps)  # issue 12
        from .click_overlay import ClickOverlay  # issue 12: View > Click Overlay

        self.click_overlay = ClickOverlay(self.player)
        view.addAction(a[ActionId.CLICK_OVERLAY])
        a[ActionId.CLICK_OVERLAY].toggled.connect(self.click_overlay.set_active)
        self.notes.build_menus(mb, view.menuAction())  # Edit (before View) and Session menus
        playback = mb.addMenu("&Playback")
        for act in self.player.actions():
            playback.addAction(act)
        playback.addSeparator()
        playback.addAction(a[ActionId.SIGNAL_THRESHOLDS])
        help_menu = mb.addMenu("&Help")
        help_menu.addAction(a[ActionId.SHORTCUTS])
        help_menu.addAction(a[ActionId.ABOUT])

        a[ActionId.OPEN_ARCHIVE].triggered.connect(self.open_archive_dialog)
        a[ActionId.OPEN_FOLDER].triggered.connect(self.open_folder_dialog)
        a[ActionId.EXPORT_CLIP].triggered.connect(self.export_clip)
        a[ActionId.QUIT].triggered.connect(self.close)
        a[ActionId.FOCUS_SEARCH].triggered.connect(self._focus_search)
        a[ActionId.WEB_ASSETS].setChecked(self.settings.get("replay/web_assets"))
        a[ActionId.WEB_ASSETS].toggled.connect(self._on_web_assets_toggled)
        a[ActionId.SHORTCUTS].triggered.connect(self.show_shortcuts)
        a[ActionId.PREFERENCES].triggered.connect(self.show_preferences)
        a[ActionId.SIGNAL_THRESHOLDS].triggered.connect(self.show_signal_thresholds)
        a[ActionId.RESET_LAYOUT].triggered.connect(self.reset_layout)
        a[ActionId.ZOOM_FIT].triggered.connect(lambda: self.player.view.set_zoom("fit"))
        a[ActionId.ZOOM_ACTUAL].triggered.connect(lambda: self.player.view.set_zoom(1.0))
        a[ActionId.ZOOM_IN].triggered.connect(lambda: self.player.view.set_zoom(self.player.view.zoom_step(+1)))
        a[ActionId.ZOOM_OUT].triggered.connect(lambda: self.player.view.set_zoom(self.player.view.zoom_step(-1)))
        for aid in (ActionId.THEME_SYSTEM, ActionId.THEME_LIGHT, ActionId.THEME_DARK):
            a[aid].triggered.connect(lambda _c=False, mode=aid.value.removeprefix("theme_"): self.set_theme(mode))
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
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)  # names imported files
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the import; sessions already imported stay")
        self.cancel_button.clicked.connect(self._cancel_background)
        self._recompute = None  # the running threshold recompute (a TaskHandle)
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
        self.setWindowTitle(plain_title(display_text(f"{session_id} — ReplayDesk")))
        self.panel.show_session(info)
        self.player.open_session(info)
        self.notes.open_session(session_id)

    # -- importing -------------------------------------------------------
    def import_paths(self, paths: list[str]) -> None:
        paths = [p for p in paths if p]
        if not paths:
            return
        # listed in Open Recent once it has imported something (pathsImported)
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
        m.setToolTipsVisible(True)
        for p, label in zip(recent, recent_labels(recent)):
            act = m.addAction(label.replace("&", "&&"))
            act.setToolTip(plain_tooltip(p))
            act.setStatusTip(p)
            act.setData(p)
            act.triggered.connect(lambda _=False, path=p: self.import_paths([path]))
        if not recent:
            act = m.addAction("No recent archives")
            act.setEnabled(False)

    def _on_paths_imported(self, good: list, bad: list) -> None:
        """Open Recent lists what imported something, and forgets what no longer does."""
        for p in bad:
            self.settings.remove_recent(str(p))
        for p in reversed(good):
            self.settings.add_recent(str(p))
        self._fill_recent_menu()

    def _cancel_background(self) -> None:
        """The status bar's Cancel: stops the import or the recompute that is showing."""
        if self._recompute is not None:
            self._recompute.cancel()
        else:
            self.importer.cancel()

    # -- frustration signal thresholds -------------------------------------
    def signal_settings(self) -> SignalSettings:
        """The thresholds in force: the analyst's last choice, else those of the store."""
        text = self.settings.get("signals/settings") or load_setting(self.db)
        return SignalSettings.from_json(text)

    def show_signal_thresholds(self) -> SignalSettingsDialog:
        """Playback > Signal Thresholds…: OK with changed numbers recomputes every session."""
        dlg = self.signal_settings_dialog = SignalSettingsDialog(self.signal_settings(), self)
        dlg.accepted.connect(lambda: self.apply_signal_settings(dlg.settings()))
        dlg.open()
        return dlg

    def apply_signal_settings(self, new: SignalSettings) -> None:
        """Keep ``new`` and recompute the findings on the writer (progress and Cancel in the
        status bar); the list, the timeline and the Signals tab follow when it is done."""
        self.settings.set("signals/settings", new.to_json())
        if self._recompute is not None:
            self._recompute.cancel()  # the newer settings win; the writer runs them next
        self.progress.setValue(0)
        self.progress_label.setText("Recomputing frustration signals…")
        self.cancel_button.setToolTip("Stop recomputing; the previous findings stay")
        self._set_import_widgets_visible(True)
        handle = None

        def done(n: int) -> None:
            if self._recompute is handle:
                self._recompute = None
                self._finish_recompute(f"Frustration signals recomputed for {n:,} session{'s' if n != 1 else ''}")

        def failed(exc: BaseException) -> None:
            if self._recompute is not handle:
                return
            self._recompute = None
            if isinstance(exc, (Cancelled, TaskCancelled)):
                self._finish_recompute("Recomputing signals cancelled: the previous findings stay")
                return
            log.error("recomputing signals failed", exc_info=exc)
            self._finish_recompute(f"Recomputing signals failed: {exc}")

        handle = self._recompute = (
            op(_recompute, str(self.db_path), new.to_json())
            .on_writer()
            .on_progress(self._on_recompute_progress)
            .on_success(done)
            .on_failure(failed)
            .run()
        )

    def _on_recompute_progress(self, p) -> None:
        done, total = p
        if total:
            self.progress.setValue(int(1000 * done / total))
            self.progress_label.setText(f"Recomputing frustration signals… {done:,} of {total:,} sessions")

    def _finish_recompute(self, message: str) -> None:
        self.cancel_button.setToolTip("Stop the import; sessions already imported stay")
        self._set_import_widgets_visible(self.importer.busy)
        self.statusBar().showMessage(message, 15_000)
        self.sessions.model.refresh()
        self.player.reload_signals()
        self.signalsRecomputed.emit()

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
            newest = self._newest_of(report.added + report.replaced + report.skipped)
            if newest is not None:
                self.sessions.select_session(newest)
        if report.rejected or report.warnings or report.ignored:
            self.last_report_dialog = ImportReportDialog(report, self)
            self.last_report_dialog.setModal(False)
            self.last_report_dialog.show()

    def _newest_of(self, ids: list[str]) -> str | None:
        """The session of ``ids`` that started last (the top row of the default sort)."""
        return newest_session(self.db, ids)

    def _on_player_status(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text)
        else:
            self.statusBar().clearMessage()

    def _on_import_failed(self, message: str) -> None:
        self._set_import_widgets_visible(False)
        box = QMessageBox(QMessageBox.Icon.Warning, "Import failed", message, QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # the message can quote file names: plain text
        box.exec()

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

    def _refresh_user_text(self) -> None:
        """View > Privacy > Mask E-mail Addresses changed: redraw every place showing user text."""
        m = self.sessions.model
        if m.rowCount():
            m.dataChanged.emit(m.index(0, 0), m.index(m.rowCount() - 1, m.columnCount() - 1))
        im = self.player.inspector.model
        if im.rowCount():
            im.dataChanged.emit(im.index(0, 0), im.index(im.rowCount() - 1, im.columnCount() - 1))
        sid = self.player.session_id
        info = session_info(self.db, sid) if sid else None
        if info is not None:
            self.panel.details.show_info(info)
            self.setWindowTitle(plain_title(display_text(f"{sid} — ReplayDesk")))

    def _on_web_assets_toggled(self, on: bool) -> None:
        self.settings.set("replay/web_assets", on)
        self.player.set_allow_web_assets(on)

    def show_preferences(self):
        """File > Preferences… (Ctrl+,): OK applies to this window at once (the store: next start)."""
        from .preferences_dialog import Preferences, PreferencesDialog, apply_preferences

        dlg = self.preferences_dialog = PreferencesDialog(
            Preferences.from_settings(self.settings), str(self.db_path), self.show_signal_thresholds, self)
        dlg.accepted.connect(lambda: apply_preferences(self, dlg.values()))
        dlg.open()
        return dlg

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

    def set_theme(self, mode: str) -> None:
        """View > Theme: "system", "light" or "dark"; kept for the next start."""
        set_theme_mode(mode)
        self.settings.set("view/theme", mode)
        refresh_palette()
        self.actions_by_id[ActionId(f"theme_{theme_mode()}")].setChecked(True)

    def _show_zoom(self) -> None:
        v = self.player.view
        self.player.transport.show_zoom(v.zoom == "fit", v.zoom_scale())

    # -- layout (pane shares, Reset Layout, saved layout: PaneLayoutMixin) --
    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)  # PaneLayoutMixin: the panes keep their shares
        self._show_zoom()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        t0 = time.perf_counter()
        self.save_layout()
        # cancel the player's background jobs (indexing on the writer) before waiting for the
        # writer: waiting first made Quit sit out a whole index build
        self.player.shutdown()
        if self._recompute is not None:
            self._recompute.cancel()
        self.importer.cancel()
        self.importer.wait(30_000)
        for off in self._off:
            off()
        self.sessions.model.close()
        self.sessions.filter_bar.close_bindings()
        log.debug("window closed in %.3f s", time.perf_counter() - t0)
        super().closeEvent(event)
