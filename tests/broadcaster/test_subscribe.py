"""A second ``subscribe`` supersedes the first cleanly (what a browser client tripped over)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.frames import Frame, Opcode

from tests.helpers.proc import TOKEN, BroadcasterProcess
from tests.helpers.ws import live_game, open_feed, open_publisher, publish, recv, send

pytestmark = [pytest.mark.asyncio, pytest.mark.both_journals]


def no_step_back(messages: list[dict[str, Any]]) -> None:
    """After a snapshot at S no event at or below S, and events rise, until the next
    subscription starts (a snapshot or ``resumed``)."""
    floor = 0
    for msg in messages:
        if msg["type"] in ("snapshot", "resumed"):
            floor = msg["seq"]
        elif msg["type"] == "event":
            assert msg["seq"] > floor, f"event {msg['seq']} after seq {floor}: {messages}"
            floor = msg["seq"]


async def seeded(broadcaster: BroadcasterProcess, events: int) -> int:
    ws = await open_publisher(broadcaster.publish, TOKEN)
    await live_game(ws, "g1")
    for _ in range(events):
        last = await publish(ws, "g1", "score", {"team": "home", "points": 1})
    await ws.close()
    return int(last["seq"])


async def test_two_subscribes_in_one_write_get_only_the_second(
    broadcaster: BroadcasterProcess,
) -> None:
    top = await seeded(broadcaster, 6)
    feed, hello = await open_feed(broadcaster.feed)
    first = {"type": "subscribe", "games": ["*"]}
    second = {"type": "subscribe", "resume": {"epoch": hello["epoch"], "seq": top - 4}}
    frames = b"".join(
        Frame(Opcode.TEXT, json.dumps(m).encode()).serialize(mask=True, extensions=[])
        for m in (first, second)
    )
    feed.transport.write(frames)  # one TCP write: both arrive before either is answered
    got = [await recv(feed) for _ in range(4)]
    assert [(m["type"], m["seq"]) for m in got] == [("event", s) for s in range(top - 3, top + 1)]
    await feed.close()


async def test_replies_match_their_subscribe_by_req(broadcaster: BroadcasterProcess) -> None:
    top = await seeded(broadcaster, 600)
    feed, hello = await open_feed(broadcaster.feed)
    await send(
        feed, {"type": "subscribe", "req": "a", "resume": {"epoch": hello["epoch"], "seq": 0}}
    )
    await send(
        feed, {"type": "subscribe", "req": "b", "resume": {"epoch": hello["epoch"], "seq": 5}}
    )
    await send(feed, {"type": "subscribe", "req": "c"})
    messages = []
    while not (messages and messages[-1]["type"] == "snapshot" and messages[-1].get("req") == "c"):
        messages.append(await recv(feed))
    no_step_back(messages)
    assert messages[-1]["seq"] == top
    starts = [(m["type"], m.get("req")) for m in messages if m["type"] != "event"]
    assert starts[-1] == ("snapshot", "c")
    assert set(starts) <= {("resumed", "a"), ("resumed", "b"), ("snapshot", "c")}
    live = await open_publisher(broadcaster.publish, TOKEN)
    ack = await publish(live, "g1", "score", {"team": "away", "points": 3})
    assert (await recv(feed))["seq"] == ack["seq"] == top + 1  # live after the snapshot
    await live.close()
    await feed.close()


async def test_a_resume_with_req_starts_with_resumed(broadcaster: BroadcasterProcess) -> None:
    top = await seeded(broadcaster, 3)
    feed, hello = await open_feed(broadcaster.feed)
    await send(
        feed, {"type": "subscribe", "req": 7, "resume": {"epoch": hello["epoch"], "seq": top - 1}}
    )
    assert await recv(feed) == {
        "type": "resumed",
        "req": 7,
        "epoch": hello["epoch"],
        "seq": top - 1,
    }
    assert (await recv(feed))["seq"] == top
    await feed.close()
