"""Corrections in the new sports: a void or an amend refolds the game through its rules."""

from __future__ import annotations

from typing import Any

import pytest

from broadcaster.errors import RuleViolation
from broadcaster.sports import SPORTS
from broadcaster.sports.replay import GameEvent, corrected
from tests.sports.rules import NAMES


def events(sport: str, *kinds: tuple[str, dict[str, Any]] | str) -> list[GameEvent]:
    create = {"sport": sport, "league": "NHL" if sport == "ice_hockey" else "Test",
              "home": {"name": NAMES["home"][0], "short": "HOM"},
              "away": {"name": NAMES["away"][0], "short": "AWY"}}  # fmt: skip
    out = [GameEvent(1, "game.create", create, 0.0)]
    for seq, k in enumerate(kinds, 2):
        kind, data = (k, {}) if isinstance(k, str) else k
        out.append(GameEvent(seq, kind, data, 0.0))
    return out


def test_voiding_a_touchdown_refuses_when_its_try_stays() -> None:
    evs = events("american_football", "game.start", "period.start",
                 ("score", {"team": "home", "play": "touchdown"}),
                 ("score", {"team": "home", "play": "extra_point"}))  # fmt: skip
    with pytest.raises(RuleViolation, match="voiding event 4 is refused: a try"):
        corrected("g", evs, {"target": 4, "action": "void"}, SPORTS)
    state = corrected("g", evs, {"target": 5, "action": "void"}, SPORTS)
    assert state.home.score == 6


def test_amending_a_tennis_point_recounts_the_game() -> None:
    point = ("point", {"team": "home"})
    evs = events("tennis", "game.start", "period.start", point, point, point, point)
    assert corrected("g", evs, {"target": 6, "action": "void"}, SPORTS).detail["display"] == {
        "home": "40", "away": "0"}  # fmt: skip
    state = corrected("g", evs, {"target": 4, "action": "amend", "data": {"team": "away"}}, SPORTS)
    assert state.detail["display"] == {"home": "40", "away": "15"}


def test_voiding_a_cricket_wicket_gives_the_wicket_back() -> None:
    out = ("delivery", {"wicket": {"kind": "bowled", "player_out": "X"}})
    evs = events("cricket", ("toss", {"won_by": "away", "elected": "bat"}), "game.start",
                 "period.start", ("delivery", {"runs": 4}), out)  # fmt: skip
    state = corrected("g", evs, {"target": 6, "action": "void"}, SPORTS)
    assert state.detail["innings"][-1]["wickets"] == 0
    assert (state.away.score, state.detail["innings"][-1]["balls"]) == (4, 1)


def test_voiding_the_deciding_shootout_goal_reopens_the_shootout() -> None:
    goal = ("score", {"team": "home", "points": 1})
    evs = events("ice_hockey", "game.start", "period.start", goal, "period.end",
                 "period.start", ("score", {"team": "away", "points": 1}), "period.end",
                 "period.start", "period.end", "period.start", "period.end", "period.start",
                 *[("shootout", {"team": t, "scored": s}) for t, s in
                   [("home", True), ("away", False), ("home", True), ("away", False)]])  # fmt: skip
    state = corrected("g", evs, {"target": len(evs), "action": "void"}, SPORTS)
    assert (state.home.score, state.away.score) == (1, 1)  # 2-0 with two kicks to come: open
    assert state.detail["shootout"]["home"] == 2
