"""Tennis rules: deuce and advantage, no-ad, tie-breaks, the match tie-break, best of 3/5."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from broadcaster.protocol import GameState
from tests.sports.rules import new, play, refused, started

H = ("point", {"team": "home"})
A = ("point", {"team": "away"})


def match(**fmt: object) -> GameState:
    return started("tennis", "Test", ("format", fmt)) if fmt else started("tennis")


def game(s: GameState, side: tuple[str, dict[str, str]] = H) -> GameState:
    return play(s, side, side, side, side)


def test_points_call_zero_fifteen_thirty_forty_deuce_advantage() -> None:
    s = match()
    assert s.period.label == "Set 1"
    s = play(s, H)
    assert s.detail["display"] == {"home": "15", "away": "0"}
    s = play(s, H, A, A, A)
    assert s.detail["display"] == {"home": "30", "away": "40"}
    s = play(s, H)
    assert s.detail["display"] == {"home": "40", "away": "40"}  # deuce
    s = play(s, H)
    assert s.detail["display"] == {"home": "AD", "away": "40"}
    s = play(s, A)
    assert s.detail["display"] == {"home": "40", "away": "40"}
    s = play(s, A, A)
    assert s.detail["games"] == {"home": 0, "away": 1}
    assert s.detail["display"] == {"home": "0", "away": "0"}


def test_no_ad_game_is_decided_at_forty_all() -> None:
    s = match(best_of=3, final_set="match_tiebreak", no_ad=True, doubles=True)
    s = play(s, H, H, H, A, A, A, A)
    assert s.detail["games"] == {"home": 0, "away": 1}


def test_set_needs_six_games_and_two_clear() -> None:
    s = match()
    for _ in range(5):
        s = game(game(s), A)
    assert s.detail["games"] == {"home": 5, "away": 5}
    s = game(s)
    assert s.detail["games"] == {"home": 6, "away": 5}
    s = game(s)
    assert s.detail["sets"] == [{"home": 7, "away": 5}]
    assert (s.home.score, s.period.label) == (1, "Set 2")


def test_tiebreak_at_six_all_to_seven_by_two_and_its_server_order() -> None:
    s = play(match(), ("point", {"team": "home", "server": "home"}), H, H, H)
    for _ in range(5):
        s = game(game(s, A))
    s = game(s, A)
    assert s.detail["games"] == {"home": 6, "away": 6}
    assert s.detail["tiebreak"] == "set"
    first = s.detail["server"]
    servers = []
    for _ in range(6):
        servers.append(s.detail["server"])
        s = play(s, H if len(servers) % 2 else A)
    other = "away" if first == "home" else "home"
    assert servers == [first, other, other, first, first, other]
    assert s.detail["display"] == {"home": "3", "away": "3"}
    s = play(s, H, H, H, A, H)
    assert s.detail["sets"] == [{"home": 7, "away": 6, "tiebreak": {"home": 7, "away": 4}}]
    assert s.detail["server"] == other  # the first receiver of the tie-break serves next


def test_the_server_is_checked_once_known() -> None:
    s = play(match(), ("point", {"team": "home", "server": "away"}))
    refused(s, "point", {"team": "home", "server": "home"}, "it is Away City's serve")
    s = play(s, H, H, H)
    assert s.detail["server"] == "home"


def test_best_of_three_ends_at_two_sets() -> None:
    s = match()
    for _ in range(12):
        s = game(s)
    assert s.detail["winner"] == "home"
    assert (s.home.score, s.away.score) == (2, 0)
    refused(s, "point", {"team": "away"}, "the match is over: Home Town won it")
    assert play(s, "game.end").status == "final"


def test_advantage_final_set_has_no_tiebreak() -> None:
    s = match(best_of=3, final_set="advantage")
    for _ in range(6):
        s = game(s)
    for _ in range(6):
        s = game(s, A)
    for _ in range(6):
        s = game(game(s), A)
    assert s.detail["games"] == {"home": 6, "away": 6} and s.detail["tiebreak"] is None
    s = game(game(s))
    assert s.detail["sets"][-1] == {"home": 8, "away": 6}


def test_match_tiebreak_to_ten_instead_of_a_third_set() -> None:
    s = match(best_of=3, final_set="match_tiebreak", no_ad=True, doubles=True)
    for _ in range(6):
        s = game(s)
    for _ in range(6):
        s = game(s, A)
    assert s.detail["tiebreak"] == "match" and s.period.label == "Set 3"
    for _ in range(9):
        s = play(s, H, A)
    s = play(s, H, H)
    assert s.detail["sets"][-1] == {"home": 1, "away": 0, "tiebreak": {"home": 11, "away": 9}}
    assert s.detail["winner"] == "home"


def test_refusals_score_period_end_format_and_unfinished_match() -> None:
    s = match()
    refused(s, "score", {"team": "home", "points": 1}, "tennis has no event kind 'score'")
    refused(s, "period.end", match="no event kind 'period.end'")
    refused(s, "format", {"best_of": 5}, "the format is set before the match starts")
    refused(s, "game.end", match="the match is not decided")
    refused(new("tennis"), "format", {"best_of": 4}, "best_of")


def test_retirement_gives_the_match_to_the_other_side() -> None:
    s = play(match(), ("retire", {"team": "home"}))
    assert (s.detail["winner"], s.detail["retired"]) == ("away", "home")
    assert play(s, "game.end").status == "final"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=500), st.sampled_from([3, 5]))
def test_any_run_of_points_keeps_a_consistent_score(wins: list[bool], best_of: int) -> None:
    """Whatever the points, sets are won 6+ by two or 7-6, and ``score`` counts them."""
    s = match(best_of=best_of, final_set="tiebreak")
    for home_won in wins:
        if s.detail["winner"]:
            break
        s = play(s, H if home_won else A)
    sets = s.detail["sets"]
    for done in sets:
        hi, lo = max(done["home"], done["away"]), min(done["home"], done["away"])
        assert (hi == 6 and lo <= 4) or (hi == 7 and lo in (5, 6))
        assert ("tiebreak" in done) == (hi == 7 and lo == 6)
    won = [
        sum(d[side] > d[other] for d in sets)
        for side, other in (("home", "away"), ("away", "home"))
    ]
    assert [s.home.score, s.away.score] == won
    assert max(won) <= best_of // 2 + 1
    assert (s.detail["winner"] is not None) == (max(won) == best_of // 2 + 1)
