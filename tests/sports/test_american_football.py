"""American football rules: scoring plays and tries, overtime and ties, downs, timeouts."""

from __future__ import annotations

from typing import Any

from broadcaster.protocol import GameState
from tests.sports.rules import play, refused, started


def sc(team: str, **data: Any) -> tuple[str, dict[str, Any]]:
    return ("score", {"team": team, **data})


def quarters(s: GameState, n: int) -> GameState:
    for _ in range(n):
        s = play(s, "period.end", "period.start")
    return s


def test_scoring_plays_and_their_points() -> None:
    s = started("american_football", "NFL")
    assert (s.period.label, s.clock.seconds) == ("Q1", 900.0)
    s = play(s, sc("home", play="touchdown"), sc("home", play="extra_point"))
    s = play(s, sc("away", play="field_goal"), sc("away", play="safety"))
    assert (s.home.score, s.away.score) == (7, 5)
    s = play(s, sc("home", points=6), sc("home", points=2))  # a two-point conversion
    assert s.home.score == 15
    refused(s, "score", {"team": "home", "points": 4}, "is 1, 2, 3 or 6 points, not 4")
    refused(s, "score", {"team": "home", "play": "field_goal", "points": 2}, "worth 3, not 2")
    refused(s, "score", {"team": "home"}, "needs its play")


def test_a_try_only_follows_that_teams_touchdown() -> None:
    s = started("american_football")
    refused(s, "score", {"team": "home", "play": "extra_point"}, "follows a touchdown")
    s = play(s, sc("home", play="touchdown"))
    refused(s, "score", {"team": "away", "play": "extra_point"}, "is Home Town's try")
    s = play(s, sc("away", play="two_point"))  # the defence returns the try
    assert (s.home.score, s.away.score) == (6, 2)
    refused(s, "score", {"team": "home", "play": "extra_point"}, "follows a touchdown")


def test_regular_season_may_end_tied_after_one_overtime() -> None:
    s = quarters(started("american_football", "NFL"), 3)
    s = play(s, "period.end")
    refused(s, "game.end", match="the score is tied; play overtime")
    s = play(s, "period.start")
    assert (s.period.label, s.clock.seconds) == ("OT", 600.0)
    s = play(s, "period.end")
    refused(s, "period.start", match="one overtime")
    assert play(s, "game.end").status == "final"


def test_playoff_overtime_goes_on_until_someone_leads() -> None:
    s = quarters(started("american_football", "NFL Playoffs"), 4)
    assert (s.period.label, s.clock.seconds) == ("OT", 900.0)
    s = play(s, "period.end")
    refused(s, "game.end", match="tied")
    s = play(s, "period.start", sc("away", play="field_goal"), "period.end")
    assert play(s, "game.end").status == "final"


def test_overtime_only_when_tied() -> None:
    s = quarters(started("american_football"), 3)
    s = play(s, sc("home", play="safety"), "period.end")
    refused(s, "period.start", match="only played when the score is tied")


def test_possession_and_downs() -> None:
    s = started("american_football")
    refused(s, "down", {"down": 1, "distance": 10}, "say who has the ball first")
    s = play(s, ("possession", {"team": "away", "ball_on": 25}))
    assert (s.detail["possession"], s.detail["down"], s.detail["distance"]) == ("away", 1, 10)
    s = play(s, ("down", {"down": 2, "distance": 4, "ball_on": 31}))
    assert (s.detail["down"], s.detail["distance"], s.detail["ball_on"]) == (2, 4, 31)
    refused(s, "down", {"down": 5, "distance": 4}, "a down is 1, 2, 3 or 4, not 5")
    refused(s, "down", {"down": 1, "distance": 10, "ball_on": 95}, "1 to 5 yards, not 10")
    refused(s, "possession", {"team": "home", "ball_on": 0}, "yard line from 1 to 99")


def test_three_timeouts_a_half_and_they_stop_the_clock() -> None:
    s = started("american_football")
    for _ in range(3):
        s = play(s, ("timeout", {"team": "home"}), ("clock.set", {"running": True}))
    assert not play(s, ("timeout", {"team": "away"})).clock.running
    refused(s, "timeout", {"team": "home"}, "no timeouts left in this half")
    s = quarters(s, 2)
    assert s.detail["timeouts"] == {"home": 3, "away": 3}
