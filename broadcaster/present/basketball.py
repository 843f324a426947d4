"""Basketball as its fans read it: quarter and clock, bonus, fouls and timeouts left."""

from __future__ import annotations

from broadcaster.present.common import (
    SIDES,
    Board,
    LineScore,
    Panel,
    Said,
    SideName,
    clock_text,
    final_word,
    not_started,
    other,
    per_side,
    plain_result,
    stat,
    text_of,
)
from broadcaster.present.story import Story, by_score, game_minutes, period_table
from broadcaster.protocol import GameState

UNIT = "min"
REGULATION = 4
BONUS = {"NBA": 5, "WNBA": 5}  # team fouls in a quarter before the other side shoots; FIBA 4


def overtime(state: GameState) -> bool:
    return state.period.number > REGULATION


def status(state: GameState, now: float) -> str:
    waiting = not_started(state)
    if waiting:
        return waiting
    label = state.period.label
    if state.status == "final":
        return final_word(state, REGULATION)
    if not state.period.in_progress or state.status == "break":
        return "Half-time" if label == "Q2" else f"End of {label}"
    return f"{label} · {clock_text(state, now)}"


def in_bonus(state: GameState) -> list[SideName]:
    """The sides shooting free throws on every foul: the other side is over the limit."""
    fouls = state.detail.get("fouls") or {}
    limit = BONUS.get(state.league, 4)
    return [s for s in SIDES if fouls.get(other(s), 0) >= limit]


def board(state: GameState, now: float, story: Story | None = None) -> Board:
    live = state.status in ("live", "break") and state.period.in_progress
    return Board(
        home=str(state.home.score),
        away=str(state.away.score),
        status=status(state, now),
        result=plain_result(state, "in overtime" if overtime(state) else "")
        if state.status == "final"
        else None,
        tags={str(s): ("bonus",) for s in in_bonus(state)} if live else {},
    )


def line(state: GameState, story: Story | None) -> LineScore:
    return period_table(state, story, REGULATION)


def panel(state: GameState, story: Story | None) -> Panel:
    d = state.detail
    stats = [stat(label, per_side(d, key))
             for key, label in (("fouls", "Team fouls (this period)"), ("fouls_total", "Fouls"),
                                ("timeouts", "Timeouts left"))]  # fmt: skip
    facts = tuple(("Bonus", f"{state.team(s).name} in the bonus") for s in in_bonus(state))
    return Panel(tuple(stats), facts if state.status == "live" else ())


_BASKET = {3: "3-pointer", 2: "2 points", 1: "Free throw"}


def play(said: Said) -> str | None:
    kind, data, state = said.kind, said.data, said.state
    side, team, player = said.side, said.team, said.player
    if kind == "score":
        what = _BASKET.get(int(data.get("points") or 0), "Score")
        if player:
            return f"{what} {player}, {team}"
        text = text_of(data, "text")
        return f"{text} (+{data.get('points')}), {team}" if text else f"{what} {team}"
    if kind == "foul":
        return f"Foul {player}, {team}" if player else f"Team foul {team}"
    if kind == "timeout":
        return f"Timeout {state.team(side).name}" if side else "Timeout"
    return None


flow = by_score(lambda story, event: game_minutes(story, event))
