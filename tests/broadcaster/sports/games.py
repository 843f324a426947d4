"""Builders for rule tests: fold events through the pure rules, no server."""

from __future__ import annotations

from typing import Any

from broadcaster.protocol import GameState
from broadcaster.sports import SPORTS, apply, create_game

TEAMS = {
    "basketball": (
        {"name": "Boston Celtics", "short": "BOS"},
        {"name": "LA Lakers", "short": "LAL"},
    ),
    "soccer": ({"name": "France", "short": "FRA"}, {"name": "Croatia", "short": "CRO"}),
}


def new_game(sport: str, league: str = "NBA") -> GameState:
    home, away = TEAMS[sport]
    return create_game("g", {"sport": sport, "league": league, "home": home, "away": away}, SPORTS)


def play(state: GameState, *events: tuple[str, dict[str, Any]], t: float = 100.0) -> GameState:
    for kind, data in events:
        state = apply(SPORTS[state.sport], state, kind, data, t)
    return state


def started(sport: str, league: str = "NBA") -> GameState:
    return play(new_game(sport, league), ("game.start", {}), ("period.start", {}))


def through_period(state: GameState, number: int) -> GameState:
    """Play periods until ``number`` has ended (no scoring)."""
    while state.period.number < number or state.period.in_progress:
        if state.period.in_progress:
            state = play(state, ("period.end", {}))
        else:
            state = play(state, ("period.start", {}))
    return state
