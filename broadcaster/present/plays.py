"""The play-by-play sentence of the kinds every sport shares (PROTOCOL.md "Event kinds")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from broadcaster.present.common import DASH, period_name, side_of, surname, text_of
from broadcaster.protocol import Event, GameState


def common_play(kind: str, data: Mapping[str, Any], state: GameState) -> str:
    """A shared kind in words (its ``text`` when the publisher gave one and nothing better)."""
    side = side_of(data)
    team = state.team(side).short if side else ""
    player = surname(text_of(data, "player") or "")
    text = text_of(data, "text")
    if kind == "score":
        points = data.get("points")
        gained = f" (+{points})" if isinstance(points, int) else ""
        return f"Score {player or text or team}{gained}, {team}" if team else f"Score{gained}"
    if kind == "play" and text:
        return f"{team}: {text}" if team else text
    if kind == "substitution":
        return f"Substitution {team}: {data.get('on')} on for {data.get('off')}"
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
        return f"Game {data.get('status')}"
    if kind == "correction":
        action = data.get("action")
        target = data.get("target")
        return f"Correction: play #{target} {'voided' if action == 'void' else 'amended'}"
    label = kind.replace(".", " ").replace("_", " ").capitalize()
    if text:
        return text if label.lower() in text.lower() else f"{label}: {text}"
    return " · ".join(x for x in (label, team, player) if x)


def event_score(event: Event) -> str:
    s = event.state
    return f"{s.home.short} {s.home.score}{DASH}{s.away.score} {s.away.short}"
