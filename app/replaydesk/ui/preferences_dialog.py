"""File > Preferences… (Ctrl+,): every user option of ReplayDesk on one page.

Why a dialog over the same settings keys the menus use (View > Theme, View > Privacy,
the web-assets toggle, Playback > Signal Thresholds…): one place to find them, and no second
copy of any option that could disagree with its menu. The dialog only edits a
:class:`Preferences` value; :func:`apply_preferences` writes it and updates the open window
through the same methods the menus call, so a change shows at once (the store location is
the exception: the window keeps its store open, so a new one is used from the next start).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..state.privacy import PRIVACY_LABELS, PRIVACY_MODES, privacy_mode
from ..store.cipher import is_encrypted
from .actions import ActionId
from .retention_runner import MAX_DAYS, SETTING as RETENTION_SETTING, retention_days as configured_retention
from .theme import THEME_MODES

THEME_LABELS = {"system": "System (follow the desktop)", "light": "Light", "dark": "Dark"}
EXPORT_FORMATS = ("mp4", "webm", "gif")
#: choices offered for the clip width; any other number of px can be typed
EXPORT_WIDTHS = ("recorded", "1920", "1280", "960", "640")
RESTART_NOTE = "Takes effect the next time ReplayDesk starts."


@dataclass(frozen=True)
class Preferences:
    store_path: str  # "" = the default location
    theme: str
    web_assets: bool
    privacy: str
    mask_emails: bool
    export_fps: int
    export_width: str
    export_format: str
    encrypt_store: bool = False  # encrypt (SQLCipher) at the next start; True while it is pending
    retention_days: int = 0  # delete sessions older than this many days (0: off)

    @classmethod
    def from_settings(cls, s) -> "Preferences":
        width = str(s.get("export/width") or "recorded")
        fmt = s.get("export/format")
        return cls(
            store_path=s.get("store/path"),
            theme=s.get("view/theme") if s.get("view/theme") in THEME_MODES else "system",
            web_assets=bool(s.get("replay/web_assets")),
            privacy=privacy_mode(s.get("view/privacy")),
            mask_emails=bool(s.get("view/mask_emails")),
            export_fps=min(60, max(1, int(s.get("export/fps")))),
            export_width=width if valid_width(width) else "recorded",
            export_format=fmt if fmt in EXPORT_FORMATS else "mp4",
            encrypt_store=bool(s.get("store/encrypt")),
            retention_days=configured_retention(s),
        )


def valid_width(text: str) -> bool:
    """"recorded" or a whole number of px a video encoder accepts (even, 16 to 7680)."""
    if text == "recorded":
        return True
    return text.isdigit() and 16 <= int(text) <= 7680 and int(text) % 2 == 0


class PreferencesDialog(QDialog):
    """The form; ``values()`` is what it shows. ``current_store`` is the store the window has
    open (shown so the analyst sees what "the default" means); ``on_thresholds`` opens the
    thresholds dialog, which applies its own OK (a recompute of every session)."""

    def __init__(self, prefs: Preferences, current_store: str, on_thresholds: Callable[[], object] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setObjectName("preferencesDialog")
        self._current_store = current_store
        lay = QVBoxLayout(self)

        store = QGroupBox("Store")
        form = QFormLayout(store)
        self.store_edit = QLineEdit()
        self.store_edit.setObjectName("storePath")
        self.store_edit.setPlaceholderText("default location")
        self.store_edit.setClearButtonEnabled(True)
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.store_edit, 1)
        row.addWidget(self.browse_button)
        form.addRow("Store file", row)
        # two fixed lines, not word wrap: a wrapped label in a form row is given the height of
        # one line and clips the path (seen in the Preferences screenshot)
        note = QLabel(f"{RESTART_NOTE}\nOpen now: {current_store}")
        note.setObjectName("storeNote")
        note.setStyleSheet("color: palette(placeholder-text)")
        form.addRow("", note)
        self.encrypt_check = QCheckBox("Encrypt the store (asks a new passphrase at the next start)")
        self.encrypt_check.setObjectName("encryptStore")
        self.encrypt_check.setToolTip("SQLCipher encryption at rest: without the passphrase the file cannot be read. "
                                      "An encrypted store asks for it at every start.")
        self._encrypted = is_encrypted(current_store)
        if self._encrypted:
            self.encrypt_check.setText("The store is encrypted (SQLCipher): its passphrase is asked at start")
            self.encrypt_check.setEnabled(False)
        form.addRow("", self.encrypt_check)
        lay.addWidget(store)

        look = QGroupBox("Appearance and replay")
        form = QFormLayout(look)
        self.theme_combo = QComboBox()
        self.theme_combo.setObjectName("theme")
        for m in THEME_MODES:
            self.theme_combo.addItem(THEME_LABELS[m], m)
        form.addRow("Theme", self.theme_combo)
        self.web_assets_check = QCheckBox("Load page assets from the web")
        self.web_assets_check.setObjectName("webAssets")
        self.web_assets_check.setToolTip("Off: recorded pages fetch nothing; images, fonts and styles that were "
                                         "not captured stay blank, and nothing leaves this machine")
        form.addRow("", self.web_assets_check)
        lay.addWidget(look)

        privacy = QGroupBox("Privacy")
        form = QFormLayout(privacy)
        self.privacy_combo = QComboBox()
        self.privacy_combo.setObjectName("privacy")
        for m in PRIVACY_MODES:
            self.privacy_combo.addItem(PRIVACY_LABELS[m], m)
        form.addRow("Replay shows", self.privacy_combo)
        self.mask_emails_check = QCheckBox("Mask e-mail addresses everywhere (demos, screen sharing)")
        self.mask_emails_check.setObjectName("maskEmails")
        form.addRow("", self.mask_emails_check)
        self.retention_spin = QSpinBox()
        self.retention_spin.setObjectName("retentionDays")
        self.retention_spin.setRange(0, MAX_DAYS)
        self.retention_spin.setSpecialValueText("Off (keep every session)")  # shown for 0
        self.retention_spin.setSuffix(" days")
        self.retention_spin.setToolTip("Sessions that started longer ago than this are deleted, with their notes, "
                                       "now, at every start and after every import (as replaydesk prune "
                                       "--older-than DAYS)")
        form.addRow("Delete sessions older than", self.retention_spin)
        lay.addWidget(privacy)

        signals = QGroupBox("Frustration signals")
        row = QHBoxLayout(signals)
        row.addWidget(QLabel("Rage, dead and error clicks and the other rules' numbers"), 1)
        self.thresholds_button = QPushButton("Signal Thresholds…")
        self.thresholds_button.setObjectName("thresholds")
        self.thresholds_button.setEnabled(on_thresholds is not None)
        if on_thresholds is not None:
            self.thresholds_button.clicked.connect(lambda: on_thresholds())
        row.addWidget(self.thresholds_button)
        lay.addWidget(signals)

        export = QGroupBox("Defaults for clip export")
        form = QFormLayout(export)
        self.fps_spin = QSpinBox()
        self.fps_spin.setObjectName("exportFps")
        self.fps_spin.setRange(1, 60)
        self.fps_spin.setSuffix(" frames/s")
        form.addRow("Frame rate", self.fps_spin)
        self.width_combo = QComboBox()
        self.width_combo.setObjectName("exportWidth")
        self.width_combo.setEditable(True)
        for w in EXPORT_WIDTHS:
            self.width_combo.addItem("as recorded" if w == "recorded" else f"{w} px", w)
        self.width_combo.setToolTip("The clip's width in px (even), or as recorded (the page's viewport)")
        form.addRow("Width", self.width_combo)
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("exportFormat")
        for f in EXPORT_FORMATS:
            self.format_combo.addItem(f.upper() if f != "mp4" else "MP4 (H.264)", f)
        form.addRow("Format", self.format_combo)
        lay.addWidget(export)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.width_combo.editTextChanged.connect(self._check_width)
        self.set_values(prefs)

    def _browse(self) -> None:
        start = self.store_edit.text() or self._current_store
        path, _ = QFileDialog.getSaveFileName(
            self, "Store file", start, "ReplayDesk stores (*.db *.sqlite);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,  # an existing store is opened, not replaced
        )
        if path:
            self.store_edit.setText(path)

    def _width_value(self) -> str:
        text = self.width_combo.currentText().strip()
        i = self.width_combo.findText(text)
        if i >= 0 and self.width_combo.itemData(i):
            return self.width_combo.itemData(i)
        text = text.removesuffix("px").strip()
        return "recorded" if text in ("", "as recorded", "recorded") else text

    def _check_width(self, _text: str = "") -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(valid_width(self._width_value()))

    def set_values(self, p: Preferences) -> None:
        self.store_edit.setText(p.store_path)
        self.encrypt_check.setChecked(p.encrypt_store or self._encrypted)
        self.theme_combo.setCurrentIndex(self.theme_combo.findData(p.theme))
        self.web_assets_check.setChecked(p.web_assets)
        self.privacy_combo.setCurrentIndex(self.privacy_combo.findData(p.privacy))
        self.mask_emails_check.setChecked(p.mask_emails)
        self.retention_spin.setValue(p.retention_days)
        self.fps_spin.setValue(p.export_fps)
        i = self.width_combo.findData(p.export_width)
        if i >= 0:
            self.width_combo.setCurrentIndex(i)
        else:
            self.width_combo.setEditText(f"{p.export_width} px")
        self.format_combo.setCurrentIndex(self.format_combo.findData(p.export_format))
        self._check_width()

    def values(self) -> Preferences:
        store = self.store_edit.text().strip()
        width = self._width_value()
        return Preferences(
            store_path=str(Path(store).expanduser()) if store else "",
            theme=self.theme_combo.currentData(),
            web_assets=self.web_assets_check.isChecked(),
            privacy=self.privacy_combo.currentData(),
            mask_emails=self.mask_emails_check.isChecked(),
            export_fps=self.fps_spin.value(),
            export_width=width if valid_width(width) else "recorded",
            export_format=self.format_combo.currentData(),
            encrypt_store=self.encrypt_check.isChecked() and not self._encrypted,
            retention_days=self.retention_spin.value(),
        )


def apply_preferences(window, new: Preferences) -> list[str]:
    """Write ``new`` and update ``window`` through the methods its menus use (so menu check
    marks follow). Returns the names of what changed."""
    s = window.settings
    old = Preferences.from_settings(s)
    changed = [k for k, v in asdict(new).items() if asdict(old)[k] != v]
    if new.theme != old.theme:
        window.set_theme(new.theme)
    if new.web_assets != old.web_assets:
        window.actions_by_id[ActionId.WEB_ASSETS].setChecked(new.web_assets)  # its handler applies it
    if new.privacy != old.privacy:
        window.privacy_menu.set_mode(new.privacy)
    if new.mask_emails != old.mask_emails:
        window.privacy_menu.set_mask_emails(new.mask_emails)
    if new.store_path != old.store_path:
        if new.store_path:
            s.set("store/path", new.store_path)
        else:
            s.remove("store/path")
    if new.encrypt_store != old.encrypt_store:
        s.set("store/encrypt", new.encrypt_store)
    s.set("export/fps", new.export_fps)
    s.set("export/width", new.export_width)
    s.set("export/format", new.export_format)
    if new.retention_days != old.retention_days:
        s.set(RETENTION_SETTING, new.retention_days)
    s.sync()
    if new.retention_days != old.retention_days and new.retention_days > 0:
        window.retention.run()  # the new rule applies at once, not only at the next start
    return changed
