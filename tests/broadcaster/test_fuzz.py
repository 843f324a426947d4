"""Hostile input on both endpoints: every frame gets its protocol error, none a traceback.

``bench/attacks.py fuzz`` sends 100,000 of the same frames and reports the figures.
"""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.helpers.fuzz import frames
from tests.helpers.proc import TOKEN, BroadcasterProcess
from tests.helpers.ws import live_game, open_feed, open_publisher, publish, recv, send

pytestmark = pytest.mark.asyncio
HEADERS = {"Authorization": f"Bearer {TOKEN}"}


async def fuzz(url: str, seed: int, count: int, headers: dict[str, str]) -> tuple[int, int]:
    """Send ``count`` frames, reconnecting whenever the server closes; returns
    (connections used, error replies read)."""
    connections, errors = 0, 0
    ws: ClientConnection | None = None
    reader: asyncio.Task[None] | None = None

    async def read(conn: ClientConnection) -> None:
        nonlocal errors
        async for raw in conn:
            errors += '"type":"error"' in str(raw)

    for n, frame in enumerate(frames(seed, count)):
        if ws is None:
            ws = await connect(url, additional_headers=headers, max_size=None)
            reader = asyncio.create_task(read(ws))
            connections += 1
        try:
            await ws.send(frame)
            if n % 10 == 9:  # a pong: the server has read these (and may have closed)
                await asyncio.wait_for(await ws.ping(), 10)
        except ConnectionClosed:
            await asyncio.gather(reader, return_exceptions=True)  # type: ignore[arg-type]
            ws = None
    if ws is not None:
        await ws.close()
        await asyncio.gather(reader, return_exceptions=True)  # type: ignore[arg-type]
    return connections, errors


async def test_thousands_of_hostile_frames_leave_no_traceback(
    broadcaster: BroadcasterProcess,
) -> None:
    publisher = await open_publisher(broadcaster.publish, TOKEN)
    await live_game(publisher, "g1")
    watcher, _ = await open_feed(broadcaster.feed)
    await send(watcher, {"type": "subscribe", "games": ["g1"]})
    assert (await recv(watcher))["type"] == "snapshot"
    feed_conns, feed_errors = await fuzz(broadcaster.feed, 1, 3000, {})
    pub_conns, pub_errors = await fuzz(broadcaster.publish, 2, 3000, HEADERS)
    assert feed_errors > 1000 and pub_errors > 1000  # answered, not dropped
    assert feed_conns > 1 and pub_conns > 1  # abusive connections were closed (1008)
    ack = await publish(publisher, "g1", "score", {"team": "home", "points": 3})
    assert ack["type"] == "ack"
    events = [await recv(watcher)]  # the real subscriber was never hurt: it has every event
    while events[-1]["seq"] < ack["seq"]:  # of g1 (some fuzzed publishes were valid), in order
        events.append(await recv(watcher))
    assert [e["game_seq"] for e in events] == list(range(4, 4 + len(events)))
    assert events[-1]["state"] == ack["state"]
    log = broadcaster.stderr
    assert "Traceback" not in log, log[log.index("Traceback") - 2000 :][:4000]
    assert log.count("\n") < 400, "client mistakes are logged at a limited rate"
    await watcher.close()
    await publisher.close()
