"""American football as its fans read it: down and distance, field position, the ball."""

from __future__ import annotations

from broadcaster.present.common import (
    Board,
    LineScore,
    Panel,
    Said,
    SideName,
    clock_text,
    final_word,
    not_started,
    ordinal,
    other,
    per_side,
    plain_result,
    side_of,
    stat,
)
from broadcaster.present.story import Story, by_score, game_minutes, period_table
from broadcaster.protocol import GameState

UNIT = "min"
REGULATION = 4
_PLAYS = {
    "touchdown": "Touchdown",
    "field_goal": "Field goal",
    "safety": "Safety",
    "extra_point": "Extra point",
    "two_point": "Two-point conversion",
}


def field(state: GameState, offence: SideName, ball_on: int) -> str:
    """Where the ball is: "CLM 32" (own half), "midfield", "KC 20" (the other half)."""
    if ball_on == 50:
        return "midfield"
    if ball_on < 50:
        return f"{state.team(offence).short} {ball_on}"
    return f"{state.team(other(offence)).short} {100 - ball_on}"


def down_distance(state: GameState) -> str:
    """Down and distance: "3rd & 5 at CLM 32", "1st & Goal at KC 4"; "" without a down."""
    d = state.detail
    offence, down, distance, ball_on = (
        side_of(d, "possession"),
        d.get("down"),
        d.get("distance"),
        d.get("ball_on"),
    )
    if offence is None or not down:
        return ""
    to_go = "Goal" if ball_on is not None and distance and distance >= 100 - ball_on else distance
    where = f" at {field(state, offence, ball_on)}" if ball_on is not None else ""
    return f"{ordinal(down)} & {to_go}{where}"


def status(state: GameState, now: float) -> str:
    waiting = not_started(state)
    if waiting:
        return waiting
    label = state.period.label
    if state.status == "final":
        return final_word(state, REGULATION)
    if not state.period.in_progress or state.status == "break":
        return "Half-time" if label == "Q2" else f"End of {label}"
    parts = [f"{label} {clock_text(state, now)}"]
    if side_of(state.detail, "try_for"):
        parts.append(f"{state.team(state.detail['try_for']).short} try")
    elif down_distance(state):
        parts.append(down_distance(state))
    return " · ".join(parts)


def board(state: GameState, now: float, story: Story | None = None) -> Board:
    live = state.status == "live" and state.period.in_progress
    return Board(
        home=str(state.home.score),
        away=str(state.away.score),
        status=status(state, now),
        result=plain_result(state, "in overtime" if state.period.number > REGULATION else "")
        if state.status == "final"
        else None,
        ball=side_of(state.detail, "possession") if live else None,
        ball_word="has the ball",
    )


def line(state: GameState, story: Story | None) -> LineScore:
    return period_table(state, story, REGULATION)


def panel(state: GameState, story: Story | None) -> Panel:
    d = state.detail
    stats = (stat("Timeouts left", per_side(d, "timeouts")),)
    facts: list[tuple[str, str]] = []
    offence = side_of(d, "possession")
    if offence and state.status != "final":
        facts.append(("Possession", state.team(offence).name))
        if down_distance(state):
            facts.append(("Down", down_distance(state)))
    if side_of(d, "try_for"):
        facts.append(("Try", f"{state.team(d['try_for']).name} to try for the extra point or two"))
    return Panel(stats, tuple(facts))


def play(said: Said) -> str | None:
    kind, data, state = said.kind, said.data, said.state
    side, team, player = said.side, said.team, said.player
    if kind == "score":
        name = data.get("play")
        points = data.get("points")
        what = (
            _PLAYS.get(str(name), "Score")
            if name
            else {6: "Touchdown", 3: "Field goal", 1: "Extra point"}.get(int(points or 0), "Score")
        )
        gained = (
            points
            if isinstance(points, int)
            else {
                "touchdown": 6,
                "field_goal": 3,
                "safety": 2,
                "extra_point": 1,
                "two_point": 2,
            }.get(str(name))
        )
        who = player or team
        return f"{what} {who} (+{gained})" if gained else f"{what} {who}"
    if kind == "possession" and side:
        ball_on = data.get("ball_on")
        where = f" at {field(state, side, ball_on)}" if isinstance(ball_on, int) else ""
        return f"{state.team(side).name} ball{where}"
    if kind == "down":
        return down_distance(state) or None
    if kind == "timeout":
        return f"Timeout {state.team(side).name}" if side else "Timeout"
    return None


flow = by_score(lambda story, event: game_minutes(story, event))
