"""Cricket as its fans read it: runs/wickets, overs, the chase, the worm, ball by ball."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from broadcaster.present.common import (
    SIDES,
    Board,
    LineScore,
    Panel,
    Said,
    SideName,
    not_started,
    other,
    side_of,
    surname,
    text_of,
)
from broadcaster.present.story import Mark, Story
from broadcaster.protocol import Event, GameState

UNIT = "overs"
BALLS = 6
_BALL = re.compile(r"^(\d+\.\d+)\b")


def runs_wickets(inn: Mapping[str, Any], wickets: int = 10) -> str:
    """Runs and wickets, "155/9"; an all-out side reads its runs alone ("130")."""
    return str(inn["runs"]) if inn["wickets"] >= wickets else f"{inn['runs']}/{inn['wickets']}"


def main_innings(state: GameState, side: SideName) -> Mapping[str, Any] | None:
    return next((i for i in state.detail.get("innings", [])[:2] if i["team"] == side), None)


def rate(runs: int, balls: int) -> str:
    return f"{runs * BALLS / balls:.2f}" if balls else "0.00"


def chase(state: GameState) -> str:
    """The chase, "WI need 12 from 8", while a target is being chased."""
    detail = state.detail
    inn, target = detail["innings"][-1], detail.get("target")
    if not target:
        return ""
    overs = detail["format"]["overs"] if len(detail["innings"]) <= 2 else 1
    need, left = target - inn["runs"], overs * BALLS - inn["balls"]
    name = state.team(inn["team"]).short
    return f"{name} need {need} from {left}" if need > 0 else ""


def toss(state: GameState) -> str:
    t = state.detail.get("toss")
    if not t:
        return ""
    return f"{state.team(t['won_by']).name} won the toss and chose to {t['elected']}"


def status(state: GameState) -> str:
    waiting = not_started(state)
    if waiting:
        return waiting
    detail = state.detail
    if state.status == "final":
        return "Final"
    innings = detail.get("innings", [])
    if not innings:
        return toss(state) or "Toss to come"
    inn = innings[-1]
    if not state.period.in_progress or state.status == "break":
        if len(innings) == 1:
            chasing = other(inn["team"])
            return f"Innings break · {state.team(chasing).short} need {inn['runs'] + 1} to win"
        return "Innings break"
    label = "" if state.period.number <= 2 else f"{state.period.label} · "
    parts = [f"{label}{inn['overs']} ov", chase(state) or f"RR {rate(inn['runs'], inn['balls'])}"]
    return " · ".join(parts)


def board(state: GameState, now: float, story: Story | None = None) -> Board:
    detail = state.detail
    wickets = detail.get("format", {}).get("wickets", 10)
    heads = {}
    for side in SIDES:
        inn = main_innings(state, side)
        heads[side] = runs_wickets(inn, wickets) if inn else "yet to bat"
    batting = side_of(detail, "batting") if state.status in ("live", "break") else None
    return Board(
        home=heads["home"],
        away=heads["away"],
        status=status(state),
        result=detail.get("result") or ("Final" if state.status == "final" else None),
        ball=batting if batting and state.period.in_progress else None,
        ball_word="batting",
    )


def line(state: GameState, story: Story | None) -> LineScore:
    rows = []
    for inn in state.detail.get("innings", []):
        team = state.team(inn["team"]).short
        rows.append((team, (runs_wickets(inn), inn["overs"], str(inn["extras"]),
                            rate(inn["runs"], inn["balls"]))))  # fmt: skip
    caption = ""
    target = state.detail.get("target")
    inn = state.detail["innings"][-1] if state.detail.get("innings") else None
    if target and inn and state.status != "final":
        overs = state.detail["format"]["overs"] if len(state.detail["innings"]) <= 2 else 1
        left = overs * BALLS - inn["balls"]
        need = target - inn["runs"]
        caption = f"Target {target} · required rate {rate(need, left)}" if left else ""
    elif state.status == "final":
        caption = state.detail.get("result") or ""
    return LineScore(("Score", "Overs", "Extras", "Run rate"), tuple(rows), caption)


def last_delivery(story: Story | None) -> Mapping[str, Any] | None:
    if story is None:
        return None
    return next((e.data for e in reversed(story.events) if e.kind == "delivery"), None)


def panel(state: GameState, story: Story | None) -> Panel:
    facts: list[tuple[str, str]] = []
    if toss(state):
        facts.append(("Toss", toss(state)))
    last = last_delivery(story)
    if last and state.status != "final":
        pair = [surname(n) for n in (text_of(last, "batter"), text_of(last, "non_striker")) if n]
        facts.append(("At the crease", " and ".join(pair)))
        if text_of(last, "bowler"):
            facts.append(("Bowling", surname(last["bowler"])))
    over = [b for b in state.detail.get("this_over", []) if b != "|"]
    if over:
        facts.append(("This over", " ".join(over)))
    return Panel((), tuple(facts))


def ball_number(data: Mapping[str, Any], state: GameState) -> str:
    """The ball, "19.4": from the publisher's text when it starts with one, else from the count."""
    text = text_of(data, "text") or ""
    match = _BALL.match(text)
    if match:
        return match[1]
    innings = state.detail.get("innings") or [{"balls": 0}]
    balls = innings[-1]["balls"]
    extras = data.get("extras") or {}
    legal = not (extras.get("wides") or extras.get("noballs"))
    done = balls - 1 if legal else balls
    return f"{done // BALLS}.{done % BALLS + 1}"


def what_happened(data: Mapping[str, Any]) -> str:
    batter = surname(text_of(data, "batter") or "")
    wicket = data.get("wicket")
    if isinstance(wicket, Mapping) and wicket.get("kind"):
        out = surname(str(wicket.get("player_out") or batter))
        return f"OUT! {out} {wicket['kind']}"
    runs = int(data.get("runs") or 0)
    extras = {k: v for k, v in (data.get("extras") or {}).items() if v}
    if runs == 6:
        return f"SIX! {batter}"
    if runs == 4:
        return f"FOUR! {batter}"
    words = {"wides": "wide", "noballs": "no-ball", "byes": "bye", "legbyes": "leg-bye"}
    parts = [f"{n} {words.get(k, k)}{'s' if n > 1 and k != 'noballs' else ''}"
             for k, n in extras.items()]  # fmt: skip
    if runs or not parts:
        parts.insert(0, "no run" if not runs else f"{runs} run{'s' if runs > 1 else ''}")
    return ", ".join(parts)


def play(said: Said) -> str | None:
    kind, data, state = said.kind, said.data, said.state
    if kind == "delivery":
        who = [surname(n) for n in (text_of(data, "bowler"), text_of(data, "batter")) if n]
        to = f", {who[0]} to {who[1]}" if len(who) == 2 else ""
        return f"{what_happened(data)}, {ball_number(data, state)}{to}"
    if kind == "toss":
        return toss(state)
    return None


def flow(story: Story, event: Event, before: GameState | None) -> None:
    """The worm: each side's runs over its own overs, wickets marked."""
    state = event.state
    if event.kind != "delivery" or state.period.number > 2:
        return
    inn = state.detail["innings"][-1]
    side: SideName = inn["team"]
    x = inn["balls"] / BALLS
    if not story.series[side]:
        story.point(side, 0.0, 0)
    story.point(side, x, inn["runs"])
    if isinstance(event.data.get("wicket"), Mapping):
        story.marks.append(Mark(x, side, "W"))
