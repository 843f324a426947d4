"""Tennis point by point: 940 qualifying matches and two Grand Slam files, point for point."""

from __future__ import annotations

import csv
import io

import pytest

from broadcaster.importers import tennis_pbp, tennis_slam
from broadcaster.importers.common import ImportedGame
from broadcaster.protocol import GameState
from tests.importers.proof import fold, text

PBP = "tennis/pbp_matches_atp_qual_current.csv"
SLAMS = {
    "tennis/slam_2011-wimbledon-points.csv": "tennis/slam_2011-wimbledon-matches.csv",
    "tennis/slam_2019-usopen-points-mixed.csv": "tennis/slam_2019-usopen-matches-mixed.csv",
}


def written(state: GameState) -> str:
    """The sets as the source writes them: from the winner's side, loser's tie-break points."""
    winner = state.detail["winner"]
    parts = []
    for s in state.detail["sets"]:
        mine, theirs = (s["home"], s["away"]) if winner == "home" else (s["away"], s["home"])
        tb = s.get("tiebreak")
        parts.append(f"{mine}-{theirs}" + (f"({min(tb.values())})" if tb else ""))
    return " ".join(parts)


def test_all_940_qualifying_matches_reproduce_their_score() -> None:
    source = text(PBP)
    rows = list(csv.DictReader(io.StringIO(source)))
    games = tennis_pbp.parse(source)
    assert len(rows) == len(games) == 940
    mismatches = []
    for row, game in zip(rows, games, strict=True):
        final = fold(game).final
        winner = "home" if row["winner"] == "1" else "away"
        if (written(final), final.detail["winner"]) != (row["score"].strip(), winner):
            mismatches.append((row["pbp_id"], row["score"], written(final)))
        assert final.status == "final"
    assert mismatches == []


def pbp_game(pbp_id: str) -> ImportedGame:
    return next(g for g in tennis_pbp.parse(text(PBP)) if g.game_id == f"tennis-pbp-{pbp_id}")


@pytest.mark.parametrize(
    ("pbp_id", "score", "points", "best_of"),
    [
        ("10462839", "6-4 6-4", 138, 3),
        ("10434932", "6-7(4) 6-4 6-4", None, 3),
        ("11325301", "4-6 7-6(7) 6-4 4-6 12-10", None, 5),  # advantage fifth set
    ],
)
def test_oracle_matches(pbp_id: str, score: str, points: int | None, best_of: int) -> None:
    game = pbp_game(pbp_id)
    final = fold(game).final
    assert written(final) == score
    assert final.detail["format"]["best_of"] == best_of
    if points is not None:
        assert sum(1 for s in game.steps if s.kind == "point") == points


def slam(points_file: str) -> tuple[list[dict[str, str]], list[ImportedGame]]:
    source = text(points_file)
    rows = list(csv.DictReader(io.StringIO(source)))
    return rows, tennis_slam.parse(source, text(SLAMS[points_file]))


# The source's server column slips once: in the match tie-break of 5108 point
# 97 is served by player 2 though the rotation (and the points around it)
# says player 1. The rules keep the rotation.
SERVER_SLIPS = {("2019-usopen-5108", "97")}


@pytest.mark.parametrize("points_file", sorted(SLAMS))
def test_slam_games_points_and_server_after_every_point(points_file: str) -> None:
    rows, games = slam(points_file)
    checked, slips = 0, set()
    for game in games:
        for step, before, after in fold(game).before("point"):
            row, d = rows[step.ref or 0], after.detail
            set_over = int(row["SetWinner"]) or d["winner"]
            games_now = d["sets"][-1] if set_over else d["games"]
            where = (row["match_id"], row["PointNumber"])
            listed = (int(row["P1GamesWon"]), int(row["P2GamesWon"]))
            assert (games_now["home"], games_now["away"]) == listed, where
            assert (d["display"]["home"], d["display"]["away"]) == (row["P1Score"], row["P2Score"])
            server = tennis_slam.server_side(row["PointServer"])
            if before.detail["server"] is not None and server != before.detail["server"]:
                slips.add((row["match_id"], row["PointNumber"]))
            checked += 1
    ids = {g.game_id.removeprefix("tennis-slam-") for g in games}
    assert slips == {s for s in SERVER_SLIPS if s[0] in ids}
    assert checked == sum(1 for r in rows if r["PointNumber"].strip("0XY"))


def test_wimbledon_2011_final() -> None:
    rows, games = slam("tennis/slam_2011-wimbledon-points.csv")
    game = next(g for g in games if g.game_id.endswith("1701"))
    folded = fold(game)
    final = folded.final
    assert (final.home.name, final.away.name) == ("Rafael Nadal", "Novak Djokovic")
    sets = [(s["home"], s["away"]) for s in final.detail["sets"]]
    assert sets == [(4, 6), (1, 6), (6, 1), (3, 6)]
    assert final.detail["winner"] == "away"
    assert (final.home.score, final.away.score) == (1, 3)
    won = [s.data["team"] for s in game.steps if s.kind == "point"]
    assert (len(won), won.count("home"), won.count("away")) == (177, 82, 95)
    after = {rows[s.ref or 0]["PointNumber"]: st for s, st in folded.trail if s.kind == "point"}
    assert after["10"].detail["display"] == {"home": "40", "away": "15"}
    assert after["10"].detail["games"] == {"home": 0, "away": 1}
    assert after["88"].detail["display"] == {"home": "0", "away": "40"}
    assert after["88"].period.label == "Set 2"


def test_mixed_doubles_match_tiebreak_and_no_ad() -> None:
    _, games = slam("tennis/slam_2019-usopen-points-mixed.csv")
    by_id = {g.game_id[12:]: fold(g).final for g in games}
    mtb = by_id["2019-usopen-5104"]
    assert mtb.detail["sets"][-1] == {"home": 0, "away": 1, "tiebreak": {"home": 11, "away": 13}}
    assert mtb.detail["winner"] == "away"
    final = by_id["2019-usopen-5501"]
    assert [(s["home"], s["away"]) for s in final.detail["sets"]] == [(2, 6), (3, 6)]
    assert (final.home.name, final.away.name) == (
        "Hao Ching Chan / Michael Venus", "Bethanie Mattek Sands / Jamie Murray")  # fmt: skip
    semi = by_id["2019-usopen-5401"]
    assert semi.detail["sets"][0] == {"home": 7, "away": 6, "tiebreak": {"home": 7, "away": 3}}
    assert [(s["home"], s["away"]) for s in semi.detail["sets"]] == [(7, 6), (7, 5)]


def test_retirements_end_the_match() -> None:
    _, games = slam("tennis/slam_2011-wimbledon-points.csv")
    retired = [fold(g).final for g in games if any(s.kind == "retire" for s in g.steps)]
    assert len(retired) == 3
    assert all(f.status == "final" and f.detail["retired"] for f in retired)
