"""The system tray: the favourites' live scores in the icon's menu and tooltip.

Each favourite game is one menu entry reading its whole line, as a screen reader
reads the card ("France 2, Croatia 1, 72' · Mbappé 23'"); choosing it opens the
game. The menu also shows the window, reconnects, opens Settings and quits. The
lines are read from the games model once a second and the menu is rebuilt only
when one changed, so an idle tray costs nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from desktop.models.games import GamesModel
from desktop.resources import icon_path

REFRESH_MS = 1000
TITLE = "Scorecast Scoreboard"


class ScoresTray(QSystemTrayIcon):
    """Signals: open_game(str), show_window(), reconnect(), settings(), quit()."""

    open_game = Signal(str)
    show_window = Signal()
    reconnect = Signal()
    settings = Signal()
    quit = Signal()

    def __init__(self, games: GamesModel, parent: QObject | None = None) -> None:
        super().__init__(QIcon(str(icon_path())), parent)
        self.games = games
        self.lines: list[tuple[str, str]] = []  # (game id, line), favourites only
        self.menu = QMenu()
        self.menu.setAccessibleName("Scoreboard tray")
        self.setContextMenu(self.menu)
        self.activated.connect(self._on_activated)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self._rebuild()

    def favourite_lines(self) -> list[tuple[str, str]]:
        """The favourites' games, live first (the grid's order), each as its card reads."""
        rows = [
            (self.games.sort_key(s), s.game_id, row)
            for row, s in enumerate(self.games.games())
            if self.games.is_favourite(s)
        ]
        text = Qt.ItemDataRole.AccessibleTextRole
        return [(gid, str(self.games.index(row).data(text))) for _, gid, row in sorted(rows)]

    def refresh(self) -> None:
        lines = self.favourite_lines()
        if lines != self.lines:
            self.lines = lines
            self._rebuild()

    def _rebuild(self) -> None:
        self.menu.clear()
        show = self.menu.addAction("Show the scoreboard")
        show.triggered.connect(self.show_window)
        self.menu.addSeparator()
        if not self.lines:
            none = self.menu.addAction("No favourites' games yet (star a card)")
            none.setEnabled(False)
        for game_id, line in self.lines:
            action = self.menu.addAction(line.replace("&", "&&"))  # "1st & 10": no mnemonic
            action.setData(game_id)
            action.triggered.connect(lambda _=False, g=game_id: self.open_game.emit(g))
        self.menu.addSeparator()
        for text, signal in (
            ("Reconnect now", self.reconnect),
            ("Settings…", self.settings),
            ("Quit", self.quit),
        ):
            self.menu.addAction(text).triggered.connect(signal)
        scores = "\n".join(line for _, line in self.lines) or "No favourites' games yet"
        self.setToolTip(f"{TITLE}\n{scores}")

    def game_actions(self) -> list[QAction]:
        """The menu's entries for favourite games (what a test or a screen reader finds)."""
        ids = {game_id for game_id, _ in self.lines}
        return [a for a in self.menu.actions() if a.data() in ids]

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:  # a left click
            self.show_window.emit()
