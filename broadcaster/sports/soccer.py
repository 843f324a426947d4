"""Soccer: two halves, extra time and a penalty shoot-out, a clock that counts up.

Detail: ``cards`` (yellow/red counts per side), ``bookings`` (yellow cards per
player), ``sent_off`` (players per side), ``stoppage`` (minutes announced for
the current period) and ``shootout`` (kept apart from the score, as in
official results).
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from broadcaster.errors import RuleViolation
from broadcaster.protocol import GameState, Side
from broadcaster.sports import shootout
from broadcaster.sports.base import (
    Kind,
    PeriodSpec,
    Sport,
    per_side,
    require_live,
    require_period,
    tied,
    with_detail,
)
from broadcaster.sports.schemas import (
    ScoreData,
    ShootoutData,
)

HALF, EXTRA = 45 * 60.0, 15 * 60.0
PERIODS = {
    1: PeriodSpec("H1", 0.0, HALF, "up"),
    2: PeriodSpec("H2", HALF, 2 * HALF, "up"),
    3: PeriodSpec("ET1", 2 * HALF, 2 * HALF + EXTRA, "up"),
    4: PeriodSpec("ET2", 2 * HALF + EXTRA, 2 * HALF + 2 * EXTRA, "up"),
    5: PeriodSpec("PEN", 2 * HALF + 2 * EXTRA, 2 * HALF + 2 * EXTRA, "up", clock=False),
}
SHOOTOUT = 5
ROUNDS = 5  # kicks each before sudden death


def period(league: str, number: int) -> PeriodSpec:
    if number not in PERIODS:
        raise RuleViolation(f"soccer has no period {number}; periods are 1 to {SHOOTOUT}")
    return PERIODS[number]


def initial_detail(league: str) -> dict[str, Any]:
    return {
        "cards": {"home": {"yellow": 0, "red": 0}, "away": {"yellow": 0, "red": 0}},
        "bookings": per_side({}),
        "sent_off": per_side([]),
        "stoppage": 0,
        "shootout": None,
    }


def can_start_period(state: GameState, number: int) -> str | None:
    current = state.period.number
    if number not in PERIODS:
        return f"soccer has no period {number}; periods are 1 to {SHOOTOUT}"
    if number == SHOOTOUT and current in (2, 4):
        return None if tied(state) else "a penalty shoot-out needs a tied score"
    if number != current + 1:
        nxt = PERIODS.get(current + 1, PERIODS[SHOOTOUT]).label
        return f"the next period is {nxt}, not {number}"
    if number == 3 and not tied(state):
        return "extra time is only played when the score is tied"
    return None


def on_period_start(state: GameState) -> dict[str, Any]:
    detail = {**state.detail, "stoppage": 0}
    if state.period.number == SHOOTOUT:
        detail["shootout"] = shootout.new()
    return detail


def shootout_winner(so: dict[str, Any] | None) -> Side | None:
    return shootout.winner(so, ROUNDS)


def can_end(state: GameState) -> str | None:
    number = state.period.number
    if number == SHOOTOUT:
        return None if shootout_winner(state.detail["shootout"]) else "the shoot-out is not decided"
    if number in (1, 3):
        nxt = PERIODS[number + 1].label
        return f"a soccer game cannot end in {state.period.label}; play {nxt} first"
    return None


def score_check(state: GameState, d: ScoreData) -> None:
    if state.period.number == SHOOTOUT:
        raise RuleViolation("a shoot-out kick is recorded with 'shootout', not as a goal")


class CardData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    team: Side
    player: str
    color: Literal["yellow", "red"]
    text: str | None = None


class StoppageData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    minutes: int


def _card(sport: Sport, state: GameState, d: CardData, time: float) -> GameState:
    require_period(state, "card")
    if not d.player.strip():
        raise RuleViolation("a card needs the player's name")
    sent_off = state.detail["sent_off"]
    if d.player in sent_off[d.team]:
        raise RuleViolation(f"{d.player} has already been sent off")
    yellows = state.detail["bookings"][d.team].get(d.player, 0)
    cards = dict(state.detail["cards"])
    side = dict(cards[d.team])
    bookings = dict(state.detail["bookings"])
    if d.color == "yellow":
        side["yellow"] += 1
        bookings[d.team] = {**bookings[d.team], d.player: yellows + 1}
    red = d.color == "red" or yellows >= 1  # a second yellow is a red
    if red:
        side["red"] += 1
        sent_off = {**sent_off, d.team: [*sent_off[d.team], d.player]}
    cards[d.team] = side
    return with_detail(state, cards=cards, bookings=bookings, sent_off=sent_off)


def _stoppage(sport: Sport, state: GameState, d: StoppageData, time: float) -> GameState:
    require_live(state, "stoppage time")
    if not 0 <= d.minutes <= 30:
        raise RuleViolation(f"stoppage time is 0 to 30 minutes, not {d.minutes}")
    return with_detail(state, stoppage=d.minutes)


def _shootout(sport: Sport, state: GameState, d: ShootoutData, time: float) -> GameState:
    require_live(state, "shoot-out kick")
    if state.period.number != SHOOTOUT:
        raise RuleViolation("a shoot-out kick needs the shoot-out (period 5) to be in progress")
    so = shootout.kick(state.detail["shootout"], d, ROUNDS, "kick")
    return with_detail(state, shootout=so)


SPORT = Sport(
    name="soccer",
    period=period,
    points=frozenset({1}),
    initial_detail=initial_detail,
    can_start_period=can_start_period,
    can_end=can_end,
    on_period_start=on_period_start,
    score_check=score_check,
    clock_slack=30 * 60.0,
    kinds={
        "card": Kind(CardData, _card, "a yellow or red card; a second yellow is a red"),
        "stoppage": Kind(StoppageData, _stoppage, "minutes of stoppage time announced"),
        "shootout": Kind(ShootoutData, _shootout, "one kick of the penalty shoot-out"),
    },
)
