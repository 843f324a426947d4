"""Models fed as the broadcaster would feed them, for the console's pure tests."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from broadcaster.console.commands import Command, Context, parse
from broadcaster.console.model import Model
from broadcaster.protocol import Event, History
from broadcaster.sports import SPORTS, apply, create_game

TODAY = date(2024, 1, 15)
BASKETBALL = {
    "sport": "basketball",
    "league": "NBA",
    "home": {"name": "Boston Celtics", "short": "BOS"},
    "away": {"name": "Los Angeles Lakers", "short": "LAL"},
}
SOCCER = {
    "sport": "soccer",
    "league": "World Cup",
    "home": {"name": "France", "short": "FRA"},
    "away": {"name": "Croatia", "short": "CRO"},
}


class Fed:
    """A model that has received a game's events from the feed, seq by seq."""

    def __init__(self, game_id: str = "g1", create: dict[str, Any] | None = None) -> None:
        self.model = Model(SPORTS)
        self.model.resume("epoch-1")
        self.game_id = game_id
        self.seq = 0
        self.state = create_game(game_id, create or BASKETBALL, SPORTS)
        self.events: list[Event] = []
        self.feed("game.create", create or BASKETBALL)

    def feed(self, kind: str, data: dict[str, Any] | None = None, by: str | None = None) -> int:
        """One event from the feed: this console's own, or (``by``) another operator's."""
        data = data or {}
        self.seq += 1
        if kind == "correction":
            state = self.state  # the tests only need the kind and data of a correction
        elif kind != "game.create":
            state = apply(SPORTS[self.state.sport], self.state, kind, data, 100.0)
        else:
            state = self.state
        self.state = msgspec.structs.replace(state, seq=self.seq)
        ev = Event("epoch-1", self.seq, 100.0, self.game_id, self.seq, kind, data, self.state,
                   by=by)  # fmt: skip
        self.events.append(ev)
        self.model.on_event(ev)
        if by is None:
            self.model.mine.add(self.seq)
        return self.seq

    def loaded(self) -> Fed:
        """The game's history has arrived too."""
        history = History(self.game_id, list(reversed(self.events)))
        self.model.on_history(history, self.model.generation)
        return self

    def live(self) -> Fed:
        self.feed("game.start")
        self.feed("period.start")
        return self

    def parse(self, line: str) -> Command | None:
        return parse(line, Context(self.model, self.game_id, TODAY))


#: the basketball game the REPL tests type in
NBA_GAME = "nba-game"
NEW_NBA_GAME = f'new basketball NBA BOS="Boston Celtics" LAL="Los Angeles Lakers" id={NBA_GAME}'
