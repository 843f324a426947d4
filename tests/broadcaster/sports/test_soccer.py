"""Soccer: halves, stoppage time, extra time, shoot-out, own goals, cards."""

from __future__ import annotations

import pytest

from broadcaster.errors import RuleViolation
from tests.broadcaster.sports.games import new_game, play, started, through_period


def test_goals_are_one_and_the_clock_counts_up_from_each_half() -> None:
    state = play(new_game("soccer", "WC"), ("game.start", {}), ("period.start", {}), t=0.0)
    assert (state.clock.direction, state.clock.seconds) == ("up", 0)
    assert state.clock.value(600.0) == 600
    state = play(state, ("score", {"team": "away", "player": "Perišić"}))
    assert state.away.score == 1
    with pytest.raises(RuleViolation, match="a soccer score is 1 point, not 2"):
        play(state, ("score", {"team": "home", "points": 2}))
    h2 = play(state, ("period.end", {}), ("period.start", {}))
    assert (h2.period.label, h2.clock.seconds) == ("H2", 2700)


def test_own_goal_counts_for_the_team_it_is_given_to() -> None:
    state = play(
        started("soccer", "WC"),
        ("score", {"team": "home", "own_goal": True, "player": "Mandžukić"}),
    )
    assert (state.home.score, state.away.score) == (1, 0)


def test_stoppage_time_lets_the_clock_run_past_the_half() -> None:
    state = play(started("soccer", "WC"), ("stoppage", {"minutes": 4}))
    assert state.detail["stoppage"] == 4
    state = play(state, ("clock.set", {"running": True, "seconds": 47 * 60}))
    assert state.clock.seconds == 2820
    with pytest.raises(RuleViolation, match="0 to 30 minutes"):
        play(state, ("stoppage", {"minutes": 45}))
    assert play(state, ("period.end", {}), ("period.start", {})).detail["stoppage"] == 0


def test_extra_time_only_when_tied_and_a_draw_may_end_after_90_minutes() -> None:
    state = play(started("soccer", "WC"), ("score", {"team": "home"}))
    state = through_period(state, 2)
    with pytest.raises(RuleViolation, match="extra time is only played when the score is tied"):
        play(state, ("period.start", {}))
    level = through_period(started("soccer", "WC"), 2)
    assert play(level, ("game.end", {})).status == "final"  # a league draw
    with pytest.raises(RuleViolation, match="cannot end in H1"):
        play(started("soccer", "WC"), ("game.end", {}))


def test_a_shootout_is_kept_out_of_the_score_and_decides_the_game() -> None:
    state = through_period(started("soccer", "WC"), 4)
    state = play(state, ("period.start", {}))
    assert state.period.label == "PEN" and not state.clock.running
    with pytest.raises(RuleViolation, match="recorded with 'shootout'"):
        play(state, ("score", {"team": "home"}))
    kicks = [
        ("home", True),
        ("away", False),
        ("home", True),
        ("away", True),
        ("home", True),
        ("away", False),
    ]
    for team, scored in kicks:
        with pytest.raises(RuleViolation, match=r"cannot end|not decided"):
            play(state, ("game.end", {}))
        state = play(state, ("shootout", {"team": team, "scored": scored}))
    state = play(state, ("shootout", {"team": "home", "scored": False}))
    with pytest.raises(RuleViolation, match="it is the away team's kick"):
        play(state, ("shootout", {"team": "home", "scored": True}))
    state = play(state, ("shootout", {"team": "away", "scored": False}))
    # 3-1 with one kick left for away: decided
    assert state.detail["shootout"]["home"] == 3 and state.detail["shootout"]["away"] == 1
    with pytest.raises(RuleViolation, match="already decided"):
        play(state, ("shootout", {"team": "home", "scored": True}))
    final = play(state, ("game.end", {}))
    assert final.status == "final" and (final.home.score, final.away.score) == (0, 0)


def test_shootout_can_follow_ninety_minutes_without_extra_time() -> None:
    state = through_period(started("soccer", "Cup"), 2)
    assert play(state, ("period.start", {"number": 5})).period.label == "PEN"


def test_a_second_yellow_is_a_red_and_a_sent_off_player_gets_no_more_cards() -> None:
    state = started("soccer", "WC")
    state = play(state, ("card", {"team": "away", "player": "Vida", "color": "yellow"}))
    assert state.detail["cards"]["away"] == {"yellow": 1, "red": 0}
    state = play(state, ("card", {"team": "away", "player": "Vida", "color": "yellow"}))
    assert state.detail["cards"]["away"] == {"yellow": 2, "red": 1}
    assert state.detail["sent_off"]["away"] == ["Vida"]
    with pytest.raises(RuleViolation, match="Vida has already been sent off"):
        play(state, ("card", {"team": "away", "player": "Vida", "color": "red"}))
    with pytest.raises(RuleViolation, match="color must be 'red' or 'yellow', not 'blue'"):
        play(state, ("card", {"team": "away", "player": "Lovren", "color": "blue"}))
