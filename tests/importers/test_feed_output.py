"""``broadcaster import``: the feed it writes is valid, deterministic and replays."""

from __future__ import annotations

import io
from collections import defaultdict

import pytest

from broadcaster.cli import main
from broadcaster.feed import parse_feed
from broadcaster.importers import FORMATS, run_import
from tests.importers.proof import real, replay_pure

SAMPLES = {
    "nba-stats": ("basketball/nba_stats_0021600270.json", None, 1),
    "nba-live": ("basketball/nba_live_0022000001.json", None, 1),
    "openfootball": ("soccer/openfootball_worldcup_2022.json", None, 64),
    "tennis-slam": ("tennis/slam_2019-usopen-points-mixed.csv",
                    "tennis/slam_2019-usopen-matches-mixed.csv", 27),
    "tennis-pbp": ("tennis/pbp_matches_atp_qual_current.csv", None, 940),
    "cricsheet": ("cricket/cricsheet_682965.yaml", None, 1),
    "nhl": ("hockey/nhl_2017020006.csv", None, 1),
}  # fmt: skip


def test_every_format_has_a_sample() -> None:
    assert set(SAMPLES) == set(FORMATS)


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_import_writes_a_valid_feed(fmt: str) -> None:
    path, matches, count = SAMPLES[fmt]
    out = io.StringIO()
    n = run_import(fmt, str(real(path)), str(real(matches)) if matches else None, out=out)
    lines = out.getvalue().splitlines()
    assert n == count
    games = replay_pure(lines)
    assert len(games) == count
    assert all(g.status == "final" for g in games.values())
    ids = [item.publish.id for item in parse_feed(lines)]
    assert len(ids) == len(set(ids))  # unique publish ids
    again = io.StringIO()
    run_import(fmt, str(real(path)), str(real(matches)) if matches else None, out=again)
    assert again.getvalue() == out.getvalue()  # deterministic: a re-run sends the same ids


def test_first_line_of_each_game_creates_it() -> None:
    out = io.StringIO()
    run_import("openfootball", str(real("soccer/openfootball_worldcup_2018.json")), out=out)
    first: dict[str, str] = {}
    kinds: defaultdict[str, int] = defaultdict(int)
    for item in parse_feed(out.getvalue().splitlines()):
        first.setdefault(item.publish.game_id, item.publish.kind)
        kinds[item.publish.kind] += 1
    assert set(first.values()) == {"game.create"}
    assert kinds["score"] == 169


def test_cli_import_and_its_errors(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(real("hockey/nhl_2017020001.csv"))
    assert main(["import", "nhl", path, "--game", "nhl-"]) == 0
    assert '"kind":"game.create"' in capsys.readouterr().out.splitlines()[0]
    assert main(["import", "nhl", "no-such-file.csv"]) == 2
    assert "cannot read no-such-file.csv" in capsys.readouterr().err
    assert main(["import", "cricsheet", path]) == 2
    assert "not YAML" in capsys.readouterr().err
