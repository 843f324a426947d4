"""A crash in the middle of a stream of publishes, and what must hold after it."""

from __future__ import annotations

from typing import Any

from tests.helpers.proc import TOKEN, BroadcasterProcess
from tests.helpers.ws import live_game, open_feed, open_publisher, pub, publish, recv, send

SCORES = 300
POINT = {"team": "home", "points": 1}


async def publish_then_kill(node: BroadcasterProcess) -> list[dict[str, Any]]:
    """Send ``SCORES`` scores to game g1, wait for half the acks, then ``kill -9`` the node
    with the rest in flight; the acks received, and the publisher (closed by the crash)."""
    ws = await open_publisher(node.publish, TOKEN)
    await live_game(ws, "g1")
    for i in range(SCORES):  # many in flight: some acked, some maybe not when we kill
        await send(ws, pub("g1", "score", POINT, id=f"s{i}"))
    acked = [await recv(ws) for _ in range(SCORES // 2)]
    assert all(a["type"] == "ack" for a in acked)
    node.kill()
    await ws.close()
    return acked


async def nothing_acked_is_lost(node: BroadcasterProcess, acked: list[dict[str, Any]]) -> None:
    """On ``node`` (restarted, or another one on the same journal): each acked id retried
    returns its original ack, every score retried counts exactly once, and a resume from
    seq 0 replays every event."""
    ws = await open_publisher(node.publish, TOKEN)
    for a in acked:
        assert await publish(ws, "g1", "score", POINT, id=a["id"]) == a
    for i in range(SCORES):
        await send(ws, pub("g1", "score", POINT, id=f"s{i}"))
    replies = [await recv(ws) for _ in range(SCORES)]
    assert replies[-1]["state"]["home"]["score"] == SCORES
    assert [r["seq"] for r in replies] == list(range(4, SCORES + 4))
    feed, _ = await open_feed(node.feed)
    await send(feed, {"type": "subscribe", "resume": {"epoch": node.epoch, "seq": 0}})
    assert [(await recv(feed))["seq"] for _ in range(SCORES + 3)] == list(range(1, SCORES + 4))
    for w in (ws, feed):
        await w.close()
