"""Corrections as pure functions: which events are in effect, and the game they make.

A ``correction`` never rewrites history: it voids or amends one earlier event,
and the game is recomputed by folding the events still in effect.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from broadcaster.errors import RuleViolation
from broadcaster.protocol import GameState
from broadcaster.sports.base import (
    Sport,
    apply,
    create_game,
)
from broadcaster.sports.schemas import (
    CorrectionData,
    convert,
)


@dataclass(frozen=True, slots=True)
class GameEvent:
    """One stored event of a game, as the rules see it."""

    seq: int
    kind: str
    data: Mapping[str, Any]
    time: float


def effective_events(events: Iterable[GameEvent]) -> list[GameEvent]:
    """The events in effect once every correction is applied (corrections dropped)."""
    kept: dict[int, GameEvent] = {}
    for ev in events:
        if ev.kind != "correction":
            kept[ev.seq] = ev
            continue
        c = convert("correction", ev.data, CorrectionData)
        if c.action == "void":
            kept.pop(c.target, None)
        elif c.target in kept:
            old = kept[c.target]
            kept[c.target] = GameEvent(old.seq, old.kind, c.data or {}, old.time)
    return sorted(kept.values(), key=lambda e: e.seq)


def fold(game_id: str, events: Iterable[GameEvent], sports: Mapping[str, Sport]) -> GameState:
    """The game made by ``events`` (the first is its ``game.create``)."""
    it = iter(events)
    first = next(it)
    state = create_game(game_id, first.data, sports)
    sport = sports[state.sport]
    for ev in it:
        state = apply(sport, state, ev.kind, ev.data, ev.time)
    return state


def corrected(
    game_id: str,
    events: list[GameEvent],
    data: Mapping[str, Any],
    sports: Mapping[str, Sport],
) -> GameState:
    """The game after a correction with ``data``, or ``RuleViolation`` if it cannot be."""
    c: CorrectionData = convert("correction", data, CorrectionData)
    target = next((e for e in events if e.seq == c.target), None)
    if target is None:
        raise RuleViolation(f"event {c.target} is not an event of game {game_id}")
    if target.kind in ("game.create", "correction"):
        raise RuleViolation(f"a {target.kind} event cannot be corrected")
    if c.action == "amend" and c.data is None:
        raise RuleViolation("an amend needs the event's new data")
    if c.action == "void" and c.data is not None:
        raise RuleViolation("a void takes no data")
    effective = effective_events(events)
    if all(e.seq != c.target for e in effective):
        raise RuleViolation(f"event {c.target} is already voided")
    correction = GameEvent(-1, "correction", data, 0.0)
    try:
        return fold(game_id, effective_events([*events, correction]), sports)
    except RuleViolation as exc:
        verb = "voiding" if c.action == "void" else "amending"
        raise RuleViolation(f"{verb} event {c.target} is refused: {exc}") from None
