"""Folding imported games through the pure rules, for the proofs over real data.

The real files live beside the repository (``../shared/data/real/``) and are
read in place, never copied.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from broadcaster.feed import parse_feed
from broadcaster.importers.common import ImportedGame, Step
from broadcaster.protocol import GameState
from broadcaster.sports import SPORTS, apply, create_game

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real"


def real(name: str) -> Path:
    path = REAL / name
    assert path.is_file(), f"the real data file {path} is missing (shared/ beside the repo)"
    return path


def text(name: str) -> str:
    return real(name).read_text(encoding="utf-8")


@dataclass
class Folded:
    """A game after every step: the final state and the trail of (step, state after it)."""

    final: GameState
    trail: list[tuple[Step, GameState]]

    def as_of(self, records: int) -> list[GameState | None]:
        """For each source record, the state once every step from records up to it applied."""
        out: list[GameState | None] = []
        i, current = 0, None
        for record in range(records):
            while i < len(self.trail) and (self.trail[i][0].ref or 0) <= record:
                current = self.trail[i][1]
                i += 1
            out.append(current)
        return out

    def states(self, kind: str) -> list[GameState]:
        return [state for step, state in self.trail if step.kind == kind]

    def before(self, kind: str) -> list[tuple[Step, GameState, GameState]]:
        """(step, state before, state after) for each step of ``kind``."""
        out, previous = [], None
        for step, state in self.trail:
            if step.kind == kind and previous is not None:
                out.append((step, previous, state))
            previous = state
        return out


def fold(game: ImportedGame) -> Folded:
    """Apply every step with the pure rules; a refused step fails the test at once."""
    first = game.steps[0]
    assert first.kind == "game.create"
    state = create_game(game.game_id, first.data, SPORTS)
    sport = SPORTS[state.sport]
    trail = [(first, state)]
    for step in game.steps[1:]:
        state = apply(sport, state, step.kind, step.data, step.at)
        trail.append((step, state))
    return Folded(state, trail)


def score(state: GameState | None) -> tuple[int, int]:
    """(home, away)."""
    assert state is not None
    return state.home.score, state.away.score


def replay_pure(lines: list[str]) -> dict[str, GameState]:
    """Fold a feed's publishes per game, as the broadcaster would (time = ``at``)."""
    games: dict[str, GameState] = {}
    last_at = 0.0
    for item in parse_feed(lines):
        p = item.publish
        assert item.at is not None and item.at >= last_at  # paced, never backwards
        last_at = item.at
        if p.kind == "game.create":
            assert p.game_id not in games
            games[p.game_id] = create_game(p.game_id, p.data, SPORTS)
        else:
            state = games[p.game_id]
            games[p.game_id] = apply(SPORTS[state.sport], state, p.kind, p.data, item.at)
    return games
