"""The command language: text → publish data or a clear error, without any I/O."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadcaster.console.commands import Confirm, Context, Emit, Quit, Show, Use, parse
from broadcaster.console.helptext import help_text
from broadcaster.console.model import Model, Queued
from broadcaster.console.words import CommandError, parse_clock, tokenize
from broadcaster.protocol import Event, GameState, Side
from broadcaster.sports import SPORTS
from broadcaster.sports.base import (
    Kind,
)
from tests.console.builders import SOCCER, TODAY, Fed


def emit(fed: Fed, line: str) -> tuple[str, dict[str, Any]]:
    cmd = fed.parse(line)
    assert isinstance(cmd, Emit), cmd
    assert cmd.game_id == fed.game_id
    return cmd.kind, cmd.data


def refused(fed: Fed, line: str) -> str:
    with pytest.raises(CommandError) as info:
        fed.parse(line)
    return info.value.message


@pytest.mark.parametrize(
    ("line", "kind", "data"),
    [
        ("h3", "score", {"team": "home", "points": 3}),
        ("a2 J. Tatum", "score", {"team": "away", "points": 2, "player": "J. Tatum"}),
        ("a1 23", "score", {"team": "away", "points": 1, "player": "23"}),
        ("+3 bos Tatum", "score", {"team": "home", "points": 3, "player": "Tatum"}),
        ("score LAL 2", "score", {"team": "away", "points": 2}),
        ("start", "game.start", {}),
        ("ps", "period.start", {}),
        ("ps 2", "period.start", {"number": 2}),
        ("end", "period.end", {}),
        ("final", "game.end", {}),
        ("go", "clock.set", {"running": True}),
        ("stop 5:32", "clock.set", {"running": False, "seconds": 332.0}),
        ("clock 0:45.5 go", "clock.set", {"running": True, "seconds": 45.5}),
        ("break", "status", {"status": "break"}),
        ("resume", "status", {"status": "live"}),
        ("status suspended", "status", {"status": "suspended"}),
        ("play nice pass", "play", {"text": "nice pass"}),
        (
            "pl h Tatum: steals from James",
            "play",
            {"team": "home", "player": "Tatum", "text": "steals from James"},
        ),
        (
            "f a James type=shooting",
            "foul",
            {"team": "away", "player": "James", "type": "shooting"},
        ),
        ("to Boston Celtics", "timeout", {"team": "home"})
        if False
        else ("to bos", "timeout", {"team": "home"}),
        ("ev foul team=away", "foul", {"team": "away"}),
        (
            'h3 text="Tatum 26\' 3PT jump shot"',
            "score",
            {"team": "home", "points": 3, "text": "Tatum 26' 3PT jump shot"},
        ),
    ],
)
def test_basketball_lines_become_events(line: str, kind: str, data: dict[str, Any]) -> None:
    assert emit(Fed(), line) == (kind, data)


@pytest.mark.parametrize(
    ("line", "kind", "data"),
    [
        ("h", "score", {"team": "home"}),
        ("goal cro Perisic", "score", {"team": "away", "player": "Perisic"}),
        ("g h og Mandzukic", "score", {"team": "home", "own_goal": True, "player": "Mandzukic"}),
        ("g fra pen Griezmann", "score", {"team": "home", "penalty": True, "player": "Griezmann"}),
        ("yc a Lovren", "card", {"team": "away", "color": "yellow", "player": "Lovren"}),
        ("card h Pogba red", "card", {"team": "home", "player": "Pogba", "color": "red"}),
        ("st 4", "stoppage", {"minutes": 4}),
        ("so h Mbappe", "shootout", {"team": "home", "player": "Mbappe", "scored": True}),
        ("so a miss Modric", "shootout", {"team": "away", "scored": False, "player": "Modric"}),
        ("clock 67'", "clock.set", {"running": False, "seconds": 4020.0}),
    ],
)
def test_soccer_lines_become_events(line: str, kind: str, data: dict[str, Any]) -> None:
    assert emit(Fed(create=SOCCER), line) == (kind, data)


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("h", "needs points: h1, h2, h3"),
        ("h4", "1, 2 or 3 points, not 4"),
        ("hh3", "unknown command 'hh3'"),
        ("foul", "foul needs a team (h, a, BOS or LAL)"),
        ("foul x", "foul needs a team"),
        ("yc h Tatum", "basketball has no card"),
        ("ev card team=home", "basketball has no event kind 'card'"),
        ("ev game.create", "use new"),
        ("foul h wrong=1", "foul has no field 'wrong'"),
        ('foul h "Tatum', "not closed"),
        ("clock 12", "clock M:SS"),
        ("void", "void N"),
        ("amend 3", "amend N"),
        ("undo 3", "undo takes no words"),
        ("play", "play needs a text"),
        ("status lunch", "status needs status"),
    ],
)
def test_typos_and_impossible_words_are_refused_in_plain_words(line: str, words: str) -> None:
    assert words in refused(Fed().live(), line)


def test_no_current_game_says_how_to_get_one() -> None:
    fed = Fed()
    message = refused_ctx(fed.model, None, "h3")
    assert "new" in message and "use GAME" in message


def refused_ctx(model: Model, current: str | None, line: str) -> str:
    with pytest.raises(CommandError) as info:
        parse(line, Context(model, current, TODAY))
    return info.value.message


def test_local_commands_do_not_publish() -> None:
    fed = Fed()
    assert fed.parse("help foul") == Show("help", "foul")
    assert fed.parse("games") == Show("games")
    assert fed.parse("log 5") == Show("log", "5")
    assert fed.parse("quit") == Quit()
    assert fed.parse("   ") is None
    assert fed.parse("# a comment") is None


def test_new_creates_a_game_with_a_readable_id() -> None:
    cmd = parse(
        'new basketball NBA BOS="Boston Celtics" LAL="Los Angeles Lakers" venue="TD Garden"',
        Context(Model(SPORTS), None, TODAY),
    )
    assert cmd == Emit(
        "nba-20240115-bos-lal",
        "game.create",
        {
            "sport": "basketball",
            "league": "NBA",
            "home": {"name": "Boston Celtics", "short": "BOS"},
            "away": {"name": "Los Angeles Lakers", "short": "LAL"},
            "venue": "TD Garden",
        },
        "new game nba-20240115-bos-lal",
    )


def test_new_names_the_favourite_for_upset_alerts() -> None:
    ctx = Context(Model(SPORTS), None, TODAY)
    cmd = parse("new soccer WC ARG=Argentina FRA=France fav=a", ctx)
    assert isinstance(cmd, Emit) and cmd.data["favourite"] == "away"
    with pytest.raises(CommandError, match="fav=h or fav=a"):
        parse("new soccer WC ARG=Argentina FRA=France fav=France", ctx)


def test_new_refuses_what_the_broadcaster_would_refuse() -> None:
    ctx = Context(Model(SPORTS), None, TODAY)
    with pytest.raises(CommandError, match="unknown sport 'curling'"):
        parse("new curling X A B", ctx)
    with pytest.raises(CommandError, match="over 8 characters"):
        parse("new soccer L VERYLONGNAME=x B", ctx)
    with pytest.raises(CommandError, match="new SPORT LEAGUE HOME AWAY"):
        parse("new soccer L A", ctx)


def test_a_second_game_with_the_same_teams_gets_another_id() -> None:
    fed = Fed("nba-20240115-bos-lal")
    cmd = parse("new basketball NBA BOS LAL", Context(fed.model, None, TODAY))
    assert isinstance(cmd, Emit) and cmd.game_id == "nba-20240115-bos-lal-2"


def test_use_finds_a_game_by_id_prefix_or_team() -> None:
    fed = Fed("nba-20240115-bos-lal")
    ctx = Context(fed.model, None, TODAY)
    assert parse("use nba-2024", ctx) == Use("nba-20240115-bos-lal")
    assert parse("use lal", ctx) == Use("nba-20240115-bos-lal")
    with pytest.raises(CommandError, match="no game 'xyz'"):
        parse("use xyz", ctx)


# ------------------------------------------------------------------ undo, void, amend


def test_undo_voids_the_newest_event_in_effect_and_repeats() -> None:
    fed = Fed().live().loaded()
    first = fed.feed("score", {"team": "home", "points": 3})
    second = fed.feed("foul", {"team": "away", "player": "James"})
    cmd = fed.parse("undo")
    assert isinstance(cmd, Emit)
    assert cmd.data == {"target": second, "action": "void"}
    assert cmd.undone == f"event {second} foul LAL James"
    fed.model.undos.add(fed.feed("correction", cmd.data))  # acked as an undo
    again = fed.parse("undo")
    assert isinstance(again, Emit) and again.data == {"target": first, "action": "void"}


def test_undo_after_a_void_restores_the_voided_event() -> None:
    fed = Fed().live().loaded()
    basket = fed.feed("score", {"team": "home", "points": 2, "player": "Tatum"})
    fed.feed("score", {"team": "away", "points": 3})
    fed.feed("correction", {"target": basket, "action": "void"})  # void 4: a mistake
    cmd = fed.parse("undo")
    assert isinstance(cmd, Emit)
    assert (cmd.kind, cmd.data) == ("score", {"team": "home", "points": 2, "player": "Tatum"})
    assert cmd.undone == f"restored: event {basket} score BOS +2 Tatum"
    assert emit(fed, f"restore {basket}") == ("score", cmd.data)
    assert "is not voided" in refused(fed, f"restore {basket + 1}")
    assert "voided; restore" in refused(fed, f"amend {basket} points=3")


def test_undo_never_voids_a_game_creation_or_a_correction() -> None:
    fed = Fed().loaded()
    start = fed.feed("game.start")
    fed.model.undos.add(fed.feed("correction", {"target": start, "action": "void"}))
    assert refused(fed, "undo").startswith("nothing of yours to undo in this game")


def test_undo_of_a_queued_event_names_it_by_its_publish_id() -> None:
    fed = Fed().live().loaded()
    fed.model.queue(Queued("c-1", fed.game_id, "score", {"team": "home", "points": 2}, at=100.0))
    cmd = fed.parse("undo")
    assert isinstance(cmd, Emit)
    assert (cmd.data, cmd.ref, cmd.undone) == ({"action": "void"}, "c-1", "queued score BOS +2")
    fed.model.queue(Queued("c-2", fed.game_id, "correction", cmd.data, "undo", ref="c-1"))
    # the queued score counts as undone: the next undo goes further back
    nxt = fed.parse("undo")
    assert isinstance(nxt, Emit) and nxt.data == {"target": fed.seq, "action": "void"}


def test_a_queued_undo_still_counts_once_its_target_is_acked() -> None:
    fed = Fed().live().loaded()
    fed.model.queue(Queued("c-1", fed.game_id, "score", {"team": "home", "points": 2}, at=100.0))
    fed.model.queue(Queued("c-2", fed.game_id, "correction", {"action": "void"}, "undo", ref="c-1"))
    fed.model.on_ack("c-1", 99, fed.state, {"team": "home", "points": 2})
    nxt = fed.parse("undo")
    assert isinstance(nxt, Emit) and nxt.data["target"] == fed.seq != 99


def test_undo_before_the_history_arrived_says_so() -> None:
    assert "not loaded yet" in refused(Fed().live(), "undo")


def test_void_and_amend_check_what_is_known() -> None:
    fed = Fed().live().loaded()
    seq = fed.feed("score", {"team": "home", "points": 3, "player": "Tatum"})
    assert emit(fed, f"void {seq}") == ("correction", {"target": seq, "action": "void"})
    assert emit(fed, f"amend {seq} points=2") == (
        "correction",
        {
            "target": seq,
            "action": "amend",
            "data": {"team": "home", "points": 2, "player": "Tatum"},
        },
    )
    assert emit(fed, f"amend {seq} a2 James")[1]["data"] == {
        "team": "away",
        "points": 2,
        "player": "James",
    }
    assert "is a score, not a foul" in refused(fed, f"amend {seq} foul h")
    assert "1, 2 or 3 points, not 5" in refused(fed, f"amend {seq} points=5")
    assert "is a game.create" in refused(fed, "void 1")
    fed.feed("correction", {"target": seq, "action": "void"})
    assert "already voided" in refused(fed, f"void {seq}")


# ------------------------------------------------------------------ sports to come


class PointData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    team: Side
    ace: bool = False
    serve: Literal["first", "second"] | None = None


def test_a_new_sports_kinds_are_commands_without_console_changes() -> None:
    tennis = replace(
        SPORTS["basketball"],
        name="tennis",
        refuses=frozenset({"score"}),
        kinds={"point": Kind(PointData, lambda sport, state, d, t: state, "a point won")},
    )
    sports = {**SPORTS, "tennis": tennis}
    model = Model(sports)
    create = {**SOCCER, "sport": "tennis"}
    model.queue(Queued("c-1", "t1", "game.create", create))
    ctx = Context(model, "t1", TODAY)
    assert _data(parse("h", ctx)) == ("point", {"team": "home"})
    assert _data(parse("pt a ace second", ctx)) == (
        "point",
        {"team": "away", "ace": True, "serve": "second"},
    )
    assert _data(parse("point cro no-ace", ctx)) == ("point", {"team": "away", "ace": False})
    state = model.state("t1")
    assert isinstance(state, GameState)
    assert "point TEAM [first|second] [ace]" in help_text("kinds", state, sports)


def _data(cmd: object) -> tuple[str, dict[str, Any]]:
    assert isinstance(cmd, Emit)
    return cmd.kind, cmd.data


# ------------------------------------------------------------------ words


def test_tokens_keep_apostrophes_and_group_double_quotes() -> None:
    assert tokenize("h3 O'Neal text=\"26' jumper\"") == ["h3", "O'Neal", "text=26' jumper"]
    assert tokenize('h2 Tatum   # and one "') == ["h2", "Tatum"]
    assert tokenize('h2 text="#1 pick"') == ["h2", "text=#1 pick"]


@pytest.mark.parametrize(
    ("word", "seconds"),
    [
        ("5:32", 332.0),
        ("12:00.5", 720.5),
        ("67'", 4020.0),
        ("45s", 45.0),
        ("12", None),
        ("5:99", None),
        ("nans", None),
        ("s", None),
    ],
)
def test_clock_times(word: str, seconds: float | None) -> None:
    assert parse_clock(word) == seconds


def test_help_covers_every_command_word() -> None:
    fed = Fed()
    for word in (
        "new",
        "use",
        "h3",
        "goal",
        "go",
        "clock",
        "undo",
        "void",
        "amend",
        "ev",
        "foul",
        "f",
        "to",
        "ps",
        "final",
        "break",
        "log",
        "pending",
        "quit",
    ):
        assert not help_text(word, fed.state, SPORTS).startswith("no help"), word
    assert "foul TEAM [PLAYER]" in help_text("kinds", fed.state, SPORTS)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_an_event_a_view_or_a_clear_error(line: str) -> None:
    fed = Fed(create=SOCCER).live().loaded()
    try:
        cmd = fed.parse(line)
    except CommandError as exc:
        message = exc.message
        cmd = None
    else:
        message = "parsed"
    assert message
    if isinstance(cmd, Emit):
        assert cmd.kind and isinstance(cmd.data, dict)


def test_voiding_an_old_score_or_another_operators_event_asks_first() -> None:
    fed = Fed().live().loaded()
    old = fed.feed("score", {"team": "home", "points": 2})
    newest = fed.feed("score", {"team": "away", "points": 3})
    ask = fed.parse(f"void {old}")
    assert isinstance(ask, Confirm)
    assert ask.question == "Void event 4 score BOS +2? 1 score came after it; yes to void it"
    assert ask.emit.data == {"target": old, "action": "void"}
    assert isinstance(fed.parse(f"void {newest}"), Emit)  # the newest score: no question
    theirs = fed.feed("foul", {"team": "home", "player": "Brown"}, by="Ann")
    ask = fed.parse(f"amend {theirs} player=Smart")
    assert isinstance(ask, Confirm) and "it was published by Ann" in ask.question
    cmd = fed.parse("undo")  # passes Ann's foul by: undo is for this console's own
    assert isinstance(cmd, Emit) and cmd.data == {"target": newest, "action": "void"}


def test_events_are_numbered_in_their_game() -> None:
    model = Model(SPORTS)
    model.resume("e")
    fed = Fed()
    for seq, (game, game_seq) in enumerate([("g1", 1), ("g2", 1), ("g2", 2), ("g1", 2)], 1):
        state = msgspec.structs.replace(fed.state, game_id=game, seq=seq)
        kind = "game.create" if game_seq == 1 else "game.start"
        model.on_event(Event("e", seq, 1.0, game, game_seq, kind, {}, state))
    assert model.games["g1"].number(4) == 2
    assert model.games["g1"].seq_of(2) == 4
    assert model.games["g2"].seq_of(2) == 3
