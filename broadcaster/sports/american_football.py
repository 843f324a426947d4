"""American football: four quarters, overtime, touchdowns and tries, possession and downs.

A ``score`` names its ``play`` (or just its points): touchdown 6, field goal
3, safety 2, and after a touchdown the try: extra point 1 or two-point
conversion 2 (the defence can return a try for 2). A try is only accepted
right after that team's touchdown. A regular-season NFL game may end tied
after one overtime; playoff overtimes go on until someone leads.

Detail: ``possession``, ``down``, ``distance``, ``ball_on`` (yards from the
offence's own goal line), ``timeouts`` (three per half), ``try_for`` (the
team that owes a try after its touchdown).
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from broadcaster.errors import RuleViolation
from broadcaster.protocol import GameState, Side
from broadcaster.sports.base import (
    Kind,
    PeriodSpec,
    Sport,
    bump,
    or_list,
    per_side,
    replace,
    require_live,
    require_period,
    stop_clock,
    team_name,
    tied,
    with_detail,
    with_score,
)
from broadcaster.sports.schemas import (
    TimeoutData,
)

REGULATION = 4
Play = Literal["touchdown", "field_goal", "safety", "extra_point", "two_point"]
POINTS: dict[str, int] = {
    "touchdown": 6, "field_goal": 3, "safety": 2, "extra_point": 1, "two_point": 2,
}  # fmt: skip
TRIES = frozenset({"extra_point", "two_point"})
# league -> (quarter s, overtime s, a tie may stand after one overtime, timeouts per half, in OT)
LEAGUES: dict[str, tuple[float, float, bool, int, int]] = {
    "NFL": (900.0, 600.0, True, 3, 2),
    "NFL Playoffs": (900.0, 900.0, False, 3, 3),
}
DEFAULT = LEAGUES["NFL"]


def rules(league: str) -> tuple[float, float, bool, int, int]:
    return LEAGUES.get(league, DEFAULT)


def period(league: str, number: int) -> PeriodSpec:
    quarter, overtime, *_ = rules(league)
    if number <= REGULATION:
        return PeriodSpec(f"Q{number}", quarter, 0.0)
    extra = number - REGULATION
    return PeriodSpec("OT" if extra == 1 else f"{extra}OT", overtime, 0.0)


def initial_detail(league: str) -> dict[str, Any]:
    return {
        "possession": None,
        "down": None,
        "distance": None,
        "ball_on": None,
        "timeouts": per_side(rules(league)[3]),
        "try_for": None,
    }


def can_start_period(state: GameState, number: int) -> str | None:
    if number != state.period.number + 1:
        nxt = period(state.league, state.period.number + 1).label
        return f"the next period is {nxt}, not {number}"
    if number > REGULATION and not tied(state):
        return "overtime is only played when the score is tied"
    if number > REGULATION + 1 and rules(state.league)[2]:
        return "a regular-season game has one overtime; it may end tied"
    return None


def can_end(state: GameState) -> str | None:
    if state.period.number < REGULATION:
        return f"a game lasts {REGULATION} quarters; this is {state.period.label}"
    if tied(state) and (state.period.number == REGULATION or not rules(state.league)[2]):
        return "the score is tied; play overtime"
    return None


def on_period_start(state: GameState) -> dict[str, Any]:
    detail = {**state.detail, "try_for": None}
    number, (_, _, _, half, overtime) = state.period.number, rules(state.league)
    if number == 3:
        detail["timeouts"] = per_side(half)
    elif number > REGULATION:
        detail["timeouts"] = per_side(overtime)
    return detail


class FootballScore(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    team: Side
    play: Play | None = None
    points: int | None = None
    player: str | None = None
    text: str | None = None


class PossessionData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    team: Side
    ball_on: int | None = None
    text: str | None = None


class DownData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    down: int
    distance: int
    ball_on: int | None = None
    text: str | None = None


def play_of(state: GameState, d: FootballScore) -> str:
    """The scoring play, from ``play`` or from the points alone."""
    if d.play is not None:
        if d.points is not None and d.points != POINTS[d.play]:
            what = d.play.replace("_", " ")
            raise RuleViolation(f"a {what} is worth {POINTS[d.play]}, not {d.points}")
        return d.play
    allowed = or_list(sorted(set(POINTS.values())))
    if d.points is None:
        plays = ", ".join(POINTS)
        raise RuleViolation(f"a score needs its play ({plays}) or its points ({allowed})")
    if d.points not in (1, 2, 3, 6):
        raise RuleViolation(f"an american football score is {allowed} points, not {d.points}")
    if d.points == 2:
        return "two_point" if state.detail["try_for"] is not None else "safety"
    return {1: "extra_point", 3: "field_goal", 6: "touchdown"}[d.points]


def _score(sport: Sport, state: GameState, d: FootballScore, time: float) -> GameState:
    require_live(state, "score")
    play, owed = play_of(state, d), state.detail["try_for"]
    if play in TRIES:
        if owed is None:
            raise RuleViolation("a try (extra point or two-point conversion) follows a touchdown")
        if play == "extra_point" and d.team != owed:
            raise RuleViolation(f"the extra point is {team_name(state, owed)}'s try")
    state = with_score(state, d.team, POINTS[play])
    detail: dict[str, Any] = {"try_for": d.team if play == "touchdown" else None}
    if play != "touchdown":
        detail.update(down=None, distance=None, ball_on=None)
    return with_detail(state, **detail)


def _possession(sport: Sport, state: GameState, d: PossessionData, time: float) -> GameState:
    require_period(state, "change of possession")
    if d.ball_on is not None and not 1 <= d.ball_on <= 99:
        raise RuleViolation(f"the ball is on a yard line from 1 to 99, not {d.ball_on}")
    return with_detail(state, possession=d.team, down=1, distance=10, ball_on=d.ball_on,
                       try_for=None)  # fmt: skip


def _down(sport: Sport, state: GameState, d: DownData, time: float) -> GameState:
    require_live(state, "down")
    if state.detail["possession"] is None:
        raise RuleViolation("say who has the ball first (possession)")
    if not 1 <= d.down <= 4:
        raise RuleViolation(f"a down is 1, 2, 3 or 4, not {d.down}")
    ball_on = state.detail["ball_on"] if d.ball_on is None else d.ball_on
    if ball_on is not None and not 1 <= ball_on <= 99:
        raise RuleViolation(f"the ball is on a yard line from 1 to 99, not {ball_on}")
    to_goal = 100 - ball_on if ball_on is not None else 99
    if not 1 <= d.distance <= to_goal:
        raise RuleViolation(f"the distance to gain is 1 to {to_goal} yards, not {d.distance}")
    return with_detail(state, down=d.down, distance=d.distance, ball_on=ball_on)


def _timeout(sport: Sport, state: GameState, d: TimeoutData, time: float) -> GameState:
    require_period(state, "timeout")
    if state.detail["timeouts"][d.team] <= 0:
        raise RuleViolation(f"{team_name(state, d.team)} have no timeouts left in this half")
    state = with_detail(state, timeouts=bump(state.detail["timeouts"], d.team, -1))
    return replace(state, clock=stop_clock(state, time)) if state.clock.running else state


SPORT = Sport(
    name="american_football",
    period=period,
    points=frozenset(POINTS.values()),
    initial_detail=initial_detail,
    can_start_period=can_start_period,
    can_end=can_end,
    on_period_start=on_period_start,
    kinds={
        "score": Kind(FootballScore, _score, "touchdown 6, field goal 3, safety 2, try 1 or 2"),
        "possession": Kind(PossessionData, _possession, "a team gains the ball: 1st and 10"),
        "down": Kind(DownData, _down, "down (1-4), yards to gain, ball position"),
        "timeout": Kind(TimeoutData, _timeout, "a team timeout (3 per half); stops the clock"),
    },
)
