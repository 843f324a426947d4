"""Cricket, limited overs: innings of six-ball overs, runs, extras, wickets, target, result.

The toss decides who bats first. A ``delivery`` carries the runs off the bat,
any extras and any wicket; wides and no-balls are not legal balls, so an over
can take more than six deliveries. An innings is over when ten wickets fall,
its overs are bowled or the target is reached; then only ``period.end``
follows. ``score`` is each side's runs (the common ``score`` kind is refused:
runs come with deliveries); wickets, overs, target and result are in detail.
A tie after both innings may go to a super over (one over, two wickets).

Detail: ``format`` (overs, wickets), ``toss``, ``batting``, ``innings`` (one
entry per innings: team, runs, wickets, balls, overs, extras), ``this_over``,
``target``, ``result``, ``winner``.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from broadcaster.errors import RuleViolation
from broadcaster.protocol import GameState, Side
from broadcaster.sports.base import (
    COMMON_KINDS,
    Kind,
    PeriodSpec,
    Sport,
    require_live,
    team_name,
    with_detail,
    with_score,
)
from broadcaster.sports.schemas import (
    PeriodData,
)

BALLS_PER_OVER = 6
# league -> overs per innings (others: T20)
LEAGUES: dict[str, int] = {"T20": 20, "T20I": 20, "ODI": 50, "List A": 50, "T10": 10}
SUPER_OVER = {"overs": 1, "wickets": 2}
LABELS = {1: "1st innings", 2: "2nd innings", 3: "Super over 1", 4: "Super over 2"}
WICKETS = frozenset({
    "bowled", "caught", "caught and bowled", "lbw", "run out", "stumped", "hit wicket",
    "obstructing the field", "hit the ball twice", "handled the ball", "timed out",
    "retired out", "retired hurt", "retired not out",
})  # fmt: skip
NOT_OUT = frozenset({"retired hurt", "retired not out"})  # the batter may come back
OFF_NO_BALL = frozenset({"run out", "obstructing the field", "hit the ball twice",
                         "handled the ball", "retired hurt", "retired not out"})  # fmt: skip
OFF_WIDE = OFF_NO_BALL | {"stumped", "hit wicket"}


def other(side: Side) -> Side:
    return "away" if side == "home" else "home"


def period(league: str, number: int) -> PeriodSpec:
    return PeriodSpec(LABELS.get(number, f"Innings {number}"), 0.0, 0.0, "up", clock=False)


def initial_detail(league: str) -> dict[str, Any]:
    return {
        "format": {"overs": LEAGUES.get(league, 20), "wickets": 10},
        "toss": None,
        "batting": None,
        "innings": [],
        "this_over": [],
        "target": None,
        "result": None,
        "winner": None,
    }


def limits(detail: dict[str, Any], number: int) -> dict[str, int]:
    return dict(SUPER_OVER) if number > 2 else dict(detail["format"])


def innings_over(detail: dict[str, Any], number: int) -> str | None:
    """Why the current innings cannot go on, or None."""
    if not detail["innings"]:
        return None
    inn, cap = detail["innings"][-1], limits(detail, number)
    if inn["wickets"] >= cap["wickets"]:
        return "the batting side is all out"
    if inn["balls"] >= cap["overs"] * BALLS_PER_OVER:
        return f"all {cap['overs']} overs have been bowled"
    if detail["target"] is not None and inn["runs"] >= detail["target"]:
        return "the target has been reached"
    return None


def can_start_period(state: GameState, number: int) -> str | None:
    detail = state.detail
    if number != state.period.number + 1:
        return f"the next innings is {LABELS.get(state.period.number + 1)}, not {number}"
    if detail["toss"] is None:
        return "record the toss first"
    if number > 4:
        return "a limited-overs match has at most two innings and a super over"
    if number == 3 and (state.home.score != state.away.score or detail["winner"]):
        return "a super over is only played when the scores are tied"
    if number == 4 and not detail["innings"]:
        return "the super over needs its first innings first"
    return None


def batting_side(detail: dict[str, Any], number: int) -> Side:
    toss = detail["toss"]
    first: Side = toss["won_by"] if toss["elected"] == "bat" else other(toss["won_by"])
    # the side batting second bats first in the super over
    return first if number in (1, 4) else other(first)


def on_period_start(state: GameState) -> dict[str, Any]:
    detail, number = dict(state.detail), state.period.number
    side = batting_side(detail, number)
    if number in (2, 4):
        detail["target"] = detail["innings"][-1]["runs"] + 1
    else:
        detail["target"] = None
    entry = {"team": side, "runs": 0, "wickets": 0, "balls": 0, "overs": "0.0", "extras": 0}
    detail.update(batting=side, innings=[*detail["innings"], entry], this_over=[])
    return detail


def result(state: GameState, detail: dict[str, Any]) -> tuple[str | None, Side | None]:
    """The result once the chase (innings 2 or 4) is over, else (None, None)."""
    number = state.period.number
    if number not in (2, 4):
        return None, None
    inn, cap = detail["innings"][-1], limits(detail, number)
    chasing: Side = inn["team"]
    if inn["runs"] >= detail["target"]:
        left = cap["wickets"] - inn["wickets"]
        how = "the super over" if number == 4 else f"{left} wicket{'s' * (left != 1)}"
        return f"{team_name(state, chasing)} won by {how}", chasing
    if innings_over(detail, number) is None and state.period.in_progress:
        return None, None
    margin = detail["target"] - 1 - inn["runs"]
    if margin == 0:
        return ("Super over tied" if number == 4 else "Match tied"), None
    how = "the super over" if number == 4 else f"{margin} run{'s' * (margin != 1)}"
    return f"{team_name(state, other(chasing))} won by {how}", other(chasing)


def can_end(state: GameState) -> str | None:
    if state.period.number < 2:
        return "a limited-overs match has two innings"
    if state.period.in_progress and innings_over(state.detail, state.period.number) is None:
        return f"the {state.period.label} is still going on"
    return None


class TossData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    won_by: Side
    elected: Literal["bat", "field"]


class Extras(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    wides: int = 0
    noballs: int = 0
    byes: int = 0
    legbyes: int = 0
    penalty: int = 0


class Wicket(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    kind: str
    player_out: str | None = None
    fielders: list[str] | None = None


class DeliveryData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    runs: int = 0  # off the bat
    extras: Extras = Extras()
    wicket: Wicket | None = None
    batter: str | None = None
    bowler: str | None = None
    non_striker: str | None = None
    text: str | None = None


def check_delivery(d: DeliveryData) -> None:
    e = d.extras
    if not 0 <= d.runs <= 7:
        raise RuleViolation(f"runs off the bat are 0 to 7, not {d.runs}")
    if min(e.wides, e.noballs, e.byes, e.legbyes, e.penalty) < 0:
        raise RuleViolation("extras cannot be negative")
    if e.wides and (e.noballs or d.runs or e.byes or e.legbyes):
        raise RuleViolation("a wide is not also a no-ball, and nothing is scored off the bat")
    if e.byes and e.legbyes:
        raise RuleViolation("runs are either byes or leg-byes, not both")
    if (e.byes or e.legbyes) and d.runs:
        raise RuleViolation("byes and leg-byes are not runs off the bat")
    if d.wicket is None:
        return
    kind = d.wicket.kind
    if kind not in WICKETS:
        raise RuleViolation(f"unknown dismissal {kind!r}; one of {', '.join(sorted(WICKETS))}")
    if e.noballs and kind not in OFF_NO_BALL:
        raise RuleViolation(f"a batter cannot be out {kind} off a no-ball")
    if e.wides and kind not in OFF_WIDE:
        raise RuleViolation(f"a batter cannot be out {kind} off a wide")


def symbol(d: DeliveryData, total: int) -> str:
    e = d.extras
    mark = "wd" if e.wides else "nb" if e.noballs else "b" if e.byes else "lb" if e.legbyes else ""
    text = f"{total}{mark}" if mark else str(total) if total else "."
    return f"{text}W" if d.wicket and d.wicket.kind not in NOT_OUT else text


def _toss(sport: Sport, state: GameState, d: TossData, time: float) -> GameState:
    if state.period.number or state.status not in ("scheduled", "live"):
        raise RuleViolation("the toss comes before the first innings")
    return with_detail(state, toss={"won_by": d.won_by, "elected": d.elected})


def _delivery(sport: Sport, state: GameState, d: DeliveryData, time: float) -> GameState:
    require_live(state, "delivery")
    detail, number = dict(state.detail), state.period.number
    over = innings_over(detail, number)
    if over:
        raise RuleViolation(f"the {state.period.label} is over: {over}; end it with period.end")
    check_delivery(d)
    e = d.extras
    extras = e.wides + e.noballs + e.byes + e.legbyes + e.penalty
    total = d.runs + extras
    legal = not (e.wides or e.noballs)
    inn = dict(detail["innings"][-1])
    out = d.wicket is not None and d.wicket.kind not in NOT_OUT
    inn["runs"] += total
    inn["extras"] += extras
    inn["wickets"] += int(out)
    inn["balls"] += int(legal)
    inn["overs"] = f"{inn['balls'] // BALLS_PER_OVER}.{inn['balls'] % BALLS_PER_OVER}"
    this_over = detail["this_over"]
    if this_over and this_over[-1] == "|":
        this_over = []
    this_over = [*this_over, symbol(d, total)]
    if legal and inn["balls"] % BALLS_PER_OVER == 0:
        this_over.append("|")  # the over is complete
    detail.update(innings=[*detail["innings"][:-1], inn], this_over=this_over)
    if number <= 2:
        state = with_score(state, inn["team"], total)
    done, winner = result(state, detail)
    if done:
        detail.update(result=done, winner=winner)
    return with_detail(state, **detail)


def _period_end(sport: Sport, state: GameState, d: PeriodData, time: float) -> GameState:
    """The framework's period.end, then the result if the chase is over."""
    state = COMMON_KINDS["period.end"].handler(sport, state, d, time)
    done, winner = result(state, state.detail)
    return with_detail(state, result=done, winner=winner) if done else state


SPORT = Sport(
    name="cricket",
    period=period,
    points=frozenset({1}),
    initial_detail=initial_detail,
    can_start_period=can_start_period,
    can_end=can_end,
    on_period_start=on_period_start,
    refuses=frozenset({"score", "clock.set"}),
    kinds={
        "toss": Kind(TossData, _toss, "who won the toss and whether they bat or field"),
        "delivery": Kind(DeliveryData, _delivery, "one ball: runs, extras, wicket"),
        "period.end": Kind(
            PeriodData, _period_end, "ends an innings; a finished chase sets the result"
        ),
    },
)
