"""NBA play-by-play (stats, live JSON): the rules' running score is the source's at every record.

The importers derive points from the play (made shot, 3PT, free throw), never
from the score columns; these tests hold the rules to those columns.
"""

from __future__ import annotations

import json

import pytest

from broadcaster.importers import nba_live, nba_stats
from tests.importers.proof import fold, score, text

STATS = {
    # file: (final home, away; scoring events; (away, home) at the end of each period)
    "basketball/nba_stats_0021600270.json": (
        (126, 115), 129, [(19, 32), (53, 60), (84, 84), (105, 105), (115, 126)],
    ),
    "basketball/nba_stats_0021900001.json": (
        (130, 122), 134, [(30, 27), (61, 56), (86, 88), (117, 117), (122, 130)],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(STATS))
def test_stats_running_score_matches_every_scored_row(name: str) -> None:
    source = text(name)
    rows = nba_stats.rows_of(source)
    (game,) = nba_stats.parse(source)
    folded = fold(game)
    checked = 0
    for row, state in zip(rows, folded.as_of(len(rows)), strict=True):
        if row["SCORE"]:
            away, home = (int(x) for x in row["SCORE"].split(" - "))
            assert score(state) == (home, away), (row["EVENTNUM"], row["SCORE"])
            checked += 1
    final, scoring, periods = STATS[name]
    assert checked > scoring
    assert score(folded.final) == final
    assert folded.final.status == "final"
    assert len(folded.states("score")) == scoring
    ends = [(s.away.score, s.home.score) for s in folded.states("period.end")]
    assert ends == periods
    assert folded.final.period.label == "OT"


def test_stats_oracle_rows() -> None:
    source = text("basketball/nba_stats_0021600270.json")
    rows = nba_stats.rows_of(source)
    states = fold(nba_stats.parse(source)[0]).as_of(len(rows))
    assert score(states[2]) == (0, 2)  # Morris jumper: WAS 2, OKC 0
    assert score(states[267]) == (64, 59)
    assert score(states[536]) == (126, 115)
    (game,) = nba_stats.parse(text("basketball/nba_stats_0021900001.json"))
    other = nba_stats.rows_of(text("basketball/nba_stats_0021900001.json"))
    states = fold(game).as_of(len(other))
    assert score(states[4]) == (0, 2)
    assert score(states[281]) == (60, 65)
    assert score(states[562]) == (130, 122)


def test_stats_timeouts_in_overtime_are_accepted() -> None:
    """OKC took eight timeouts, one in overtime: overtime adds timeouts, as the NBA rules do."""
    (game,) = nba_stats.parse(text("basketball/nba_stats_0021600270.json"))
    folded = fold(game)
    taken = [s for s, _ in folded.trail if s.kind == "timeout" and s.data["team"] == "home"]
    assert len(taken) == 8
    assert folded.final.detail["timeouts"]["home"] >= 0


def test_live_running_score_matches_every_action() -> None:
    source = text("basketball/nba_live_0022000001.json")
    actions = json.loads(source)["game"]["actions"]
    (game,) = nba_live.parse(source)
    folded = fold(game)
    states = folded.as_of(len(actions))
    for action, state in zip(actions, states, strict=True):
        if state is not None:
            assert score(state) == (int(action["scoreHome"]), int(action["scoreAway"])), action
    assert score(folded.final) == (125, 99)
    assert (folded.final.home.short, folded.final.away.short) == ("BKN", "GSW")
    assert len(folded.states("score")) == 120
    ends = [score(s) for s in folded.states("period.end")]
    assert ends == [(40, 25), (63, 45), (99, 71), (125, 99)]
    assert score(states[4]) == (0, 1)
    assert score(states[331]) == (69, 47)
    assert score(states[607]) == (125, 99)
