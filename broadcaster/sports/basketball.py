"""Basketball: four quarters, five-minute overtimes until someone leads.

Detail: ``fouls`` (team fouls in the current period), ``fouls_total``,
``timeouts`` (left for the game; each overtime adds more). A timeout stops
the game clock.
"""

from __future__ import annotations

from typing import Any

import msgspec

from broadcaster.errors import RuleViolation
from broadcaster.protocol import GameState, Side
from broadcaster.sports.base import (
    Kind,
    PeriodSpec,
    Sport,
    bump,
    per_side,
    replace,
    require_period,
    stop_clock,
    team_name,
    with_detail,
)
from broadcaster.sports.schemas import (
    TimeoutData,
)

REGULATION = 4
OVERTIME_SECONDS = 300.0
# league -> (quarter length in seconds, timeouts per game, more per overtime);
# others play FIBA rules
LEAGUES: dict[str, tuple[float, int, int]] = {"NBA": (720.0, 7, 2), "WNBA": (600.0, 4, 1)}
FIBA = (600.0, 5, 1)


def period(league: str, number: int) -> PeriodSpec:
    if number <= REGULATION:
        return PeriodSpec(f"Q{number}", LEAGUES.get(league, FIBA)[0], 0.0)
    extra = number - REGULATION
    return PeriodSpec("OT" if extra == 1 else f"{extra}OT", OVERTIME_SECONDS, 0.0)


def initial_detail(league: str) -> dict[str, Any]:
    timeouts = LEAGUES.get(league, FIBA)[1]
    return {"fouls": per_side(0), "fouls_total": per_side(0), "timeouts": per_side(timeouts)}


def can_start_period(state: GameState, number: int) -> str | None:
    if number != state.period.number + 1:
        nxt = period(state.league, state.period.number + 1).label
        return f"the next period is {nxt}, not {number}"
    if number > REGULATION and state.home.score != state.away.score:
        return "overtime is only played when the score is tied"
    return None


def can_end(state: GameState) -> str | None:
    if state.period.number < REGULATION:
        return f"a basketball game lasts {REGULATION} quarters; this is {state.period.label}"
    if state.home.score == state.away.score:
        return "a basketball game cannot end tied; play overtime"
    return None


def on_period_start(state: GameState) -> dict[str, Any]:
    """Team fouls reset every period; each overtime adds the league's overtime timeouts."""
    detail = {**state.detail, "fouls": per_side(0)}
    if state.period.number > REGULATION:
        more = LEAGUES.get(state.league, FIBA)[2]
        detail["timeouts"] = {side: n + more for side, n in state.detail["timeouts"].items()}
    return detail


class FoulData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    team: Side
    player: str | None = None
    text: str | None = None
    type: str | None = None  # personal, shooting, offensive, technical, flagrant...


def _foul(sport: Sport, state: GameState, d: FoulData, time: float) -> GameState:
    require_period(state, "foul")
    detail = state.detail
    return with_detail(
        state,
        fouls=bump(detail["fouls"], d.team),
        fouls_total=bump(detail["fouls_total"], d.team),
    )


def _timeout(sport: Sport, state: GameState, d: TimeoutData, time: float) -> GameState:
    require_period(state, "timeout")
    left = state.detail["timeouts"][d.team]
    if left <= 0:
        raise RuleViolation(f"{team_name(state, d.team)} have no timeouts left")
    state = with_detail(state, timeouts=bump(state.detail["timeouts"], d.team, -1))
    return replace(state, clock=stop_clock(state, time)) if state.clock.running else state


SPORT = Sport(
    name="basketball",
    period=period,
    points=frozenset({1, 2, 3}),
    initial_detail=initial_detail,
    can_start_period=can_start_period,
    can_end=can_end,
    on_period_start=on_period_start,
    kinds={
        "foul": Kind(FoulData, _foul, "a team foul; team fouls reset every period"),
        "timeout": Kind(TimeoutData, _timeout, "a team timeout; stops the clock"),
    },
)
