"""What every sport shares when a fan reads it: periods, clocks, names, the shapes of a reading.

Pure (the wire protocol and the stdlib only). A sport module fills these shapes;
the desktop and the console draw them and guess nothing themselves.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from broadcaster.protocol import Event, GameState

SideName = Literal["home", "away"]
SIDES: tuple[SideName, SideName] = ("home", "away")
DASH = "–"  # en dash between two scores, as printed results write them


@dataclass(frozen=True, slots=True)
class Board:
    """A game at a glance: each side's headline, the line under it and a final's result.

    ``tags`` are short words beside a side ("1 red card", "power play", "bonus");
    ``ball`` is the side with the ball (serving, batting, in possession: the dot a card
    draws), ``ball_word`` says which; ``bases`` (first, second, third) and ``outs`` are
    baseball's.
    """

    home: str
    away: str
    status: str
    result: str | None = None
    tags: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ball: SideName | None = None
    ball_word: str = ""
    bases: tuple[bool, bool, bool] | None = None
    outs: int | None = None

    def headline(self, side: str) -> str:
        return self.home if side == "home" else self.away

    @property
    def line(self) -> str:
        """The line a card shows under the scores: the result of a final, else the status."""
        return self.result or self.status


@dataclass(frozen=True, slots=True)
class LineScore:
    """A grid: one column header per period (then totals), one row per side (or innings)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Panel:
    """The sport's panel: per-side figures (label, home, away) and sentences (label, text)."""

    stats: tuple[tuple[str, str, str], ...] = ()
    facts: tuple[tuple[str, str], ...] = ()


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_PREFIX = {"Q": "quarter", "H": "half", "P": "period", "I": "inning", "S": "set"}
_NAMED = {
    "OT": "overtime",
    "SO": "shoot-out",
    "PEN": "penalty shoot-out",
    "ET1": "extra time, 1st half",
    "ET2": "extra time, 2nd half",
    "HT": "half-time",
}
_LABEL = re.compile(r"^(?P<prefix>[A-Z]+?)(?P<n>\d+)$")
_HALF_INNING = re.compile(r"^(?P<half>Top|Bot|Bottom) (?P<n>\d+)$")
NOT_PLAYING = {"postponed": "Postponed", "cancelled": "Cancelled", "suspended": "Suspended"}


def period_name(label: str, number: int = 0) -> str:
    """The spoken name of a period label: "Q3" → "3rd quarter", "2OT" → "2nd overtime"."""
    if label in _NAMED:
        return _NAMED[label]
    half = _HALF_INNING.match(label)
    if half:
        side = "top" if half["half"] == "Top" else "bottom"
        return f"{side} of the {ordinal(int(half['n']))}"
    match = _LABEL.match(label)
    if match and match["prefix"] in _PREFIX:
        return f"{ordinal(int(match['n']))} {_PREFIX[match['prefix']]}"
    if label.endswith("OT") and label[:-2].isdigit():
        return f"{ordinal(int(label[:-2]))} overtime"
    if label:
        return label
    return f"period {number}" if number else ""


def minutes_seconds(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def clock_text(state: GameState, server_now: float) -> str:
    """What the clock shows: "7:11", or "" when the game has no clock running or shown."""
    if state.status in ("scheduled", "final", "postponed", "cancelled") or state.period.number == 0:
        return ""
    seconds = state.clock.value(server_now)
    if seconds <= 0 and state.clock.direction == "up" and not state.clock.running:
        return ""
    whole = int(seconds) if state.clock.direction == "up" else int(-(-seconds // 1))
    return minutes_seconds(whole)


def status_word(state: GameState) -> str:
    """scheduled, live, break, final, …: a live game between periods is at a break."""
    if state.status == "live" and not state.period.in_progress and state.period.number:
        return "break"
    return state.status


def scheduled_text(state: GameState) -> str:
    if state.start is None:
        return "Scheduled"
    return "Starts " + time.strftime("%a %H:%M", time.localtime(state.start))


def phase_text(state: GameState, server_now: float) -> str:
    """Period and clock in words: "3rd quarter, 7:11 left", "end of 2nd half", "final"."""
    if state.status == "scheduled":
        return scheduled_text(state)
    if state.status == "final":
        return "final"
    if state.status in NOT_PLAYING:
        return state.status
    name = period_name(state.period.label, state.period.number)
    if not name:
        return state.status
    if state.status == "break" or not state.period.in_progress:
        return f"end of {name}"
    clock = clock_text(state, server_now)
    if not clock:
        return name
    suffix = "left" if state.clock.direction == "down" else "played"
    stopped = "" if state.clock.running else ", clock stopped"
    return f"{name}, {clock} {suffix}{stopped}"


def final_word(state: GameState, regulation: int) -> str:
    """ "Final", or "Final/OT" (the last period's label) after the regulation periods."""
    return f"Final/{state.period.label}" if state.period.number > regulation else "Final"


def not_started(state: GameState) -> str | None:
    """The status of a game not being played (scheduled, postponed, …), else None."""
    if state.status == "scheduled":
        return scheduled_text(state)
    if state.status in NOT_PLAYING:
        return NOT_PLAYING[state.status]
    if state.status == "live" and state.period.number == 0:
        return "About to start"
    return None


_PARTICLES = {"da", "de", "del", "della", "der", "di", "do", "dos", "du", "la", "le", "van", "von"}


def surname(name: str) -> str:
    """How fans call a player: "Lionel Messi" → "Messi", "Ángel Di María" → "Di María".

    Pairs ("Chan / Venus" or "Chan/Venus") keep both surnames.
    """
    if "/" in name:
        return "/".join(surname(part) for part in name.split("/"))
    words = name.split()
    if len(words) <= 1:
        return name.strip()
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    return " ".join(words[start:])


def text_of(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def side_of(data: Mapping[str, Any], key: str = "team") -> SideName | None:
    value = data.get(key)
    return "home" if value == "home" else "away" if value == "away" else None


def other(side: SideName) -> SideName:
    return "away" if side == "home" else "home"


def short(state: GameState, side: SideName) -> str:
    team = state.team(side)
    return team.short or team.name


def score_line(state: GameState, side: SideName | None = None) -> str:
    """The score, "3–1" (the leader's score first when ``side`` names it, else home–away)."""
    h, a = state.home.score, state.away.score
    return f"{a}{DASH}{h}" if side == "away" else f"{h}{DASH}{a}"


def winner(state: GameState) -> SideName | None:
    if state.home.score == state.away.score:
        return None
    return "home" if state.home.score > state.away.score else "away"


def plain_result(state: GameState, how: str = "") -> str:
    """A plain result, "Argentina won 3–1", "Draw 1–1"; ``how`` adds "in overtime" and the like."""
    side = winner(state)
    if side is None:
        return f"Draw {score_line(state)}" + (f" {how}" if how else "")
    return f"{state.team(side).name} won {score_line(state, side)}" + (f" {how}" if how else "")


def kicks(shootout: Mapping[str, Any] | None, side: SideName) -> str:
    """One side's shoot-out attempts in order: "✓ ✓ ✕"."""
    if not shootout:
        return ""
    return " ".join("✓" if k.get("scored") else "✕" for k in shootout["kicks"] if k["team"] == side)


def shootout_score(shootout: Mapping[str, Any] | None) -> str:
    return f"{shootout['home']}{DASH}{shootout['away']}" if shootout else ""


def count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def stat(label: str, of: Callable[[SideName], Any]) -> tuple[str, str, str]:
    """A panel figure: (label, home's, away's)."""
    return label, str(of("home")), str(of("away"))


def per_side(detail: Mapping[str, Any], key: str) -> Callable[[SideName], Any]:
    """Reads ``detail[key]`` (a ``{home, away}`` value) for one side; 0 when absent."""
    return lambda side: (detail.get(key) or {}).get(side, 0)


@dataclass(frozen=True, slots=True)
class Said:
    """One event to put in words: its kind and data, the state after it, and where known
    the event itself (for its time) and the state before it (for what it changed)."""

    kind: str
    data: Mapping[str, Any]
    state: GameState
    event: Event | None = None
    before: GameState | None = None

    @property
    def side(self) -> SideName | None:
        return side_of(self.data)

    @property
    def team(self) -> str:
        """The short name of the side the data names, or ""."""
        return short(self.state, self.side) if self.side else ""

    @property
    def player(self) -> str:
        return surname(text_of(self.data, "player") or "")


def runners_words(bases: tuple[bool, bool, bool]) -> str:
    """ "bases empty", "runner on 2nd", "runners on 1st and 3rd", "bases loaded"."""
    on = [ordinal(i + 1) for i, taken in enumerate(bases) if taken]
    if not on:
        return "bases empty"
    if len(on) == 3:
        return "bases loaded"
    return f"runner on {on[0]}" if len(on) == 1 else f"runners on {on[0]} and {on[1]}"
