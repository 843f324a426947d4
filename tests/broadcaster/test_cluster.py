"""Three broadcaster nodes on one NATS JetStream stream (a real three-server cluster):
every node delivers every event, in ``seq`` order, whoever published it."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.cluster import events_until, nodes_on, publish_until_acked, watch
from tests.helpers.nats import NatsCluster
from tests.helpers.proc import TOKEN, BroadcasterProcess
from tests.helpers.ws import live_game, open_publisher, pub, publish, recv, send

POINT = {"team": "home", "points": 1}
_names = itertools.count()
pytestmark = pytest.mark.asyncio


@pytest.fixture
def stream() -> str:
    return f"C{next(_names)}"


async def game_on(node: BroadcasterProcess) -> Any:
    """A publisher on ``node`` that has created and started game g."""
    publisher = await open_publisher(node.publish, TOKEN)
    await live_game(publisher, "g")
    return publisher


def healthz(node: BroadcasterProcess) -> int:
    try:
        with urllib.request.urlopen(f"{node.http}/healthz", timeout=5) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as exc:
        return exc.code


async def test_publishes_on_any_node_reach_every_nodes_subscribers_in_seq_order(
    nats_cluster: NatsCluster, stream: str, tmp_path: Path
) -> None:
    with nodes_on(nats_cluster, stream, tmp_path) as nodes:
        assert len({(n.epoch, n.seq) for n in nodes}) == 1  # one stream, one epoch
        feeds = [await watch(n) for n in nodes]
        pubs = [await open_publisher(n.publish, TOKEN) for n in nodes]
        await live_game(pubs[0], "g")
        acks = []
        for i in range(12):  # each validated after the one before, on another node
            reply = await publish(pubs[i % 3], "g", "score", POINT, id=f"s{i}")
            assert reply["type"] == "ack", reply  # never unknown_game: the game is heard of
            acks.append(reply)

        async def operator(n: int) -> list[dict[str, Any]]:
            return [
                await publish_until_acked(pubs[n], "g", "score", POINT, f"o{n}-{i}")
                for i in range(20)
            ]

        acks += [a for batch in await asyncio.gather(*map(operator, range(3))) for a in batch]
        seqs = sorted(a["seq"] for a in acks)
        assert seqs == list(range(4, 4 + 72))  # unique, with no gap
        seen = [await events_until(feed, seqs[-1]) for feed in feeds]
        for events in seen:
            assert [e["seq"] for e in events] == list(range(1, seqs[-1] + 1))
            assert events[-1]["state"]["home"]["score"] == 72
        assert seen[0] == seen[1] == seen[2]  # byte for byte the same events
        for ws in (*feeds, *pubs):
            await ws.close()


async def test_an_id_retried_on_another_node_gets_its_original_ack(
    nats_cluster: NatsCluster, stream: str, tmp_path: Path
) -> None:
    with nodes_on(nats_cluster, stream, tmp_path) as nodes:
        pubs = [await open_publisher(n.publish, TOKEN) for n in nodes]
        await live_game(pubs[0], "g")
        first = await publish(pubs[0], "g", "score", POINT, id="once")
        for ws in pubs[1:]:
            assert await publish(ws, "g", "score", POINT, id="once") == first
        other = await publish(pubs[2], "g", "score", {"team": "away", "points": 3}, id="once")
        assert other["code"] == "duplicate_id"
        for ws in pubs:
            await ws.close()


async def test_a_subscriber_of_a_killed_node_resumes_on_another_with_exactly_what_it_missed(
    nats_cluster: NatsCluster, stream: str, tmp_path: Path
) -> None:
    with nodes_on(nats_cluster, stream, tmp_path) as nodes:
        publisher = await game_on(nodes[0])
        feed = await watch(nodes[1])
        for i in range(40):
            await send(publisher, pub("g", "score", POINT, id=f"s{i}"))
        got = await events_until(feed, 3 + 20)
        nodes[1].kill()  # mid-stream: the rest is published while its subscriber is away
        acks = [await recv(publisher) for _ in range(40)]
        for i in range(40, 60):
            acks.append(await publish(publisher, "g", "score", POINT, id=f"s{i}"))
        last = got[-1]["seq"]
        again = await watch(nodes[2], resume={"epoch": nodes[1].epoch, "seq": last})
        missed = await events_until(again, acks[-1]["seq"])
        assert [e["seq"] for e in missed] == list(range(last + 1, acks[-1]["seq"] + 1))
        assert missed[-1]["state"]["home"]["score"] == 60
        for ws in (publisher, feed, again):
            await ws.close()


async def test_a_restarted_node_converges_on_what_the_others_published_meanwhile(
    nats_cluster: NatsCluster, stream: str, tmp_path: Path
) -> None:
    with nodes_on(nats_cluster, stream, tmp_path) as nodes:
        publisher = await game_on(nodes[0])
        nodes[2].kill()
        for i in range(30):
            assert (await publish(publisher, "g", "score", POINT, id=f"s{i}"))["type"] == "ack"
        nodes[2].start()
        assert (nodes[2].epoch, nodes[2].seq) == (nodes[0].epoch, 33)
        snapshots = []
        for node in (nodes[0], nodes[2]):
            ws = await open_publisher(node.publish, TOKEN)
            reply = await publish(ws, "g", "score", POINT, id=f"last-{node.port}")
            snapshots.append(reply)
            await ws.close()
        assert [s["state"]["home"]["score"] for s in snapshots] == [31, 32]
        await publisher.close()


async def test_with_nats_down_publishes_are_refused_healthz_is_503_and_all_recovers(
    nats_cluster: NatsCluster, stream: str, tmp_path: Path
) -> None:
    with nodes_on(nats_cluster, stream, tmp_path, count=2) as nodes:
        feed = await watch(nodes[1])
        publisher = await game_on(nodes[0])
        await events_until(feed, 3)
        with nats_cluster.down():
            for node in nodes:
                await asyncio.to_thread(_until_healthz, node, 503)
            refused = await publish(publisher, "g", "score", POINT, id="while-down")
            assert (refused["type"], refused["code"]) == ("error", "internal")
        for node in nodes:
            await asyncio.to_thread(_until_healthz, node, 200)
        for _ in range(60):  # the same id, as a client retries after internal
            reply = await publish(publisher, "g", "score", POINT, id="while-down")
            if reply["type"] == "ack":
                break
            assert reply["code"] == "internal", reply
        assert reply["type"] == "ack" and reply["state"]["home"]["score"] == 1
        (event,) = await events_until(feed, reply["seq"])  # the same connection, live
        assert event["seq"] == reply["seq"] == 4
        for ws in (publisher, feed):
            await ws.close()


def _until_healthz(node: BroadcasterProcess, status: int, timeout: float = 30) -> None:
    """Poll ``/healthz`` as a load balancer does, until it answers ``status``."""
    deadline, pause = time.monotonic() + timeout, threading.Event()
    while healthz(node) != status:
        assert time.monotonic() < deadline, f"/healthz never answered {status}"
        pause.wait(0.1)
