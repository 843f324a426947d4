"""Small helpers for rule tests: make a game and play events through the pure rules."""

from __future__ import annotations

from typing import Any

import pytest

from broadcaster.errors import RuleViolation
from broadcaster.protocol import GameState
from broadcaster.sports import SPORTS, apply, create_game

NAMES = {"home": ("Home Town", "HOM"), "away": ("Away City", "AWY")}


def new(sport: str, league: str = "Test League") -> GameState:
    data = {"sport": sport, "league": league,
            "home": {"name": NAMES["home"][0], "short": NAMES["home"][1]},
            "away": {"name": NAMES["away"][0], "short": NAMES["away"][1]}}  # fmt: skip
    return create_game("g", data, SPORTS)


def play(state: GameState, *events: tuple[str, dict[str, Any]] | str, t: float = 0.0) -> GameState:
    """Apply events (``"kind"`` or ``("kind", data)``) one after another."""
    for event in events:
        kind, data = (event, {}) if isinstance(event, str) else event
        state = apply(SPORTS[state.sport], state, kind, data, t)
    return state


def started(
    sport: str, league: str = "Test League", *before: tuple[str, dict[str, Any]]
) -> GameState:
    return play(new(sport, league), *before, "game.start", "period.start")


def refused(
    state: GameState, kind: str, data: dict[str, Any] | None = None, match: str = ""
) -> None:
    with pytest.raises(RuleViolation, match=match):
        apply(SPORTS[state.sport], state, kind, data or {}, 0.0)
