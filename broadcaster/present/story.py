"""What a game's events tell beyond its state: period by period, over game time.

The state says where a game is; the events say how it got there. A ``Story``
folds a game's events in order (by ``seq``) into what the line score and the
game-flow chart need: the score at the end of each period, how long each
period's clock was, two running series over game time and the marks of the
plays that moved them. Each sport says where an event sits in game time and
what it adds to the series (``Flow``); nothing here knows a sport.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from broadcaster.present.common import SIDES, LineScore, SideName
from broadcaster.protocol import Event, GameState


@dataclass(frozen=True, slots=True)
class Mark:
    """A play marked on the flow chart: where (x), whose and what (a few words)."""

    x: float
    side: SideName
    text: str


@dataclass
class Story:
    """One game's events folded; ``add`` takes them in order, ``of`` sorts them first."""

    flow: Callable[[Story, Event, GameState | None], None]
    unit: str = ""  # the x axis: "min", "overs", "points", "innings"
    ends: dict[int, tuple[str, int, int]] = field(default_factory=dict)
    lengths: dict[int, float] = field(default_factory=dict)
    series: dict[str, list[tuple[float, float]]] = field(
        default_factory=lambda: {"home": [], "away": []}
    )
    marks: list[Mark] = field(default_factory=list)
    periods: list[tuple[float, str]] = field(default_factory=list)  # where each one starts
    events: list[Event] = field(default_factory=list)
    last: GameState | None = None
    x: float = 0.0  # the furthest point in game time the events reached
    voided: set[int] = field(default_factory=set)  # seqs a correction voided

    def add(self, event: Event) -> None:
        if self.events and event.seq <= self.events[-1].seq:
            return  # seen (a play both live and in a history page)
        state, before = event.state, self.last
        number = state.period.number
        if number:
            self.ends[number] = (state.period.label, state.home.score, state.away.score)
            if state.clock.direction == "down":
                self.lengths[number] = max(self.lengths.get(number, 0.0), state.clock.seconds)
        if event.kind == "correction" and event.data.get("action") == "void":
            self.voided.add(int(event.data.get("target") or 0))
        self.flow(self, event, before)
        self.events.append(event)
        self.last = state

    def point(self, side: SideName, x: float, y: float) -> None:
        """Extend ``side``'s series to (x, y): a step, so the line stays flat until then."""
        series = self.series[side]
        if not series:
            series.append((x, y))
        elif series[-1][1] != y:
            series += [(x, series[-1][1]), (x, y)]
        elif len(series) >= 2 and series[-2][1] == y:
            series[-1] = (x, y)  # still level: move the end on
        elif series[-1][0] != x:
            series.append((x, y))
        self.x = max(self.x, x)

    def period_starts(self, x: float, label: str) -> None:
        if not self.periods or self.periods[-1][1] != label:
            self.periods.append((x, label))

    @property
    def whole(self) -> bool:
        """The story starts at the game's creation (no older events are missing)."""
        return bool(self.events) and self.events[0].kind == "game.create"

    def scored(self) -> list[Event]:
        """The events after which a side's score went up (a voided one is left out)."""
        out, previous = [], None
        for event in self.events:
            s = event.state
            went_up = previous is not None and s.home.score + s.away.score > sum(previous)
            if went_up and event.seq not in self.voided:
                out.append(event)
            previous = (s.home.score, s.away.score)
        return out

    @classmethod
    def of(
        cls,
        events: Iterable[Event],
        flow: Callable[[Story, Event, GameState | None], None],
        unit: str = "",
    ) -> Story:
        story = cls(flow, unit)
        for event in sorted(events, key=lambda e: e.seq):
            story.add(event)
        return story


def game_minutes(story: Story, event: Event) -> float | None:
    """Where an event sits in game time, in minutes, for a sport with a clock.

    A clock that counts up (soccer) reads game time itself; one that counts down
    is placed after the periods before it (their lengths as their clocks began).
    """
    state = event.state
    number = state.period.number
    if number == 0:
        return 0.0 if state.status != "scheduled" else None
    reading = state.clock.value(event.time)
    if state.clock.direction == "up":
        return reading / 60
    before = sum(story.lengths.get(n, 0.0) for n in range(1, number))
    length = story.lengths.get(number, state.clock.seconds)
    return (before + max(0.0, length - reading)) / 60


def by_score(x_of: Callable[[Story, Event], float | None]) -> Callable[..., None]:
    """A sport's flow: the two running scores over ``x_of``, each change marked."""

    def flow(story: Story, event: Event, before: GameState | None) -> None:
        x = x_of(story, event)
        if x is None:
            return
        state = event.state
        if state.period.number and state.period.in_progress:
            story.period_starts(x, state.period.label)
        for side in ("home", "away"):
            score = state.team(side).score
            old = before.team(side).score if before is not None else 0
            story.point(side, x, score)
            if before is not None and score > old:
                story.marks.append(Mark(x, side, f"+{score - old}"))

    return flow


def periods_line(
    story: Story | None, state: GameState, column: Callable[[str, int], str | None]
) -> tuple[list[str], dict[str, list[str]]]:
    """Points per period from the score at each period's end: ``column`` names a period's
    column (None leaves it out). Only from a whole story: a period's points need the
    score at the end of the one before."""
    columns: list[str] = []
    cells: dict[str, list[str]] = {"home": [], "away": []}
    previous = (0, 0)
    ends = story.ends if story is not None and story.whole else {}  # else totals only
    for number, (label, home, away) in sorted(ends.items()):
        name = column(label, number)
        if name is None:
            continue
        columns.append(name)
        cells["home"].append(str(home - previous[0]))
        cells["away"].append(str(away - previous[1]))
        previous = (home, away)
    return columns, cells


def period_table(
    state: GameState,
    story: Story | None,
    regulation: int,
    skip: str = "",
    extra: tuple[str, Mapping[str, int]] | None = None,
) -> LineScore:
    """The line score of a sport scored by periods: "1 2 3 4 OT T" (periods after
    ``regulation`` by their label, ``skip`` left out, an ``extra`` column before the total)."""

    def column(label: str, number: int) -> str | None:
        if label == skip:
            return None
        return str(number) if number <= regulation else label

    columns, cells = periods_line(story, state, column)
    if extra is not None:
        columns.append(extra[0])
        for side in SIDES:
            cells[side].append(str(extra[1][side]))
    rows = tuple((state.team(s).short, (*cells[s], str(state.team(s).score))) for s in SIDES)
    return LineScore((*columns, "T"), rows)
