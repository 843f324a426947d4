"""Baseball: half-innings, outs, the count, runners, runs; extra innings; walk-offs.

Each period is a half-inning (1 = top of the 1st, 2 = bottom of the 1st, ...),
with no game clock. The batting side alone scores. Three outs end a
half-inning (``period.end`` is refused before them). The bottom of the last
inning is not played when the home team already leads, extra innings follow
a tie, and a home run or single that puts the home team ahead in the bottom
of the last or an extra inning ends the game at once (walk-off): only
``game.end`` follows.

Kinds: ``pitch`` (ball, strike, foul, in play, hit by pitch: four balls walk
the batter, three strikes are an out), ``hit`` (1-4 bases; runners advance as
many bases as the batter, a home run clears them), ``out``, ``bases`` (where
the runners are, when a play moved them otherwise), ``error`` and ``score``
(runs the operator credits: 1 to 4).

Detail: ``half``, ``inning``, ``outs``, ``balls``, ``strikes``, ``bases``
(first, second, third: occupied or not), ``line`` (runs per inning per side),
``hits``, ``errors``.
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
    bump,
    per_side,
    require_live,
    team_name,
    with_detail,
    with_score,
)
from broadcaster.sports.schemas import (
    PeriodData,
    ScoreData,
)

# league -> (innings, a runner starts on second in extra innings)
LEAGUES: dict[str, tuple[int, bool]] = {"MLB": (9, True), "NPB": (9, False), "Softball": (7, True)}
DEFAULT = (9, False)
EMPTY = {"first": False, "second": False, "third": False}
BASES = ("first", "second", "third")


def innings(league: str) -> int:
    return LEAGUES.get(league, DEFAULT)[0]


def half_of(number: int) -> tuple[int, Literal["top", "bottom"]]:
    return (number + 1) // 2, "top" if number % 2 else "bottom"


def period(league: str, number: int) -> PeriodSpec:
    inning, half = half_of(number)
    return PeriodSpec(f"{'Top' if half == 'top' else 'Bot'} {inning}", 0.0, 0.0, "up", False)


def initial_detail(league: str) -> dict[str, Any]:
    return {"inning": 0, "half": None, "outs": 0, "balls": 0, "strikes": 0,
            "bases": dict(EMPTY), "line": per_side([]), "hits": per_side(0),
            "errors": per_side(0)}  # fmt: skip


def batting(state: GameState) -> Side:
    return "away" if state.period.number % 2 else "home"


def home_leads(state: GameState) -> bool:
    return state.home.score > state.away.score


def walk_off(state: GameState) -> bool:
    """The home side went ahead in the bottom of the last (or an extra) inning."""
    n = state.period.number
    return n >= 2 * innings(state.league) and n % 2 == 0 and home_leads(state)


def can_start_period(state: GameState, number: int) -> str | None:
    last = 2 * innings(state.league)
    if number != state.period.number + 1:
        return f"the next half-inning is {period(state.league, state.period.number + 1).label}"
    if number == last and home_leads(state):
        return "the home team leads after the top of the last inning: the game is over"
    if number > last and number % 2 and state.home.score != state.away.score:
        return "extra innings are only played when the score is tied"
    return None


def can_end(state: GameState) -> str | None:
    n, last = state.period.number, 2 * innings(state.league)
    if walk_off(state):
        return None
    if state.period.in_progress:
        return f"the {state.period.label} is still being played"
    if n == last - 1 and home_leads(state):
        return None
    if n < last or n % 2:
        return f"a game lasts {innings(state.league)} innings; this is {state.period.label}"
    if state.home.score == state.away.score:
        return "the score is tied: play extra innings"
    return None


def on_period_start(state: GameState) -> dict[str, Any]:
    inning, half = half_of(state.period.number)
    bases = dict(EMPTY)
    if inning > innings(state.league) and LEAGUES.get(state.league, DEFAULT)[1]:
        bases["second"] = True  # the extra-inning runner
    side = batting(state)
    line = {**state.detail["line"], side: [*state.detail["line"][side], 0]}
    return {**state.detail, "inning": inning, "half": half, "outs": 0, "balls": 0,
            "strikes": 0, "bases": bases, "line": line}  # fmt: skip


def require_at_bat(state: GameState, what: str) -> None:
    require_live(state, what)
    if walk_off(state):
        raise RuleViolation("walk-off: the home team has won; the game is over (game.end)")
    if state.detail["outs"] >= 3:
        raise RuleViolation(f"three outs: the {state.period.label} is over (period.end)")


def runs(state: GameState, count: int) -> GameState:
    """``count`` runs for the batting side, in its line score too."""
    if count == 0:
        return state
    side = batting(state)
    line = list(state.detail["line"][side])
    line[-1] += count
    state = with_score(state, side, count)
    return with_detail(state, line={**state.detail["line"], side: line})


def advance(bases: dict[str, bool], by: int, batter: bool = True) -> tuple[dict[str, bool], int]:
    """Every runner (and the batter) moves ``by`` bases; returns the bases and runs scored."""
    runners = [i + 1 for i, b in enumerate(BASES) if bases[b]] + ([0] if batter else [])
    moved = [r + by for r in runners]
    new = {b: (i + 1) in moved for i, b in enumerate(BASES)}
    return new, sum(1 for r in moved if r >= 4)


def forced(bases: dict[str, bool]) -> tuple[dict[str, bool], int]:
    """A walk: the batter takes first and only forced runners move up."""
    new, scored = dict(bases), 0
    if new["first"]:
        if new["second"]:
            if new["third"]:
                scored = 1
            new["third"] = True
        new["second"] = True
    new["first"] = True
    return new, scored


class PitchData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    result: Literal["ball", "strike", "foul", "in_play", "hit_by_pitch"]
    text: str | None = None


class HitData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    bases: int
    player: str | None = None
    text: str | None = None


class OutData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    player: str | None = None
    text: str | None = None


class BasesData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    first: bool = False
    second: bool = False
    third: bool = False


class ErrorData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    team: Side
    player: str | None = None
    text: str | None = None


def new_batter(state: GameState, **changes: Any) -> GameState:
    return with_detail(state, balls=0, strikes=0, **changes)


def _pitch(sport: Sport, state: GameState, d: PitchData, time: float) -> GameState:
    require_at_bat(state, "pitch")
    detail = state.detail
    if d.result == "ball" and detail["balls"] < 3:
        return with_detail(state, balls=detail["balls"] + 1)
    if d.result in ("ball", "hit_by_pitch"):  # ball four or hit by pitch: take first
        bases, scored = forced(detail["bases"])
        return runs(new_batter(state, bases=bases), scored)
    if d.result == "foul" and detail["strikes"] >= 2:
        return state
    if d.result in ("strike", "foul"):
        if detail["strikes"] < 2:
            return with_detail(state, strikes=detail["strikes"] + 1)
        return new_batter(state, outs=detail["outs"] + 1)  # strike three
    return new_batter(state)  # in play: a hit, an out or an error follows


def _hit(sport: Sport, state: GameState, d: HitData, time: float) -> GameState:
    require_at_bat(state, "hit")
    if not 1 <= d.bases <= 4:
        raise RuleViolation(f"a hit is worth 1 to 4 bases, not {d.bases}")
    bases, scored = advance(state.detail["bases"], d.bases)
    side = batting(state)
    state = new_batter(state, bases=bases, hits=bump(state.detail["hits"], side))
    return runs(state, scored)


def _out(sport: Sport, state: GameState, d: OutData, time: float) -> GameState:
    require_at_bat(state, "out")
    return new_batter(state, outs=state.detail["outs"] + 1)


def _bases(sport: Sport, state: GameState, d: BasesData, time: float) -> GameState:
    require_at_bat(state, "runner change")
    return with_detail(state, bases={"first": d.first, "second": d.second, "third": d.third})


def _error(sport: Sport, state: GameState, d: ErrorData, time: float) -> GameState:
    require_at_bat(state, "error")
    if d.team == batting(state):
        raise RuleViolation(f"{team_name(state, d.team)} are batting; errors are the fielders'")
    return with_detail(state, errors=bump(state.detail["errors"], d.team))


def _score(sport: Sport, state: GameState, d: ScoreData, time: float) -> GameState:
    require_at_bat(state, "run")
    if d.team != batting(state):
        raise RuleViolation(
            f"only the batting side scores; {team_name(state, d.team)} are fielding"
        )
    points = 1 if d.points is None else d.points
    if not 1 <= points <= 4:
        raise RuleViolation(f"a baseball play scores 1 to 4 runs, not {points}")
    return runs(state, points)


def _period_end(sport: Sport, state: GameState, d: PeriodData, time: float) -> GameState:
    if state.period.in_progress and state.detail["outs"] < 3 and not walk_off(state):
        raise RuleViolation(
            f"the {state.period.label} has {state.detail['outs']} out(s); it ends at three"
        )
    return COMMON_KINDS["period.end"].handler(sport, state, d, time)


SPORT = Sport(
    name="baseball",
    period=period,
    points=frozenset({1, 2, 3, 4}),
    initial_detail=initial_detail,
    can_start_period=can_start_period,
    can_end=can_end,
    on_period_start=on_period_start,
    refuses=frozenset({"clock.set"}),
    kinds={
        "pitch": Kind(PitchData, _pitch, "ball, strike, foul, in_play or hit_by_pitch"),
        "hit": Kind(HitData, _hit, "a hit of 1-4 bases; runners move as many"),
        "out": Kind(OutData, _out, "one out; three end the half-inning"),
        "bases": Kind(BasesData, _bases, "where the runners are now"),
        "error": Kind(ErrorData, _error, "a fielding error by team"),
        "score": Kind(ScoreData, _score, "runs (1-4) for the batting side"),
        "period.end": Kind(PeriodData, _period_end, "ends the half-inning after three outs"),
    },
)
