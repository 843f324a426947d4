"""Soccer as its fans read it: minutes with stoppage time, scorers, red cards, penalties."""

from __future__ import annotations

from broadcaster.present.common import (
    DASH,
    SIDES,
    Board,
    LineScore,
    Panel,
    Said,
    SideName,
    count,
    kicks,
    not_started,
    plain_result,
    shootout_score,
    side_of,
    stat,
    surname,
    text_of,
)
from broadcaster.present.story import Story, by_score, game_minutes, periods_line
from broadcaster.protocol import Event, GameState

UNIT = "min"
ENDS = {"H1": 45, "H2": 90, "ET1": 105, "ET2": 120}
COLUMNS = {"H1": "1st", "H2": "2nd", "ET1": "ET1", "ET2": "ET2"}


def minute(label: str, seconds: float) -> str:
    """The minute fans say: 22:30 played is 23', 47:10 in the first half is 45+3'."""
    m = int(seconds // 60) + 1
    end = ENDS.get(label)
    if end is not None and m > end:
        return f"{end}+{m - end}'"
    return f"{m}'"


def event_minute(event: Event) -> str:
    s = event.state
    return minute(s.period.label, s.clock.value(event.time)) if s.period.label in ENDS else ""


def goals(story: Story | None, side: SideName | None = None) -> list[str]:
    """The goals of ``side`` (or all), in the order scored: "Messi 23' (pen)", "Di María 36'"."""
    if story is None:
        return []
    out = []
    for event in story.scored():
        data = event.data
        if event.kind == "score" and side in (None, side_of(data)):
            who = surname(text_of(data, "player") or "") or "Goal"
            how = " (pen)" if data.get("penalty") else " (og)" if data.get("own_goal") else ""
            out.append(f"{who} {event_minute(event)}{how}")
    return out


def reds(state: GameState, side: SideName) -> int:
    return int(state.detail.get("cards", {}).get(side, {}).get("red", 0))


def result(state: GameState) -> str:
    so = state.detail.get("shootout")
    if so and so["home"] != so["away"]:
        side: SideName = "home" if so["home"] > so["away"] else "away"
        won, lost = so[side], so["away" if side == "home" else "home"]
        return f"{state.team(side).name} won {won}{DASH}{lost} on penalties"
    extra = " after extra time" if state.period.number >= 3 else ""
    return plain_result(state) + extra


def status(state: GameState, now: float, story: Story | None) -> str:
    waiting = not_started(state)
    if waiting:
        return waiting
    label = state.period.label
    if state.status == "final":
        return {"PEN": "After penalties", "ET2": "After extra time"}.get(label, "Full time")
    if label == "PEN":
        return f"Penalties {shootout_score(state.detail.get('shootout'))}"
    if not state.period.in_progress or state.status == "break":
        return {
            "H1": "Half-time",
            "H2": "End of 90 minutes",
            "ET1": "Extra time, half-time",
            "ET2": "End of extra time",
        }.get(label, "Break")
    line = minute(label, state.clock.value(now))
    scorers = goals(story)
    return " · ".join([line, ", ".join(scorers)] if scorers else [line])


def board(state: GameState, now: float, story: Story | None = None) -> Board:
    tags = {str(s): (count(reds(state, s), "red card"),) for s in SIDES if reds(state, s)}
    return Board(
        home=str(state.home.score),
        away=str(state.away.score),
        status=status(state, now, story),
        result=result(state) if state.status == "final" else None,
        tags=tags,
    )


def line(state: GameState, story: Story | None) -> LineScore:
    columns, cells = periods_line(story, state, lambda label, n: COLUMNS.get(label))
    columns.append("Goals")
    for side in SIDES:
        cells[side].append(str(state.team(side).score))
    so = state.detail.get("shootout")
    if so:
        columns.append("Pens")
        for side in SIDES:
            cells[side].append(str(so[side]))
    rows = tuple((state.team(side).short, tuple(cells[side])) for side in SIDES)
    return LineScore(tuple(columns), rows)


def panel(state: GameState, story: Story | None) -> Panel:
    cards = state.detail.get("cards", {})
    stats = [
        stat("Goals", lambda side: len(goals(story, side)) if story else "—"),
        stat("Yellow cards", lambda side: cards.get(side, {}).get("yellow", 0)),
        stat("Red cards", lambda side: cards.get(side, {}).get("red", 0)),
    ]
    sent_off = state.detail.get("sent_off", {})
    if any(sent_off.get(side) for side in SIDES):
        stats.append(
            stat("Sent off", lambda s: ", ".join(map(surname, sent_off.get(s, []))) or "—")
        )
    so = state.detail.get("shootout")
    if so:
        stats.append(stat("Penalties", lambda s: f"{kicks(so, s)}  ({so[s]})"))
    facts = [(f"{state.team(s).short} goals", ", ".join(goals(story, s))) for s in SIDES
             if goals(story, s)]  # fmt: skip
    if state.detail.get("stoppage"):
        facts.append(("Stoppage time", f"+{state.detail['stoppage']} minutes announced"))
    return Panel(tuple(stats), tuple(facts))


def play(said: Said) -> str | None:
    kind, data, state = said.kind, said.data, said.state
    side = side_of(data)
    team = state.team(side).name if side else ""
    player = surname(text_of(data, "player") or "")
    when = f" {event_minute(said.event)}" if said.event is not None else ""
    if kind == "score":
        if data.get("own_goal"):
            return f"GOAL! {team} (own goal{', ' + player if player else ''}){when}"
        pen = " (penalty)" if data.get("penalty") else ""
        return f"GOAL! {player}{when}{pen}, {team}" if player else f"GOAL! {team}{when}{pen}"
    if kind == "card":
        color = "Red" if data.get("color") == "red" else "Yellow"
        return f"{color} card {player or team}{when}, {team}"
    if kind == "shootout":
        verb = "scores" if data.get("scored") else "misses"
        return f"Penalty: {player or team} {verb} · {shootout_score(state.detail.get('shootout'))}"
    if kind == "stoppage":
        return f"+{data.get('minutes', 0)} minutes of stoppage time"
    return None


flow = by_score(lambda story, event: game_minutes(story, event))
