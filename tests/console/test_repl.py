"""The real REPL, typed into through a pipe, against a real broadcaster process."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from broadcaster.console.completion import ConsoleCompleter
from tests.console.builders import NBA_GAME, NEW_NBA_GAME
from tests.console.drivers import DEADLINE, history, journal_seq, operator, watching
from tests.helpers.proc import BroadcasterProcess

GAME, NEW = NBA_GAME, NEW_NBA_GAME


@pytest.mark.asyncio
async def test_a_whole_basketball_game_typed_in_reaches_a_subscriber(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    lines = [
        NEW, "start", "ps", "go",
        "h3 J. Tatum", "a2 L. James", "f a L. James type=shooting", "a1 L. James",
        "to h", "clock 1:10 go", "pl h J. Brown: steals from Reaves",
        "end", "ps", "h2 J. Brown", "end", "ps", "end", "ps", "a1", "end", "final",
    ]  # fmt: skip
    history_file = tmp_path / "history"
    async with (
        watching(broadcaster.feed) as watcher,
        operator(broadcaster.url, tmp_path, history_file) as typist,
    ):
        console = typist.console
        typist.type(*lines)
        await typist.until_said("game.end", "ok")
        await watcher.until(lambda evs: len(evs) == len(lines))
        assert console.toolbar().startswith("BOS 5–4 LAL · Boston Celtics won 5–4 │")
    kinds = watcher.kinds()
    assert kinds == [
        "game.create", "game.start", "period.start", "clock.set",
        "score", "score", "foul", "score", "timeout", "clock.set", "play",
        "period.end", "period.start", "score", "period.end", "period.start", "period.end",
        "period.start", "score", "period.end", "game.end",
    ]  # fmt: skip
    final = watcher.events[-1]["state"]
    assert (final["status"], final["home"]["score"], final["away"]["score"]) == ("final", 5, 4)
    assert watcher.events[4]["data"] == {"team": "home", "points": 3, "player": "J. Tatum"}
    assert watcher.events[10]["data"] == {
        "team": "home", "player": "J. Brown", "text": "steals from Reaves"
    }  # fmt: skip
    assert {e["game_id"] for e in watcher.events} == {GAME}
    # the operator's lines are kept for the next session
    assert "h3 J. Tatum" in history_file.read_text()


@pytest.mark.asyncio
async def test_the_toolbar_follows_the_game_live(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    async with operator(broadcaster.url, tmp_path) as typist:
        console = typist.console
        typist.type(NEW, "start", "ps")
        await typist.changes.until(lambda: "Q1 " in console.toolbar())
        assert " ▶ · live" in console.toolbar()  # a period starts with the clock running
        typist.type("stop 10:00", "h3 Tatum")
        await typist.until_said("score BOS +3", "ok")
        bar = "BOS 3–0 LAL · Q1 10:00 ■ · live · fouls 0–0 · timeouts 7–7 │ online"
        assert console.toolbar() == bar
        assert typist.said("✓ 5 score BOS +3 Tatum · BOS 3–0 LAL", "ok")


@pytest.mark.asyncio
async def test_a_refused_event_is_explained_and_leaves_nothing_behind(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    async with operator(broadcaster.url, tmp_path) as typist:
        console = typist.console
        typist.type(NEW, "start", "ps")
        await typist.until_said("period.start", "ok")
        before = await journal_seq(broadcaster.feed)
        typist.type("final")  # a basketball game cannot end in Q1
        reason = await typist.until_said("refused", "refused")
        assert reason == ("✗ refused: final: a basketball game lasts 4 quarters; this is Q1")
        typist.type("h4", "foul Tatum")  # typos: never sent at all
        await typist.until_said("foul needs a team (h, a, BOS or LAL)", "error")
        assert typist.said("a basketball score is 1, 2 or 3 points, not 4", "error")
        assert console.outbox.pending() == []  # nothing left to retry for ever
        assert await journal_seq(broadcaster.feed) == before
    stored = await history(broadcaster.feed, GAME)
    assert [e["kind"] for e in stored] == ["game.create", "game.start", "period.start"]


@pytest.mark.asyncio
async def test_undo_voids_the_last_events_one_by_one(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    async with operator(broadcaster.url, tmp_path) as typist:
        console = typist.console
        typist.type(NEW, "start", "ps", "h3 Tatum", "a2 James")
        await typist.until_said("score LAL +2", "ok")
        await asyncio.wait_for(console.past_loaded(), DEADLINE)  # undo needs the game's past
        typist.type("undo")
        await typist.until_said("void event 5 (score LAL +2 James)", "ok")
        assert "undone: event 5 score LAL +2 James" in console.toolbar()
        typist.type("undo")
        await typist.until_said("void event 4 (score BOS +3 Tatum) · BOS 0–0 LAL", "ok")
        assert "undone: event 4 score BOS +3 Tatum" in console.toolbar()
        typist.type("undo", "undo", "undo")  # period.start, game.start, then nothing
        await typist.until_said("nothing of yours to undo in this game", "error")
        await typist.until_said("void event 2 (game.start)", "ok")  # its ✓ may come later
    stored = await history(broadcaster.feed, GAME)
    corrections = [e["data"] for e in stored if e["kind"] == "correction"]
    assert corrections == [
        {"target": 5, "action": "void"},
        {"target": 4, "action": "void"},
        {"target": 3, "action": "void"},
        {"target": 2, "action": "void"},
    ]
    assert stored[-1]["state"]["status"] == "scheduled"


@pytest.mark.asyncio
async def test_tab_completes_commands_games_teams_and_players(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    async with operator(broadcaster.url, tmp_path) as typist:
        console = typist.console
        typist.type(NEW, "start", "ps", "a2 LeBron James")
        await typist.until_said("score LAL +2", "ok")
        completer = ConsoleCompleter(console.context)
        assert words(completer, "un") == ["undo"]
        assert "foul" in words(completer, "fo") and "final" in words(completer, "f")
        assert words(completer, "use ") == [GAME]
        assert words(completer, "foul ") == ["h", "a", "BOS", "LAL"]
        assert words(completer, "foul l") == ["LAL"]
        assert words(completer, "foul a Le") == ["LeBron James"]
        assert words(completer, "h3 Le") == []  # he plays for the away team
        assert "shooting" not in words(completer, "foul a ")  # type is free text
        assert words(completer, "new ") == sorted(console.model.sports)
        # and through the keyboard: Tab inserts the one match
        typist.press("foul a Le\t")
        await typist.until_typed("foul a LeBron James")
        typist.press("\r")
        await typist.until_said("foul LAL LeBron James", "ok")


def words(completer: ConsoleCompleter, text: str) -> list[str]:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    return [c.text for c in completer.get_completions(Document(text), CompleteEvent())]
