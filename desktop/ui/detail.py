"""A game's detail: the score, its line score, the sport's panel, the game flow and plays.

The header follows the game's row in the games model; everything else is
``broadcaster.present``'s reading of the state and of the game's events (a
``Story``). The events come from a ``history`` request when the window opens
(one large page, so the line score and the flow start whole), older pages as
the plays scroll, and live events after that. A resync (new snapshot) fetches
the history again, so nothing is missing after a gap.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from broadcaster import present
from broadcaster.protocol import HISTORY_MAX_LIMIT, Event, GameState, History
from desktop.feed.client import FeedClient
from desktop.models.games import GamesModel, Role
from desktop.models.plays import PAGE, PlaysModel
from desktop.ui.flow import FlowChart
from desktop.ui.scoreboard import LineScoreTable, SportPanel
from desktop.ui.theme import Accents, style

PANEL_WIDTH = 290


class DetailWindow(QDialog):
    """The detail of ``game_id``; Escape closes it."""

    def __init__(
        self,
        game_id: str,
        games: GamesModel,
        client: FeedClient,
        accents: Accents,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._accents = accents
        self.setObjectName("detail")
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.game_id = game_id
        self._games = games
        self._client = client
        self.plays = PlaysModel(game_id, self)
        self.plays.history_wanted.connect(self._on_history_wanted)
        self._events: dict[int, Event] = {}
        self.story = present.story("")
        self._first_page = True
        self.stale = ""  # "⚠ No connection · updated 2 min ago" while the feed is lost
        self._build()
        games.dataChanged.connect(self._on_games_changed)
        games.modelReset.connect(self._on_header)
        client.events_applied.connect(self._on_events)
        client.history_received.connect(self._on_history)
        client.games_reset.connect(self._on_reset)
        self._on_header()
        self.restyle()
        client.request_history(game_id, limit=HISTORY_MAX_LIMIT)
        self.resize(760, 760)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        header = QWidget(self)
        header.setObjectName("detailHeader")
        header.setAutoFillBackground(True)
        header.setBackgroundRole(QPalette.ColorRole.Base)
        grid = QGridLayout(header)
        self.league = _label("detailLeague")
        grid.addWidget(self.league, 0, 0, 1, 3)
        self.names: dict[str, QLabel] = {}
        self.scores: dict[str, QLabel] = {}
        for col, side in ((0, "home"), (2, "away")):
            name, score = _label("detailTeam"), _label("detailScore")
            align = Qt.AlignmentFlag.AlignLeft if side == "home" else Qt.AlignmentFlag.AlignRight
            name.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
            score.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(name, 1, col)
            grid.addWidget(score, 2, col)
            self.names[side], self.scores[side] = name, score
        self.phase = _label("detailPhase")
        self.phase.setAlignment(Qt.AlignmentFlag.AlignCenter)
        grid.addWidget(self.phase, 2, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(2, 1)
        layout.addWidget(header)

        self.line_score = LineScoreTable(self)
        layout.addWidget(self.line_score)
        layout.addWidget(self.line_score.caption)
        split = QSplitter(Qt.Orientation.Vertical, self)
        middle = QWidget(split)
        row = QHBoxLayout(middle)
        row.setContentsMargins(0, 0, 0, 0)
        self.panel = SportPanel(middle)
        scroll = QScrollArea(middle)  # a long panel scrolls; nothing is clipped
        scroll.setWidget(self.panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(PANEL_WIDTH)
        self.flow = FlowChart((self._accents["live"], self._accents["muted"]), middle)
        row.addWidget(scroll, 2)
        row.addWidget(self.flow, 3)
        self.plays_view = QTableView(split)
        self.plays_view.setObjectName("plays")
        self.plays_view.setAccessibleName("Play-by-play, newest first")
        self.plays_view.setModel(self.plays)
        self.plays_view.verticalHeader().hide()
        self.plays_view.setShowGrid(False)
        self.plays_view.setWordWrap(True)
        self.plays_view.setAlternatingRowColors(True)
        self.plays_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.plays_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.plays_view.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, 96)
        header.resizeSection(2, 150)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout.addWidget(split, 1)
        self.plays_view.setFocus()  # arrow keys and Page Up/Down read the plays

    def restyle(self) -> None:
        """Fonts and colours from the theme (no style sheet: see desktop.ui.theme)."""
        style(self.league, px=12, color=self._accents["muted"])
        for side in ("home", "away"):
            style(self.names[side], px=16, bold=True)
            style(self.scores[side], px=40, bold=True)
        style(self.phase, px=14)
        style(self.line_score.caption, px=12, color=self._accents["muted"])
        self.flow.colors = (self._accents["live"], self._accents["muted"])
        self.flow.update()

    # ------------------------------------------------------------------ header

    def _on_games_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        row = self._games.row_of(self.game_id)
        if row is not None and top_left.row() <= row <= bottom_right.row():
            self._on_header()

    def _on_header(self) -> None:
        row = self._games.row_of(self.game_id)
        if row is None:
            self.phase.setText("no longer on the feed")
            return
        index = self._games.index(row)
        state: GameState = index.data(Role.STATE)
        self.setWindowTitle(f"{state.home.name} v {state.away.name} — Scoreboard")
        venue = f" · {state.venue}" if state.venue else ""
        self.league.setText(f"{state.league} · {state.sport.replace('_', ' ')}{venue}")
        if self.story.events and self.story.events[0].state.sport != state.sport:
            self.story = present.story(state.sport)
        board = present.board(state, self._games.server_now, self.story)
        for side in ("home", "away"):
            team = state.home if side == "home" else state.away
            self.names[side].setText(team.name)
            self.scores[side].setText(board.headline(side))
            words = not board.headline(side)[:1].isdigit()  # "yet to bat"
            style(self.scores[side], px=20 if words else 40, bold=not words)
            self.scores[side].setAccessibleName(f"{team.name} {board.headline(side)}")
        line = f"{self.stale} · {board.line}" if self.stale else board.line
        self.phase.setText(line)
        self.phase.setAccessibleName(line)
        self.setAccessibleName(present.summary(state, self._games.server_now, self.story))
        self.line_score.show_line(present.line_score(state, self.story))
        self.panel.show_panel(present.panel(state, self.story), state.home.short, state.away.short)
        self.flow.show_story(self.story, state.home.short, state.away.short)

    def set_stale(self, text: str) -> None:
        if text != self.stale:
            self.stale = text
            self._on_header()

    # ------------------------------------------------------------------ plays

    def _on_events(self, events: Sequence[Event]) -> None:
        mine = [e for e in events if e.game_id == self.game_id]
        if mine:
            self.plays.add(mine)
            self._tell(mine)

    def _on_history(self, history: History) -> None:
        if history.game_id == self.game_id:
            self.plays.add_history(history.events, HISTORY_MAX_LIMIT if self._first_page else PAGE)
            self._first_page = False
            self._tell(history.events)

    def _tell(self, events: Sequence[Event]) -> None:
        """Fold events into the story: in order when they follow it, else told again."""
        if not events:
            return
        older = self.story.events and min(e.seq for e in events) < self.story.events[-1].seq
        for event in events:
            self._events[event.seq] = event
        if older:
            sport = next(iter(self._events.values())).state.sport
            self.story = present.story(sport, self._events.values())
        else:
            if not self.story.events:
                self.story = present.story(events[0].state.sport)
            for event in sorted(events, key=lambda e: e.seq):
                self.story.add(event)
        self._on_header()

    def _on_history_wanted(self, game_id: str, before: int) -> None:
        self._client.request_history(game_id, before=before, limit=PAGE)

    def _on_reset(self, games: object, epoch_changed: bool) -> None:
        if epoch_changed:  # another journal: the old plays belong to another game
            self.plays.deleteLater()
            self.plays = PlaysModel(self.game_id, self)
            self.plays.history_wanted.connect(self._on_history_wanted)
            self.plays_view.setModel(self.plays)
            self._events = {}
            self.story = present.story("")
        self._first_page = True
        self._client.request_history(self.game_id, limit=HISTORY_MAX_LIMIT)
        self._on_header()


def _label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    return label
