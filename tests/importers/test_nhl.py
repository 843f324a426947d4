"""NHL play-by-play: the score before and after every goal, overtime and the shoot-out.

The trap: a GOAL row's score columns hold the score BEFORE that goal.
"""

from __future__ import annotations

import csv
import io

import pytest

from broadcaster.importers import nhl
from broadcaster.importers.common import SourceError
from tests.importers.proof import fold, text

FILES = {
    # file: (final away, home), goals in regulation/OT, last period, {row: (away, home) after}
    "hockey/nhl_2017020001.csv": ((7, 2), 9, "P3", {91: (1, 0), 153: (4, 0), 278: (6, 1),
                                                     284: (7, 2)}),
    "hockey/nhl_2017020002.csv": ((5, 4), 9, "OT", {44: (0, 1), 213: (3, 2), 325: (4, 4),
                                                     349: (5, 4)}),
    "hockey/nhl_2017020006.csv": ((3, 2), 4, "SO", {275: (2, 2)}),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(FILES))
def test_score_before_and_after_every_goal(name: str) -> None:
    source = text(name)
    rows = list(csv.DictReader(io.StringIO(source)))
    (game,) = nhl.parse(source)
    folded = fold(game)
    final_score, goals, last, oracle = FILES[name]
    seen = 0
    for step, before, after in folded.before("score"):
        row = rows[step.ref or 0]
        listed = (int(row["Away_Score"]), int(row["Home_Score"]))
        assert (before.away.score, before.home.score) == listed  # the row shows the score before
        nxt = rows[(step.ref or 0) + 1]
        assert (after.away.score, after.home.score) == (
            int(nxt["Away_Score"]), int(nxt["Home_Score"]))  # fmt: skip
        if step.ref in oracle:
            assert (after.away.score, after.home.score) == oracle[step.ref]
        seen += 1
    assert seen == goals
    final = folded.final
    assert (final.away.score, final.home.score) == final_score
    assert (int(rows[-1]["Away_Score"]), int(rows[-1]["Home_Score"])) == final_score
    assert final.period.label == last
    assert final.status == "final"


def test_shootout_winner_gains_one_goal() -> None:
    (game,) = nhl.parse(text("hockey/nhl_2017020006.csv"))
    final = fold(game).final
    so = final.detail["shootout"]
    assert (so["away"], so["home"]) == (1, 0)
    assert [k["scored"] for k in so["kicks"]] == [False, False, False, True, False]
    assert final.away.short == "MTL"


def test_penalties_are_counted() -> None:
    (game,) = nhl.parse(text("hockey/nhl_2017020002.csv"))
    final = fold(game).final
    assert len(final.detail["penalties"]) == 9
    assert final.detail["penalty_minutes"] == {"home": 8, "away": 10}
    assert final.detail["penalties"][0]["infraction"] == "Hooking"


def test_not_an_nhl_file() -> None:
    with pytest.raises(SourceError):
        nhl.parse("a,b\n1,2\n")
