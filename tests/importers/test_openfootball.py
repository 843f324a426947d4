"""openfootball World Cups: every match's half-time, full-time, extra-time and shoot-out score."""

from __future__ import annotations

import json

import pytest

from broadcaster.importers import openfootball
from broadcaster.importers.common import SourceError
from tests.importers.proof import fold, score, text

FILES = {
    # file: (goals, own goals, penalties, matches to extra time, to a shoot-out)
    "soccer/openfootball_worldcup_2018.json": (169, 12, 22, 5, 4),
    "soccer/openfootball_worldcup_2022.json": (172, 2, 17, 5, 5),
}

# Five half-time scores in the source contradict its own goal minutes, and the
# real matches agree with the minutes (e.g. Japan 0-0 Poland at half-time,
# Bednarek scored at 59'; Netherlands 0-1 Argentina, Molina at 35').
WRONG_HT = {  # game: (ours, listed)
    "openfootball-2018-47-jpn-pol": ((0, 0), (0, 1)),
    "openfootball-2018-48-sen-col": ((0, 0), (0, 1)),
    "openfootball-2022-29-jpn-esp": ((0, 1), (0, 0)),
    "openfootball-2022-41-srb-sui": ((2, 2), (2, 1)),
    "openfootball-2022-58-ned-arg": ((0, 1), (1, 0)),
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_match_reproduces_its_scores(name: str) -> None:
    source = text(name)
    matches = json.loads(source)["matches"]
    games = openfootball.parse(source)
    assert len(games) == len(matches) == 64
    goals = own = pens = extra = shootouts = 0
    for match, game in zip(matches, games, strict=True):
        folded = fold(game)
        result = match["score"]
        ends = [score(s) for s in folded.states("period.end")]
        if game.game_id in WRONG_HT:  # the goal minutes are right, the listed ht is not
            assert (ends[0], tuple(result["ht"])) == WRONG_HT[game.game_id]
        elif "ht" in result:  # 7 matches of 2022 have no half-time score
            assert ends[0] == tuple(result["ht"]), game.game_id
        assert ends[1] == tuple(result["ft"]), game.game_id
        assert score(folded.final) == tuple(result.get("et", result["ft"])), game.game_id
        shootout = folded.final.detail["shootout"]
        if "p" in result:
            assert (shootout["home"], shootout["away"]) == tuple(result["p"]), game.game_id
            assert folded.final.period.label == "PEN"
        else:
            assert shootout is None
        extra += "et" in result
        shootouts += "p" in result
        for step, _ in folded.trail:
            if step.kind == "score":
                goals += 1
                own += bool(step.data.get("own_goal"))
                pens += bool(step.data.get("penalty"))
        assert folded.final.status == "final"
    assert (goals, own, pens, extra, shootouts) == FILES[name]


def running(name: str, number: int) -> list[tuple[int, int]]:
    game = openfootball.parse(text(name))[number - 1]
    return [score(s) for s in fold(game).states("score")]


def test_finals_running_scores_goals_sorted_in_time() -> None:
    assert running("soccer/openfootball_worldcup_2018.json", 64) == [
        (1, 0), (1, 1), (2, 1), (3, 1), (4, 1), (4, 2),
    ]  # fmt: skip
    assert running("soccer/openfootball_worldcup_2022.json", 64) == [
        (1, 0), (2, 0), (2, 1), (2, 2), (3, 2), (3, 3),
    ]  # fmt: skip
    # the opener lists Cheryshev's 90+1 before Dzyuba's 71st-minute goal
    games = openfootball.parse(text("soccer/openfootball_worldcup_2018.json"))
    texts = [s.data["text"] for s in games[0].steps if s.kind == "score"]
    assert texts == ["12' Gazinsky", "43' Cheryshev", "71' Dzyuba", "90+1' Cheryshev",
                     "90+4' Golovin"]  # fmt: skip


def test_own_goal_counts_for_the_team_credited() -> None:
    game = openfootball.parse(text("soccer/openfootball_worldcup_2018.json"))[63]
    first = next(s for s in game.steps if s.kind == "score")
    assert first.data == {"team": "home", "points": 1, "player": "Mandžukić",
                          "own_goal": True, "text": "18' Mandžukić (own goal)"}  # fmt: skip


def test_stoppage_time_goal_stays_in_its_half() -> None:
    """Neymar's 105+1 is in the first half of extra time; 90+11 is still the second half."""
    assert openfootball.period_of(105) == 3
    assert openfootball.period_of(90) == 2
    assert openfootball.period_of(45) == 1
    assert openfootball.period_of(106) == 4


def test_shootout_kicks_end_exactly_at_the_tally() -> None:
    for home, away in [(4, 2), (3, 4), (1, 3), (3, 0), (5, 4), (7, 6)]:
        kicks = openfootball.shootout_kicks(home, away)
        assert sum(s for t, s in kicks if t == "home") == home
        assert sum(s for t, s in kicks if t == "away") == away
    with pytest.raises(SourceError):
        openfootball.shootout_kicks(6, 0)  # decided long before six goals


def test_not_an_openfootball_file() -> None:
    with pytest.raises(SourceError, match="not an openfootball"):
        openfootball.parse('{"rounds": []}')
