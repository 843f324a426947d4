"""Ice hockey: three periods, overtime, a shoot-out, penalties; the clock counts down.

A regular-season overtime is sudden death: the first goal ends it. A
shoot-out (``shootout`` kicks, three rounds then sudden death) is kept in
detail, and its winner's score gains one goal, as in official results.
Playoff leagues play 20-minute sudden-death overtimes until a goal instead.

Detail: ``penalties`` (the list, newest last), ``penalty_minutes`` and
``shots`` on goal (saves and goals) per side, ``shootout``.
"""

from __future__ import annotations

from typing import Any

import msgspec

from broadcaster.errors import RuleViolation
from broadcaster.protocol import GameState, Side
from broadcaster.sports import shootout
from broadcaster.sports.base import (
    COMMON_KINDS,
    Kind,
    PeriodSpec,
    Sport,
    bump,
    or_list,
    per_side,
    require_live,
    require_period,
    tied,
    with_detail,
    with_score,
)
from broadcaster.sports.schemas import (
    ScoreData,
    ShootoutData,
)

REGULATION = 3
# league -> (period seconds, overtime seconds, shoot-out after one overtime)
LEAGUES: dict[str, tuple[float, float, bool]] = {
    "NHL": (1200.0, 300.0, True),
    "NHL Playoffs": (1200.0, 1200.0, False),
    "Olympics": (1200.0, 600.0, True),
}
DEFAULT = (1200.0, 300.0, True)  # IIHF
SHOOTOUT_ROUNDS = 3
MINUTES = frozenset({2, 4, 5, 10, 20})  # minor, double minor, major, misconduct, match


def rules(league: str) -> tuple[float, float, bool]:
    return LEAGUES.get(league, DEFAULT)


def shootout_period(league: str) -> int | None:
    return REGULATION + 2 if rules(league)[2] else None


def period(league: str, number: int) -> PeriodSpec:
    length, overtime, _ = rules(league)
    if number <= REGULATION:
        return PeriodSpec(f"P{number}", length, 0.0)
    if number == shootout_period(league):
        return PeriodSpec("SO", 0.0, 0.0, clock=False)
    extra = number - REGULATION
    return PeriodSpec("OT" if extra == 1 else f"{extra}OT", overtime, 0.0)


def initial_detail(league: str) -> dict[str, Any]:
    return {
        "penalties": [],
        "penalty_minutes": per_side(0),
        "shots": per_side(0),
        "shootout": None,
    }


def can_start_period(state: GameState, number: int) -> str | None:
    if number != state.period.number + 1:
        nxt = period(state.league, state.period.number + 1).label
        return f"the next period is {nxt}, not {number}"
    last = shootout_period(state.league)
    if last is not None and number > last:
        return "the shoot-out is the last period"
    if number > REGULATION and not tied(state):
        return "overtime is only played when the score is tied"
    return None


def overtime(state: GameState) -> bool:
    return REGULATION < state.period.number != shootout_period(state.league)


def can_end(state: GameState) -> str | None:
    if state.period.number < REGULATION:
        return f"a hockey game lasts {REGULATION} periods; this is {state.period.label}"
    if state.period.number == shootout_period(state.league):
        so = state.detail["shootout"]
        return None if shootout_winner(so) else "the shoot-out is not decided"
    if tied(state):
        nxt = period(state.league, state.period.number + 1).label
        return f"a hockey game cannot end tied; play {nxt}"
    return None


def score_check(state: GameState, d: ScoreData) -> None:
    if state.period.number == shootout_period(state.league):
        raise RuleViolation("a shoot-out attempt is recorded with 'shootout', not as a goal")
    if overtime(state) and not tied(state):
        raise RuleViolation("overtime is sudden death: the first goal has ended it")


def on_period_start(state: GameState) -> dict[str, Any]:
    if state.period.number == shootout_period(state.league):
        return {**state.detail, "shootout": shootout.new()}
    return state.detail


def shootout_winner(so: dict[str, Any] | None) -> Side | None:
    return shootout.winner(so, SHOOTOUT_ROUNDS)


class PenaltyData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    team: Side
    minutes: int
    player: str | None = None
    infraction: str | None = None
    text: str | None = None


class ShotData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    team: Side
    player: str | None = None
    text: str | None = None


def _penalty(sport: Sport, state: GameState, d: PenaltyData, time: float) -> GameState:
    require_period(state, "penalty")
    if d.minutes not in MINUTES:
        allowed = or_list(sorted(MINUTES))
        raise RuleViolation(f"a hockey penalty is {allowed} minutes, not {d.minutes}")
    entry = {
        "team": d.team,
        "player": d.player,
        "minutes": d.minutes,
        "infraction": d.infraction,
        "period": state.period.number,
        "clock": round(state.clock.value(time), 1),
    }
    return with_detail(
        state,
        penalties=[*state.detail["penalties"], entry],
        penalty_minutes=bump(state.detail["penalty_minutes"], d.team, d.minutes),
    )


def _goal(sport: Sport, state: GameState, d: ScoreData, time: float) -> GameState:
    """The common score, and a goal is also a shot on goal."""
    state = COMMON_KINDS["score"].handler(sport, state, d, time)
    return with_detail(state, shots=bump(state.detail["shots"], d.team))


def _shot(sport: Sport, state: GameState, d: ShotData, time: float) -> GameState:
    require_live(state, "shot")
    if state.period.number == shootout_period(state.league):
        raise RuleViolation("a shoot-out attempt is recorded with 'shootout', not as a shot")
    return with_detail(state, shots=bump(state.detail["shots"], d.team))


def _shootout(sport: Sport, state: GameState, d: ShootoutData, time: float) -> GameState:
    require_live(state, "shoot-out attempt")
    number = shootout_period(state.league)
    if state.period.number != number:
        where = "this league has none" if number is None else f"period {number} is not under way"
        raise RuleViolation(f"a shoot-out attempt needs the shoot-out; {where}")
    so = shootout.kick(state.detail["shootout"], d, SHOOTOUT_ROUNDS, "attempt")
    state = with_detail(state, shootout=so)
    winner = shootout_winner(so)
    return with_score(state, winner, 1) if winner else state


SPORT = Sport(
    name="ice_hockey",
    period=period,
    points=frozenset({1}),
    initial_detail=initial_detail,
    can_start_period=can_start_period,
    can_end=can_end,
    on_period_start=on_period_start,
    score_check=score_check,
    kinds={
        "score": Kind(ScoreData, _goal, "a goal (1); also a shot on goal"),
        "penalty": Kind(PenaltyData, _penalty, "a penalty: 2, 4, 5, 10 or 20 minutes"),
        "shot": Kind(ShotData, _shot, "a shot on goal that did not score"),
        "shootout": Kind(ShootoutData, _shootout, "one shoot-out attempt"),
    },
)
