"""Transport controls, keyboard actions and the timer that drives the playback clock.

* ``TransportBar`` - buttons, speed, skip-inactivity, the time readout for a
  ``PlaybackState`` and a zoom menu; it renders the state and calls its methods, nothing more.
* ``playback_actions(parent, state)`` - the keyboard shortcuts as ``QAction`` objects (ids in
  ``QAction.data()``, texts for a "Keyboard shortcuts" dialog). Add them to the main window
  once; the bar's tooltips name the same keys from the same table.
* ``PlaybackDriver`` - a ``QTimer`` running only while the state plays, feeding it monotonic
  wall-clock deltas (``state.advance``); the clock never depends on frames being painted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QIcon, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QStyle,
    QToolButton,
    QWidget,
)

from replaydesk.state.playback import SPEEDS, STEP_MS, PlaybackState

from .bindings import bind, bind_all
from .formatting import clock


class PlaybackAction(StrEnum):
    PLAY_PAUSE = "playback.play_pause"
    BACK = "playback.back"
    FORWARD = "playback.forward"
    PREV_EVENT = "playback.prev_event"
    NEXT_EVENT = "playback.next_event"
    PREV_PAGE = "playback.prev_page"
    NEXT_PAGE = "playback.next_page"
    PREV_SIGNAL = "playback.prev_signal"
    NEXT_SIGNAL = "playback.next_signal"
    SLOWER = "playback.slower"
    FASTER = "playback.faster"
    START = "playback.start"
    END = "playback.end"
    RANGE_IN = "playback.range_in"
    RANGE_OUT = "playback.range_out"
    CLEAR_RANGE = "playback.clear_range"
    SKIP_INACTIVITY = "playback.skip_inactivity"


@dataclass(frozen=True)
class ActionSpec:
    id: PlaybackAction
    text: str
    keys: tuple[str, ...]
    run: Callable[[PlaybackState], object]


_STEP_S = STEP_MS // 1000
ACTION_SPECS: tuple[ActionSpec, ...] = (
    ActionSpec(PlaybackAction.PLAY_PAUSE, "Play / pause", ("Space",), PlaybackState.toggle),
    ActionSpec(PlaybackAction.BACK, f"Back {_STEP_S} seconds", ("Left",), lambda s: s.step(-STEP_MS)),
    ActionSpec(PlaybackAction.FORWARD, f"Forward {_STEP_S} seconds", ("Right",), lambda s: s.step(STEP_MS)),
    ActionSpec(PlaybackAction.PREV_EVENT, "Previous event", ("Shift+Left",), PlaybackState.prev_event),
    ActionSpec(PlaybackAction.NEXT_EVENT, "Next event", ("Shift+Right",), PlaybackState.next_event),
    ActionSpec(PlaybackAction.PREV_PAGE, "Previous page", ("Alt+Left",), PlaybackState.prev_page),
    ActionSpec(PlaybackAction.NEXT_PAGE, "Next page", ("Alt+Right",), PlaybackState.next_page),
    # N: bare, so it stays with the player (the session list keeps N for type-to-find)
    ActionSpec(PlaybackAction.PREV_SIGNAL, "Previous signal", ("Shift+N",), PlaybackState.prev_signal),
    ActionSpec(PlaybackAction.NEXT_SIGNAL, "Next signal", ("N",), PlaybackState.next_signal),
    ActionSpec(PlaybackAction.SLOWER, "Slower", ("Down",), PlaybackState.speed_down),
    ActionSpec(PlaybackAction.FASTER, "Faster", ("Up",), PlaybackState.speed_up),
    ActionSpec(PlaybackAction.START, "Go to start", ("Home",), PlaybackState.go_to_start),
    ActionSpec(PlaybackAction.END, "Go to end", ("End",), PlaybackState.go_to_end),
    ActionSpec(PlaybackAction.RANGE_IN, "Set range start (in point)", ("[",), lambda s: s.set_range_in()),
    ActionSpec(PlaybackAction.RANGE_OUT, "Set range end (out point)", ("]",), lambda s: s.set_range_out()),
    ActionSpec(PlaybackAction.CLEAR_RANGE, "Clear range", ("Ctrl+Shift+X",), PlaybackState.clear_range),
    ActionSpec(
        PlaybackAction.SKIP_INACTIVITY, "Skip inactivity", ("Ctrl+I",), lambda s: s.set_skip_inactivity(not s.skip_inactivity)
    ),
)
_SPEC = {spec.id: spec for spec in ACTION_SPECS}


def shortcut_text(action_id: PlaybackAction) -> str:
    """The keys of ``action_id`` as shown to the user (``"Shift+Left"``)."""
    keys = _SPEC[action_id].keys
    return ", ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in keys)


def tooltip(action_id: PlaybackAction, text: str | None = None) -> str:
    keys = shortcut_text(action_id)
    label = text or _SPEC[action_id].text
    return f"{label} ({keys})" if keys else label


def playback_actions(
    parent: QObject,
    state: PlaybackState,
    *,
    context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut,
    bare_key_context: Qt.ShortcutContext | None = None,
) -> list[QAction]:
    """One ``QAction`` per playback shortcut, owned by ``parent`` (added to it if a widget).

    ``action.data()`` is the :class:`PlaybackAction` id; ``action.text()`` and
    ``action.shortcut()`` are what a shortcuts help dialog lists. The "Skip inactivity"
    action is checkable and follows the state.

    Danger: window-wide bare keys (arrows, Home/End, Space) beat item views, which do not
    claim them first (line edits do). Pass ``bare_key_context=WidgetWithChildrenShortcut``
    (with ``parent`` = the player pane) to keep them for the player only.
    """
    actions: list[QAction] = []
    for spec in ACTION_SPECS:
        a = QAction(spec.text, parent)
        a.setData(spec.id.value)
        a.setObjectName(spec.id.value)
        a.setShortcuts([QKeySequence(k) for k in spec.keys])
        bare = all(QKeySequence(k)[0].keyboardModifiers() == Qt.KeyboardModifier.NoModifier for k in spec.keys)
        a.setShortcutContext(bare_key_context if bare and bare_key_context is not None else context)
        a.setToolTip(tooltip(spec.id))
        a.setAutoRepeat(spec.id not in (PlaybackAction.PLAY_PAUSE, PlaybackAction.RANGE_IN, PlaybackAction.RANGE_OUT))
        a.triggered.connect(lambda _checked=False, run=spec.run: run(state))
        actions.append(a)
        if spec.id in (PlaybackAction.PREV_SIGNAL, PlaybackAction.NEXT_SIGNAL):
            a.setEnabled(bool(state.signal_times))
            bind(a, state, "signals_changed", lambda times, a=a: a.setEnabled(bool(times)))
        if spec.id is PlaybackAction.SKIP_INACTIVITY:
            a.setCheckable(True)
            a.setChecked(state.skip_inactivity)
            bind(a, state, "skip_inactivity_changed", a.setChecked)
    if isinstance(parent, QWidget):
        parent.addActions(actions)
    return actions


class TransportBar(QWidget):
    """Play/pause, previous/next event and page, time readout, skip inactivity and speed."""

    def __init__(self, state: PlaybackState, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("transportBar")
        self._state = state
        self._icons: dict[QToolButton, QStyle.StandardPixmap] = {}

        def button(name: str, icon: QStyle.StandardPixmap, action_id: PlaybackAction) -> QToolButton:
            b = QToolButton(self)
            b.setObjectName(name)
            self._icons[b] = icon
            b.setAutoRaise(True)
            b.setToolTip(tooltip(action_id))
            b.setAccessibleName(_SPEC[action_id].text)
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            b.clicked.connect(lambda _c=False, run=_SPEC[action_id].run: run(state))
            return b

        self.prev_page_button = button("prevPage", QStyle.StandardPixmap.SP_MediaSkipBackward, PlaybackAction.PREV_PAGE)
        self.prev_event_button = button("prevEvent", QStyle.StandardPixmap.SP_MediaSeekBackward, PlaybackAction.PREV_EVENT)
        self.play_button = button("playPause", QStyle.StandardPixmap.SP_MediaPlay, PlaybackAction.PLAY_PAUSE)
        self.next_event_button = button("nextEvent", QStyle.StandardPixmap.SP_MediaSeekForward, PlaybackAction.NEXT_EVENT)
        self.next_page_button = button("nextPage", QStyle.StandardPixmap.SP_MediaSkipForward, PlaybackAction.NEXT_PAGE)
        self.prev_signal_button = signal_button(self, "prevSignal", "◂!", PlaybackAction.PREV_SIGNAL, state)
        self.next_signal_button = signal_button(self, "nextSignal", "!▸", PlaybackAction.NEXT_SIGNAL, state)
        self.play_button.setAutoRaise(False)
        self.play_button.setIconSize(self.play_button.iconSize() * 1.25)
        self._apply_icons()

        self.time_label = QLabel(self)
        self.time_label.setObjectName("timeLabel")
        mono = QFont(self.font())
        mono.setFeature(QFont.Tag("tnum"), 1)  # tabular digits: the readout does not jitter
        self.time_label.setFont(mono)
        self.time_label.setToolTip("Current time / duration")
        self.time_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # room for the readout of sessions up to 99 minutes before any session is open, so the
        # bar's full/compact widths below are measured with it (an empty label measured ~0 and
        # the full bar was kept where it no longer fitted)
        self.time_label.setMinimumWidth(QFontMetrics(mono).horizontalAdvance("00:00.0 / 00:00.0") + 4)

        self.range_label = QLabel(self)
        self.range_label.setObjectName("rangeLabel")
        self.range_label.setToolTip(
            f"Range: {shortcut_text(PlaybackAction.RANGE_IN)} sets the start, {shortcut_text(PlaybackAction.RANGE_OUT)}"
            f" the end, {shortcut_text(PlaybackAction.CLEAR_RANGE)} clears it"
        )
        self.range_label.setVisible(False)

        self.skip_box = QCheckBox("Skip inactivity", self)
        self.skip_box.setObjectName("skipInactivity")
        self.skip_box.toggled.connect(state.set_skip_inactivity)

        self.speed_box = QComboBox(self)
        self.speed_box.setObjectName("speed")
        for s in SPEEDS:
            self.speed_box.addItem(f"{s:g}×", s)
        self.speed_box.setToolTip(
            f"Playback speed (faster: {shortcut_text(PlaybackAction.FASTER)}, slower: {shortcut_text(PlaybackAction.SLOWER)})"
        )
        self.speed_box.setAccessibleName("Playback speed")
        self.speed_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.speed_box.currentIndexChanged.connect(self._on_speed_box_changed)
        self.speed_label = speed_label = QLabel("Speed", self)
        speed_label.setBuddy(self.speed_box)

        # filled by the window (View > Zoom actions); shows "Fit 62%" or "150%"
        self.zoom_button = QToolButton(self)
        self.zoom_button.setObjectName("zoom")
        self.zoom_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.zoom_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.zoom_button.setAutoRaise(True)
        self.zoom_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.zoom_button.setAccessibleName("Zoom")
        self.zoom_button.setText("Fit 100%")

        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)
        lay.setSpacing(2)
        for b in (self.prev_page_button, self.prev_event_button, self.play_button, self.next_event_button, self.next_page_button):
            lay.addWidget(b)
        lay.addSpacing(6)
        lay.addWidget(self.prev_signal_button)
        lay.addWidget(self.next_signal_button)
        lay.addSpacing(12)
        lay.addWidget(self.time_label)
        lay.addSpacing(12)
        lay.addWidget(self.range_label)
        lay.addStretch(1)
        lay.addWidget(self.zoom_button)
        lay.addSpacing(12)
        lay.addWidget(self.skip_box)
        lay.addSpacing(16)
        lay.addWidget(speed_label)
        lay.addSpacing(4)
        lay.addWidget(self.speed_box)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        # compact when narrow (a 1024 px window with both side panes): shorter labels, so the
        # bar never forces the window wider than the screen
        self._compact = False
        self._set_compact(True)
        self._compact_min = lay.minimumSize().width()
        self._set_compact(False)
        self._full_min = lay.minimumSize().width()

        self._subs = bind_all(self, state, {
            "time_changed": self._on_state_time_changed,
            "playing_changed": self._on_state_playing_changed,
            "speed_changed": self._on_state_speed_changed,
            "skip_inactivity_changed": self._on_state_skip_changed,
            "range_changed": self._on_state_range_changed,
            "session_changed": self._on_state_session_changed,
            "signals_changed": self._on_state_signals_changed,
        })
        self._on_state_session_changed()

    def _set_compact(self, on: bool) -> None:
        if on == self._compact:
            return
        self._compact = on
        self.speed_label.setVisible(not on)
        # page and signal steps and skipping stay on their shortcuts and in the Playback menu
        self.prev_page_button.setVisible(not on)
        self.next_page_button.setVisible(not on)
        self.skip_box.setVisible(not on)
        self.prev_signal_button.setVisible(not on)
        self.next_signal_button.setVisible(not on)
        lay = self.layout()
        lay.setSpacing(0 if on else 2)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(self._compact_min, super().minimumSizeHint().height())

    def resizeEvent(self, ev) -> None:  # noqa: N802 - Qt API
        self._set_compact(ev.size().width() < self._full_min)
        super().resizeEvent(ev)

    def set_zoom_actions(self, actions: list[QAction]) -> None:
        """The zoom menu (Fit, 100%, in, out): the window's actions, so shortcuts and texts match."""
        menu = QMenu(self.zoom_button)
        menu.addActions(actions)
        self.zoom_button.setMenu(menu)
        keys = ", ".join(a.shortcut().toString(QKeySequence.SequenceFormat.NativeText) for a in actions if not a.shortcut().isEmpty())
        self.zoom_button.setToolTip(f"Zoom ({keys})")

    def show_zoom(self, fit: bool, scale: float) -> None:
        pct = f"{scale * 100:.0f}%"
        self.zoom_button.setText(f"Fit {pct}" if fit else pct)

    def detach(self) -> None:
        for d in self._subs:
            d()
        self._subs.clear()

    # ---- state -> widgets ----------------------------------------------------------------

    def _on_state_session_changed(self) -> None:
        s = self._state
        has = s.duration > 0
        for b in (self.prev_page_button, self.prev_event_button, self.play_button, self.next_event_button, self.next_page_button):
            b.setEnabled(has)
        idle = sum(e - a for a, e in s.inactive_spans)
        self.skip_box.setToolTip(
            "Jump over stretches with no user input for more than 10 s"
            + (f" ({idle / 1000:.0f} s in this session)" if idle else " (none in this session)")
            + f" ({shortcut_text(PlaybackAction.SKIP_INACTIVITY)})"
        )
        self._on_state_time_changed(s.time)
        self._on_state_playing_changed(s.playing)
        self._on_state_speed_changed(s.speed)
        self._on_state_skip_changed(s.skip_inactivity)
        self._on_state_range_changed(s.range_in, s.range_out)
        self._on_state_signals_changed(s.signal_times)

    def _on_state_signals_changed(self, times) -> None:
        n = len(times)
        for b in (self.prev_signal_button, self.next_signal_button):
            b.setEnabled(bool(n) and self._state.duration > 0)
        what = f"{n} frustration signal{'s' if n != 1 else ''} in this session" if n else "no frustration signals in this session"
        self.prev_signal_button.setToolTip(f"{tooltip(PlaybackAction.PREV_SIGNAL)}: {what}")
        self.next_signal_button.setToolTip(f"{tooltip(PlaybackAction.NEXT_SIGNAL)}: {what}")

    def _on_state_time_changed(self, t: float) -> None:
        self.time_label.setText(f"{clock(t)} / {clock(self._state.duration)}")

    def changeEvent(self, ev):  # noqa: N802 - Qt API
        if ev.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange, QEvent.Type.StyleChange):
            self._apply_icons()
        super().changeEvent(ev)

    def _apply_icons(self) -> None:
        """The style's media icons, tinted with the button text colour (Fusion's are dark
        grey, invisible on a dark palette)."""
        color = self.palette().color(QPalette.ColorRole.ButtonText)
        for b, sp in self._icons.items():
            b.setIcon(_tinted(self.style().standardIcon(sp), color, b.iconSize()))
        self._icon_play = _tinted(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay), color, self.play_button.iconSize())
        self._icon_pause = _tinted(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPause), color, self.play_button.iconSize()
        )
        self._on_state_playing_changed(self._state.playing)

    def _on_state_playing_changed(self, playing: bool) -> None:
        self.play_button.setIcon(self._icon_pause if playing else self._icon_play)
        self.play_button.setToolTip(tooltip(PlaybackAction.PLAY_PAUSE, "Pause" if playing else "Play"))
        self.play_button.setAccessibleName("Pause" if playing else "Play")

    def _on_state_speed_changed(self, speed: float) -> None:
        i = self.speed_box.findData(speed)
        if i < 0:
            self.speed_box.addItem(f"{speed:g}×", speed)
            i = self.speed_box.count() - 1
        if i != self.speed_box.currentIndex():
            self.speed_box.blockSignals(True)
            self.speed_box.setCurrentIndex(i)
            self.speed_box.blockSignals(False)

    def _on_state_skip_changed(self, on: bool) -> None:
        if self.skip_box.isChecked() != on:
            self.skip_box.blockSignals(True)
            self.skip_box.setChecked(on)
            self.skip_box.blockSignals(False)

    def _on_state_range_changed(self, rin: float | None, rout: float | None) -> None:
        if rin is None and rout is None:
            self.range_label.setVisible(False)
            return
        a = clock(rin) if rin is not None else "start"
        b = clock(rout) if rout is not None else "end"
        self.range_label.setText(f"Range {a} – {b}")
        self.range_label.setVisible(True)

    def _on_speed_box_changed(self, index: int) -> None:
        speed = self.speed_box.itemData(index)
        if speed is not None:
            self._state.set_speed(float(speed))


def signal_button(parent: QWidget, name: str, text: str, action_id: PlaybackAction, state: PlaybackState) -> QToolButton:
    """A text button for previous/next signal (no standard media icon says "signal")."""
    b = QToolButton(parent)
    b.setObjectName(name)
    b.setText(text)
    b.setAutoRaise(True)
    b.setToolTip(tooltip(action_id))
    b.setAccessibleName(_SPEC[action_id].text)
    b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    f = QFont(b.font())
    f.setBold(True)
    b.setFont(f)
    b.clicked.connect(lambda _c=False, run=_SPEC[action_id].run: run(state))
    return b


def _tinted(icon: QIcon, color: QColor, size: QSize) -> QIcon:
    out = QIcon()
    for scale in (1, 2):
        pm = icon.pixmap(size * scale)
        if pm.isNull():
            return icon
        p = QPainter(pm)
        p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        p.fillRect(pm.rect(), color)
        p.end()
        pm.setDevicePixelRatio(pm.width() / size.width() if size.width() else 1)
        out.addPixmap(pm)
    disabled = QColor(color)
    disabled.setAlpha(90)
    pm = icon.pixmap(size)
    if not pm.isNull():
        p = QPainter(pm)
        p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        p.fillRect(pm.rect(), disabled)
        p.end()
        out.addPixmap(pm, QIcon.Mode.Disabled)
    return out


class PlaybackDriver(QObject):
    """Feeds ``state.advance`` from a monotonic clock while the state is playing.

    The timer runs only while playing (so nothing ticks in the background) and is stopped by
    :meth:`stop` or when the driver is destroyed. Deltas come from ``QElapsedTimer`` in
    nanoseconds, so a late tick just means a bigger step, never a slower clock.
    """

    def __init__(self, state: PlaybackState, parent: QObject | None = None, interval_ms: int = 16):
        super().__init__(parent)
        self._state = state
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_tick)
        self._clock = QElapsedTimer()
        self._last_ns = 0
        self._off = bind(self, state, "playing_changed", self._on_state_playing_changed)
        if state.playing:
            self._on_state_playing_changed(True)

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def stop(self) -> None:
        """Stop ticking and stop following the state (call before dropping the state)."""
        self._timer.stop()
        self._off()

    def _on_state_playing_changed(self, playing: bool) -> None:
        if playing:
            self._clock.start()
            self._last_ns = 0
            self._timer.start()
        else:
            self._timer.stop()

    def _on_timer_tick(self) -> None:
        now = self._clock.nsecsElapsed()
        dt_ms = (now - self._last_ns) / 1e6
        self._last_ns = now
        self._state.advance(dt_ms)
