"""The smaller things an operator saw: each now reads as it should."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import msgspec
import pytest

from broadcaster.console.describe import clock_line
from broadcaster.console.model import Queued
from broadcaster.console.views import pending_text
from broadcaster.protocol import Clock
from tests.console.builders import SOCCER, Fed
from tests.console.drivers import console_on
from tests.console.test_commands import emit, refused

NOWHERE = "ws://127.0.0.1:9"  # nothing listens: what the console does on its own


def test_a_play_without_a_team_is_all_text() -> None:
    fed = Fed("wc", SOCCER).live().loaded()
    assert emit(fed, "pl VAR: penalty confirmed")[1] == {"text": "VAR: penalty confirmed"}
    assert emit(fed, "pl h Pogba: shoots wide")[1] == {
        "team": "home", "player": "Pogba", "text": "shoots wide"
    }  # fmt: skip


def test_a_game_id_takes_the_day_it_starts() -> None:
    cmd = Fed().parse("new soccer WC FRA CRO start=2018-07-15T18:00")
    assert getattr(cmd, "game_id", "") == "wc-20180715-fra-cro"
    start = getattr(cmd, "data", {})["start"]
    assert start == datetime(2018, 7, 15, 18, 0).timestamp()


def test_a_running_clock_at_zero_is_not_shown_running() -> None:
    state = Fed().live().state
    run_out = msgspec.structs.replace(state, clock=Clock(True, 5.0, "down", 100.0))
    assert clock_line(run_out, 100.0) == "Q1 0:05 ▶"
    assert clock_line(run_out, 200.0) == "Q1 0:00 ■"


def test_pending_names_what_an_undo_voids() -> None:
    fed = Fed().live().loaded()
    basket = fed.feed("score", {"team": "home", "points": 2})
    fed.model.queue(Queued("c-1", fed.game_id, "foul", {"team": "away"}))
    fed.model.queue(Queued("c-2", fed.game_id, "correction", {"action": "void"}, ref="c-1"))
    fed.model.queue(Queued("c-3", fed.game_id, "correction", {"target": basket, "action": "void"}))
    assert pending_text(fed.model).splitlines()[1:] == [
        "  g1: foul LAL",
        "  g1: void (queued foul LAL)",
        "  g1: void event 4 (score BOS +2)",
    ]


def test_a_void_of_an_event_that_is_not_there_is_refused_as_a_void() -> None:
    fed = Fed().live().loaded()
    assert refused(fed, "void 999") == "event 999 is not an event of this game; log shows them"


@pytest.mark.asyncio
async def test_what_was_undone_is_forgotten_with_the_game(tmp_path: Path) -> None:
    async with console_on(NOWHERE, tmp_path) as console:
        for line in ("new basketball NBA BOS LAL id=one", "start", "ps", "h3 Tatum", "undo"):
            assert console.submit(line).kind == "queued", line
        assert "undone: queued score BOS +3 Tatum" in console.toolbar()
        assert console.submit("new soccer WC FRA CRO id=two").kind == "queued"
        assert "undone" not in console.toolbar()
