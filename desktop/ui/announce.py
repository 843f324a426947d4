"""Score changes told to screen readers: the focused game's and the favourites', not every game.

A change is announced once the models hold it (the next loop turn), with the game's whole
new line as its card reads it ("Boston Celtics 2, Los Angeles Lakers 0, Q1 · 11:40"),
through a ``QAccessibleAnnouncementEvent`` on the game's card (a polite live region).
Hidden scores are never announced (the model does not even signal them).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QApplication, QWidget

from desktop.models.games import GamesModel


class Announcer(QObject):
    """Signals: announced(str): a line was told to assistive technology."""

    announced = Signal(str)

    def __init__(
        self, games: GamesModel, cards: Mapping[str, QWidget], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.games = games
        self.cards = cards  # game id → its card (the grid's live dict)
        self.said: deque[str] = deque(maxlen=50)
        self._pending: dict[str, None] = {}
        games.score_changed.connect(self._on_score)

    def focused_game(self) -> str:
        """The game whose card (or detail) has the keyboard focus, if any."""
        widget = QApplication.focusWidget()
        while widget is not None:
            game_id = getattr(widget, "game_id", None)
            if isinstance(game_id, str):
                return game_id
            widget = widget.parentWidget()
        return ""

    def _on_score(self, game_id: str, _side: str, _delta: int) -> None:
        if not self._pending:
            QTimer.singleShot(0, self._flush)
        self._pending[game_id] = None

    def _flush(self) -> None:
        pending, self._pending = self._pending, {}
        focused = self.focused_game()
        for game_id in pending:
            state = self.games.state(game_id)
            if state is None or not (game_id == focused or self.games.is_favourite(state)):
                continue
            row = self.games.row_of(game_id)
            line = str(self.games.index(row or 0).data(Qt.ItemDataRole.AccessibleTextRole))
            self.said.append(line)
            self.announced.emit(line)
            card = self.cards.get(game_id)
            if card is not None and QAccessible.isActive():
                QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(card, line))
