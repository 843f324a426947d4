"""``simulate``: every sport plays whole, rules-valid games, the same for the same seed."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import pytest

from broadcaster.cli import main
from broadcaster.feed import parse_feed
from broadcaster.simulate import SIMULATORS, simulate
from broadcaster.sports import SPORTS
from tests.importers.proof import fold


def test_every_sport_has_a_simulator() -> None:
    assert set(SIMULATORS) == set(SPORTS)


@pytest.mark.parametrize("sport", sorted(SIMULATORS))
def test_simulated_games_are_whole_valid_and_reproducible(sport: str) -> None:
    finals = []
    for seed in range(8):
        game = simulate(sport, seed)
        final = fold(game).final  # every event passes the rules
        assert final.status == "final"
        assert final.sport == sport
        ats = [s.at for s in game.steps]
        assert ats == sorted(ats) and ats[-1] > 0
        finals.append(final)
    assert simulate(sport, 3).steps == simulate(sport, 3).steps
    assert simulate(sport, 3).steps != simulate(sport, 4).steps
    assert len({(f.home.score, f.away.score, len(f.detail)) for f in finals}) > 1


def test_simulate_unknown_sport() -> None:
    with pytest.raises(ValueError, match="no simulator for 'curling'"):
        simulate("curling")


def test_cli_simulate_writes_a_feed() -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["simulate", "ice_hockey", "--seed", "2", "--games", "2"]) == 0
    items = list(parse_feed(out.getvalue().splitlines()))
    assert {i.publish.game_id for i in items} == {"sim-ice-hockey-2", "sim-ice-hockey-3"}
    assert items[0].publish.kind == "game.create"
