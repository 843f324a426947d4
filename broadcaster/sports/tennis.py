"""Tennis: points → games → sets, with deuce, tie-breaks and match tie-breaks.

A ``point`` moves everything: it wins the game (from 40, or from advantage
after deuce; at 40-40 in no-ad scoring), the game wins the set (six games
and two clear, or the tie-break at 6-6), the set starts the next one (the
period moves on by itself) or wins the match. ``score`` is sets won; the
rest is in detail, and tennis refuses the common ``score`` and
``period.end``. The format (best of 3 or 5, how the final set is decided,
no-ad, doubles) comes from the league or a ``format`` event before the start.

Detail: ``format``, ``sets`` (finished sets: games per side, and the
tie-break points when there was one), ``games`` and ``points`` (the current
set and game, points as counts), ``display`` (``0 15 30 40 AD``, or
tie-break points), ``tiebreak`` (None, ``"set"`` or ``"match"``),
``server`` (once known), ``winner`` and ``retired``.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from broadcaster.errors import RuleViolation
from broadcaster.protocol import GameState, Period, Side, Team
from broadcaster.sports.base import (
    Kind,
    PeriodSpec,
    Sport,
    per_side,
    replace,
    require_live,
    team_name,
    with_detail,
)

FinalSet = Literal["tiebreak", "advantage", "match_tiebreak"]
CALLS = ("0", "15", "30", "40")
SET_GAMES, TIEBREAK_POINTS, MATCH_TIEBREAK_POINTS = 6, 7, 10
# league -> format; other leagues play best of three with tie-breaks in every set
LEAGUES: dict[str, dict[str, Any]] = {
    "Wimbledon": {"best_of": 5, "final_set": "advantage"},
    "Wimbledon Women": {"best_of": 3, "final_set": "advantage"},
    "US Open": {"best_of": 5, "final_set": "tiebreak"},
    "US Open Mixed": {"best_of": 3, "final_set": "match_tiebreak", "no_ad": True,
                      "doubles": True},
}  # fmt: skip
DEFAULT_FORMAT = {"best_of": 3, "final_set": "tiebreak", "no_ad": False, "doubles": False}


def other(side: Side) -> Side:
    return "away" if side == "home" else "home"


def period(league: str, number: int) -> PeriodSpec:
    return PeriodSpec(f"Set {number}", 0.0, 0.0, "up", clock=False)


def initial_detail(league: str) -> dict[str, Any]:
    return {
        "format": {**DEFAULT_FORMAT, **LEAGUES.get(league, {})},
        "sets": [],
        "games": per_side(0),
        "points": per_side(0),
        "display": per_side("0"),
        "tiebreak": None,
        "server": None,
        "tiebreak_server": None,
        "winner": None,
        "retired": None,
    }


def can_start_period(state: GameState, number: int) -> str | None:
    if number != 1 or state.period.number != 0:
        return "a set starts by itself with the point that ends the set before it"
    return None


def can_end(state: GameState) -> str | None:
    if state.detail["winner"] is None:
        return "the match is not decided yet (a retirement is recorded with 'retire')"
    return None


def display(points: dict[str, int], tiebreak: str | None, no_ad: bool) -> dict[str, str]:
    h, a = points["home"], points["away"]
    if tiebreak:
        return {"home": str(h), "away": str(a)}
    if h >= 3 and a >= 3 and not no_ad:
        if h == a:
            return per_side("40")
        return {"home": "AD" if h > a else "40", "away": "AD" if a > h else "40"}
    return {"home": CALLS[min(h, 3)], "away": CALLS[min(a, 3)]}


def game_won(points: dict[str, int], side: Side, tiebreak: str | None, no_ad: bool) -> bool:
    mine, theirs = points[side], points[other(side)]
    if tiebreak:
        target = MATCH_TIEBREAK_POINTS if tiebreak == "match" else TIEBREAK_POINTS
        return mine >= target and mine - theirs >= 2
    if no_ad:
        return mine >= 4
    return mine >= 4 and mine - theirs >= 2


def tiebreak_server(first: Side, played: int) -> Side:
    """Who serves the tie-break point after ``played`` points: A, then B B, A A, ..."""
    return first if ((played + 1) // 2) % 2 == 0 else other(first)


def deciding(detail: dict[str, Any], sets_won: dict[str, int]) -> bool:
    need: int = detail["format"]["best_of"] // 2
    return sets_won["home"] == need == sets_won["away"]


def sets_won(state: GameState) -> dict[str, int]:
    return {"home": state.home.score, "away": state.away.score}


class PointData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    team: Side
    server: Side | None = None
    text: str | None = None


class FormatData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    best_of: Literal[3, 5] = 3
    final_set: FinalSet = "tiebreak"
    no_ad: bool = False
    doubles: bool = False


class RetireData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    team: Side
    text: str | None = None


def _format(sport: Sport, state: GameState, d: FormatData, time: float) -> GameState:
    if state.status != "scheduled":
        raise RuleViolation("the format is set before the match starts")
    return with_detail(state, format=msgspec.to_builtins(d))


def _point(sport: Sport, state: GameState, d: PointData, time: float) -> GameState:
    require_live(state, "point")
    detail = dict(state.detail)
    if detail["winner"] is not None:
        raise RuleViolation(f"the match is over: {team_name(state, detail['winner'])} won it")
    tiebreak, fmt = detail["tiebreak"], detail["format"]
    server = detail["server"]
    if server is None:
        server = d.server
    elif d.server is not None and d.server != server:
        serving, named = team_name(state, server), team_name(state, d.server)
        raise RuleViolation(f"it is {serving}'s serve, not {named}'s")
    points = {**detail["points"], d.team: detail["points"][d.team] + 1}
    if not game_won(points, d.team, tiebreak, fmt["no_ad"]):
        if tiebreak and detail["tiebreak_server"]:
            server = tiebreak_server(detail["tiebreak_server"], points["home"] + points["away"])
        detail.update(points=points, display=display(points, tiebreak, fmt["no_ad"]), server=server)
        return with_detail(state, **detail)
    games = {**detail["games"], d.team: detail["games"][d.team] + 1}
    if tiebreak and detail["tiebreak_server"] is not None:
        server = other(detail["tiebreak_server"])  # who received first serves next
    elif server is not None:
        server = other(server)
    detail.update(points=per_side(0), display=per_side("0"), server=server, tiebreak=None)
    won = sets_won(state)
    final = deciding(detail, won)
    g, o = games[d.team], games[other(d.team)]
    set_over = bool(tiebreak) or (g >= SET_GAMES and g - o >= 2)
    if not set_over:
        detail["games"] = games
        if games["home"] == games["away"] == SET_GAMES and not (
            final and fmt["final_set"] == "advantage"
        ):
            detail.update(tiebreak="set", tiebreak_server=server)
        return with_detail(state, **detail)
    finished: dict[str, Any] = dict(games)
    if tiebreak:
        finished["tiebreak"] = points
    detail["sets"] = [*detail["sets"], finished]
    won[d.team] += 1
    team = state.team(d.team)
    state = replace(state, **{d.team: Team(team.name, team.short, won[d.team])})
    detail["games"] = per_side(0)
    if won[d.team] > fmt["best_of"] // 2:
        detail.update(winner=d.team, tiebreak_server=None)
        return with_detail(state, **detail)
    number = state.period.number + 1
    if deciding(detail, won) and fmt["final_set"] == "match_tiebreak":
        detail.update(tiebreak="match", tiebreak_server=server)
    state = replace(state, period=Period(number, period(state.league, number).label, True))
    return with_detail(state, **detail)


def _retire(sport: Sport, state: GameState, d: RetireData, time: float) -> GameState:
    require_live(state, "retirement")
    if state.detail["winner"] is not None:
        raise RuleViolation("the match is already decided")
    return with_detail(state, winner=other(d.team), retired=d.team)


SPORT = Sport(
    name="tennis",
    period=period,
    points=frozenset({1}),
    initial_detail=initial_detail,
    can_start_period=can_start_period,
    can_end=can_end,
    refuses=frozenset({"score", "period.end", "clock.set", "substitution"}),
    kinds={
        "point": Kind(PointData, _point, "one point won by team; moves games, sets, match"),
        "format": Kind(FormatData, _format, "best of 3/5, final set, no-ad, doubles"),
        "retire": Kind(RetireData, _retire, "team retires; the other wins the match"),
    },
)
