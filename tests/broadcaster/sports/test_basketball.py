"""Basketball: quarters, overtime, 1/2/3 points, fouls and timeouts."""

from __future__ import annotations

import pytest

from broadcaster.errors import RuleViolation
from tests.broadcaster.sports.games import new_game, play, started, through_period


def test_a_score_is_one_two_or_three_points() -> None:
    state = started("basketball")
    for points in (1, 2, 3):
        state = play(state, ("score", {"team": "home", "points": points}))
    assert state.home.score == 6
    with pytest.raises(RuleViolation, match="a basketball score is 1, 2 or 3 points, not 4"):
        play(state, ("score", {"team": "home", "points": 4}))
    with pytest.raises(RuleViolation, match="needs points: 1, 2 or 3"):
        play(state, ("score", {"team": "home"}))


def test_nba_quarters_are_twelve_minutes_and_fiba_ten() -> None:
    assert started("basketball", "NBA").clock.seconds == 720
    assert started("basketball", "EuroLeague").clock.seconds == 600


def test_overtime_only_when_tied_and_labelled_ot_2ot() -> None:
    tied = through_period(started("basketball"), 4)
    with pytest.raises(RuleViolation, match="cannot end tied"):
        play(tied, ("game.end", {}))
    ot = play(tied, ("period.start", {}))
    assert (ot.period.label, ot.clock.seconds) == ("OT", 300)
    ot2 = play(ot, ("period.end", {}), ("period.start", {}))
    assert ot2.period.label == "2OT"
    won = play(ot2, ("score", {"team": "away", "points": 2}), ("period.end", {}))
    with pytest.raises(RuleViolation, match="overtime is only played when the score is tied"):
        play(won, ("period.start", {}))
    assert play(won, ("game.end", {})).status == "final"


def test_a_game_lasts_four_quarters() -> None:
    state = play(started("basketball"), ("score", {"team": "home", "points": 2}))
    with pytest.raises(RuleViolation, match="lasts 4 quarters; this is Q1"):
        play(state, ("game.end", {}))


def test_team_fouls_reset_each_period_totals_do_not() -> None:
    state = started("basketball")
    state = play(state, ("foul", {"team": "home", "player": "Tatum"}), ("foul", {"team": "home"}))
    assert state.detail["fouls"] == {"home": 2, "away": 0}
    state = play(state, ("period.end", {}), ("period.start", {}), ("foul", {"team": "away"}))
    assert state.detail["fouls"] == {"home": 0, "away": 1}
    assert state.detail["fouls_total"] == {"home": 2, "away": 1}


def test_timeouts_stop_the_clock_and_run_out() -> None:
    state = play(new_game("basketball", "WNBA"), ("game.start", {}), ("period.start", {}), t=0.0)
    state = play(state, ("timeout", {"team": "away"}), t=30.0)
    assert not state.clock.running and state.clock.seconds == 570
    assert state.detail["timeouts"] == {"home": 4, "away": 3}
    for _ in range(3):
        state = play(state, ("timeout", {"team": "away"}))
    with pytest.raises(RuleViolation, match="LA Lakers have no timeouts left"):
        play(state, ("timeout", {"team": "away"}))
