"""Tennis as its fans read it: games per set, the point score, who serves, how it was won."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from broadcaster.present.common import (
    DASH,
    SIDES,
    Board,
    LineScore,
    Panel,
    Said,
    SideName,
    not_started,
    other,
    side_of,
    stat,
    surname,
)
from broadcaster.present.story import Mark, Story
from broadcaster.protocol import Event, GameState

UNIT = "points"
_FINAL_SET = {
    "tiebreak": "tie-break",
    "advantage": "advantage",
    "match_tiebreak": "match tie-break",
}


def name(state: GameState, side: SideName) -> str:
    return surname(state.team(side).name)


def set_score(s: Mapping[str, Any], side: SideName) -> str:
    """One set from ``side``'s view: "6–4", "7–6(4)" (the loser's tie-break points), "[10–8]"."""
    mine, theirs = s[side], s[other(side)]
    tb = s.get("tiebreak")
    if tb and mine + theirs == 1:  # a match tie-break is kept as a 1-0 set
        return f"[{tb[side]}{DASH}{tb[other(side)]}]"
    extra = f"({min(tb['home'], tb['away'])})" if tb else ""
    return f"{mine}{DASH}{theirs}{extra}"


def points(state: GameState) -> str:
    """The point score, the server's first: "30–15", "Deuce", "Advantage Djokovic"."""
    d = state.detail
    shown = d.get("display") or {"home": "0", "away": "0"}
    if d.get("tiebreak"):
        return f"Tie-break {shown['home']}{DASH}{shown['away']}"
    for side in SIDES:
        if shown[side] == "AD":
            return f"Advantage {name(state, side)}"
    if shown["home"] == shown["away"] == "40":
        return "Deuce"
    first = side_of(d, "server") or "home"
    return f"{shown[first]}{DASH}{shown[other(first)]}"


def serving(state: GameState) -> SideName | None:
    d = state.detail
    return side_of(d, "server")


def status(state: GameState) -> str:
    waiting = not_started(state)
    if waiting:
        return waiting
    d = state.detail
    if state.status == "final":
        return "Final"
    sets = [set_score(s, "home") for s in d.get("sets", [])]
    games = d.get("games") or {"home": 0, "away": 0}
    line = " ".join([*sets, f"{games['home']}{DASH}{games['away']}"])
    server = serving(state)
    who = f", {name(state, server)} serving" if server else ""
    if state.status != "live":
        return f"{line} · {state.status}"
    return f"{line} · {points(state)}{who}"


def result(state: GameState) -> str:
    d = state.detail
    won = side_of(d, "winner")
    if won is None:
        return "Final"
    sets = " ".join(set_score(s, won) for s in d.get("sets", []))
    if d.get("retired"):
        games = d.get("games") or {}
        now = f"{games.get(won, 0)}{DASH}{games.get(other(won), 0)}" if any(games.values()) else ""
        score = " ".join(x for x in (sets, now) if x)
        return f"{name(state, won)} won {score}, {name(state, other(won))} retired".replace(
            "won ,", "won,"
        )
    return f"{name(state, won)} won {sets}"


def headline(state: GameState, side: SideName) -> str:
    """The games of every set, as a scoreboard row: "4 1 6 3"."""
    d = state.detail
    games = [str(s[side]) for s in d.get("sets", [])]
    if state.status != "final" and d.get("games"):
        games.append(str(d["games"][side]))
    return " ".join(games) or "0"


def board(state: GameState, now: float, story: Story | None = None) -> Board:
    live = state.status == "live"
    decided = state.status == "final" or state.detail.get("winner") is not None  # game.end may lag
    return Board(
        home=headline(state, "home"),
        away=headline(state, "away"),
        status=status(state),
        result=result(state) if decided else None,
        ball=serving(state) if live and not decided else None,
        ball_word="serving",
    )


def line(state: GameState, story: Story | None) -> LineScore:
    d = state.detail
    sets = list(d.get("sets", []))
    live = state.status != "final" and state.period.number > 0
    columns = [str(n) for n in range(1, len(sets) + 1 + int(live))]
    rows = []
    for side in SIDES:
        cells = []
        for s in sets:
            tb = s.get("tiebreak")
            lost_tb = tb and s[side] < s[other(side)] and s[side] + s[other(side)] > 1
            cells.append(f"{s[side]}({tb[side]})" if lost_tb else str(s[side]))
        if live:
            cells.append(str((d.get("games") or {}).get(side, 0)))
        dot = "● " if live and serving(state) == side else ""  # who serves
        rows.append((dot + name(state, side), tuple(cells)))
    if live:
        columns.append("Pts")
        shown = d.get("display") or {}
        rows = [
            (team, (*cells, str(shown.get(side, "0"))))
            for (team, cells), side in zip(rows, SIDES, strict=True)
        ]
    columns.append("Sets")
    rows = [
        (team, (*cells, str(state.team(side).score)))
        for (team, cells), side in zip(rows, SIDES, strict=True)
    ]
    return LineScore(tuple(columns), tuple(rows))


def panel(state: GameState, story: Story | None) -> Panel:
    d = state.detail
    stats: list[tuple[str, str, str]] = []
    if story is not None and story.events:
        points = [e.data.get("team") for e in story.events if e.kind == "point"]
        stats.append(stat("Points won", points.count))
    totals = {side: sum(s[side] for s in d.get("sets", [])) for side in SIDES}
    stats.append(("Games won", str(totals["home"]), str(totals["away"])))
    facts: list[tuple[str, str]] = []
    server = serving(state)
    if server and state.status == "live":
        facts.append(("Serving", name(state, server)))
    fmt = d.get("format") or {}
    if fmt:
        words = [f"Best of {fmt.get('best_of', 3)} sets",
                 f"{_FINAL_SET.get(fmt.get('final_set', ''), 'tie-break')} final set"]  # fmt: skip
        if fmt.get("no_ad"):
            words.append("no-ad scoring")
        facts.append(("Format", " · ".join(words)))
    return Panel(tuple(stats), tuple(facts))


def play(said: Said) -> str | None:
    kind, data, state = said.kind, said.data, said.state
    """Said from the state after the point: a game, a set or the match it won, or the score."""
    side = side_of(data)
    if kind == "retire" and side:
        return f"{name(state, side)} retires; {name(state, other(side))} wins"
    if kind != "point" or side is None:
        return None
    d, who = state.detail, name(state, side)
    if d.get("winner") == side:
        return f"Game, set and match {who}"
    games, shown = d.get("games") or {}, d.get("display") or {}
    if shown.get("home") == shown.get("away") == "0" and not d.get("tiebreak"):
        if d.get("sets") and games.get("home") == games.get("away") == 0:
            return f"Set {who} {set_score(d['sets'][-1], side)}"
        return f"Game {who} · {games.get('home', 0)}{DASH}{games.get('away', 0)}"
    return f"Point {who} · {points(state)}"


def flow(story: Story, event: Event, before: GameState | None) -> None:
    """Points won by each side over points played; each set's end marked."""
    if event.kind != "point":
        return
    side = side_of(event.data)
    if side is None:
        return
    if not story.series["home"]:
        for s in SIDES:
            story.point(s, 0.0, 0)
    x = story.x + 1
    story.period_starts(story.x, event.state.period.label)
    for s in SIDES:
        story.point(s, x, story.series[s][-1][1] + (1 if s == side else 0))
    sets_before = len(before.detail.get("sets", [])) if before else 0
    if len(event.state.detail.get("sets", [])) > sets_before or event.state.detail.get("winner"):
        story.marks.append(Mark(x, side, f"Set {sets_before + 1}"))
