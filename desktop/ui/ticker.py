"""The ticker: a frameless, always-on-top strip of one line over everything else.

It cycles through the live games (``cycle``) or shows the favourites side by
side (``favourites``; its context menu chooses), each game as its card reads (so
hidden scores stay hidden and a spoiler delay holds it back too). A click (or
Enter) opens the game in the main window; a drag moves the strip (it has no title
bar); the grip at its right end resizes it; where it was is remembered.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QContextMenuEvent, QKeyEvent, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QSizeGrip, QWidget

from desktop.models.games import GamesModel

CYCLE_MS = 5000
LIVE = ("live", "break")
DRAG = 6  # pixels the pointer must move for a press to be a drag, not a click
MODES = ("cycle", "favourites")
SEP = "   ·   "


class Ticker(QWidget):
    """Signals: open_game(str): the strip was clicked on a game; mode_changed(str): the user
    chose what it shows (its context menu); hide_asked(): its context menu's Hide."""

    open_game = Signal(str)
    mode_changed = Signal(str)
    hide_asked = Signal()

    def __init__(self, games: GamesModel, mode: str = "cycle", parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Tool)
        flags = Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
        self.setWindowFlags(self.windowFlags() | flags)
        self.setObjectName("ticker")
        self.setWindowTitle("Scorecast ticker")
        self.setAccessibleName("Ticker")
        self.games = games
        self.mode = mode if mode in MODES else "cycle"
        self.game_id = ""  # the game shown (cycle mode) or the first one (favourites)
        self._turn = 0
        self.label = QLabel(self)
        self.label.setObjectName("line")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        font = self.label.font()
        font.setBold(True)
        self.label.setFont(font)
        self.text = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 2, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(QSizeGrip(self), 0, Qt.AlignmentFlag.AlignBottom)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Enter opens, → moves on
        self.setMinimumSize(240, 28)
        self.resize(560, 32)
        self._press: QPoint | None = None
        self._moved = False
        self.cycle = QTimer(self)
        self.cycle.setInterval(CYCLE_MS)
        self.cycle.timeout.connect(self.advance)
        self.cycle.start()
        self._refresh = QTimer(self)  # the model's changes, at most once per loop turn
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(0)
        self._refresh.timeout.connect(self.show_line)
        for signal in (games.dataChanged, games.modelReset, games.rowsInserted, games.rowsRemoved):
            signal.connect(self._on_model_changed)
        self.show_line()

    def _on_model_changed(self, *_: object) -> None:
        self._refresh.start()

    def live_games(self) -> list[str]:
        """The games to cycle through, in the grid's order."""
        states = self.games.games()
        if self.mode == "favourites":
            states = [s for s in states if self.games.is_favourite(s)]
        else:
            states = [s for s in states if s.status in LIVE]
        return [s.game_id for s in sorted(states, key=self.games.sort_key)]

    def line_of(self, game_id: str) -> str:
        row = self.games.row_of(game_id)
        if row is None:
            return ""
        return str(self.games.index(row).data(Qt.ItemDataRole.AccessibleTextRole))

    def advance(self) -> None:
        """The next live game (cycle mode)."""
        self._turn += 1
        self.show_line()

    def set_mode(self, mode: str) -> None:
        self.mode = mode if mode in MODES else "cycle"
        self.show_line()

    def show_line(self) -> None:
        ids = self.live_games()
        if not ids:
            self.game_id, text = "", "No live games"
        elif self.mode == "favourites":
            self.game_id, text = ids[0], SEP.join(self.line_of(g) for g in ids)
        else:
            self.game_id = ids[self._turn % len(ids)]
            text = self.line_of(self.game_id)
        if text != self.text:
            self.text = text
            self.label.setAccessibleName(text)
            self.label.setToolTip(f"{text}\nClick: open the game · drag: move")
        self._fit()

    def _fit(self) -> None:
        """The line, with "…" where the strip is too short for it (its name stays whole)."""
        width = max(40, self.label.width())
        shown = self.label.fontMetrics().elidedText(self.text, Qt.TextElideMode.ElideRight, width)
        if shown != self.label.text():
            self.label.setText(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def game_at(self, x: int) -> str:
        """The game under the pointer (favourites side by side: whose line it is on)."""
        ids = self.live_games()
        if self.mode != "favourites" or not ids:
            return self.game_id
        metrics, left = self.label.fontMetrics(), self.label.x()
        for game_id in ids:
            left += metrics.horizontalAdvance(self.line_of(game_id) + SEP)
            if x < left:
                return game_id
        return ids[-1]

    def menu(self) -> QMenu:
        """What the strip shows, and hiding it (right click, or the menu key)."""
        menu = QMenu(self)
        for mode, text in (("cycle", "Cycle through live games"), ("favourites", "Favourites")):
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(mode == self.mode)
            action.triggered.connect(lambda _=False, m=mode: self._choose(m))
        menu.addSeparator()
        menu.addAction("Hide the ticker").triggered.connect(self.hide_asked)
        return menu

    def _choose(self, mode: str) -> None:
        self.set_mode(mode)
        self.mode_changed.emit(self.mode)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802
        self.menu().exec(event.globalPos())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self.game_id:
            self.open_game.emit(self.game_id)
        elif key == Qt.Key.Key_Right:
            self.advance()
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.globalPosition().toPoint() - self.frameGeometry().topLeft()
            self._moved = False

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._press is not None:
            where = event.globalPosition().toPoint() - self._press
            if self._moved or (where - self.pos()).manhattanLength() > DRAG:
                self._moved = True
                self.move(where)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._press is not None and not self._moved:
            game_id = self.game_at(int(event.position().x()))
            if game_id:
                self.open_game.emit(game_id)
        self._press = None
