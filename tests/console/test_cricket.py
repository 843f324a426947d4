"""Cricket at the console: short forms, the batters and bowler kept, unknown words refused."""

from __future__ import annotations

from typing import Any

import pytest

from broadcaster.console.commands import Emit, SetCrease
from tests.console.builders import Fed
from tests.console.test_commands import emit, refused

CRICKET = {
    "sport": "cricket",
    "league": "T20",
    "home": {"name": "England", "short": "ENG"},
    "away": {"name": "West Indies", "short": "WI"},
}


def innings() -> Fed:
    fed = Fed("wt20", CRICKET)
    fed.feed("toss", {"won_by": "away", "elected": "field"})
    return fed.live().loaded()


def crease(fed: Fed, *lines: str) -> Fed:
    for line in lines:
        cmd = fed.parse(line)
        assert isinstance(cmd, SetCrease), cmd
        fed.model.set_crease(fed.game_id, cmd.crease)
    return fed


def ball(fed: Fed, line: str) -> dict[str, Any]:
    kind, data = emit(fed, line)
    assert kind == "delivery"
    fed.feed(kind, data)
    return data


@pytest.mark.parametrize(
    ("line", "data"),
    [
        ("b 0", {"runs": 0}),
        (".", {"runs": 0}),
        ("4", {"runs": 4}),
        ("b 6", {"runs": 6}),
        ("1wd", {"runs": 0, "extras": {"wides": 1}}),
        ("wd", {"runs": 0, "extras": {"wides": 1}}),
        ("5wd", {"runs": 0, "extras": {"wides": 5}}),
        ("2lb", {"runs": 0, "extras": {"legbyes": 2}}),
        ("b 4b", {"runs": 0, "extras": {"byes": 4}}),
        ("nb", {"runs": 0, "extras": {"noballs": 1}}),
        ("4nb", {"runs": 4, "extras": {"noballs": 1}}),
        ("nb 2b", {"runs": 0, "extras": {"noballs": 1, "byes": 2}}),
        ("W bowled", {"runs": 0, "wicket": {"kind": "bowled"}}),
        ("W lbw", {"runs": 0, "wicket": {"kind": "lbw"}}),
        ("1 W ro Pollard", {"runs": 1, "wicket": {"kind": "run out", "fielders": ["Pollard"]}}),
        ("b 2 text=\"top edge\"", {"runs": 2, "text": "top edge"}),
    ],
)  # fmt: skip
def test_a_ball_in_its_short_form(line: str, data: dict[str, Any]) -> None:
    assert emit(innings(), line) == ("delivery", data)


def test_the_batters_and_the_bowler_are_kept_between_balls() -> None:
    fed = crease(innings(), 'bat "JJ Roy" "AD Hales"', 'bowler "S Badree"')
    first = ball(fed, "0")
    assert first == {"runs": 0, "batter": "JJ Roy", "non_striker": "AD Hales", "bowler": "S Badree"}
    out = ball(fed, "W bowled Roy")
    assert out["wicket"] == {"kind": "bowled", "player_out": "JJ Roy"}
    assert "who comes in" in refused(fed, "1")  # the gap must be filled first
    crease(fed, 'bat "JE Root"')
    assert ball(fed, "1")["batter"] == "JE Root"  # the new batter faces
    assert ball(fed, "1lb")["batter"] == "AD Hales"  # they crossed on the single
    assert ball(fed, "1wd")["batter"] == "JE Root"  # ...and again: a wide, not a legal ball
    ball(fed, "2")
    last = ball(fed, "W caught Badree")  # the over's sixth legal ball
    assert last["wicket"] == {"kind": "caught", "fielders": ["Badree"], "player_out": "JE Root"}
    crease(fed, 'bat "JC Buttler"')
    assert "who bowls it? bowler NAME (S Badree bowled the last one)" in refused(fed, "0")
    crease(fed, 'bowler "AD Russell"')
    next_over = ball(fed, "0")  # ends changed: Hales faces the new over
    assert (next_over["batter"], next_over["non_striker"]) == ("AD Hales", "JC Buttler")
    assert next_over["bowler"] == "AD Russell"
    crease(fed, "swap")
    assert ball(fed, "0")["batter"] == "JC Buttler"
    # a ball amended later keeps the batters and bowler it had
    amended = fed.parse("amend 7 2lb")  # the first ball after Roy's wicket: Root's single
    assert isinstance(amended, Emit)
    assert amended.data["data"] == {"runs": 0, "extras": {"legbyes": 2}, "batter": "JE Root",
                                    "non_striker": "AD Hales", "bowler": "S Badree"}  # fmt: skip


def test_a_wicket_names_the_fielder_the_bowler_and_the_batter_out() -> None:
    fed = crease(innings(), "bat Charles Gayle", "bowler Root")
    data = ball(fed, "W caught Root b Willey")
    assert data["wicket"] == {"kind": "caught", "fielders": ["Root"], "player_out": "Charles"}
    assert data["bowler"] == "Willey"
    crease(fed, "bat Samuels")
    data = ball(fed, "1 W run out Buttler out Gayle")
    assert data["wicket"]["player_out"] == "Gayle"
    assert "who comes in" in refused(fed, "W bowled Samuels")
    crease(fed, "bat Bravo")
    assert "Pollard is not batting; Bravo and Samuels are" in refused(fed, "W lbw Pollard")


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("b 1 wd", "a wide is not also"),  # once stored as a legal ball with the text "wd"
        ("b 1 lovely", "a ball does not take 'lovely'"),
        ("b wicket=bowled", "wicket"),
        ("W", "W needs how"),
        ("W sneezed", "W needs how"),
        ("b 9", "runs off the bat are 0 to 7, not 9"),
        ("b 10", "a ball does not take '10'"),
        ("ev delivery runs=1 wd", "delivery does not take 'wd'"),
    ],
)
def test_a_word_the_grammar_does_not_know_is_refused(line: str, words: str) -> None:
    assert words in refused(innings(), line)


def test_ev_takes_json_for_a_structured_field() -> None:
    _, data = emit(innings(), 'ev delivery runs=0 extras={"legbyes":1}')
    assert data == {"runs": 0, "extras": {"legbyes": 1}}
