"""``broadcaster console --url a,b``: when the first broadcaster dies (kill -9) the console
publishes to and follows the second, says which one it is on, resends what was not acked under
the same ids (stored once), and its feed resumes there. A bad list is refused, saying why."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any

from broadcaster.console.model import Queued
from broadcaster.protocol import Publish, encode
from tests.console.builders import NBA_GAME
from tests.console.drivers import DEADLINE, history, operator
from tests.console.procs import run_console
from tests.helpers.pair import two_broadcasters
from tests.helpers.proc import TOKEN, BroadcasterProcess
from tests.helpers.ws import live_game, open_publisher, publish, recv


async def create_game(proc: BroadcasterProcess) -> None:
    ws = await open_publisher(proc.publish, TOKEN)
    try:
        await live_game(ws, NBA_GAME)
        data = {"team": "home", "points": 3, "player": "Tatum"}
        assert (await publish(ws, NBA_GAME, "score", data))["seq"] == 4
    finally:
        await ws.close()


async def store_as_the_console_would(proc: BroadcasterProcess, entry: Queued) -> int:
    """Publish a queued entry to ``proc`` exactly as the console sends it (same id, same
    content): what the first node had put in a shared journal before it died."""
    at = entry.at if entry.at > 0 else None
    message = Publish(entry.id, entry.game_id, entry.kind, dict(entry.data), at, entry.clock)
    ws = await open_publisher(proc.publish, TOKEN)
    try:
        await ws.send(encode(message), text=True)
        reply = await recv(ws)
    finally:
        await ws.close()
    assert reply["type"] == "ack", reply
    return int(reply["seq"])


async def fail_over(
    first: BroadcasterProcess, second: BroadcasterProcess, data: Path, shared: bool
) -> None:
    """Publish to ``first``, freeze it with an event in flight, kill it: the console goes on
    on ``second``. ``shared``: the journal is one, and the first had stored the event."""
    async with operator([first.url, second.url], data, current=NBA_GAME) as typist:
        console = typist.console
        await typist.changes.until(lambda: console.publisher.status.state == "online")
        await typist.changes.until(lambda: console.model.seq == 4)
        await asyncio.wait_for(console.past_loaded(), DEADLINE)  # the game's events, numbered
        assert console.publisher.url == first.url
        assert first.proc is not None
        os.kill(first.proc.pid, signal.SIGSTOP)  # it takes the next publish and never answers
        typist.type("a2 James")
        await typist.changes.until(lambda: len(console.outbox.pending()) == 1)
        (entry,) = console.outbox.pending()
        if shared:
            assert await store_as_the_console_would(second, entry) == 5
        first.kill()

        await typist.until_said(f"connected to {second.url}; sending 1 queued event(s)", "link")
        await typist.until_said("score LAL +2 James · BOS 3–2 LAL", "ok")
        await typist.changes.until(lambda: console.feed.servers.current == second.url)
        await typist.changes.until(lambda: console.model.seq == 5)  # the feed follows it there
        assert not console.outbox.pending()
        where = second.url.removeprefix("ws://")
        assert console.toolbar().startswith("BOS 3–2 LAL")
        assert f"│ online ({where})" in console.toolbar()


def events_after_tatum(proc: BroadcasterProcess) -> list[tuple[int, str, str]]:
    stored = asyncio.run(history(proc.feed, NBA_GAME))
    assert [e["data"].get("player") for e in stored[:4]] == [None, None, None, "Tatum"]
    return [(e["seq"], e["kind"], e["data"]["player"]) for e in stored[4:]]


def test_on_one_journal_the_next_broadcaster_answers_the_resent_id_with_the_original_ack(
    tmp_path: Path,
) -> None:
    with two_broadcasters(tmp_path, lambda first: asyncio.run(create_game(first))) as pair:
        first, second = pair
        assert (second.epoch, second.seq) == (first.epoch, 4)  # one journal, as on NATS
        asyncio.run(fail_over(first, second, tmp_path / "console", shared=True))
        assert events_after_tatum(second) == [(5, "score", "James")]  # once


def test_on_journals_of_their_own_the_unacked_event_lands_once_on_the_next(
    tmp_path: Path,
) -> None:
    with two_broadcasters(tmp_path) as (first, second):
        assert first.epoch != second.epoch
        for proc in (first, second):
            asyncio.run(create_game(proc))
        asyncio.run(fail_over(first, second, tmp_path / "console", shared=False))
        assert events_after_tatum(second) == [(5, "score", "James")]
        first.start()  # the frozen one never stored it
        assert events_after_tatum(first) == []


async def undo_in_flight(first: BroadcasterProcess, second: BroadcasterProcess, data: Path) -> None:
    async with operator([first.url, second.url], data, current=NBA_GAME) as typist:
        console = typist.console
        await typist.changes.until(lambda: console.publisher.status.state == "online")
        await asyncio.wait_for(console.past_loaded(), DEADLINE)
        typist.type("a2 James")
        await typist.until_said("✓ 5 score LAL +2 James · BOS 3–2 LAL", "ok")
        assert first.proc is not None
        os.kill(first.proc.pid, signal.SIGSTOP)
        typist.type("undo")  # voids seq 5 of the first's journal: Brown's basket on the second's
        await typist.changes.until(lambda: len(console.outbox.pending()) == 1)
        assert console.outbox.pending()[0].epoch == first.epoch
        first.kill()

        where = second.url.removeprefix("ws://")
        await typist.until_said(f"not sent: {where} keeps another journal", "refused")
        await typist.changes.until(lambda: console.model.epoch == second.epoch)
        await typist.changes.until(lambda: console.toolbar().startswith("BOS 5–0 LAL"))
        assert not console.outbox.pending()


def test_a_correction_in_flight_is_not_sent_to_a_broadcaster_with_another_journal(
    tmp_path: Path,
) -> None:
    with two_broadcasters(tmp_path) as (first, second):
        for proc in (first, second):
            asyncio.run(create_game(proc))
        brown = {"team": "home", "points": 2, "player": "Brown"}
        asyncio.run(publish_one(second, "score", brown))  # seq 5 there
        asyncio.run(undo_in_flight(first, second, tmp_path / "console"))
        assert events_after_tatum(second) == [(5, "score", "Brown")]  # not voided


async def publish_one(proc: BroadcasterProcess, kind: str, data: dict[str, Any]) -> None:
    ws = await open_publisher(proc.publish, TOKEN)
    try:
        assert (await publish(ws, NBA_GAME, kind, data))["type"] == "ack"
    finally:
        await ws.close()


def test_a_bad_server_list_is_refused_saying_which_and_nothing_is_queued(tmp_path: Path) -> None:
    data = tmp_path / "console"
    result = run_console("ws://127.0.0.1:9,,ws://127.0.0.1:10", data, stdin="h3 Tatum\n")
    assert result.returncode == 2, result.stderr
    assert "argument --url: server 2 of 3 is empty (a stray comma?)" in result.stderr
    assert not data.exists()  # nothing started, nothing written
