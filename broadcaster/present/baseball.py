"""Baseball as its fans read it: the half-inning, outs, count, runners, R/H/E by inning."""

from __future__ import annotations

from broadcaster.present.common import (
    SIDES,
    Board,
    LineScore,
    Panel,
    Said,
    SideName,
    count,
    not_started,
    ordinal,
    plain_result,
    runners_words,
    side_of,
    surname,
    text_of,
)
from broadcaster.present.story import Story, by_score
from broadcaster.protocol import Event, GameState

UNIT = "innings"
BASES = ("first", "second", "third")
_HITS = {1: "Single", 2: "Double", 3: "Triple", 4: "Home run"}
_PITCH = {"ball": "Ball", "strike": "Strike", "foul": "Foul", "in_play": "In play",
          "hit_by_pitch": "Hit by pitch"}  # fmt: skip


def innings(state: GameState) -> int:
    return 7 if state.league == "Softball" else 9


def batting(state: GameState) -> SideName:
    return "away" if state.period.number % 2 else "home"


def inning(state: GameState) -> int:
    return (state.period.number + 1) // 2


def bases(state: GameState) -> tuple[bool, bool, bool]:
    b = state.detail.get("bases") or {}
    return bool(b.get("first")), bool(b.get("second")), bool(b.get("third"))


def runners(state: GameState) -> str:
    """The runners: "bases empty", "runner on 2nd", "runners on 1st and 3rd", "bases loaded"."""
    return runners_words(bases(state))


def count_text(state: GameState) -> str:
    return f"{state.detail.get('balls', 0)}-{state.detail.get('strikes', 0)}"


def status(state: GameState) -> str:
    waiting = not_started(state)
    if waiting:
        return waiting
    n = inning(state)
    if state.status == "final":
        return f"Final/{n}" if n > innings(state) else "Final"
    if not state.period.in_progress or state.status == "break":
        return f"{'Mid' if state.period.number % 2 else 'End'} {ordinal(n)}"
    half = "Top" if state.period.number % 2 else "Bot"
    outs = state.detail.get("outs", 0)
    return f"{half} {ordinal(n)} · {outs} out · {count_text(state)} · {runners(state)}"


def board(state: GameState, now: float, story: Story | None = None) -> Board:
    live = state.status == "live" and state.period.in_progress
    n = inning(state)
    return Board(
        home=str(state.home.score),
        away=str(state.away.score),
        status=status(state),
        result=plain_result(state, f"in {n} innings" if n > innings(state) else "")
        if state.status == "final"
        else None,
        ball=batting(state) if live else None,
        ball_word="batting",
        bases=bases(state) if live else None,
        outs=int(state.detail.get("outs", 0)) if live else None,
    )


def line(state: GameState, story: Story | None) -> LineScore:
    d = state.detail
    runs = d.get("line") or {"home": [], "away": []}
    played = max(innings(state), len(runs.get("away", [])), len(runs.get("home", [])))
    rows = []
    for side in ("away", "home"):  # the visitors bat first and are listed first
        cells = [str(r) for r in runs.get(side, [])]
        if state.status == "final" and side == "home" and len(cells) < played:
            cells.append("X")
        cells += [""] * (played - len(cells))
        totals = (str(state.team(side).score), str(d.get("hits", {}).get(side, 0)),
                  str(d.get("errors", {}).get(side, 0)))  # fmt: skip
        rows.append((state.team(side).short, (*cells, *totals)))
    columns = (*(str(i) for i in range(1, played + 1)), "R", "H", "E")
    return LineScore(columns, tuple(rows))


def panel(state: GameState, story: Story | None) -> Panel:
    d = state.detail
    stats = tuple((label, str(d.get(key, {}).get("home", 0)), str(d.get(key, {}).get("away", 0)))
                  for key, label in (("hits", "Hits"), ("errors", "Errors")))  # fmt: skip
    facts: list[tuple[str, str]] = []
    if state.status == "live" and state.period.in_progress:
        facts += [("At bat", state.team(batting(state)).name), ("Count", count_text(state)),
                  ("Outs", str(d.get("outs", 0))), ("Runners", runners(state))]  # fmt: skip
    return Panel(stats, tuple(facts))


def play(said: Said) -> str | None:
    kind, data, state = said.kind, said.data, said.state
    player = surname(text_of(data, "player") or "")
    scored = 0
    if said.before is not None:
        scored = sum(state.team(s).score - said.before.team(s).score for s in SIDES)
    runs = f", {count(scored, 'run')} score{'s' if scored == 1 else ''}" if scored else ""
    if kind == "hit":
        what = _HITS.get(int(data.get("bases") or 1), "Hit")
        return f"{what} {player}{runs}".replace(f"{what} ,", f"{what},")
    if kind == "pitch":
        result = data.get("result")
        return f"{_PITCH.get(str(result), 'Pitch')}, {count_text(state)}{runs}"
    if kind == "out":
        outs = state.detail.get("outs", 0)
        return f"Out {player}, {outs} out" if player else f"{outs} out"
    if kind == "error":
        side = side_of(data)
        return (
            f"Error, {state.team(side).short}" + (f" ({player})" if player else "")
            if side
            else "Error"
        )
    if kind == "bases":
        return runners(state).capitalize()
    return None


def _x(story: Story, event: Event) -> float | None:
    s = event.state
    if not s.period.number:
        return None
    outs = int(s.detail.get("outs", 0)) if s.period.in_progress else 3
    return (s.period.number - 1) / 2 + min(outs, 3) / 6


flow = by_score(_x)
