"""Playback > Signal Thresholds…: every number of the frustration rules, with "Reset to defaults".

The dialog only edits a :class:`SignalSettings` (one field per spin box, grouped by rule,
in the units the analyst thinks in: seconds and pixels); the window applies it (stores
the JSON in the settings and recomputes the findings in the background).
"""

from __future__ import annotations

from dataclasses import fields

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..analysis.signals import SignalSettings

#: field -> (group, label, unit). Times are stored in ms and shown in seconds.
FIELDS: dict[str, tuple[str, str, str]] = {
    "rage_min_clicks": ("Rage click", "At least", "clicks"),
    "rage_window_ms": ("Rage click", "Within", "s"),
    "rage_radius_px": ("Rage click", "All within", "px of each other"),
    "dead_window_ms": ("Dead click", "No page response for", "s"),
    "error_window_ms": ("Error click", "Console error within", "s after the click"),
    "quick_back_ms": ("Quick back", "Back on the previous page within", "s"),
    "scroll_min_cycles": ("Excessive scrolling", "At least", "down-and-up cycles"),
    "scroll_window_ms": ("Excessive scrolling", "Within", "s, with no click"),
    "thrash_min_reversals": ("Thrashed cursor", "At least", "direction reversals"),
    "thrash_window_ms": ("Thrashed cursor", "Within", "s"),
    "thrash_min_distance_px": ("Thrashed cursor", "Over at least", "px of pointer travel"),
    "form_min_fields": ("Form abandonment", "At least", "fields filled, then the page left"),
}
assert set(FIELDS) == {f.name for f in fields(SignalSettings)}, "the dialog must offer every SignalSettings field"


class SignalSettingsDialog(QDialog):
    def __init__(self, settings: SignalSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Signal Thresholds")
        self.setObjectName("signalSettingsDialog")
        self.spins: dict[str, QSpinBox | QDoubleSpinBox] = {}
        lay = QVBoxLayout(self)
        intro = QLabel("Frustration signals are found with these rules. OK recomputes them for every session.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        groups: dict[str, QFormLayout] = {}
        for name, (group, label, unit) in FIELDS.items():
            form = groups.get(group)
            if form is None:
                box = QGroupBox(group)
                form = groups[group] = QFormLayout(box)
                lay.addWidget(box)
            spin = self._spin(name, unit)
            spin.setObjectName(name)
            self.spins[name] = spin
            form.addRow(label, spin)
        self.reset_button = QPushButton("Reset to Defaults")
        self.reset_button.setObjectName("resetDefaults")
        self.reset_button.clicked.connect(self.reset_to_defaults)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton(self.reset_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.set_settings(settings)

    @staticmethod
    def _spin(name: str, unit: str) -> QSpinBox | QDoubleSpinBox:
        if name.endswith("_ms"):
            s = QDoubleSpinBox()
            s.setDecimals(1)
            s.setRange(0.1, 600.0)
            s.setSingleStep(0.1)
        elif name.endswith("_px"):
            s = QDoubleSpinBox()
            s.setDecimals(0)
            s.setRange(1, 10_000)
            s.setSingleStep(5)
        else:
            s = QSpinBox()
            s.setRange(1, 1_000)
        s.setSuffix(" " + unit)
        s.setKeyboardTracking(False)
        return s

    def set_settings(self, settings: SignalSettings) -> None:
        for name, spin in self.spins.items():
            v = getattr(settings, name)
            spin.setValue(v / 1000 if name.endswith("_ms") else v)

    def settings(self) -> SignalSettings:
        """The settings as edited (times back in ms)."""
        values = {}
        for name, spin in self.spins.items():
            v = spin.value()
            values[name] = round(v * 1000) if name.endswith("_ms") else v
        return SignalSettings.from_dict(values)

    def reset_to_defaults(self) -> None:
        self.set_settings(SignalSettings())
