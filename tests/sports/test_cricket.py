"""Cricket rules: legal balls and overs, extras, wickets, innings, target, result, super over."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from broadcaster.protocol import GameState
from tests.sports.rules import new, play, refused

DOT: tuple[str, dict[str, Any]] = ("delivery", {"runs": 0})


def ball(**data: Any) -> tuple[str, dict[str, Any]]:
    return ("delivery", data)


def t20(overs_league: str = "T20", won_by: str = "home", elected: str = "bat") -> GameState:
    toss = ("toss", {"won_by": won_by, "elected": elected})
    return play(new("cricket", overs_league), toss, "game.start", "period.start")


def test_toss_decides_who_bats_first() -> None:
    refused(play(new("cricket"), "game.start"), "period.start", match="record the toss first")
    s = t20(won_by="home", elected="field")
    assert (s.detail["batting"], s.period.label) == ("away", "1st innings")
    refused(s, "toss", {"won_by": "home", "elected": "bat"}, "the toss comes before")


def test_an_over_is_six_legal_balls_wides_and_no_balls_are_not() -> None:
    s = t20()
    s = play(s, DOT, DOT, ball(extras={"wides": 1}), ball(runs=4, extras={"noballs": 1}))
    inn = s.detail["innings"][-1]
    assert (inn["runs"], inn["balls"], inn["overs"], inn["extras"]) == (6, 2, "0.2", 2)
    assert s.home.score == 6
    s = play(s, DOT, DOT, DOT, ball(runs=6))
    assert s.detail["innings"][-1]["overs"] == "1.0"
    assert s.detail["this_over"] == [".", ".", "1wd", "5nb", ".", ".", ".", "6", "|"]
    s = play(s, ball(extras={"legbyes": 2}))
    assert s.detail["this_over"] == ["2lb"]


def test_extras_and_wickets_are_validated() -> None:
    s = t20()
    refused(s, "delivery", {"runs": 9}, "runs off the bat are 0 to 7, not 9")
    refused(s, "delivery", {"runs": 1, "extras": {"wides": 1}}, "nothing is scored off the bat")
    refused(s, "delivery", {"extras": {"byes": 1, "legbyes": 1}}, "either byes or leg-byes")
    refused(s, "delivery", {"wicket": {"kind": "bowled"}, "extras": {"noballs": 1}},
            "cannot be out bowled off a no-ball")  # fmt: skip
    refused(s, "delivery", {"wicket": {"kind": "lbw"}, "extras": {"wides": 1}},
            "cannot be out lbw off a wide")  # fmt: skip
    refused(s, "delivery", {"wicket": {"kind": "tickled"}}, "unknown dismissal")
    refused(s, "score", {"team": "home", "points": 1}, "cricket has no event kind 'score'")
    s = play(s, ball(wicket={"kind": "stumped", "player_out": "A"}, extras={"wides": 1}))
    s = play(s, ball(wicket={"kind": "retired hurt", "player_out": "B"}))
    assert s.detail["innings"][-1]["wickets"] == 1  # retired hurt is not a wicket


def test_all_out_ends_the_innings_and_sets_the_target() -> None:
    s = play(t20(), ball(runs=4))
    for _ in range(10):
        s = play(s, ball(wicket={"kind": "bowled", "player_out": "X"}))
    refused(s, "delivery", {"runs": 1}, "the 1st innings is over: the batting side is all out")
    s = play(s, "period.end", "period.start")
    assert (s.detail["batting"], s.detail["target"], s.period.label) == ("away", 5, "2nd innings")


def test_overs_run_out_and_the_chase_wins_by_wickets() -> None:
    s = t20("T10")
    for _ in range(60):
        s = play(s, ball(runs=1))
    refused(s, "delivery", {"runs": 1}, "all 10 overs have been bowled")
    refused(s, "game.end", match="two innings")
    s = play(s, "period.end", "period.start")
    for _ in range(59):
        s = play(s, ball(runs=1))
    assert s.detail["result"] is None
    s = play(s, DOT)
    assert s.detail["result"] == "Home Town won by 1 run"
    refused(s, "delivery", {"runs": 1}, "all 10 overs")
    s = play(t20("T10"), *[ball(runs=2)] * 3, "period.end", "period.start",
             ball(runs=4), ball(wicket={"kind": "lbw"}), ball(runs=3))  # fmt: skip
    assert s.detail["result"] == "Away City won by 9 wickets"
    refused(s, "delivery", {"runs": 1}, "the target has been reached")
    assert play(s, "period.end", "game.end").status == "final"


def test_defending_side_wins_by_runs_and_a_tie_allows_a_super_over() -> None:
    s = play(t20("T10"), ball(runs=4), "period.end", "period.start", ball(runs=1))
    s = play(s, "period.end")
    assert s.detail["result"] == "Home Town won by 3 runs"
    refused(s, "period.start", match="a super over is only played when the scores are tied")
    s = play(t20("T10"), ball(runs=2), "period.end", "period.start", ball(runs=2), "period.end")
    assert s.detail["result"] == "Match tied"
    s = play(s, "period.start")
    assert (s.period.label, s.detail["batting"]) == ("Super over 1", "away")
    s = play(s, ball(wicket={"kind": "bowled"}), ball(wicket={"kind": "bowled"}))
    refused(s, "delivery", {}, "all out")  # two wickets in a super over
    s = play(s, "period.end", "period.start", ball(runs=1))
    assert s.detail["result"] == "Home Town won by the super over"
    assert (s.home.score, s.away.score) == (2, 2)  # super-over runs are not match runs


DELIVERIES = st.one_of(
    st.builds(lambda r: {"runs": r}, st.sampled_from([0, 1, 2, 3, 4, 6])),
    st.just({"extras": {"wides": 1}}),
    st.builds(lambda r: {"runs": r, "extras": {"noballs": 1}}, st.sampled_from([0, 1, 4])),
    st.just({"extras": {"legbyes": 1}}),
    st.just({"wicket": {"kind": "caught", "player_out": "X"}}),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(DELIVERIES, max_size=160))
def test_an_innings_never_passes_its_overs_or_ten_wickets(balls: list[dict[str, Any]]) -> None:
    s, runs = t20("T10"), 0
    for data in balls:
        if s.detail["innings"][-1]["wickets"] == 10 or s.detail["innings"][-1]["balls"] == 60:
            refused(s, "delivery", data, "is over")
            break
        s = play(s, ("delivery", data))
        runs += data.get("runs", 0) + sum(data.get("extras", {}).values())
    inn = s.detail["innings"][-1]
    assert (inn["runs"], s.home.score) == (runs, runs)
    assert inn["balls"] <= 60 and inn["wickets"] <= 10
    assert inn["overs"] == f"{inn['balls'] // 6}.{inn['balls'] % 6}"
