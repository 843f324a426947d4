"""What every importer produces: games as steps, and the feed lines they make.

An importer is a pure function from a source text to ``ImportedGame`` values;
reading files happens at the edge (the CLI, the tests). Each step keeps
``ref``, the index of the source record it came from, so a test can compare
the running score with the source's own score column at that record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from broadcaster.feed import feed_line
from broadcaster.protocol import Publish


class SourceError(ValueError):
    """The source file is not in the format its importer reads; says where."""


@dataclass(frozen=True, slots=True)
class Step:
    """One event of a game before it becomes a publish message."""

    kind: str
    data: dict[str, Any]
    at: float = 0.0  # seconds from the game's start
    ref: int | None = None  # index of the source record (row, action, delivery)


@dataclass
class ImportedGame:
    game_id: str
    steps: list[Step] = field(default_factory=list)
    start: float | None = None  # Unix time of the start, when the source says

    def add(self, kind: str, data: dict[str, Any], at: float, ref: int | None = None) -> None:
        if self.steps and at < self.steps[-1].at:
            at = self.steps[-1].at  # a feed's ``at`` never goes back
        self.steps.append(Step(kind, data, at, ref))


def slug(text: str) -> str:
    """``"Saudi Arabia"`` → ``"saudi-arabia"``: ids stay readable and stable."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def publishes(game: ImportedGame) -> Iterator[tuple[Publish, float]]:
    """The game's publish messages with deterministic ids (a re-run sends the same ids)."""
    for number, step in enumerate(game.steps, 1):
        pid = f"{game.game_id}-{number:04d}"
        yield Publish(id=pid, game_id=game.game_id, kind=step.kind, data=step.data), step.at


def feed_lines(games: Iterable[ImportedGame], together: bool = False) -> list[str]:
    """Feed lines for many games, ordered by ``at``.

    Games start at their real offsets from the first game's start (when the
    source gives start times), or all at 0 with ``together``.
    """
    games = list(games)
    starts = [g.start for g in games if g.start is not None]
    base = min(starts) if starts else 0.0
    timed: list[tuple[float, int, str]] = []
    order = 0
    for game in games:
        offset = 0.0 if together or game.start is None else game.start - base
        for publish, at in publishes(game):
            timed.append((round(offset + at, 3), order, feed_line(publish, offset + at)))
            order += 1
    timed.sort(key=lambda t: (t[0], t[1]))
    return [line for _, _, line in timed]
