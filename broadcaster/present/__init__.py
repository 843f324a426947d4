"""How a fan reads each sport: one pure module per sport beside a small common part.

``board`` (a game at a glance: headlines, status line, a final's result),
``line_score``, ``panel``, ``story`` (what the events add: periods and the
game flow) and ``play_text`` (the sentence of one event) are what the desktop
and the console draw; nothing else guesses period labels or formats a sport.
Pure: the wire protocol and the stdlib only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Any

from broadcaster.present import (
    american_football,
    baseball,
    basketball,
    cricket,
    ice_hockey,
    soccer,
    tennis,
)
from broadcaster.present.common import (
    Board,
    LineScore,
    Panel,
    Said,
    clock_text,
    not_started,
    ordinal,
    period_name,
    phase_text,
    plain_result,
    status_word,
)
from broadcaster.present.plays import common_play, event_score
from broadcaster.present.story import Mark, Story, by_score, game_minutes, period_table
from broadcaster.protocol import Event, GameState

VIEWS: dict[str, ModuleType] = {
    "american_football": american_football,
    "baseball": baseball,
    "basketball": basketball,
    "cricket": cricket,
    "ice_hockey": ice_hockey,
    "soccer": soccer,
    "tennis": tennis,
}


def _generic_board(state: GameState, now: float, story: Story | None = None) -> Board:
    return Board(
        home=str(state.home.score),
        away=str(state.away.score),
        status=not_started(state) or phase_text(state, now),
        result=plain_result(state) if state.status == "final" else None,
    )


def board(state: GameState, now: float, story: Story | None = None) -> Board:
    """The game at a glance; a sport not known here reads as two scores and the phase."""
    view = VIEWS.get(state.sport)
    return view.board(state, now, story) if view else _generic_board(state, now, story)


def line_score(state: GameState, story: Story | None = None) -> LineScore:
    view = VIEWS.get(state.sport)
    if view:
        shown: LineScore = view.line(state, story)
        return shown
    return period_table(state, story, 0)


def panel(state: GameState, story: Story | None = None) -> Panel:
    view = VIEWS.get(state.sport)
    return view.panel(state, story) if view else Panel()


def card_needs_story(sport: str) -> bool:
    """Whether a game's card says what its events did (soccer's scorers, the goal that ends a
    hockey power play), not its state only."""
    return sport in ("soccer", "ice_hockey")


def story(sport: str, events: Iterable[Event] = ()) -> Story:
    """A game's story from its events (any order); ``add`` later ones as they come."""
    view = VIEWS.get(sport)
    flow = view.flow if view else by_score(game_minutes)
    return Story.of(events, flow, view.UNIT if view else "min")


def play_text(
    kind: str,
    data: Mapping[str, Any],
    state: GameState,
    event: Event | None = None,
    before: GameState | None = None,
) -> str:
    """One line of play-by-play for an event: the sport's words, else the common ones."""
    if kind == "game.end" and state.status == "final":
        return f"Final · {board(state, 0.0).result}"
    view = VIEWS.get(state.sport)
    said = view.play(Said(kind, data, state, event, before)) if view else None
    return said or common_play(kind, data, state)


def when(event: Event) -> str:
    """When a play happened, as fans say it: "23'" in soccer, "Q3 7:11", "Top 4", "Set 2"."""
    s = event.state
    if s.sport == "soccer" and s.period.label in soccer.ENDS:
        return soccer.event_minute(event)
    if s.sport == "soccer" and s.period.label == "PEN":
        return "Pens"
    clock = clock_text(s, event.time) if s.clock.running or s.clock.seconds else ""
    return f"{s.period.label} {clock}".strip()


def summary(state: GameState, now: float, story: Story | None = None) -> str:
    """The whole line a screen reader reads for a game: both sides and the status or result."""
    home, away = state.home, state.away
    b = board(state, now, story)
    if state.status in ("scheduled", "postponed", "cancelled"):
        return f"{home.name} versus {away.name}, {b.status}"
    return f"{home.name} {b.home}, {away.name} {b.away}, {b.line}"


__all__ = [
    "VIEWS",
    "Board",
    "LineScore",
    "Mark",
    "Panel",
    "Story",
    "board",
    "card_needs_story",
    "clock_text",
    "event_score",
    "line_score",
    "ordinal",
    "panel",
    "period_name",
    "phase_text",
    "play_text",
    "status_word",
    "story",
    "summary",
    "when",
]
