"""Game states and events in words, for the screen and for screen readers; pure.

Every sport is shown generically from ``GameState`` (teams, score, period
label, clock, status); period labels the project's sports use get spoken
names ("Q3" → "3rd quarter", "H2" → "2nd half"), unknown ones are shown as
they come. Nothing here needs the sport's rules.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import Any

from broadcaster.protocol import Event, GameState

_PREFIX = {
    "Q": "quarter",
    "H": "half",
    "P": "period",
    "I": "inning",
    "S": "set",
    "INN": "innings",
}
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
_NOT_PLAYING = {"postponed": "postponed", "cancelled": "cancelled", "suspended": "suspended"}


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


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


def clock_text(state: GameState, server_now: float) -> str:
    """What the clock shows: "7:11", or "" when the game has no clock running or shown."""
    if state.status in ("scheduled", "final", "postponed", "cancelled") or state.period.number == 0:
        return ""
    seconds = state.clock.value(server_now)
    if seconds <= 0 and state.clock.direction == "up" and not state.clock.running:
        return ""
    whole = int(seconds) if state.clock.direction == "up" else int(-(-seconds // 1))
    return f"{whole // 60}:{whole % 60:02d}"


def status_text(state: GameState) -> str:
    """The card's status word; the period is said separately."""
    if state.status == "live" and not state.period.in_progress and state.period.number:
        return "break"
    return state.status


def phase_text(state: GameState, server_now: float) -> str:
    """Period and clock in words: "3rd quarter, 7:11 left", "end of 2nd half", "final"."""
    if state.status == "scheduled":
        return scheduled_text(state)
    if state.status == "final":
        return "final"
    if state.status in _NOT_PLAYING:
        return _NOT_PLAYING[state.status]
    name = period_name(state.period.label, state.period.number)
    if not name:
        return state.status
    if state.status == "break" or not state.period.in_progress:
        return f"end of {name}" if state.period.in_progress is False else f"{name}, break"
    clock = clock_text(state, server_now)
    if not clock:
        return name
    suffix = "left" if state.clock.direction == "down" else "played"
    stopped = "" if state.clock.running else ", clock stopped"
    return f"{name}, {clock} {suffix}{stopped}"


def scheduled_text(state: GameState) -> str:
    if state.start is None:
        return "scheduled"
    return "starts " + time.strftime("%a %H:%M", time.localtime(state.start))


def summary(state: GameState, server_now: float) -> str:
    """The whole line a screen reader reads for a game card."""
    home, away = state.home, state.away
    if state.status in ("scheduled", "postponed", "cancelled"):
        return f"{home.name} versus {away.name}, {phase_text(state, server_now)}"
    teams = f"{home.name} {home.score}, {away.name} {away.score}"
    return f"{teams}, {phase_text(state, server_now)}"


# --------------------------------------------------------------------------- events


def side_name(state: GameState, side: Any) -> str:
    if side in ("home", "away"):
        return state.team(side).short or state.team(side).name
    return ""


def event_text(kind: str, data: Mapping[str, Any], state: GameState) -> str:
    """One line of play-by-play for an event (its ``text`` when the publisher gave one)."""
    team = side_name(state, data.get("team"))
    player = data.get("player") if isinstance(data.get("player"), str) else None
    text = data.get("text") if isinstance(data.get("text"), str) else None
    who = " — ".join(x for x in (team, player) if x)
    if kind == "score":
        points = data.get("points")
        gained = f"+{points}" if isinstance(points, int) else "score"
        base = text or player or "score"
        return f"{gained} {team}: {base}" if team else f"{gained}: {base}"
    if kind == "play" and text:
        return f"{team}: {text}" if team else text
    if kind == "game.create":
        return f"{state.home.name} v {state.away.name} ({state.league})"
    if kind == "game.start":
        return "Game started"
    if kind == "game.end":
        return "Final"
    if kind in ("period.start", "period.end"):
        verb = "Start" if kind == "period.start" else "End"
        return f"{verb} of {period_name(state.period.label, state.period.number)}"
    if kind == "clock.set":
        return "Clock running" if data.get("running") else "Clock stopped"
    if kind == "status":
        return f"Status: {data.get('status')}"
    if kind == "correction":
        action = data.get("action")
        target = data.get("target")
        return f"Correction: play #{target} {'voided' if action == 'void' else 'amended'}"
    label = kind.replace(".", " ").replace("_", " ").capitalize()
    if text:
        return f"{label}: {text}" if label.lower() not in text.lower() else text
    extra = ", ".join(
        f"{k} {v}" for k, v in data.items() if k not in ("team", "player", "text") and _simple(v)
    )
    return " · ".join(x for x in (label, who, extra) if x)


def event_score(event: Event) -> str:
    s = event.state
    return f"{s.home.short} {s.home.score}–{s.away.score} {s.away.short}"


# --------------------------------------------------------------------------- detail


def detail_rows(state: GameState) -> list[tuple[str, str, str]]:
    """The sport's ``detail`` as (item, home, away) rows, whatever the sport.

    Values split by side (``{"home": …, "away": …}``) get a column each;
    anything else is shown whole in the home column with the away one empty.
    """
    rows: list[tuple[str, str, str]] = []
    for key, value in state.detail.items():
        label = key.replace("_", " ").capitalize()
        if isinstance(value, Mapping) and {"home", "away"} <= set(value):
            rows.append((label, _show(value["home"]), _show(value["away"])))
            extra = {k: v for k, v in value.items() if k not in ("home", "away")}
            if extra:
                rows.append((f"{label} (more)", _show(extra), ""))
        elif value is None or value == [] or value == {}:
            continue
        else:
            rows.append((label, _show(value), ""))
    return rows


def _simple(v: Any) -> bool:
    return isinstance(v, str | int | float | bool)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, Mapping):
        if not value:
            return "—"
        return ", ".join(f"{k} {_show(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_show(v) for v in value) or "—"
    return str(value)
