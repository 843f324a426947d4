"""Ice hockey as its fans read it: period and clock, power plays, shots, the shoot-out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from broadcaster.present.common import (
    Board,
    LineScore,
    Panel,
    Said,
    SideName,
    clock_text,
    final_word,
    kicks,
    minutes_seconds,
    not_started,
    ordinal,
    per_side,
    plain_result,
    shootout_score,
    stat,
    surname,
)
from broadcaster.present.story import Story, by_score, game_minutes, period_table
from broadcaster.protocol import GameState

UNIT = "min"
REGULATION = 3
PERIOD = 20 * 60.0
ADVANTAGE = {2: 2, 4: 4, 5: 5, 10: 0, 20: 5}  # minutes a penalty leaves the other side a man up


def period_word(label: str, number: int) -> str:
    return ordinal(number) if number <= REGULATION else label


def status(state: GameState, now: float) -> str:
    waiting = not_started(state)
    if waiting:
        return waiting
    label = state.period.label
    if state.status == "final":
        return final_word(state, REGULATION)
    if label == "SO":
        return f"Shoot-out {shootout_score(state.detail.get('shootout'))}"
    if not state.period.in_progress or state.status == "break":
        n = state.period.number
        return f"{ordinal(n)} intermission" if n < REGULATION else f"End of {label}"
    return f"{period_word(label, state.period.number)} · {clock_text(state, now)}"


def result(state: GameState) -> str:
    label = state.period.label
    how = "in a shoot-out" if label == "SO" else "in overtime" if "OT" in label else ""
    return plain_result(state, how)


def game_seconds(number: int, clock: float) -> float:
    """Seconds of play before a moment of period ``number`` whose clock read ``clock``."""
    return (number - 1) * PERIOD + PERIOD - clock


def power_play(state: GameState, now: float, story: Story | None = None) -> SideName | None:
    """The side with more skaters now, from the penalties still being served; a goal by
    the side with the advantage ends a two-minute penalty (when the events are known)."""
    if state.status != "live" or not state.period.in_progress or state.period.label == "SO":
        return None
    at = game_seconds(state.period.number, state.clock.value(now))
    goals = [(game_seconds(e.state.period.number, e.state.clock.value(e.time)), e.data.get("team"))
             for e in (story.scored() if story else [])]  # fmt: skip
    serving = {"home": 0, "away": 0}
    for pen in state.detail.get("penalties", []):
        minutes = int(pen.get("minutes") or 0)
        start = game_seconds(int(pen.get("period") or 1), float(pen.get("clock") or 0))
        end = start + ADVANTAGE.get(minutes, 0) * 60
        if minutes == 2:  # a minor ends with the first goal against
            end = min([end, *(t for t, side in goals if start <= t < end and side != pen["team"])])
        if start <= at < end:
            serving[pen["team"]] += 1
    if serving["home"] == serving["away"]:
        return None
    return "home" if serving["home"] < serving["away"] else "away"


def board(state: GameState, now: float, story: Story | None = None) -> Board:
    pp = power_play(state, now, story)
    return Board(
        home=str(state.home.score),
        away=str(state.away.score),
        status=status(state, now),
        result=result(state) if state.status == "final" else None,
        tags={pp: ("power play",)} if pp else {},
    )


def line(state: GameState, story: Story | None) -> LineScore:
    so = state.detail.get("shootout")
    return period_table(state, story, REGULATION, skip="SO", extra=("SO", so) if so else None)


def penalty_text(state: GameState, pen: Mapping[str, Any]) -> str:
    """A penalty as listed: "14:33 2nd · Matthews (TOR) 2 min, tripping"."""
    when = (
        f"{minutes_seconds(float(pen.get('clock') or 0))} {period_word('OT', int(pen['period']))}"
    )
    who = surname(pen.get("player") or "") or "bench"
    why = f", {pen['infraction']}" if pen.get("infraction") else ""
    return f"{when} · {who} ({state.team(pen['team']).short}) {pen['minutes']} min{why}"


def panel(state: GameState, story: Story | None) -> Panel:
    d = state.detail
    stats = [
        stat(label, per_side(d, key))
        for key, label in (("shots", "Shots on goal"), ("penalty_minutes", "Penalty minutes"))
    ]
    if d.get("shootout"):
        stats.append(stat("Shoot-out", lambda s: kicks(d["shootout"], s) or "—"))
    facts = [("Penalty", penalty_text(state, p)) for p in d.get("penalties", [])[-6:]]
    return Panel(tuple(stats), tuple(facts))


def play(said: Said) -> str | None:
    kind, data, state = said.kind, said.data, said.state
    team, player = said.team, said.player
    if kind == "score":
        return f"GOAL! {player}, {team}" if player else f"GOAL! {team}"
    if kind == "shot":
        return f"Shot by {player}, {team}, saved" if player else f"Shot, {team}, saved"
    if kind == "penalty":
        why = f" for {data['infraction']}" if data.get("infraction") else ""
        return f"Penalty {player or 'bench'}, {team}: {data.get('minutes')} min{why}"
    if kind == "shootout":
        verb = "scores" if data.get("scored") else "is stopped"
        return (
            f"Shoot-out: {player or team} {verb} · {shootout_score(state.detail.get('shootout'))}"
        )
    return None


flow = by_score(lambda story, event: game_minutes(story, event))
