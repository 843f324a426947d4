"""Events and games in an operator's words: ``score BOS +3 J. Tatum``, ``BOS 87–84 LAL``.

Pure. Used for acks, refusals, the log, ``undo`` and the bottom toolbar, so
the operator reads the same words everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from broadcaster import present
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


CLOCKED = ("basketball", "soccer", "ice_hockey", "american_football")  # the rest have no clock


def score_line(state: GameState) -> str:
    """The score as its fans write it: ``BOS 87–84 LAL``; ``ENG 155/9 · WI yet to bat``;
    ``DJO–NAD 6–4 1–1 · 30–15, Djokovic serving``."""
    b = present.board(state, 0.0)
    home, away = state.home.short, state.away.short
    if state.sport == "tennis":
        return f"{home}–{away} {b.result or b.status}"
    if b.home.isdigit() and b.away.isdigit():
        return f"{home} {b.home}–{b.away} {away}"
    line = f"{home} {b.home} · {away} {b.away}"
    return f"{line} · {b.result or b.status}" if state.sport == "cricket" else line


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
    """A game in one line, for ``games`` and the toolbar, in the sport's own words:
    ``BOS 87–84 LAL · Q3 7:11 ▶ · live · fouls 4–2 · timeouts 5–6 · LAL in the bonus``,
    ``ENG 155/9 · WI 120/4 · 17.2 ov · WI need 36 from 16 · this over 1 4 W``."""
    b = present.board(state, now)
    parts = [score_line(state)]
    if state.status == "final":
        return parts[0] if state.sport in ("tennis", "cricket") else f"{parts[0]} · {b.result}"
    if state.sport in CLOCKED:
        parts += [clock_line(state, now) or b.status, state.status]
        if state.sport == "american_football" and " · " in b.status:
            parts.append(b.status.split(" · ", 1)[1])  # down and distance
    elif state.sport not in ("tennis", "cricket"):  # their score lines say it all
        parts.append(b.status)
    return " · ".join(parts + _extras(state, b))


def _extras(state: GameState, b: present.Board) -> list[str]:
    """What an operator checks between plays: fouls, bonus, timeouts, cards, this over."""
    panel = present.panel(state)
    stats = {label: (home, away) for label, home, away in panel.stats}
    said = []
    for label, word in (("Team fouls (this period)", "fouls"), ("Timeouts left", "timeouts"),
                        ("Red cards", "red cards")):  # fmt: skip
        if label in stats and (word != "red cards" or stats[label] != ("0", "0")):
            said.append(f"{word} {stats[label][0]}–{stats[label][1]}")
    for side, tags in b.tags.items():
        short = state.home.short if side == "home" else state.away.short
        said += [f"{short} {'in the bonus' if tag == 'bonus' else tag}" for tag in tags]
    facts = dict(panel.facts)
    if "This over" in facts:
        said.append(f"this over {facts['This over']}")
    return said
