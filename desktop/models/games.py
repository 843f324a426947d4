"""Every game as one row of a Qt list model over plain ``GameState`` values.

Rows never move: a new game is appended, an update changes its row in place
(``dataChanged`` for that row only), so thousands of events per second cost
no reset and no re-layout. Sorting, grouping and filtering are the proxy's
job (``desktop.models.filter``). A snapshot of the same epoch is merged in
place too; only an epoch change resets the model.

Clocks: ``tick(server_now)`` re-reads running clocks and signals the rows
whose shown text changed (once a second per running clock, not per frame).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from broadcaster import present
from broadcaster.present import Board, Story, clock_text, period_name, status_word
from broadcaster.protocol import Event, GameState

Index = QModelIndex | QPersistentModelIndex
_TEXT = [int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.AccessibleTextRole)]
HIDDEN_LINE = "score hidden (R reveals)"
_STATUS_ORDER = {"live": 0, "break": 0, "suspended": 1, "scheduled": 2, "final": 3}


class Role(enum.IntEnum):
    """Each role is one fact of a game; views read only the ones they show."""

    STATE = Qt.ItemDataRole.UserRole + 1
    GAME_ID = enum.auto()
    LEAGUE = enum.auto()
    SPORT = enum.auto()
    STATUS = enum.auto()  # scheduled | live | break | final | …
    PERIOD = enum.auto()  # spoken period name
    CLOCK = enum.auto()  # "7:11" or ""
    PHASE = enum.auto()  # the line under the scores: "Q3 · 7:11", "West Indies won by 4 wickets"
    BOARD = enum.auto()  # the fan's reading (broadcaster.present.Board)
    FAVOURITE = enum.auto()
    HIDDEN = enum.auto()  # "hide scores" is on and this game is not revealed
    SORT_KEY = enum.auto()
    SEARCH = enum.auto()  # lower-case text the search box matches
    CARD = enum.auto()  # everything a card shows, in one read (``CardView``)


class CardView(NamedTuple):
    """One row as a card shows it: one ``data()`` call instead of seven (a burst updates
    every card sixty times a second, and each call crosses the proxy and the binding)."""

    state: GameState
    favourite: bool
    hidden: bool
    status: str
    board: Board
    text: str  # the whole line, as a screen reader reads it
    league: str


# What a score or a clock changes (not the sort key, not the status).
CLOCK_ROLES = [*_TEXT, int(Role.CLOCK), int(Role.PHASE), int(Role.BOARD)]
LIVE_ROLES = [*CLOCK_ROLES, int(Qt.ItemDataRole.ToolTipRole), int(Role.STATE), int(Role.PERIOD)]


class GamesModel(QAbstractListModel):
    """One row per game, in the order games were first seen.

    Signals:
        score_changed(str, str, int): game id, side, points gained (negative after a correction).
        order_changed(): a game's sort key or status changed (once per update): views that
            sort or filter must do it again. Qt's proxy re-sorts on every ``dataChanged``
            whatever its roles, so the games filter waits for this instead.
    """

    score_changed = Signal(str, str, int)
    order_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._states: list[GameState] = []
        self._rows: dict[str, int] = {}
        self._clocks: dict[int, str] = {}  # row -> clock text last signalled, running clocks
        self._favourites: frozenset[str] = frozenset()
        self.hide_scores = False  # one key hides every score until revealed per game
        self.revealed: set[str] = set()
        self._stories: dict[str, Story] = {}  # games whose card tells what events did
        self.server_now = 0.0

    # ------------------------------------------------------------------ Qt model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._states)

    def roleNames(self) -> dict[int, QByteArray]:  # noqa: N802
        names = {int(r): QByteArray(r.name.lower().encode()) for r in Role}
        return {**super().roleNames(), **names}

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._states) or index.column() != 0:
            return None
        state = self._states[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(state)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{state.league} · {state.venue}" if state.venue else state.league
        return self._role(state, role)

    def _text(self, state: GameState) -> str:
        if self.is_hidden(state.game_id):
            return f"{state.home.name} versus {state.away.name}, {HIDDEN_LINE}"
        return present.summary(state, self.server_now, self._stories.get(state.game_id))

    def _role(self, state: GameState, role: int) -> Any:
        if role == Role.CARD:
            return self.card_view(state)
        if role == Role.STATE:
            return state
        if role == Role.GAME_ID:
            return state.game_id
        if role == Role.LEAGUE:
            return state.league
        if role == Role.SPORT:
            return state.sport
        if role == Role.STATUS:
            return status_word(state)
        if role == Role.PERIOD:
            return period_name(state.period.label, state.period.number)
        if role == Role.CLOCK:
            return clock_text(state, self.server_now)
        if role == Role.PHASE:
            return self.board(state).line
        if role == Role.BOARD:
            return self.board(state)
        if role == Role.HIDDEN:
            return self.is_hidden(state.game_id)
        if role == Role.FAVOURITE:
            return self.is_favourite(state)
        if role == Role.SORT_KEY:
            return self.sort_key(state)
        if role == Role.SEARCH:
            parts = (state.home.name, state.home.short, state.away.name, state.away.short)
            return " ".join((*parts, state.league, state.sport, state.venue or "")).lower()
        return None

    # ------------------------------------------------------------------ reading

    def state(self, game_id: str) -> GameState | None:
        row = self._rows.get(game_id)
        return None if row is None else self._states[row]

    def row_of(self, game_id: str) -> int | None:
        return self._rows.get(game_id)

    def games(self) -> Sequence[GameState]:
        return tuple(self._states)

    def card_view(self, state: GameState) -> CardView:
        hidden = self.is_hidden(state.game_id)
        favourite = self.is_favourite(state)
        board = self.board(state)
        return CardView(
            state, favourite, hidden, status_word(state), board, self._text(state), state.league
        )

    def board(self, state: GameState) -> Board:
        if self.is_hidden(state.game_id):
            return Board(home="–", away="–", status=HIDDEN_LINE)
        return present.board(state, self.server_now, self._stories.get(state.game_id))

    def is_hidden(self, game_id: str) -> bool:
        return self.hide_scores and game_id not in self.revealed

    def set_hide_scores(self, on: bool) -> None:
        """Hide every score (or show them all again); reveals start over."""
        self.hide_scores = on
        self.revealed.clear()
        if self._states:
            self.dataChanged.emit(self.index(0), self.index(len(self._states) - 1))

    def reveal(self, game_id: str) -> None:
        """Show this game's score while the others stay hidden."""
        row = self._rows.get(game_id)
        if self.hide_scores and row is not None and game_id not in self.revealed:
            self.revealed.add(game_id)
            self.dataChanged.emit(self.index(row), self.index(row))

    def is_favourite(self, state: GameState) -> bool:
        fav = self._favourites
        return state.home.name in fav or state.away.name in fav

    def sort_key(self, state: GameState) -> tuple[int, str, int, float, str]:
        """Favourites first, then by league; live games before scheduled before final."""
        return (
            0 if self.is_favourite(state) else 1,
            state.league.casefold(),
            _STATUS_ORDER.get(status_word(state), 4),
            state.start or 0.0,
            state.game_id,
        )

    # ------------------------------------------------------------------ writing

    def reset(self, games: Iterable[GameState], epoch_changed: bool) -> None:
        """A snapshot: replace everything on a new epoch, else merge in place."""
        games = list(games)
        if epoch_changed or not self._states:
            self.beginResetModel()
            self._states = games
            self._rows = {g.game_id: i for i, g in enumerate(games)}
            self._clocks = {}
            self._stories = {}
            self.endResetModel()
            self.order_changed.emit()
            return
        keep = {g.game_id for g in games}
        for row in reversed(range(len(self._states))):
            if self._states[row].game_id not in keep:
                self._remove(row)
        self.update(games)

    def apply(self, events: Sequence[Event]) -> None:
        """Events in order: each game's row takes its newest state once."""
        latest: dict[str, GameState] = {}
        for event in events:
            old = latest.get(event.game_id) or self.state(event.game_id)
            if old is not None:
                self._signal_scores(old, event.state)
            latest[event.game_id] = event.state
            if present.card_needs_story(event.state.sport):
                self._story(event.game_id, event.state.sport).add(event)
        self.update(latest.values())

    def update(self, states: Iterable[GameState]) -> None:
        new: list[GameState] = []
        moved = False
        for state in states:
            row = self._rows.get(state.game_id)
            if row is None:
                new.append(state)
                continue
            old, self._states[row] = self._states[row], state
            self._clocks.pop(row, None)
            index = self.index(row)
            if self.sort_key(old) != self.sort_key(state) or old.status != state.status:
                moved = True
                self.dataChanged.emit(index, index)
            else:
                self.dataChanged.emit(index, index, LIVE_ROLES)
        if new:
            first = len(self._states)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            for state in new:
                self._rows[state.game_id] = len(self._states)
                self._states.append(state)
            self.endInsertRows()
            moved = True
        if moved:
            self.order_changed.emit()

    def wants_history(self, state: GameState) -> bool:
        """A live game whose card tells what its events did, and has not seen them."""
        live = state.status in ("live", "break")
        return live and present.card_needs_story(state.sport) and state.game_id not in self._stories

    def tell(self, events: Sequence[Event]) -> None:
        """Older events (a history page) for the cards that tell them; merged by seq."""
        if not events:
            return
        game_id, sport = events[0].game_id, events[0].state.sport
        row = self._rows.get(game_id)
        if row is None or not present.card_needs_story(sport):
            return
        known = self._stories[game_id].events if game_id in self._stories else []
        self._stories[game_id] = present.story(sport, [*known, *events])
        index = self.index(row)
        self.dataChanged.emit(index, index, LIVE_ROLES)

    def _story(self, game_id: str, sport: str) -> Story:
        story = self._stories.get(game_id)
        if story is None:
            story = self._stories[game_id] = present.story(sport)
        return story

    def _remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._states[row]
        self._rows = {s.game_id: i for i, s in enumerate(self._states)}
        self._clocks = {}
        self.endRemoveRows()

    def _signal_scores(self, old: GameState, new: GameState) -> None:
        if self.is_hidden(new.game_id):
            return
        for side in ("home", "away"):
            delta = new.team(side).score - old.team(side).score
            if delta:
                self.score_changed.emit(new.game_id, side, delta)

    def set_favourites(self, teams: Iterable[str]) -> None:
        self._favourites = frozenset(teams)
        if self._states:
            self.dataChanged.emit(self.index(0), self.index(len(self._states) - 1))
            self.order_changed.emit()

    def tick(self, server_now: float) -> None:
        """Move running clocks to ``server_now``; signal only rows whose text changed."""
        self.server_now = server_now
        for row, state in enumerate(self._states):
            if not state.clock.running:
                continue
            text = clock_text(state, server_now)
            if self._clocks.get(row) != text:
                self._clocks[row] = text
                index = self.index(row)
                self.dataChanged.emit(index, index, CLOCK_ROLES)
