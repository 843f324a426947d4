"""The rules framework every sport plugs into: pure, table-driven, no I/O.

A game is a fold of its events: ``state = apply(sport, state, kind, data, time)``
for each event, starting from ``create_game``. A sport is a ``Sport`` value:
its periods, the points a ``score`` may carry, its own event kinds (each a
data schema plus a handler) and its hooks for when a period may start and a
game may end. The common kinds of PROTOCOL.md are handled here, once.

Game phases (``status``), and the kinds that move between them::

    scheduled ──game.start──▶ live ◀──period.start── break
        │                      │  └──period.end──────▶ │
        │ status               │ status                │ game.end
        ▼                      ▼                       ▼
    postponed/cancelled    suspended/break          final ◀── game.end (live)

Scores count only while ``live`` inside a period (``period.in_progress``).
Everything a rule refuses raises ``RuleViolation`` with a sentence an
operator understands.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import msgspec

from broadcaster.errors import RuleViolation
from broadcaster.protocol import Clock, GameState, Period, Side, Status, Team
from broadcaster.sports.schemas import (
    ClockData,
    CreateData,
    NoData,
    PeriodData,
    PlayData,
    ScoreData,
    StatusData,
    SubstitutionData,
    convert,
)

# --------------------------------------------------------------------------- sport definition


@dataclass(frozen=True)
class PeriodSpec:
    """One period: its label and where its clock starts and ends (seconds)."""

    label: str
    start: float
    end: float
    direction: Literal["up", "down"] = "down"
    clock: bool = True  # False for a phase without a game clock (a shoot-out)

    @property
    def lowest(self) -> float:
        return min(self.start, self.end)

    @property
    def highest(self) -> float:
        return max(self.start, self.end)


Handler = Callable[["Sport", GameState, Any, float], GameState]


@dataclass(frozen=True)
class Kind:
    """A sport-specific event kind: the schema of its ``data`` and what it does."""

    data: type[msgspec.Struct]
    handler: Handler
    doc: str = ""


@dataclass(frozen=True)
class Sport:
    """Everything the framework needs to know about one sport."""

    name: str
    period: Callable[[str, int], PeriodSpec]  # (league, number) -> spec
    points: frozenset[int]
    initial_detail: Callable[[str], dict[str, Any]]  # league -> detail
    can_start_period: Callable[[GameState, int], str | None]  # -> refusal reason
    can_end: Callable[[GameState], str | None]
    kinds: Mapping[str, Kind] = field(default_factory=dict)
    refuses: frozenset[str] = frozenset()  # common kinds this sport has no use for
    clock_slack: float = 0.0  # how far an up-counting clock may run past its period
    on_period_start: Callable[[GameState], dict[str, Any]] | None = None  # detail reset
    score_check: Callable[[GameState, ScoreData], None] | None = None

    def spec(self, state: GameState, number: int | None = None) -> PeriodSpec:
        return self.period(state.league, state.period.number if number is None else number)


# --------------------------------------------------------------------------- helpers


def replace(state: GameState, **changes: Any) -> GameState:
    return msgspec.structs.replace(state, **changes)


def with_detail(state: GameState, **changes: Any) -> GameState:
    return replace(state, detail={**state.detail, **changes})


def with_score(state: GameState, side: Side, points: int) -> GameState:
    team = state.team(side)
    return replace(state, **{side: msgspec.structs.replace(team, score=team.score + points)})


def per_side(value: Any) -> dict[str, Any]:
    return {"home": value, "away": value}


def bump(counts: Mapping[str, int], side: Side, by: int = 1) -> dict[str, int]:
    return {**counts, side: counts[side] + by}


def tied(state: GameState) -> bool:
    return state.home.score == state.away.score


def team_name(state: GameState, side: Side) -> str:
    return state.team(side).name


def stop_clock(state: GameState, time: float) -> Clock:
    return Clock(False, state.clock.value(time), state.clock.direction, time)


def require_live(state: GameState, what: str) -> None:
    if state.status == "final":
        raise RuleViolation(f"the game has ended; no {what} after game.end")
    if state.status != "live" or not state.period.in_progress:
        raise RuleViolation(f"no {what} while the game is {describe(state)}")


def require_period(state: GameState, what: str) -> None:
    """The game is under way (inside a period or a break between periods)."""
    if state.status == "final":
        raise RuleViolation(f"the game has ended; no {what} after game.end")
    if state.status not in ("live", "break") or state.period.number == 0:
        raise RuleViolation(f"no {what} while the game is {describe(state)}")


def describe(state: GameState) -> str:
    if state.status == "live" and not state.period.in_progress:
        return "live but no period has started" if state.period.number == 0 else "between periods"
    if state.status == "break" and not state.period.in_progress:
        return f"in the break after {state.period.label}"
    return state.status


# --------------------------------------------------------------------------- common kinds

STATUS_FROM: Final[dict[str, frozenset[str]]] = {
    # target status: the statuses it may be reached from with a `status` event
    "postponed": frozenset({"scheduled", "suspended"}),
    "cancelled": frozenset({"scheduled", "postponed", "suspended"}),
    "suspended": frozenset({"live", "break"}),
    "break": frozenset({"live"}),
    "live": frozenset({"break", "suspended"}),
}


def create_game(game_id: str, data: Mapping[str, Any], sports: Mapping[str, Sport]) -> GameState:
    """The state a ``game.create`` event makes."""
    d: CreateData = convert("game.create", data, CreateData)
    sport = sports.get(d.sport)
    if sport is None:
        known = ", ".join(sorted(sports))
        raise RuleViolation(f"unknown sport {d.sport!r}; known sports: {known}")
    for side, team in (("home", d.home), ("away", d.away)):
        if not team.name.strip() or not team.short.strip():
            raise RuleViolation(f"the {side} team needs a name and a short name")
        if len(team.short) > 8:
            raise RuleViolation(f"the {side} team's short name {team.short!r} is over 8 characters")
    if d.home.name == d.away.name:
        raise RuleViolation(f"a game needs two different teams, not {d.home.name} twice")
    if not d.league.strip():
        raise RuleViolation("a game needs a league")
    first = sport.period(d.league, 1)
    return GameState(
        game_id=game_id,
        sport=d.sport,
        league=d.league,
        status="scheduled",
        home=Team(d.home.name, d.home.short),
        away=Team(d.away.name, d.away.short),
        clock=Clock(False, 0.0, first.direction, 0.0),
        detail={
            **sport.initial_detail(d.league),
            **({"favourite": d.favourite} if d.favourite else {}),
        },
        start=d.start,
        venue=d.venue,
    )


def _game_start(sport: Sport, state: GameState, d: NoData, time: float) -> GameState:
    if state.status not in ("scheduled", "postponed"):
        raise RuleViolation(f"the game has already started (it is {describe(state)})")
    return replace(state, status="live", clock=replace_clock(state.clock, at=time))


def replace_clock(clock: Clock, **changes: Any) -> Clock:
    return msgspec.structs.replace(clock, **changes)


def _period_start(sport: Sport, state: GameState, d: PeriodData, time: float) -> GameState:
    if state.status == "final":
        raise RuleViolation("the game has ended; no period.start after game.end")
    if state.period.in_progress:
        raise RuleViolation(f"{state.period.label} is still in progress; end it first")
    if state.status not in ("live", "break"):
        raise RuleViolation(f"no period can start while the game is {describe(state)}")
    number = state.period.number + 1 if d.number is None else d.number
    reason = sport.can_start_period(state, number)
    if reason:
        raise RuleViolation(reason)
    spec = sport.spec(state, number)
    state = replace(
        state,
        status="live",
        period=Period(number, spec.label, True),
        clock=Clock(spec.clock, spec.start, spec.direction, time),
    )
    if sport.on_period_start is not None:
        state = replace(state, detail=sport.on_period_start(state))
    return state


def _period_end(sport: Sport, state: GameState, d: PeriodData, time: float) -> GameState:
    if not state.period.in_progress or state.status == "final":
        raise RuleViolation(f"no period is in progress (the game is {describe(state)})")
    if d.number is not None and d.number != state.period.number:
        raise RuleViolation(f"period {d.number} is not in progress; {state.period.label} is")
    spec = sport.spec(state)
    seconds = spec.end if spec.direction == "down" else max(spec.end, state.clock.value(time))
    if not spec.clock:
        seconds = state.clock.seconds
    return replace(
        state,
        status="break",
        period=replace_period(state.period, in_progress=False),
        clock=Clock(False, seconds, spec.direction, time),
    )


def replace_period(period: Period, **changes: Any) -> Period:
    return msgspec.structs.replace(period, **changes)


def _clock_set(sport: Sport, state: GameState, d: ClockData, time: float) -> GameState:
    require_period(state, "clock change")
    spec = sport.spec(state)
    if not spec.clock:
        raise RuleViolation(f"{state.period.label} has no game clock")
    seconds = state.clock.value(time) if d.seconds is None else d.seconds
    low = spec.lowest
    high = spec.highest + (sport.clock_slack if spec.direction == "up" else 0.0)
    if not low <= seconds <= high:
        raise RuleViolation(
            f"the clock of {spec.label} runs from {clock_text(spec.start)} to "
            f"{clock_text(spec.end)}; {clock_text(seconds)} is outside it"
        )
    return replace(state, clock=Clock(d.running, float(seconds), spec.direction, time))


def or_list(items: list[int]) -> str:
    """``[1, 2, 3]`` → ``"1, 2 or 3"``."""
    words = [str(i) for i in items]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def clock_text(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def a_sport(sport: Sport) -> str:
    """``"a basketball"``, ``"an ice hockey"``: the sport in an operator's words."""
    noun = sport.name.replace("_", " ")
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _score(sport: Sport, state: GameState, d: ScoreData, time: float) -> GameState:
    require_live(state, "score")
    points = d.points
    allowed = or_list(sorted(sport.points))
    if points is None:
        if len(sport.points) != 1:
            raise RuleViolation(f"{a_sport(sport)} score needs points: {allowed}")
        (points,) = sport.points
    if points not in sport.points:
        unit = "point" if sport.points == {1} else "points"
        raise RuleViolation(f"{a_sport(sport)} score is {allowed} {unit}, not {points}")
    if sport.score_check is not None:
        sport.score_check(state, d)
    return with_score(state, d.team, points)


def _play(sport: Sport, state: GameState, d: PlayData, time: float) -> GameState:
    if not d.text.strip():
        raise RuleViolation("a play needs some text")
    return state


def _substitution(sport: Sport, state: GameState, d: SubstitutionData, time: float) -> GameState:
    if not d.on.strip() or not d.off.strip():
        raise RuleViolation("a substitution names the player coming on and the one going off")
    if d.on.strip() == d.off.strip():
        raise RuleViolation(f"{d.on} cannot come on for himself")
    if state.status not in ("live", "break"):
        raise RuleViolation(f"no substitution while the game is {describe(state)}")
    return state


def _status(sport: Sport, state: GameState, d: StatusData, time: float) -> GameState:
    target: Status = d.status
    if state.status == "final":
        raise RuleViolation("the game has ended; void game.end to reopen it")
    if state.status == target:
        raise RuleViolation(f"the game is already {target}")
    if state.status not in STATUS_FROM[target]:
        raise RuleViolation(f"a game that is {describe(state)} cannot become {target}")
    if target == "live" and state.status == "break" and not state.period.in_progress:
        nxt = sport.spec(state, state.period.number + 1).label
        raise RuleViolation(f"the game is between periods; start {nxt} with period.start")
    if target == "live" and state.status == "suspended" and not state.period.in_progress:
        target = "break" if state.period.number else "live"
    clock = state.clock
    if target in ("suspended", "break", "postponed", "cancelled") and clock.running:
        clock = stop_clock(state, time)
    return replace(state, status=target, clock=clock)


def _game_end(sport: Sport, state: GameState, d: NoData, time: float) -> GameState:
    if state.status == "final":
        raise RuleViolation("the game has already ended")
    if state.status not in ("live", "break", "suspended") or state.period.number == 0:
        raise RuleViolation(f"a game that is {describe(state)} cannot end")
    reason = sport.can_end(state)
    if reason:
        raise RuleViolation(reason)
    clock = stop_clock(state, time) if state.clock.running else state.clock
    return replace(
        state,
        status="final",
        period=replace_period(state.period, in_progress=False),
        clock=clock,
    )


COMMON_KINDS: Final[dict[str, Kind]] = {
    "game.start": Kind(NoData, _game_start),
    "period.start": Kind(PeriodData, _period_start),
    "period.end": Kind(PeriodData, _period_end),
    "clock.set": Kind(ClockData, _clock_set),
    "score": Kind(ScoreData, _score),
    "play": Kind(PlayData, _play),
    "substitution": Kind(SubstitutionData, _substitution),
    "status": Kind(StatusData, _status),
    "game.end": Kind(NoData, _game_end),
}

#: kinds the hub handles itself rather than through ``apply``
SPECIAL_KINDS: Final = frozenset({"game.create", "correction"})


def kind_for(sport: Sport, kind: str) -> Kind:
    if kind in sport.kinds:
        return sport.kinds[kind]
    if kind in COMMON_KINDS and kind not in sport.refuses:
        return COMMON_KINDS[kind]
    if kind in SPECIAL_KINDS:
        raise RuleViolation(f"{kind} is not a game event here")
    known = sorted((set(COMMON_KINDS) - sport.refuses) | set(sport.kinds) | SPECIAL_KINDS)
    raise RuleViolation(f"{sport.name} has no event kind {kind!r}; it knows {', '.join(known)}")


def apply(
    sport: Sport, state: GameState, kind: str, data: Mapping[str, Any], time: float
) -> GameState:
    """The state after one event, or ``RuleViolation``. Pure."""
    spec = kind_for(sport, kind)
    parsed = convert(kind, data, spec.data)
    if state.status == "final" and kind not in ("play",):
        if kind == "game.end":
            raise RuleViolation("the game has already ended")
        raise RuleViolation(f"the game has ended; no {kind} after game.end")
    return spec.handler(sport, state, parsed, time)
