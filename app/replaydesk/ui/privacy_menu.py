"""View > Privacy: the replay's masking mode (a radio group) and e-mail masking, kept in settings.

Why a module of its own: the main window only adds the menu; the choices, their persistence and
what each one redraws live here. The masking itself is Qt-free (state/privacy.py) and, for the
replay, in the renderer (resources/replay/sanitize.js).
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from ..state.privacy import PRIVACY_LABELS, PRIVACY_MODES, display_text, privacy_mode

_TIPS = {
    "as-recorded": "Show the page as recorded (after redaction at import)",
    "mask-inputs": "Mask every form value while drawing (screen sharing)",
    "mask-text": "Mask all page text and form values while drawing (screen sharing)",
}


class PrivacyMenu(QMenu):
    """The submenu; ``mode_actions`` by mode and ``mask_emails_action`` for tests and shortcuts.

    ``player`` needs ``set_privacy_mode(mode)``; ``on_emails_changed()`` redraws the UI text
    (session list, Details tab, inspector, window title) after e-mail masking is switched."""

    def __init__(self, settings, player, on_emails_changed, parent=None) -> None:
        super().__init__("&Privacy", parent)
        self._settings = settings
        self._player = player
        self._on_emails_changed = on_emails_changed
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.mode_actions: dict[str, QAction] = {}
        mode = privacy_mode(settings.get("view/privacy"))
        for m in PRIVACY_MODES:
            act = QAction(PRIVACY_LABELS[m], self, checkable=True)
            act.setStatusTip(_TIPS[m])
            act.setData(m)
            act.setChecked(m == mode)
            self.group.addAction(act)
            self.addAction(act)
            self.mode_actions[m] = act
        self.group.triggered.connect(lambda act: self.set_mode(act.data()))
        self.addSeparator()
        self.mask_emails_action = QAction("Mask &E-mail Addresses", self, checkable=True)
        self.mask_emails_action.setStatusTip("Show e-mail addresses as m***@e******.com everywhere (demos)")
        self.mask_emails_action.setChecked(bool(settings.get("view/mask_emails")))
        self.mask_emails_action.toggled.connect(self.set_mask_emails)
        # the saved choices apply from the start
        player.set_privacy_mode(mode)
        display_text.set_mask_emails(self.mask_emails_action.isChecked())
        self.addAction(self.mask_emails_action)

    def set_mode(self, mode: str) -> None:
        mode = privacy_mode(mode)
        self.mode_actions[mode].setChecked(True)
        self._settings.set("view/privacy", mode)
        self._player.set_privacy_mode(mode)

    def set_mask_emails(self, on: bool) -> None:
        on = bool(on)
        if self.mask_emails_action.isChecked() != on:
            self.mask_emails_action.setChecked(on)  # toggled comes back here
            return
        self._settings.set("view/mask_emails", on)
        display_text.set_mask_emails(on)
        self._on_emails_changed()
