"""Rules every sport shares: phases, clock, status changes, refusals in plain words."""

from __future__ import annotations

import pytest

from broadcaster.errors import RuleViolation
from broadcaster.sports import SPORTS, apply, create_game
from tests.broadcaster.sports.games import new_game, play, started


def refused(state, kind, data, match):  # type: ignore[no-untyped-def]
    with pytest.raises(RuleViolation, match=match):
        play(state, (kind, data))


def test_a_new_game_is_scheduled_at_period_zero_with_a_stopped_clock() -> None:
    state = new_game("basketball")
    assert state.status == "scheduled"
    assert (state.period.number, state.period.label) == (0, "")
    assert not state.clock.running and state.clock.seconds == 0
    assert (state.home.score, state.away.score) == (0, 0)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (
            {
                "sport": "curling",
                "league": "X",
                "home": {"name": "A", "short": "A"},
                "away": {"name": "B", "short": "B"},
            },
            "unknown sport 'curling'",
        ),
        (
            {
                "sport": "soccer",
                "league": "X",
                "home": {"name": "A", "short": "A"},
                "away": {"name": "A", "short": "B"},
            },
            "two different teams",
        ),
        (
            {
                "sport": "soccer",
                "league": "",
                "home": {"name": "A", "short": "A"},
                "away": {"name": "B", "short": "B"},
            },
            "needs a league",
        ),
        (
            {
                "sport": "soccer",
                "league": "X",
                "home": {"name": "A", "short": "TOOLONGNAME"},
                "away": {"name": "B", "short": "B"},
            },
            "over 8 characters",
        ),
        (
            {
                "sport": "soccer",
                "league": "X",
                "home": {"name": "A"},
                "away": {"name": "B", "short": "B"},
            },
            "short",
        ),
        (
            {
                "sport": "soccer",
                "league": "X",
                "home": {"name": "A", "short": "A"},
                "away": {"name": "B", "short": "B"},
                "colour": "red",
            },
            "takes no 'colour'",
        ),
    ],
)
def test_game_create_refuses_nonsense(data: dict, match: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(RuleViolation, match=match):
        create_game("g", data, SPORTS)


def test_scores_count_only_inside_a_period_of_a_live_game() -> None:
    scheduled = new_game("basketball")
    refused(scheduled, "score", {"team": "home", "points": 2}, "scheduled")
    live = play(scheduled, ("game.start", {}))
    refused(live, "score", {"team": "home", "points": 2}, "no period has started")
    in_q1 = play(live, ("period.start", {}))
    assert play(in_q1, ("score", {"team": "home", "points": 2})).home.score == 2
    at_break = play(in_q1, ("period.end", {}))
    assert at_break.status == "break"
    refused(at_break, "score", {"team": "home", "points": 2}, "break after Q1")


def test_period_start_runs_the_clock_from_the_period_length_and_end_stops_it() -> None:
    state = play(new_game("basketball"), ("game.start", {}), ("period.start", {}), t=10.0)
    assert state.period.label == "Q1" and state.period.in_progress
    assert state.clock.running and state.clock.seconds == 720 and state.clock.at == 10.0
    assert state.clock.value(70.0) == 660
    ended = play(state, ("period.end", {}), t=800.0)
    assert not ended.clock.running and ended.clock.seconds == 0
    assert not ended.period.in_progress


def test_periods_come_in_order() -> None:
    state = started("basketball")
    refused(state, "period.start", {}, "still in progress")
    refused(state, "period.end", {"number": 2}, "not in progress")
    state = play(state, ("period.end", {}))
    refused(state, "period.start", {"number": 3}, "next period is Q2, not 3")
    refused(state, "period.end", {}, "no period is in progress")


def test_clock_set_stays_inside_the_period_and_can_keep_the_reading() -> None:
    state = started("basketball")
    stopped = play(state, ("clock.set", {"running": False}), t=130.0)
    assert not stopped.clock.running and stopped.clock.seconds == 690
    refused(state, "clock.set", {"running": True, "seconds": 900}, "12:00 to 0:00; 15:00")
    refused(state, "clock.set", {"running": True, "seconds": -1}, "outside")
    refused(new_game("basketball"), "clock.set", {"running": True, "seconds": 5}, "scheduled")


def test_status_changes_follow_the_table() -> None:
    scheduled = new_game("soccer", "Friendly")
    postponed = play(scheduled, ("status", {"status": "postponed"}))
    assert postponed.status == "postponed"
    assert play(postponed, ("status", {"status": "cancelled"})).status == "cancelled"
    refused(scheduled, "status", {"status": "live"}, "cannot become live")
    refused(scheduled, "status", {"status": "final"}, "status")
    live = started("soccer", "Friendly")
    suspended = play(live, ("status", {"status": "suspended"}), t=200.0)
    assert suspended.status == "suspended" and not suspended.clock.running
    assert play(suspended, ("status", {"status": "live"})).status == "live"
    between = play(live, ("period.end", {}), ("status", {"status": "suspended"}))
    assert play(between, ("status", {"status": "live"})).status == "break"
    refused(play(live, ("period.end", {})), "status", {"status": "live"}, "start H2")


def test_a_final_game_refuses_everything_but_plays() -> None:
    state = started("basketball")
    state = play(state, ("score", {"team": "away", "points": 3}))
    for _ in range(3):
        state = play(state, ("period.end", {}), ("period.start", {}))
    final = play(state, ("game.end", {}))
    assert final.status == "final" and not final.period.in_progress
    refused(final, "score", {"team": "home", "points": 1}, "the game has ended")
    refused(final, "game.end", {}, "already ended")
    refused(final, "status", {"status": "live"}, "ended")
    assert play(final, ("play", {"text": "Final buzzer"})).status == "final"


def test_unknown_kinds_and_fields_are_refused_with_what_is_known() -> None:
    state = started("soccer", "Friendly")
    refused(state, "touchdown", {}, "soccer has no event kind 'touchdown'; it knows .*card")
    refused(
        state, "score", {"team": "home", "minute": 12}, "score takes no 'minute'; it takes team"
    )
    refused(state, "score", {"team": "visitors"}, "team must be 'away' or 'home', not 'visitors'")
    refused(
        state, "score", {"team": "home", "points": "two"}, "points must be a whole number, not text"
    )
    refused(state, "play", {}, "play needs 'text'")
    refused(state, "play", {"text": "  "}, "needs some text")


def test_a_substitution_is_checked_and_leaves_the_score_alone() -> None:
    data = {"sport": "soccer", "league": "WC", "home": {"name": "France", "short": "FRA"},
            "away": {"name": "Croatia", "short": "CRO"}}  # fmt: skip
    sport = SPORTS["soccer"]
    state = create_game("g", data, SPORTS)
    with pytest.raises(RuleViolation, match="no substitution while the game is"):
        apply(sport, state, "substitution", {"team": "home", "on": "Giroud", "off": "Mbappé"}, 1.0)
    state = apply(sport, apply(sport, state, "game.start", {}, 1.0), "period.start", {}, 2.0)
    after = apply(
        sport, state, "substitution", {"team": "home", "on": "Giroud", "off": "Mbappé"}, 3.0
    )
    assert (after.home, after.away) == (state.home, state.away)
    with pytest.raises(RuleViolation, match="cannot come on for himself"):
        apply(
            sport, state, "substitution", {"team": "away", "on": "Perišić", "off": "Perišić"}, 3.0
        )
    with pytest.raises(RuleViolation, match="substitution"):
        apply(SPORTS["tennis"], state, "substitution", {"team": "home", "on": "A", "off": "B"}, 3.0)


def test_game_create_may_name_the_favourite_for_upset_alerts() -> None:
    data = {"sport": "soccer", "league": "WC", "home": {"name": "France", "short": "FRA"},
            "away": {"name": "Croatia", "short": "CRO"}}  # fmt: skip
    assert create_game("g", {**data, "favourite": "home"}, SPORTS).detail["favourite"] == "home"
    assert "favourite" not in create_game("g", data, SPORTS).detail
    with pytest.raises(RuleViolation, match="favourite"):
        create_game("g", {**data, "favourite": "France"}, SPORTS)
