"""Broadcaster nodes on one NATS stream, and what their clients do, for tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection

from tests.helpers.nats import NatsCluster
from tests.helpers.proc import BroadcasterProcess
from tests.helpers.ws import open_feed, publish, recv, send

FAST = ["--publish-rate", "100000", "--token-rate", "100000"]


@contextlib.contextmanager
def nodes_on(
    cluster: NatsCluster, stream: str, root: Path, count: int = 3
) -> Iterator[list[BroadcasterProcess]]:
    """``count`` nodes on a new ``stream`` (three copies), started all at once (as a
    deployment does: they race to create the stream), stopped at the end."""
    urls = ",".join(cluster.urls)
    extra = ["--replicas", "3", "--stream", stream, *FAST]
    nodes = [
        BroadcasterProcess(root / f"node{i}" / "j", journal=urls, extra=extra) for i in range(count)
    ]
    try:
        with ThreadPoolExecutor(count) as starting:
            list(starting.map(BroadcasterProcess.start, nodes))
        yield nodes
    finally:
        for node in nodes:
            node.stop()


async def publish_until_acked(
    ws: ClientConnection, game: str, kind: str, data: dict[str, Any], id: str,
    retries: list[str] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Publish; a node validates again by itself when another appended first and answers
    ``internal`` only after several tries: then retry the same id (counted in ``retries``)."""
    for _ in range(50):
        reply = await publish(ws, game, kind, data, id=id)
        if reply["type"] == "ack":
            return reply
        assert reply["code"] == "internal", reply
        if retries is not None:
            retries.append(id)
    raise AssertionError(f"{id} never acked")


async def watch(node: BroadcasterProcess, **subscribe: Any) -> ClientConnection:
    """A subscriber to every game on ``node``, its snapshot (or ``resumed``) read."""
    ws, _ = await open_feed(node.feed)
    await send(ws, {"type": "subscribe", "req": 1, **subscribe})
    first = await recv(ws)
    assert first["type"] in ("snapshot", "resumed"), first
    return ws


async def events_until(ws: ClientConnection, seq: int) -> list[dict[str, Any]]:
    """Events received until the one numbered ``seq``."""
    events: list[dict[str, Any]] = []
    while not events or events[-1]["seq"] < seq:
        msg = await recv(ws)
        assert msg["type"] == "event", msg
        events.append(msg)
    return events
