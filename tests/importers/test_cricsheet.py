"""Cricsheet T20 finals: runs and wickets after every delivery, overs, target and result."""

from __future__ import annotations

import pytest
import yaml

from broadcaster.importers import cricsheet
from broadcaster.importers.common import SourceError
from tests.importers.proof import fold, text

FILES = {
    # file: [(team, runs, wickets, overs)], result, [(delivery 30 runs, wickets) per innings]
    "cricket/cricsheet_951373.yaml": (
        [("England", 155, 9, "20.0"), ("West Indies", 161, 6, "19.4")],
        "West Indies won by 4 wickets", [(23, 3), (21, 3)],
    ),
    "cricket/cricsheet_682965.yaml": (
        [("India", 130, 4, "20.0"), ("Sri Lanka", 134, 4, "17.5")],
        "Sri Lanka won by 6 wickets", [(23, 1), (37, 1)],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_delivery_matches_the_running_total(name: str) -> None:
    source = text(name)
    doc = yaml.safe_load(source)
    (game,) = cricsheet.parse(source)
    folded = fold(game)
    after = [state for step, state in folded.trail if step.kind == "delivery"]
    expected = []
    for item in doc["innings"]:
        ((_, innings),) = item.items()
        runs = wickets = 0
        for delivery in innings["deliveries"]:
            ((_, body),) = delivery.items()
            runs += body["runs"]["total"]
            wickets += "wicket" in body
            expected.append((runs, wickets))
    assert len(after) == len(expected)
    for index, (state, (runs, wickets)) in enumerate(zip(after, expected, strict=True)):
        inn = state.detail["innings"][-1]
        assert (inn["runs"], inn["wickets"]) == (runs, wickets), index
        assert state.team(inn["team"]).score == runs
    innings, result, at_30 = FILES[name]
    final = folded.final
    got = [(final.team(i["team"]).name, i["runs"], i["wickets"], i["overs"])
           for i in final.detail["innings"]]  # fmt: skip
    assert got == innings
    assert final.detail["result"] == result
    assert final.detail["result"].startswith(doc["info"]["outcome"]["winner"])
    assert final.detail["target"] == innings[0][1] + 1
    assert final.status == "final"
    first = len(doc["innings"][0]["1st innings"]["deliveries"])
    thirty = [after[29], after[first + 29]]
    assert [(s.detail["innings"][-1]["runs"], s.detail["innings"][-1]["wickets"])
            for s in thirty] == at_30  # fmt: skip


def test_last_ball_six_wins_the_2016_final() -> None:
    (game,) = cricsheet.parse(text("cricket/cricsheet_951373.yaml"))
    last = [s for s in game.steps if s.kind == "delivery"][-1]
    assert last.data["runs"] == 6
    assert last.data["text"] == "19.4 BA Stokes to CR Brathwaite"


def test_ball_keys_stay_text() -> None:
    """``0.10`` must not become the float 0.1 (the tenth ball of an over with extras)."""
    doc = cricsheet.load("info: {teams: [A, B]}\ninnings:\n  - 1st innings:\n"
                         "      deliveries:\n        - 0.1: {}\n        - 0.10: {}\n")  # fmt: skip
    balls = [ball for ball, _ in cricsheet.deliveries(doc["innings"][0]["1st innings"])]
    assert balls == ["0.1", "0.10"]


def test_not_a_cricsheet_file() -> None:
    with pytest.raises(SourceError, match="not a Cricsheet match"):
        cricsheet.parse("meta: {data_version: 0.9}\n")
    with pytest.raises(SourceError, match="not YAML"):
        cricsheet.parse("info: [unclosed\n")
