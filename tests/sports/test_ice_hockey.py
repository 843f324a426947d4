"""Ice hockey rules: periods, sudden-death overtime, shoot-out, penalties."""

from __future__ import annotations

from broadcaster.protocol import GameState
from tests.sports.rules import play, refused, started

GOAL_H = ("score", {"team": "home", "points": 1})
GOAL_A = ("score", {"team": "away", "points": 1})


def to_overtime(league: str = "NHL") -> GameState:
    s = started("ice_hockey", league)
    s = play(s, GOAL_H, "period.end", "period.start", GOAL_A, "period.end", "period.start")
    return play(s, "period.end")


def test_three_twenty_minute_periods_counting_down() -> None:
    s = started("ice_hockey", "NHL")
    assert (s.period.label, s.clock.seconds, s.clock.direction) == ("P1", 1200.0, "down")
    refused(s, "game.end", match="a hockey game lasts 3 periods; this is P1")
    s = play(s, GOAL_H, "period.end", "period.start", "period.end", "period.start", "period.end")
    assert play(s, "game.end").status == "final"


def test_a_goal_is_one_and_a_shot_on_goal() -> None:
    s = started("ice_hockey")
    refused(s, "score", {"team": "home", "points": 2}, "an ice hockey score is 1 point, not 2")
    s = play(s, GOAL_H, ("shot", {"team": "home"}))
    assert (s.home.score, s.detail["shots"]) == (1, {"home": 2, "away": 0})


def test_overtime_only_when_tied_and_sudden_death() -> None:
    s = started("ice_hockey", "NHL")
    s = play(s, GOAL_H, "period.end", "period.start", "period.end", "period.start", "period.end")
    refused(s, "period.start", match="overtime is only played when the score is tied")
    s = to_overtime()
    refused(s, "game.end", match="cannot end tied; play OT")
    s = play(s, "period.start")
    assert (s.period.label, s.clock.seconds) == ("OT", 300.0)
    s = play(s, GOAL_A)
    refused(s, "score", {"team": "home", "points": 1}, "sudden death")
    assert play(s, "period.end", "game.end").status == "final"


def test_shootout_three_rounds_then_winner_gains_a_goal() -> None:
    s = play(to_overtime(), "period.start", "period.end", "period.start")
    assert s.period.label == "SO" and not s.clock.running
    refused(s, "score", {"team": "home", "points": 1}, "recorded with 'shootout'")
    refused(s, "shot", {"team": "home"}, "recorded with 'shootout'")
    s = play(s, ("shootout", {"team": "home", "scored": True}))
    refused(s, "shootout", {"team": "home", "scored": True}, "the away team's attempt")
    refused(s, "game.end", match="the shoot-out is not decided")
    for team, scored in [("away", False), ("home", False), ("away", False), ("home", True)]:
        s = play(s, ("shootout", {"team": team, "scored": scored}))
    # home 2 of 3, away 0 of 2: decided; the winner's score gains one
    assert (s.home.score, s.away.score) == (2, 1)
    refused(s, "shootout", {"team": "away", "scored": True}, "already decided")
    s = play(s, "period.end")
    refused(s, "period.start", match="the shoot-out is the last period")
    assert play(s, "game.end").status == "final"


def test_shootout_sudden_death_after_three_rounds() -> None:
    s = play(to_overtime(), "period.start", "period.end", "period.start")
    for _ in range(3):
        s = play(s, ("shootout", {"team": "home", "scored": True}),
                 ("shootout", {"team": "away", "scored": True}))  # fmt: skip
    s = play(s, ("shootout", {"team": "home", "scored": False}))
    s = play(s, ("shootout", {"team": "away", "scored": True}))
    assert (s.home.score, s.away.score) == (1, 2)


def test_playoff_overtimes_are_twenty_minutes_without_shootout() -> None:
    s = play(to_overtime("NHL Playoffs"), "period.start")
    assert (s.period.label, s.clock.seconds) == ("OT", 1200.0)
    s = play(s, "period.end", "period.start")
    assert s.period.label == "2OT"
    refused(s, "shootout", {"team": "home", "scored": True}, "this league has none")


def test_penalties_two_four_five_ten_or_twenty_minutes() -> None:
    s = started("ice_hockey")
    refused(s, "penalty", {"team": "home", "minutes": 3}, "2, 4, 5, 10 or 20 minutes, not 3")
    trip = {"team": "away", "minutes": 2, "player": "X", "infraction": "Tripping"}
    s = play(s, ("penalty", trip), ("penalty", {"team": "away", "minutes": 5}))
    assert s.detail["penalty_minutes"] == {"home": 0, "away": 7}
    assert s.detail["penalties"][0]["infraction"] == "Tripping"
    assert s.detail["penalties"][0]["period"] == 1
