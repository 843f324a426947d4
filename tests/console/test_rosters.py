"""Line-ups and shirt numbers: ``g a 10``, ``h2 0``, one spelling per player, a stranger flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadcaster.console.commands import Emit
from broadcaster.console.names import matches, same
from broadcaster.console.rosters import RosterCommand, parse_lines
from broadcaster.console.session import Console
from broadcaster.console.words import CommandError
from tests.console.builders import SOCCER, Fed
from tests.console.drivers import console_on
from tests.console.test_commands import emit, refused

OKC_WAS = {
    "sport": "basketball",
    "league": "NBA",
    "home": {"name": "Oklahoma City Thunder", "short": "OKC"},
    "away": {"name": "Washington Wizards", "short": "WAS"},
}


def rostered(fed: Fed, *lines: str) -> Fed:
    for line in lines:
        cmd = fed.parse(line)
        assert isinstance(cmd, RosterCommand), cmd
        fed.model.rosters.setdefault(fed.game_id, {})[cmd.side] = cmd.players
    return fed


def final() -> Fed:
    return rostered(
        Fed("wc", SOCCER).live().loaded(),
        "roster h 10=Mbappé 7=Griezmann 6=Pogba 9=Giroud 18=Fekir",
        "roster a 10=Modrić 17=Mandžukić 4=Perišić",
    )


def warning(fed: Fed, line: str) -> str:
    cmd = fed.parse(line)
    assert isinstance(cmd, Emit), cmd
    return cmd.warning


@pytest.mark.parametrize(
    ("line", "player"),
    [("g h 10", "Mbappé"), ("g h #10", "Mbappé"), ("goal FRA #7", "Griezmann"),
     ("g a 4 text=\"28'\"", "Perišić"), ("yc a 10", "Modrić"), ("g h pen #7", "Griezmann")],
)  # fmt: skip
def test_a_shirt_number_names_the_player(line: str, player: str) -> None:
    _, data = emit(final(), line)
    assert data["player"] == player
    assert data.get("points") is None  # not ten goals


def test_a_number_without_a_line_up_is_refused_not_guessed() -> None:
    fed = Fed("wc", SOCCER).live().loaded()
    assert "no line-up loaded for this team (roster TEAM 10=NAME)" in refused(fed, "g h #10")
    assert "a soccer score is 1 point, not 10" in refused(fed, "g h 10")
    assert "nobody wears 23" in refused(final(), "g h #23")


def test_basketball_numbers_after_the_points() -> None:
    fed = rostered(Fed("okc", OKC_WAS).live().loaded(), 'roster h 0="R. Westbrook" 12="S. Adams"',
                   'roster a 2="J. Wall" 5="M. Morris"')  # fmt: skip
    assert emit(fed, "h2 0")[1] == {"team": "home", "points": 2, "player": "R. Westbrook"}
    assert emit(fed, "a3 2")[1]["player"] == "J. Wall"
    assert emit(fed, "a2 Wall")[1]["player"] == "J. Wall"  # one spelling
    assert warning(fed, "a2 Westbrook") == "check it: R. Westbrook plays for OKC, not WAS"
    assert warning(fed, "h2 Durant") == "check it: Durant is not in OKC's line-up"
    assert warning(fed, "h2 Westbrook") == ""
    assert "cannot be own goal" in refused(fed, "h2 og R. Westbrook")


def test_without_a_line_up_the_players_seen_tell_the_teams_apart() -> None:
    fed = Fed("okc", OKC_WAS).live().loaded()
    fed.feed("score", {"team": "home", "points": 2, "player": "R. Westbrook"})
    assert warning(fed, "a2 Westbrook") == "check it: R. Westbrook plays for OKC, not WAS"
    assert emit(fed, "h3 Westbrook")[1]["player"] == "R. Westbrook"


def test_a_substitution_is_an_event_and_changes_who_is_on() -> None:
    fed = final()
    kind, data = emit(fed, "sub h 9 for 10")
    assert (kind, data) == ("substitution", {"team": "home", "on": "Giroud", "off": "Mbappé"})
    fed.feed(kind, data)
    assert warning(fed, "g h 10") == "check it: Mbappé was substituted off"
    assert warning(fed, "g h 9") == ""
    assert "sub TEAM ON for OFF" in refused(fed, "sub h 9 10")


def test_names_that_are_one_player() -> None:
    assert same("Wall", "J. Wall") and same("j wall", "John Wall") and same("JJ Roy", "Roy")
    assert not same("J. Wall", "K. Wall") and not same("Wall", "Walls")
    assert matches("Wall", ["J. Wall", "S. Wall"]) == ["J. Wall", "S. Wall"]  # ambiguous
    assert matches("S. Wall", ["J. Wall", "S. Wall"]) == ["S. Wall"]


def test_a_line_up_file(tmp_path: Path) -> None:
    assert parse_lines("# France\n10 Mbappé\n#7 Griezmann\n9=Giroud\n", "f") == {
        "10": "Mbappé", "7": "Griezmann", "9": "Giroud",
    }  # fmt: skip
    with pytest.raises(CommandError, match="f:2: 'Mbappé' is not NUMBER NAME"):
        parse_lines("10 Mbappé\nMbappé\n", "f")
    assert "a roster entry is NUMBER=NAME" in refused(final(), "roster h Mbappé")


@pytest.mark.asyncio
async def test_a_line_up_file_is_loaded_and_kept(tmp_path: Path) -> None:
    lineup = tmp_path / "fra.txt"
    lineup.write_text("10 Mbappé\n7 Griezmann\n", encoding="utf-8")
    saved = tmp_path / "current.json"
    url = "ws://127.0.0.1:9"  # nothing listens: the line-up is the console's own
    async with console_on(url, tmp_path, saved_path=saved) as console:
        assert console.submit("new soccer WC FRA CRO id=wc").kind == "queued"
        assert console.submit(f"roster h file={lineup}").text == "FRA line-up: 2 players"
        assert console.submit("roster h file=/nonexistent/x").kind == "error"
        outcome = console.submit("roster h")
        assert outcome.text == "FRA: 7=Griezmann 10=Mbappé"
    async with console_on(url, tmp_path, saved_path=saved) as again:
        assert again.model.rosters["wc"]["home"] == {"10": "Mbappé", "7": "Griezmann"}
        assert isinstance(again, Console)
