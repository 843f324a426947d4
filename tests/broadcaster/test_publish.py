"""/publish on a real broadcaster process: auth, acks, idempotency, every refusal."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.helpers.proc import TOKEN, BroadcasterProcess
from tests.helpers.ws import (
    basketball_game,
    live_game,
    open_feed,
    open_publisher,
    pub,
    publish,
    read_until_closed,
    recv,
    send,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.both_journals]


async def stored_seqs(proc: BroadcasterProcess) -> list[int]:
    """The seqs a resume from 0 replays: what the journal holds, on either backend."""
    feed, hello = await open_feed(proc.feed)
    await send(feed, {"type": "subscribe", "resume": {"epoch": hello["epoch"], "seq": 0}})
    seqs = [(await recv(feed))["seq"] for _ in range(hello["seq"])]
    await feed.close()
    return seqs


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}]
)
async def test_publish_needs_the_token(
    broadcaster: BroadcasterProcess, headers: dict[str, str]
) -> None:
    with pytest.raises(InvalidStatus) as caught:
        await connect(broadcaster.publish, additional_headers=headers)
    assert caught.value.response.status_code == 401
    assert TOKEN not in broadcaster.stderr


async def test_hello_then_acks_carry_seq_and_state(broadcaster: BroadcasterProcess) -> None:
    async with connect(
        broadcaster.publish,
        subprotocols=["scorefeed.v1"],  # type: ignore[list-item]
        additional_headers={"Authorization": f"Bearer {TOKEN}"},
    ) as ws:
        assert ws.subprotocol == "scorefeed.v1"
        hello = await recv(ws)
        assert hello["type"] == "hello"
        assert hello["protocol"] == 1
        assert hello["epoch"] == broadcaster.epoch
        assert hello["server"].startswith("broadcaster/")
        ack = await publish(ws, "g1", "game.create", basketball_game("g1"), id="c-1")
        assert ack == {"type": "ack", "id": "c-1", "seq": 1, "state": ack["state"]}
        assert ack["state"]["status"] == "scheduled"
        assert ack["state"]["seq"] == 1
        await live_game_from_created(ws)
        ack = await publish(ws, "g1", "score", {"team": "away", "points": 3})
        assert ack["seq"] == 4
        assert ack["state"]["away"]["score"] == 3


async def live_game_from_created(ws) -> None:  # type: ignore[no-untyped-def]
    assert (await publish(ws, "g1", "game.start"))["type"] == "ack"
    assert (await publish(ws, "g1", "period.start"))["type"] == "ack"


async def test_a_retried_id_returns_the_original_ack_and_counts_once(
    broadcaster: BroadcasterProcess,
) -> None:
    ws = await open_publisher(broadcaster.publish, TOKEN)
    await live_game(ws, "g1")
    first = await publish(ws, "g1", "score", {"team": "home", "points": 2}, id="goal-1")
    await publish(ws, "g1", "score", {"team": "home", "points": 1})
    again = await publish(ws, "g1", "score", {"team": "home", "points": 2}, id="goal-1")
    assert again == first
    other = await publish(ws, "g1", "score", {"team": "home", "points": 3}, id="goal-1")
    assert other["type"] == "error"
    assert other["code"] == "duplicate_id"
    assert other["id"] == "goal-1"
    await ws.close()
    ws = await open_publisher(broadcaster.publish, TOKEN)  # a retry after reconnecting
    assert await publish(ws, "g1", "score", {"team": "home", "points": 2}, id="goal-1") == first
    final = await publish(ws, "g1", "play", {"text": "check"})
    assert final["state"]["home"]["score"] == 3
    await ws.close()


async def test_many_publishes_in_flight_are_acked_in_order(
    broadcaster: BroadcasterProcess,
) -> None:
    ws = await open_publisher(broadcaster.publish, TOKEN)
    await live_game(ws, "g1")
    messages = [pub("g1", "score", {"team": "home", "points": 1}, id=f"m{i}") for i in range(200)]
    messages.insert(50, pub("g1", "score", {"team": "home", "points": 9}, id="bad"))
    for m in messages:
        await send(ws, m)
    replies = [await recv(ws) for _ in messages]
    assert [r["id"] for r in replies] == [m["id"] for m in messages]
    assert replies[50]["type"] == "error"
    seqs = [r["seq"] for r in replies if r["type"] == "ack"]
    assert seqs == list(range(4, 204))
    assert replies[-1]["state"]["home"]["score"] == 200
    await ws.close()


async def test_a_refused_event_stores_nothing_and_burns_no_seq(
    broadcaster: BroadcasterProcess,
) -> None:
    ws = await open_publisher(broadcaster.publish, TOKEN)
    await live_game(ws, "g1")
    refusals = [
        ("g1", "score", {"team": "home", "points": 4}, "invalid_event", "1, 2 or 3 points, not 4"),
        ("g1", "period.start", {}, "invalid_event", "Q1 is still in progress"),
        ("nope", "score", {"team": "home", "points": 1}, "unknown_game", "nope"),
        ("g1", "game.create", basketball_game("g1"), "invalid_event", "already exists"),
        ("g1", "slam-dunk", {}, "invalid_event", "no event kind 'slam-dunk'"),
        ("g1", "correction", {"target": 99, "action": "void"}, "invalid_event", "event 99"),
        ("g1", "correction", {"target": 1, "action": "void"}, "invalid_event", "game.create"),
    ]
    for game, kind, data, code, words in refusals:
        reply = await publish(ws, game, kind, data)
        assert reply["type"] == "error", reply
        assert reply["code"] == code
        assert words in reply["message"]
    ack = await publish(ws, "g1", "score", {"team": "home", "points": 2})
    assert ack["seq"] == 4
    assert await stored_seqs(broadcaster) == [1, 2, 3, 4]
    await ws.close()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{oops", "bad_json"),
        (b"\x00\x01binary", "bad_message"),
        ("[]", "bad_message"),
        ('{"kind":"score"}', "bad_message"),
        ('{"type":"publish","id":"x1","game_id":"g1","kind":"score","data":"3"}', "bad_message"),
        ('{"type":"publish","id":7,"game_id":"g1","kind":"score"}', "bad_message"),
        ('{"type":"cheer"}', "unknown_type"),
        ('{"type":"subscribe"}', "forbidden"),
    ],
)
async def test_bad_input_is_answered_and_the_connection_survives(
    broadcaster: BroadcasterProcess, frame: str | bytes, code: str
) -> None:
    ws = await open_publisher(broadcaster.publish, TOKEN)
    await send(ws, frame)
    reply = await recv(ws)
    assert reply["type"] == "error"
    assert reply["code"] == code
    assert reply["message"]
    ack = await publish(ws, "g1", "game.create", basketball_game("g1"))
    assert ack["type"] == "ack"
    assert await stored_seqs(broadcaster) == [1]
    await ws.close()


async def test_a_frame_over_the_limit_closes_with_1009(broadcaster: BroadcasterProcess) -> None:
    ws = await open_publisher(broadcaster.publish, TOKEN)
    await send(ws, json.dumps(pub("g1", "play", {"text": "x" * 70_000})))
    with pytest.raises(ConnectionClosed) as caught:
        await recv(ws)
    assert caught.value.rcvd is not None
    assert caught.value.rcvd.code == 1009
    assert await stored_seqs(broadcaster) == []


async def test_more_than_20_bad_messages_in_10_s_close_with_1008(
    broadcaster: BroadcasterProcess,
) -> None:
    ws = await open_publisher(broadcaster.publish, TOKEN)
    for _ in range(21):
        await send(ws, "nonsense")
    replies, code = await read_until_closed(ws)
    assert [r["code"] for r in replies] == ["bad_json"] * 21
    assert code == 1008


async def test_a_publisher_over_its_rate_is_closed_with_1008(journal_path) -> None:  # type: ignore[no-untyped-def]
    proc = BroadcasterProcess(journal_path, extra=["--publish-rate", "20"]).start()
    try:
        ws = await open_publisher(proc.publish, TOKEN)
        for i in range(60):
            await send(ws, pub("g1", "game.create", basketball_game("g1"), id=f"r{i}"))
        replies, code = await read_until_closed(ws)
        assert replies[-1]["code"] == "rate_limited"
        assert code == 1008
    finally:
        proc.stop()


async def test_publishing_on_the_feed_is_forbidden(broadcaster: BroadcasterProcess) -> None:
    ws, _ = await open_feed(broadcaster.feed)
    await send(ws, pub("g1", "game.create", basketball_game("g1"), id="f1"))
    reply = await recv(ws)
    assert (reply["code"], reply["id"]) == ("forbidden", "f1")
    await ws.close()
    assert await stored_seqs(broadcaster) == []


async def test_concurrent_publishers_get_one_total_order(broadcaster: BroadcasterProcess) -> None:
    setup = await open_publisher(broadcaster.publish, TOKEN)
    await live_game(setup, "g1")
    await live_game(setup, "g2")

    async def flood(game: str, n: int) -> list[int]:
        ws = await open_publisher(broadcaster.publish, TOKEN)
        for i in range(n):
            await send(ws, pub(game, "score", {"team": "away", "points": 1}, id=f"{game}-{i}"))
        acks = [await recv(ws) for _ in range(n)]
        await ws.close()
        return [a["seq"] for a in acks]

    a, b = await asyncio.gather(flood("g1", 150), flood("g2", 150))
    assert a == sorted(a)
    assert b == sorted(b)
    assert sorted(a + b) == list(range(7, 307))
    final = await publish(setup, "g2", "play", {"text": "end"})
    assert final["state"]["away"]["score"] == 150
    await setup.close()


async def test_when_it_happened_travels_with_the_event(broadcaster: BroadcasterProcess) -> None:
    """``at`` and ``clock`` (extensions): an event typed offline keeps its place in the game."""
    feed, _ = await open_feed(broadcaster.feed)
    await send(feed, {"type": "subscribe", "games": ["*"]})
    assert (await recv(feed))["type"] == "snapshot"
    ws = await open_publisher(broadcaster.publish, TOKEN)
    await live_game(ws, "g1")
    typed = 1_700_000_000.5
    message = pub("g1", "score", {"team": "home", "points": 2}) | {"at": typed, "clock": 431.0}
    await send(ws, message)
    ack = await recv(ws)
    assert ack["type"] == "ack"
    while (event := await recv(feed))["seq"] < ack["seq"]:
        pass
    assert (event["at"], event["clock"]) == (typed, 431.0)
    assert "by" not in event  # the shared token has no name
    history_req = {"type": "history", "game_id": "g1", "limit": 1}
    await send(feed, history_req)
    while (reply := await recv(feed))["type"] != "history":
        pass
    assert (reply["events"][0]["at"], reply["events"][0]["clock"]) == (typed, 431.0)
    future = pub("g1", "score", {"team": "home", "points": 2}) | {"at": 4_000_000_000.0}
    await send(ws, future)
    refused = await recv(ws)
    assert refused["code"] == "invalid_event"
    assert "future" in refused["message"]
    await ws.close()
    await feed.close()
