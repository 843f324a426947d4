"""Baseball rules: the count, outs, runners and runs, half-innings, extra innings, walk-offs."""

from __future__ import annotations

from typing import Any

from broadcaster.protocol import GameState
from tests.sports.rules import play, refused, started

OUT = ("out", {})


def pitch(result: str) -> tuple[str, dict[str, Any]]:
    return ("pitch", {"result": result})


def hit(bases: int) -> tuple[str, dict[str, Any]]:
    return ("hit", {"bases": bases})


def three_out(s: GameState) -> GameState:
    return play(s, OUT, OUT, OUT, "period.end")


def innings(s: GameState, halves: int) -> GameState:
    """Play ``halves`` scoreless half-innings, starting from a half in progress."""
    for _ in range(halves - 1):
        s = play(three_out(s), "period.start")
    return three_out(s)


def test_half_innings_and_who_bats() -> None:
    s = started("baseball", "MLB")
    assert (s.period.label, s.detail["half"], s.detail["inning"]) == ("Top 1", "top", 1)
    assert not s.clock.running
    refused(s, "clock.set", {"running": True}, "no event kind 'clock.set'")
    refused(s, "score", {"team": "home", "points": 1}, "only the batting side scores")
    s = play(three_out(s), "period.start")
    assert s.period.label == "Bot 1"


def test_the_count_walks_and_strikeouts() -> None:
    s = started("baseball")
    s = play(s, pitch("ball"), pitch("strike"), pitch("foul"), pitch("foul"))
    assert (s.detail["balls"], s.detail["strikes"]) == (1, 2)  # a foul is no third strike
    s = play(s, pitch("strike"))
    assert (s.detail["outs"], s.detail["balls"], s.detail["strikes"]) == (1, 0, 0)
    for _ in range(4):
        s = play(s, pitch("ball"))
    assert s.detail["bases"] == {"first": True, "second": False, "third": False}
    s = play(s, pitch("hit_by_pitch"), pitch("hit_by_pitch"), *[pitch("ball")] * 4)
    assert (s.away.score, s.detail["bases"]["third"]) == (
        1,
        True,
    )  # forced in with the bases loaded
    assert s.detail["line"]["away"] == [1]


def test_hits_move_runners_and_home_runs_clear_the_bases() -> None:
    s = play(started("baseball"), hit(1), hit(2))
    assert s.detail["bases"] == {"first": False, "second": True, "third": True}
    s = play(s, hit(4))
    assert (s.away.score, s.detail["hits"]["away"]) == (3, 3)
    assert s.detail["bases"] == {"first": False, "second": False, "third": False}
    refused(s, "hit", {"bases": 5}, "1 to 4 bases, not 5")
    refused(s, "score", {"team": "away", "points": 5}, "1 to 4 runs, not 5")
    s = play(s, ("bases", {"third": True}), ("score", {"team": "away", "points": 1}))
    assert s.away.score == 4
    refused(s, "error", {"team": "away"}, "are batting; errors are the fielders'")


def test_three_outs_end_a_half_inning_and_nothing_before() -> None:
    s = play(started("baseball"), OUT, OUT)
    refused(s, "period.end", match="has 2 out")
    s = play(s, OUT)
    refused(s, "pitch", {"result": "ball"}, "three outs: the Top 1 is over")
    assert play(s, "period.end").status == "break"


def test_bottom_of_the_ninth_is_not_played_when_home_leads() -> None:
    s = innings(started("baseball"), 1)
    s = play(s, "period.start", ("score", {"team": "home", "points": 1}))
    s = innings(s, 1)
    s = play(s, "period.start")
    s = innings(s, 15)  # through the top of the 9th
    assert s.period.label == "Top 9"
    refused(s, "period.start", match="the home team leads after the top of the last inning")
    assert play(s, "game.end").status == "final"


def test_extra_innings_and_the_walk_off() -> None:
    s = innings(started("baseball", "MLB"), 18)
    assert s.period.label == "Bot 9"
    refused(s, "game.end", match="tied: play extra innings")
    s = play(s, "period.start")
    assert s.period.label == "Top 10"
    assert s.detail["bases"]["second"]  # MLB: a runner starts on second
    s = play(three_out(s), "period.start", hit(1))
    assert s.home.score == 0 and s.detail["bases"]["third"]
    s = play(s, hit(2))
    assert s.home.score == 1  # the runner from third scores: walk-off
    refused(s, "pitch", {"result": "ball"}, "walk-off")
    assert play(s, "game.end").status == "final"


def test_a_game_lasts_nine_innings() -> None:
    s = play(started("baseball"), ("score", {"team": "away", "points": 2}), OUT, OUT, OUT)
    refused(s, "game.end", match="still being played")
    refused(play(s, "period.end"), "game.end", match="a game lasts 9 innings; this is Top 1")
