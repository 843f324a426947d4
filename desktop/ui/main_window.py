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
from collections.abc import Sequence
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
    QLabel,
    QMainWindow,
    QMessageBox,
    QSystemTrayIcon,
    QWidget,
)

from broadcaster import __version__
from broadcaster.protocol import HISTORY_MAX_LIMIT, Event, GameState, History
from desktop.feed.client import FeedClient
from desktop.models.filter import GamesFilter
from desktop.models.games import GamesModel
from desktop.notify.rules import Notice
from desktop.resources import icon_path
from desktop.settings import THEMES, Settings
from desktop.ui.alerts import Alerts
from desktop.ui.detail import DetailWindow
from desktop.ui.filters import FilterBar
from desktop.ui.grid import GameGrid
from desktop.ui.settings_dialog import SettingsDialog
from desktop.ui.status import ConnectionIndicator, ago
from desktop.ui.theme import Accents, apply_theme
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
        self.alerts.enabled = settings.notify
        self.alerts.quiet = self.games.is_hidden  # a hidden score is not told either
        self.alerts.follow(client)
        self.alerts.notified.connect(self._on_notified)
        self._quitting = False
        self._build_tray()
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_color_scheme)
        client.status_changed.connect(self.indicator.show_status)
        client.games_reset.connect(self._on_games_reset)
        client.events_applied.connect(self._on_events)
        client.history_received.connect(self._on_history)
        self.grid.game_activated.connect(self.open_detail)
        self.grid.favourite_toggled.connect(self._on_favourite_toggled)
        self.grid.reveal.connect(self.games.reveal)
        self.games.rowsInserted.connect(self._on_games_listed)
        self.games.modelReset.connect(self._on_games_listed)
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self._on_tick)
        self._ticker.start()
        if settings.geometry is not None:
            self.restoreGeometry(settings.geometry)
        else:
            self.resize(1100, 720)

    # ------------------------------------------------------------------ building

    def _build_menus(self) -> None:
        menu = self.menuBar()
        games = menu.addMenu("&Games")
        find = QAction("&Search", self, shortcut=QKeySequence(QKeySequence.StandardKey.Find))
        find.triggered.connect(self._on_find)
        first = QAction("&First game", self, shortcut=QKeySequence("Ctrl+G"))
        first.triggered.connect(self.grid.focus_first)
        self.reconnect = QAction("&Reconnect now", self, shortcut=QKeySequence("F5"))
        self.reconnect.triggered.connect(self.client.reconnect_now)
        self.preferences = QAction("S&ettings…", self, shortcut=QKeySequence("Ctrl+,"))
        self.preferences.triggered.connect(self.open_settings)
        quit_ = QAction("&Quit", self, shortcut=QKeySequence(QKeySequence.StandardKey.Quit))
        quit_.triggered.connect(self.quit)
        games.addActions([find, first, self.reconnect, self.preferences, quit_])
        view = menu.addMenu("&View")
        self.hide_scores = QAction("&Hide scores", self, checkable=True)
        self.hide_scores.setShortcut(QKeySequence("Ctrl+H"))
        self.hide_scores.toggled.connect(self.set_hide_scores)
        view.addAction(self.hide_scores)
        view.addSeparator()
        self._themes = QActionGroup(self)
        for name in THEMES:
            label = "Follow the system" if name == "system" else f"{name.capitalize()} theme"
            action = QAction(label, self, checkable=True)
            action.setChecked(name == self.settings.theme)
            action.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            self._themes.addAction(action)
            view.addAction(action)
        help_ = menu.addMenu("&Help")
        help_key = QKeySequence(QKeySequence.StandardKey.HelpContents)
        keys = QAction("&Keyboard", self, shortcut=help_key)
        keys.triggered.connect(self._on_keys_help)
        about = QAction("&About", self)
        about.triggered.connect(self._on_about)
        help_.addActions([keys, about])

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
        self.delay_label = QLabel(bar)
        self.delay_label.setObjectName("delay")
        bar.addPermanentWidget(self.delay_label)
        bar.addPermanentWidget(self.indicator)
        self.set_delay(self.settings.delay)

    def set_delay(self, seconds: int) -> None:
        """Show everything ``seconds`` late (spoiler-safe), and say so in the status bar."""
        self.settings.delay = seconds
        self.client.set_delay(seconds)
        text = f"⏱ {seconds} s behind" if seconds else ""
        self.delay_label.setText(text)
        self.delay_label.setAccessibleName(f"Spoiler delay: {seconds} seconds" if seconds else "")
        self.delay_label.setVisible(bool(seconds))

    # ------------------------------------------------------------------ feed → models

    def _on_games_reset(self, games: Sequence[GameState], epoch_changed: bool) -> None:
        self.games.server_now = self.client.server_time()
        self.games.reset(games, epoch_changed)
        for state in games:  # a card that tells what events did (scorers) needs them
            if self.games.wants_history(state):
                self.client.request_history(state.game_id, limit=HISTORY_MAX_LIMIT)

    def _on_history(self, history: History) -> None:
        self.games.tell(history.events)

    def _on_events(self, events: Sequence[Event]) -> None:
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
        self.alerts.set_muted(new.muted)
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
        super().closeEvent(event)
        self.closed.emit()

    def index_of(self, game_id: str) -> QModelIndex:
        row = self.games.row_of(game_id)
        return QModelIndex() if row is None else self.games.index(row)

    def score_text(self, game_id: str) -> str:
        """The card's whole line, as a screen reader reads it."""
        return str(self.index_of(game_id).data(Qt.ItemDataRole.AccessibleTextRole) or "")


KEYS_HELP = """Tab / Shift+Tab, arrow keys: move between games
Enter or Space: open the game's detail (Escape closes it)
F: favourite the game's teams (favourites come first)
Ctrl+F: search    Ctrl+G: first game    F5: reconnect now
Ctrl+H: hide scores (R on a game reveals it)    Ctrl+,: settings    Ctrl+Q: quit"""


def system_theme() -> str:
    """ "light" or "dark", as the desktop says (light when it does not say)."""
    scheme = QGuiApplication.styleHints().colorScheme()
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"
