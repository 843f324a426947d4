"""The main window: filters on top, the game grid, the connection below.

Wires the feed client to the games model and the models to the views; holds
no game logic of its own. Clocks tick from one timer (``TICK_MS``) that moves
the model to the server's time; only rows whose clock text changed repaint.
While the feed is lost every card says so, and how old its score is; the
event→screen latency (for developers) is in the connection's tooltip and the
About box, not in the status bar.
"""

from __future__ import annotations

import statistics
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import fields, replace

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QIcon,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMessageBox,
    QSystemTrayIcon,
    QWidget,
)

from broadcaster import __version__
from broadcaster.protocol import HISTORY_MAX_LIMIT, Event, GameState, History
from desktop.feed.client import FeedClient
from desktop.models.filter import GamesFilter
from desktop.models.freshness import ago, freshness
from desktop.models.games import GamesModel
from desktop.notify.rules import Notice
from desktop.resources import icon_path
from desktop.settings import THEMES, Settings
from desktop.ui.alerts import Alerts
from desktop.ui.announce import Announcer
from desktop.ui.detail import DetailWindow
from desktop.ui.filters import FilterBar
from desktop.ui.grid import GameGrid
from desktop.ui.keys import KEYS_HELP
from desktop.ui.settings_dialog import SettingsDialog
from desktop.ui.status import ConnectionIndicator, DelayLabel
from desktop.ui.theme import Accents, apply_theme, system_theme
from desktop.ui.ticker import Ticker
from desktop.ui.tray import TITLE as TRAY_TITLE
from desktop.ui.tray import ScoresTray

TICK_MS = 250


class MainWindow(QMainWindow):
    """The scoreboard window over one ``FeedClient``.

    Signals:
        closed(): the window was closed; the app shuts down after it.
        settings_changed(): the user changed the settings (the app saves them).
    """

    closed = Signal()
    settings_changed = Signal()

    def __init__(self, client: FeedClient, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("scoreboard")
        self.setWindowTitle("Scorecast Scoreboard")
        self.setWindowIcon(QIcon(str(icon_path())))
        self.client = client
        self.settings = settings
        self.run_token = False  # a --token for this run only (the dialog says so)
        self.games = GamesModel(self)
        self.games.set_favourites(settings.favourites)
        self.view_model = GamesFilter(self)
        self.view_model.setSourceModel(self.games)
        self.details: dict[str, DetailWindow] = {}
        self.accents = Accents()
        self._apply_theme(settings.theme)
        self.latencies: deque[float] = deque(maxlen=200)  # seconds, event time → shown
        self.stale = ""
        self.seen: dict[str, float] = {}  # game id → time.monotonic() of its last update shown
        self.grid = GameGrid(self.view_model, self.accents, self)
        self.grid.setAccessibleName("Games")
        self.setCentralWidget(self.grid)
        self.filters = FilterBar(self.view_model, self)
        self.search, self.sport = self.filters.search, self.filters.sport
        self.league, self.live_only = self.filters.league, self.filters.live_only
        self.addToolBar(self.filters)
        self._build_menus()
        self._build_status()
        self.alerts = Alerts(client.server_time, settings.favourites, settings.muted, self)
        self.alerts.set_muted(settings.muted, settings.muted_for)
        self.alerts.enabled = settings.notify
        self.alerts.quiet = self.games.is_hidden  # a hidden score is not told either
        self.alerts.follow(client)
        self.alerts.notified.connect(self._on_notified)
        self._quitting = False
        self.ticker: Ticker | None = None
        self._build_tray()
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_color_scheme)
        client.status_changed.connect(self.indicator.show_status)
        client.games_reset.connect(self._on_games_reset)
        client.events_applied.connect(self._on_events)
        client.history_received.connect(self._on_history)
        self.grid.game_activated.connect(self.open_detail)
        self.grid.favourite_toggled.connect(self._on_favourite_toggled)
        self.grid.reveal.connect(self.games.reveal)
        self.announcer = Announcer(self.games, self.grid.cards, self)
        self.games.rowsInserted.connect(self._on_games_listed)
        self.games.modelReset.connect(self._on_games_listed)
        self._clock = QTimer(self)
        self._clock.setInterval(TICK_MS)
        self._clock.timeout.connect(self._on_tick)
        self._clock.start()
        if settings.geometry is not None:
            self.restoreGeometry(settings.geometry)
        else:
            self.resize(1100, 720)

    # ------------------------------------------------------------------ building

    def _action(self, text: str, key: QKeySequence | str, slot: Callable[..., object]) -> QAction:
        action = QAction(text, self, shortcut=QKeySequence(key))
        action.triggered.connect(slot)
        return action

    def _toggle(self, text: str, key: str, slot: Callable[[bool], object]) -> QAction:
        action = QAction(text, self, shortcut=QKeySequence(key), checkable=True)
        action.toggled.connect(slot)
        return action

    def _build_menus(self) -> None:
        menu = self.menuBar()
        keys = QKeySequence.StandardKey
        self.reconnect = self._action("&Reconnect now", "F5", self.client.reconnect_now)
        self.preferences = self._action("S&ettings…", "Ctrl+,", self.open_settings)
        menu.addMenu("&Games").addActions(
            [
                self._action("&Search", QKeySequence(keys.Find), self._on_find),
                self._action("&First game", "Ctrl+G", self.grid.focus_first),
                self.reconnect,
                self.preferences,
                self._action("&Quit", QKeySequence(keys.Quit), self.quit),
            ]
        )
        view = menu.addMenu("&View")
        self.hide_scores = self._toggle("&Hide scores", "Ctrl+H", self.set_hide_scores)
        self.ticker_action = self._toggle("&Ticker", "Ctrl+T", self.show_ticker)
        view.addActions([self.hide_scores, self.ticker_action])
        view.addSeparator()
        self._themes = QActionGroup(self)
        for name in THEMES:
            label = "Follow the system" if name == "system" else f"{name.capitalize()} theme"
            action = self._action(label, "", lambda _=False, n=name: self.set_theme(n))
            action.setCheckable(True)
            action.setChecked(name == self.settings.theme)
            self._themes.addAction(action)
            view.addAction(action)
        menu.addMenu("&Help").addActions(
            [
                self._action("&Keyboard", QKeySequence(keys.HelpContents), self._on_keys_help),
                self._action("&About", "", self._on_about),
            ]
        )

    def _build_tray(self) -> None:
        self.tray = ScoresTray(self.games, self)
        self.tray.open_game.connect(self.open_from_tray)
        self.tray.show_window.connect(self.show_from_tray)
        self.tray.reconnect.connect(self.client.reconnect_now)
        self.tray.settings.connect(self._settings_from_tray)
        self.tray.quit.connect(self.quit)
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray.show()
        self.alerts.tray = self.tray

    def _build_status(self) -> None:
        bar = self.statusBar()
        self.indicator = ConnectionIndicator(lambda: self.client.last_event, bar)
        self.latency = ""  # "event→screen 12 ms (median of the last 200)"
        self.delay_label = DelayLabel(bar)
        bar.addPermanentWidget(self.delay_label)
        bar.addPermanentWidget(self.indicator)
        self.set_delay(self.settings.delay)

    def set_delay(self, seconds: int) -> None:
        """Show everything ``seconds`` late (spoiler-safe), and say so in the status bar."""
        self.settings.delay = seconds
        self.client.set_delay(seconds)
        self.delay_label.show_delay(seconds)

    # ------------------------------------------------------------------ feed → models

    def _on_games_reset(self, games: Sequence[GameState], epoch_changed: bool) -> None:
        self.seen = dict.fromkeys((g.game_id for g in games), time.monotonic())
        self.games.server_now = self.client.server_time()
        self.games.reset(games, epoch_changed)
        for state in games:  # a card that tells what events did (scorers) needs them
            if self.games.wants_history(state):
                self.client.request_history(state.game_id, limit=HISTORY_MAX_LIMIT)

    def _on_history(self, history: History) -> None:
        self.games.tell(history.events)

    def _on_events(self, events: Sequence[Event]) -> None:
        now = time.monotonic()
        self.seen.update((event.game_id, now) for event in events)
        self.games.server_now = self.client.server_time()
        self.games.apply(events)
        QTimer.singleShot(0, lambda t=events[-1].time: self._on_shown(t))

    def _on_shown(self, event_time: float) -> None:
        """After the update's repaint: how long from the event to the screen."""
        self.latencies.append(max(0.0, self.client.server_time() - event_time))
        p50 = statistics.median(self.latencies) * 1000
        self.latency = f"event→screen {p50:.0f} ms (median of the last {len(self.latencies)})"
        self.indicator.setToolTip(self.latency)

    def _on_tick(self) -> None:
        self.games.tick(self.client.server_time(time.time()))
        self._show_stale()
        self._show_quiet(time.monotonic())

    def _show_quiet(self, now: float) -> None:
        """Each live game silent unusually long says since when, on its card."""
        changed = False
        for game_id, card in self.grid.cards.items():
            state, seen = self.games.state(game_id), self.seen.get(game_id)
            age = None if seen is None else now - seen
            text = freshness(state.status, state.sport, age) if state is not None else ""
            changed = card.set_quiet(text) or changed
        if changed:
            self.grid.refresh()

    def _show_stale(self) -> None:
        """Every card says when the feed is lost, with the age of what it shows."""
        text = ""
        if self.indicator.status.phase != "connected" and self.games.rowCount():
            last = self.client.last_event
            age = f" · updated {ago(time.monotonic() - last)}" if last is not None else ""
            text = f"⚠ No connection{age}"
        if text != self.stale:
            self.stale = text
            for card in self.grid.cards.values():
                card.set_stale(text)
            for window in self.details.values():
                window.set_stale(text)
            self.grid.refresh()

    def _on_games_listed(self, *_: object) -> None:
        """Offer every sport and league seen in the filters."""
        states = self.games.games()
        self.filters.offer(states)
        self.grid.set_empty_text("No games match the filters" if states else "Waiting for games…")

    # ------------------------------------------------------------------ user actions

    def show_ticker(self, on: bool = True) -> Ticker:
        """The always-on-top strip (created once; where it was is remembered)."""
        if self.ticker is None:
            self.ticker = Ticker(self.games, self.settings.ticker_mode)
            self.ticker.open_game.connect(self.open_from_tray)
            self.ticker.mode_changed.connect(self._on_ticker_mode)
            self.ticker.hide_asked.connect(lambda: self.show_ticker(False))
            if self.settings.ticker_geometry is not None:
                self.ticker.restoreGeometry(self.settings.ticker_geometry)
        if self.ticker_action.isChecked() != on:
            self.ticker_action.setChecked(on)
        self.settings.ticker = on
        if on:
            self.ticker.show()
        else:
            self.settings.ticker_geometry = self.ticker.saveGeometry()
            self.ticker.hide()
        return self.ticker

    def _on_ticker_mode(self, mode: str) -> None:
        self.settings.ticker_mode = mode
        self.settings_changed.emit()

    def set_hide_scores(self, on: bool) -> None:
        """Spoiler-safe at a glance: every score hidden until revealed (R, or open the game)."""
        self.games.set_hide_scores(on)
        if self.hide_scores.isChecked() != on:
            self.hide_scores.setChecked(on)
        self.show_message("Scores hidden: R on a game reveals it" if on else "Scores shown")

    def open_detail(self, game_id: str) -> DetailWindow:
        self.games.reveal(game_id)  # opening a game is looking at it
        window = self.details.get(game_id)
        if window is None:
            window = DetailWindow(game_id, self.games, self.client, self.accents, self)
            window.set_stale(self.stale)
            self.details[game_id] = window
            window.destroyed.connect(lambda *_: self.details.pop(game_id, None))
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def _on_favourite_toggled(self, game_id: str) -> None:
        state = self.games.state(game_id)
        if state is None:
            return
        favourites = set(self.settings.favourites)
        teams = {state.home.name, state.away.name}
        favourites = favourites - teams if favourites & teams else favourites | teams
        self.settings.favourites = sorted(favourites)
        self.games.set_favourites(favourites)
        self.alerts.set_favourites(favourites)
        self.tray.refresh()

    def _on_notified(self, notice: Notice) -> None:
        """Where no tray shows it, the status bar does, for a while."""
        if self.alerts.tray is None or not self.alerts.tray.isVisible():
            self.statusBar().showMessage(f"🔔 {notice.text} · {notice.title}", 15_000)

    def set_theme(self, name: str) -> None:
        self.settings.theme = name
        for action, theme in zip(self._themes.actions(), THEMES, strict=True):
            action.setChecked(theme == name)
        self._apply_theme(name)
        self.grid.restyle()
        for window in self.details.values():
            window.restyle()

    def _on_color_scheme(self, *_: object) -> None:
        if self.settings.theme == "system":  # follow the desktop when it switches
            self.set_theme("system")

    def _apply_theme(self, name: str) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, system_theme() if name == "system" else name, self.accents)

    def open_settings(self) -> SettingsDialog:
        """The Settings dialog (window-modal, not a nested event loop)."""
        dialog = SettingsDialog(self.settings, self.run_token, self)
        dialog.accepted.connect(lambda: self.apply_settings(dialog.chosen))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def apply_settings(self, new: Settings | None) -> None:
        """Take what the dialog chose: reconnect if the servers or token changed, and so on."""
        if new is None:
            return
        old = replace(self.settings)
        for f in fields(Settings):
            if f.name not in ("geometry", "saved_token"):
                setattr(self.settings, f.name, getattr(new, f.name))
        if (new.urls, new.token) != (old.urls, old.token):
            self.run_token = False
            self.client.start(new.url, new.token or None, new.fallbacks)
        if new.theme != old.theme:
            self.set_theme(new.theme)
        if new.delay != old.delay:
            self.set_delay(new.delay)
        self.games.set_favourites(new.favourites)
        self.alerts.set_favourites(new.favourites)
        self.alerts.set_muted(new.muted, new.muted_for)
        self.alerts.enabled = new.notify
        self.tray.refresh()
        self.settings_changed.emit()

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text)

    def _on_find(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _on_about(self) -> None:
        QMessageBox.about(self, "About Scoreboard", self.about_text())

    def about_text(self) -> str:
        latency = self.latency or "event→screen: no events yet"
        return f"Scorecast Scoreboard {__version__}\n{self.indicator.status.url or ''}\n{latency}"

    def _on_keys_help(self) -> None:
        QMessageBox.information(self, "Keyboard", KEYS_HELP)

    def show_from_tray(self) -> None:
        self.show()
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.raise_()
        self.activateWindow()

    def _settings_from_tray(self) -> None:
        self.show_from_tray()
        self.open_settings()

    def open_from_tray(self, game_id: str) -> None:
        self.show_from_tray()
        self.open_detail(game_id)

    def quit(self) -> None:
        """Close for good, even when closing the window would keep the app in the tray."""
        self._quitting = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.settings.geometry = self.saveGeometry()
        if self.settings.close_to_tray and self.tray.isVisible() and not self._quitting:
            event.ignore()  # the scores stay in the tray; its menu quits
            self.hide()
            self.tray.showMessage(TRAY_TITLE, "Still following the scores in the tray.")
            return
        for window in list(self.details.values()):
            window.close()
        if self.ticker is not None:
            self.settings.ticker_geometry = self.ticker.saveGeometry()
            self.ticker.close()
            self.ticker.deleteLater()
            self.ticker = None
        super().closeEvent(event)
        self.closed.emit()

    def index_of(self, game_id: str) -> QModelIndex:
        row = self.games.row_of(game_id)
        return QModelIndex() if row is None else self.games.index(row)

    def score_text(self, game_id: str) -> str:
        """The card's whole line, as a screen reader reads it."""
        return str(self.index_of(game_id).data(Qt.ItemDataRole.AccessibleTextRole) or "")
