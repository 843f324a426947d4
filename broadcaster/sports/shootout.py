"""Shoot-outs (soccer penalties, hockey attempts): kept in ``detail``, decided here.

A shoot-out is ``{"home": goals, "away": goals, "kicks": [{team, scored, player}]}``.
Both sides shoot in turn for ``rounds`` rounds, then in sudden-death pairs; it
is decided as soon as one side cannot be caught.
"""

from __future__ import annotations

from typing import Any

from broadcaster.errors import RuleViolation
from broadcaster.protocol import Side
from broadcaster.sports.schemas import ShootoutData


def new() -> dict[str, Any]:
    return {"home": 0, "away": 0, "kicks": []}


def taken(so: dict[str, Any]) -> dict[str, int]:
    return {s: sum(1 for k in so["kicks"] if k["team"] == s) for s in ("home", "away")}


def winner(so: dict[str, Any] | None, rounds: int) -> Side | None:
    """The side that has won, or None while the shoot-out is open."""
    if not so:
        return None
    n, h, a = taken(so), so["home"], so["away"]
    if n["home"] <= rounds and n["away"] <= rounds:
        if h > a + (rounds - n["away"]):
            return "home"
        if a > h + (rounds - n["home"]):
            return "away"
        if min(n.values()) < rounds:
            return None
    if n["home"] == n["away"] and h != a:
        return "home" if h > a else "away"
    return None


def kick(so: dict[str, Any], d: ShootoutData, rounds: int, word: str) -> dict[str, Any]:
    """The shoot-out after one more attempt (``word``: "kick", "attempt")."""
    if winner(so, rounds):
        raise RuleViolation("the shoot-out is already decided")
    n = taken(so)
    other: Side = "away" if d.team == "home" else "home"
    if n[d.team] > n[other]:
        raise RuleViolation(f"it is the {other} team's {word}")
    attempt = {"team": d.team, "scored": d.scored, "player": d.player}
    return {**so, d.team: so[d.team] + int(d.scored), "kicks": [*so["kicks"], attempt]}
