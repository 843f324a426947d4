"""Never lose an event: queued while the broadcaster is down, sent once when it is back."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from broadcaster.console.outbox import Outbox
from tests.console.builders import BASKETBALL, NBA_GAME, NEW_NBA_GAME
from tests.console.drivers import DEADLINE, console_on, history, operator
from tests.helpers.proc import TOKEN, BroadcasterProcess
from tests.helpers.ws import open_publisher, publish

GAME, NEW = NBA_GAME, NEW_NBA_GAME


@pytest.mark.asyncio
async def test_events_typed_while_the_broadcaster_is_down_are_published_once_when_it_is_back(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    async with operator(broadcaster.url, tmp_path) as typist:
        console = typist.console
        typist.type(NEW, "start", "ps", "stop 10:00")
        await typist.until_said("clock 10:00 stopped", "ok")
        await typist.offline(broadcaster)
        typist.type("h3 Tatum", "a2 James", "undo", "f h Brown", "h2 Brown")
        await typist.until_said("queued (offline): score BOS +2 Brown · 5 waiting")
        assert [e.kind for e in console.outbox.pending()] == [
            "score", "score", "correction", "foul", "score"
        ]  # fmt: skip
        bar = console.toolbar()
        # the score the operator sees offline counts the queued events, minus the undone one
        assert bar.startswith("BOS 5–0 LAL · Q1 10:00 ■ · live · fouls 1–0 · timeouts 7–7 │ ")
        assert "│ OFFLINE │" in bar
        assert "5 pending │ undone: queued score LAL +2 James" in bar
        broadcaster.start()  # same port, same journal
        await typist.changes.until(lambda: not console.outbox.pending())
        assert typist.said("✓ 7 void event 6 (score LAL +2 James) · BOS 3–0 LAL", "ok")
        assert console.toolbar().endswith("│ online │ undone: event 6 score LAL +2 James")
    stored = await history(broadcaster.feed, GAME)
    assert [(e["seq"], e["kind"], e["data"]) for e in stored[4:]] == [
        (5, "score", {"team": "home", "points": 3, "player": "Tatum"}),
        (6, "score", {"team": "away", "points": 2, "player": "James"}),
        (7, "correction", {"action": "void", "target": 6}),
        (8, "foul", {"team": "home", "player": "Brown"}),
        (9, "score", {"team": "home", "points": 2, "player": "Brown"}),
    ]
    assert (stored[-1]["state"]["home"]["score"], stored[-1]["state"]["away"]["score"]) == (5, 0)


@pytest.mark.asyncio
async def test_events_stored_before_the_console_died_are_not_stored_twice(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    """The console sent them and was killed before it wrote down the acks: it sends again."""
    with Outbox.open(tmp_path / "outbox.jsonl") as box:
        entries = [
            box.add(GAME, "game.create", BASKETBALL),
            box.add(GAME, "game.start", {}),
            box.add(GAME, "period.start", {}),
            box.add(GAME, "score", {"team": "home", "points": 3}),
        ]
    ws = await open_publisher(broadcaster.publish, TOKEN)
    try:
        for entry in entries[:3]:  # what reached the broadcaster before the kill
            reply = await publish(ws, GAME, entry.kind, dict(entry.data), id=entry.id)
            assert reply["type"] == "ack"
    finally:
        await ws.close()
    async with console_on(broadcaster.url, tmp_path) as console:
        assert len(console.outbox.pending()) == 4
        replies = [await asyncio.wait_for(console.reply(e), DEADLINE) for e in entries]
        assert [r.seq for r in replies] == [1, 2, 3, 4]  # the original acks, then the new one
    stored = await history(broadcaster.feed, GAME)
    assert [e["kind"] for e in stored] == ["game.create", "game.start", "period.start", "score"]


@pytest.mark.asyncio
async def test_an_undo_of_a_queued_event_that_is_refused_is_dropped_too(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    async with operator(broadcaster.url, tmp_path) as typist:
        console = typist.console
        typist.type(NEW, "start", "ps")
        await typist.until_said("period.start", "ok")
        await typist.offline(broadcaster)
        typist.type("f a James", "final", "undo")  # the game cannot end in Q1: undo of that
        await typist.until_said("3 waiting")
        broadcaster.start()
        await typist.until_said("nothing to undo: the event it undoes was refused", "refused")
        assert typist.said("✗ refused: final: a basketball game lasts 4 quarters", "refused")
        assert "undo refused" in console.toolbar()
        await typist.changes.until(lambda: not console.outbox.pending())
    stored = await history(broadcaster.feed, GAME)
    assert [e["kind"] for e in stored][-1] == "foul"


@pytest.mark.asyncio
async def test_an_event_typed_offline_keeps_when_it_happened(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    """``at`` (typed) and ``clock`` (the game clock then) travel with the event."""
    async with operator(broadcaster.url, tmp_path) as typist:
        typist.type(NEW, "start", "ps", "stop 5:32")
        await typist.until_said("clock 5:32 stopped", "ok")
        await typist.offline(broadcaster)
        console = typist.console
        typist.type("h3 Tatum")
        await typist.until_said("queued (offline): score BOS +3")
        (entry,) = console.outbox.pending()
        broadcaster.start()
        await typist.changes.until(lambda: not console.outbox.pending())
    stored = await history(broadcaster.feed, GAME)
    online, offline = stored[3], stored[4]
    assert 0 < online["clock"] <= 720.0  # the running clock when "stop 5:32" was typed
    assert (offline["kind"], offline["clock"]) == ("score", 332.0)
    assert offline["at"] == pytest.approx(entry.at)
    assert offline["at"] < offline["time"]  # typed before the broadcaster was back
    assert "clock" not in stored[0]  # no game clock before the game
