"""Events and games in an operator's words: ``score BOS +3 J. Tatum``, ``BOS 87–84 LAL``.

Pure. Used for acks, refusals, the log, ``undo`` and the bottom toolbar, so
the operator reads the same words everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from broadcaster.console.crease import ball_text
from broadcaster.protocol import GameState
from broadcaster.sports.base import (
    clock_text,
)


def team(side: Any, state: GameState | None) -> str:
    """A side as its team's short name when the game is known."""
    if state is not None and side in ("home", "away"):
        return state.team(side).short
    return str(side)


def event_text(kind: str, data: Mapping[str, Any], state: GameState | None) -> str:
    """One event, short: ``score BOS +3 J. Tatum``, ``card CRO yellow Lovren``."""
    if kind == "game.create":
        home, away = data.get("home") or {}, data.get("away") or {}
        return f"new game {home.get('short', '?')} v {away.get('short', '?')}"
    if kind == "correction":
        target = data.get("target", "?")
        return f"{data.get('action', 'correct')} event {target}"
    if kind == "delivery":
        return ball_text(data)
    if kind == "clock.set":
        seconds = data.get("seconds")
        at = "" if seconds is None else f" {clock_text(float(seconds))}"
        return f"clock{at} {'running' if data.get('running') else 'stopped'}"
    words = [kind]
    if kind.startswith("period.") and data.get("number") is not None:
        return f"{kind} {data['number']}"
    if "team" in data:
        words.append(team(data["team"], state))
    if kind == "score":
        words.append(f"+{data.get('points') or 1}")
    for key, value in data.items():
        if key in ("team", "player", "text") or (kind == "score" and key == "points"):
            continue
        if value is True:
            words.append(key.replace("_", " "))
        elif value is False:
            words.append(f"no {key.replace('_', ' ')}")
        elif value is not None:
            words.append(_value(key, value))
    if data.get("player"):
        words.append(str(data["player"]))
    if data.get("text"):
        words.append(f'"{data["text"]}"')
    return " ".join(words)


def _value(key: str, value: Any) -> str:
    if key == "seconds" and isinstance(value, int | float):
        return clock_text(float(value))
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value} {key.replace('_', ' ')}"  # stoppage 2 minutes
    return f"{key}={value}"


def score_line(state: GameState) -> str:
    """``BOS 87–84 LAL``: home first, as the protocol orders them."""
    return f"{state.home.short} {state.home.score}–{state.away.score} {state.away.short}"


def clock_line(state: GameState, now: float) -> str:
    """``Q3 7:11 ▶`` (running) or ``Q3 7:11 ■`` (stopped); empty before the game."""
    if state.period.number == 0:
        return ""
    value = state.clock.value(now)
    clock = clock_text(value)
    ran_out = state.clock.direction == "down" and value <= 0
    mark = "▶" if state.clock.running and not ran_out else "■"  # not ▶ at 0:00
    return f"{state.period.label} {clock} {mark}"


def game_line(state: GameState, now: float) -> str:
    """A game in one line, for ``games`` and the toolbar."""
    parts = [score_line(state)]
    clock = clock_line(state, now)
    if clock:
        parts.append(clock)
    parts.append(state.status)
    return " · ".join(parts)
