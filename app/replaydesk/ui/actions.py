"""Window-level actions as data: ids, texts, shortcuts, built in one place.

The main window looks actions up by id; the Help > Keyboard shortcuts dialog
lists every action that has a shortcut, so documentation cannot drift.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtGui import QAction, QActionGroup, QKeySequence


class ActionId(str, Enum):
    OPEN_ARCHIVE = "open_archive"
    OPEN_FOLDER = "open_folder"
    EXPORT_CLIP = "export_clip"
    QUIT = "quit"
    FOCUS_SEARCH = "focus_search"
    TOGGLE_SESSIONS = "toggle_sessions"
    TOGGLE_PANEL = "toggle_panel"
    WEB_ASSETS = "web_assets"
    CLICK_OVERLAY = "click_overlay"
    RESET_LAYOUT = "reset_layout"
    ZOOM_FIT = "zoom_fit"
    ZOOM_ACTUAL = "zoom_actual"
    ZOOM_IN = "zoom_in"
    ZOOM_OUT = "zoom_out"
    THEME_SYSTEM = "theme_system"
    THEME_LIGHT = "theme_light"
    THEME_DARK = "theme_dark"
    SIGNAL_THRESHOLDS = "signal_thresholds"
    PREFERENCES = "preferences"
    SHORTCUTS = "shortcuts"
    UNDO = "undo"
    REDO = "redo"
    ADD_NOTE = "add_note"
    EXPORT_NOTES = "export_notes"
    IMPORT_NOTES = "import_notes"
    DELETE_SESSION = "delete_session"
    ABOUT = "about"


#: shortcuts: one key sequence, a list of them, or a standard key
_SPECS: dict[ActionId, tuple[str, object, str]] = {
    ActionId.OPEN_ARCHIVE: ("&Open Archive…", QKeySequence.StandardKey.Open, "Import a recording archive (zip, JSON, JSON Lines, PostHog export)"),
    ActionId.OPEN_FOLDER: ("Open &Folder…", "Ctrl+Shift+O", "Import a folder of session folders"),
    ActionId.EXPORT_CLIP: ("Export &Clip…", "Ctrl+Shift+E", "Export the marked range, a note's range or the whole session as a video"),
    ActionId.QUIT: ("&Quit", QKeySequence.StandardKey.Quit, "Close ReplayDesk"),
    ActionId.FOCUS_SEARCH: ("&Find Sessions", QKeySequence.StandardKey.Find, "Search sessions by visited URL"),
    ActionId.TOGGLE_SESSIONS: ("&Sessions", "Ctrl+1", "Show or hide the session list"),
    ActionId.TOGGLE_PANEL: ("&Inspector", "Ctrl+2", "Show or hide the events / pages / errors panel"),
    ActionId.WEB_ASSETS: ("Load Page Assets from the &Web", None, "Allow recorded pages to fetch http(s) images, fonts and styles (off: nothing leaves this machine)"),
    ActionId.CLICK_OVERLAY: ("&Click Overlay", None, "Outline the elements clicked in this page view, with their click counts (shown while paused)"),
    ActionId.RESET_LAYOUT: ("&Reset Layout", None, "Put the panes, columns and zoom back to their defaults for this window size"),
    ActionId.ZOOM_FIT: ("Zoom to &Fit", "Ctrl+0", "Scale the recorded page to fit the replay area"),
    ActionId.ZOOM_ACTUAL: ("&Actual Size (100%)", "Ctrl+Alt+0", "Show the recorded page 1:1 (scroll or drag to pan)"),
    ActionId.ZOOM_IN: ("Zoom &In", ["Ctrl++", "Ctrl+="], "Enlarge the recorded page"),
    ActionId.ZOOM_OUT: ("Zoom &Out", "Ctrl+-", "Shrink the recorded page"),
    ActionId.THEME_SYSTEM: ("&System", None, "Follow the desktop's light or dark setting"),
    ActionId.THEME_LIGHT: ("&Light", None, "Light colours"),
    ActionId.THEME_DARK: ("&Dark", None, "Dark colours"),
    ActionId.SIGNAL_THRESHOLDS: ("Signal &Thresholds…", None, "The rules' numbers for rage, dead and error clicks and the other frustration signals"),
    ActionId.PREFERENCES: ("&Preferences…", "Ctrl+,", "Store location, theme, privacy, signal thresholds and clip export defaults"),
    ActionId.SHORTCUTS: ("&Keyboard Shortcuts", "F1", "List every keyboard shortcut"),
    ActionId.ABOUT: ("&About ReplayDesk", None, "Version and licence"),
    ActionId.UNDO: ("&Undo", QKeySequence.StandardKey.Undo, "Undo the last change to the notes"),
    ActionId.REDO: ("&Redo", QKeySequence.StandardKey.Redo, "Redo the change to the notes just undone"),
    # M: bare, so it stays with the player (the lists keep their type-to-find)
    ActionId.ADD_NOTE: ("Add &Note…", "M", "Note this moment, or the range marked with [ and ], with text, a tag and a highlight"),
    ActionId.EXPORT_NOTES: ("&Export Notes…", None, "Save this session's notes as JSON for a colleague with the same archive"),
    ActionId.IMPORT_NOTES: ("&Import Notes…", None, "Add the notes of a JSON file exported from this session"),
    ActionId.DELETE_SESSION: ("&Delete Session…", None, "Delete this session from the store (asks about its notes)"),
}


def create_actions(parent) -> dict[ActionId, QAction]:
    out: dict[ActionId, QAction] = {}
    for aid, (text, shortcut, tip) in _SPECS.items():
        a = QAction(text, parent)
        a.setObjectName(aid.value)
        if isinstance(shortcut, list):
            a.setShortcuts([QKeySequence(k) for k in shortcut])
        elif shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        a.setStatusTip(tip)
        a.setToolTip(tip)
        out[aid] = a
    out[ActionId.WEB_ASSETS].setCheckable(True)
    out[ActionId.CLICK_OVERLAY].setCheckable(True)
    themes = QActionGroup(parent)
    for aid in (ActionId.THEME_SYSTEM, ActionId.THEME_LIGHT, ActionId.THEME_DARK):
        out[aid].setCheckable(True)
        themes.addAction(out[aid])
    return out
