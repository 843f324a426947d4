"""deploy/cluster.py as a newcomer runs it: three NATS servers and three broadcaster
nodes from one command, a score published on one node, a clean stop."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cluster_script import SCRIPT, ClusterScript, alive, wait_gone
from tests.helpers.http import aget
from tests.helpers.proc import TOKEN
from tests.helpers.ws import live_game, open_feed, open_publisher, publish, recv_type, send

pytestmark = pytest.mark.timeout(120)


@pytest.mark.asyncio
async def test_a_score_published_on_node_1_reaches_a_subscriber_of_node_2_live(
    cluster: ClusterScript,
) -> None:
    node1, node2, _ = cluster.nodes
    feed, hello = await open_feed(f"{node2}/feed")
    publisher = await open_publisher(f"{node1}/publish", TOKEN)
    try:
        await send(feed, {"type": "subscribe", "games": ["*"]})
        assert (await recv_type(feed, "snapshot"))["games"] == []
        await live_game(publisher, "final")
        ack = await publish(publisher, "final", "score", {"team": "home", "points": 3})
        assert ack["type"] == "ack", ack
        seen = [await recv_type(feed, "event") for _ in range(4)]
        assert [e["kind"] for e in seen] == ["game.create", "game.start", "period.start", "score"]
        assert seen[-1]["seq"] == ack["seq"]
        assert seen[-1]["state"]["home"]["score"] == 3
    finally:
        await publisher.close()
        await feed.close()
    assert hello["epoch"] == (await open_and_close_hello(node1))["epoch"]


async def open_and_close_hello(node: str) -> dict[str, object]:
    ws, hello = await open_feed(f"{node}/feed")
    await ws.close()
    return hello


@pytest.mark.asyncio
async def test_a_killed_node_is_reported_the_others_carry_on_and_sigterm_stops_every_child(
    cluster: ClusterScript,
) -> None:
    children = cluster.children()
    assert len(children) == 6, cluster.output  # three NATS servers, three nodes
    for node in cluster.nodes:
        assert await aget(node.replace("ws://", "http://") + "/healthz") == (200, "ok\n")
    hellos = [await open_and_close_hello(node) for node in cluster.nodes]
    assert len({h["epoch"] for h in hellos}) == 1  # one journal

    node1 = cluster.pid("node1")
    os.kill(node1, signal.SIGKILL)
    assert await asyncio.to_thread(cluster.printed, f"node1 (pid {node1}) exited (-9)")
    publisher = await open_publisher(f"{cluster.nodes[2]}/publish", TOKEN)
    feed, _ = await open_feed(f"{cluster.nodes[1]}/feed")
    try:
        await send(feed, {"type": "subscribe", "games": ["*"]})
        await recv_type(feed, "snapshot")
        ack = await live_game(publisher, "after")
        assert (await recv_type(feed, "event"))["game_id"] == "after"
    finally:
        await publisher.close()
        await feed.close()
    assert ack["type"] == "ack"

    assert await asyncio.to_thread(cluster.terminate) == 0
    assert [pid for pid in children if alive(pid)] == []
    assert "stopped: node1 -9, node2 0, node3 0, nats1 0, nats2 0, nats3 0" in cluster.output


@pytest.mark.asyncio
async def test_the_script_killed_with_9_takes_its_children_with_it(tmp_path: Path) -> None:
    script = ClusterScript(tmp_path / "store").start()
    children = script.children()
    assert script.proc is not None
    script.proc.send_signal(signal.SIGKILL)
    script.stop()
    for pid in children:  # PR_SET_PDEATHSIG: each gets SIGKILL from the kernel
        assert await asyncio.to_thread(wait_gone, pid, 20)


def test_a_taken_port_is_a_clear_error_and_starts_nothing(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run(
            [sys.executable, str(SCRIPT), "--base-port", str(port), "--store", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert run.returncode == 2
    assert f"port(s) {port} on 127.0.0.1 already in use" in run.stderr
    assert "--free-ports" in run.stderr
    assert not (tmp_path / "logs").exists()  # nothing was started


def test_a_server_that_cannot_start_is_named_with_its_log_and_nothing_is_left(
    tmp_path: Path,
) -> None:
    fake = tmp_path / "nats-server"
    fake.write_text("#!/bin/sh\necho 'nats: no JetStream here' >&2\nexit 3\n")
    fake.chmod(0o755)
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--free-ports", "--store", str(tmp_path / "s"),
         "--nats-server", str(fake)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 2
    assert re.search(r"nats\d exited \(3\):\n    nats: no JetStream here", run.stderr), run.stderr
    # each exited (3) or was stopped; no node was started
    assert re.fullmatch(r"stopped: nats1 -?\d+, nats2 -?\d+, nats3 -?\d+\n", run.stdout)


@pytest.mark.asyncio
async def test_a_given_store_keeps_the_journal_for_the_next_run(tmp_path: Path) -> None:
    first = ClusterScript(tmp_path / "store").start()
    try:
        publisher = await open_publisher(f"{first.nodes[0]}/publish", TOKEN)
        ack = await live_game(publisher, "kept")
        await publisher.close()
        assert await asyncio.to_thread(first.terminate) == 0
    finally:
        first.stop()
    second = ClusterScript(tmp_path / "store").start()  # other ports, the same store
    try:
        assert second.nodes != first.nodes
        feed, hello = await open_feed(f"{second.nodes[1]}/feed")
        await send(feed, {"type": "subscribe", "games": ["*"]})
        snapshot = await recv_type(feed, "snapshot")
        await feed.close()
    finally:
        second.stop()
    assert hello["seq"] == ack["seq"]
    assert [g["game_id"] for g in snapshot["games"]] == ["kept"]
