"""deploy/haproxy.cfg, run by a real HAProxy in front of the nodes of deploy/cluster.py:
/feed spread over the nodes, /publish on one, a dead node taken out by its health check."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.cluster_script import ClusterScript
from tests.helpers.http import get
from tests.helpers.nats import free_ports
from tests.helpers.proc import TOKEN
from tests.helpers.ws import live_game, open_feed, open_publisher, publish, recv_type, send

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "haproxy.cfg"
HAPROXY = shutil.which("haproxy")
pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.skipif(HAPROXY is None, reason="no haproxy (.ci/run installs it with apt-get)"),
]


class Balancer:
    """HAProxy running ``deploy/haproxy.cfg`` with its addresses moved to the test's (and
    ``maxconn`` lowered: this machine's open-file limit is below what 200,000 needs)."""

    def __init__(self, tmp: Path, nodes: list[str]) -> None:
        self.port, self.stats_port = free_ports(2)
        text = CONFIG.read_text()
        for i, node in enumerate(nodes):
            text = text.replace(f"127.0.0.1:{8765 + i}", node.removeprefix("ws://"))
        text = text.replace("127.0.0.1:8080", f"127.0.0.1:{self.port}")
        text = text.replace("127.0.0.1:8404", f"127.0.0.1:{self.stats_port}")
        text = text.replace("maxconn 200000", "maxconn 2000")
        self.config = tmp / "haproxy.cfg"
        self.config.write_text(text)
        self.log = (tmp / "haproxy.log").open("wb")
        assert HAPROXY is not None
        self.proc = subprocess.Popen(
            [HAPROXY, "-db", "-f", str(self.config)], stdout=self.log, stderr=subprocess.STDOUT
        )

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def servers(self) -> dict[tuple[str, str], dict[str, str]]:
        """(backend, server) → its row of the stats CSV ({} while HAProxy is not up)."""
        try:
            status, text = get(f"http://127.0.0.1:{self.stats_port}/stats;csv")
        except OSError:
            return {}
        rows = csv.DictReader(io.StringIO(text.removeprefix("# ")))
        return {(r["pxname"], r["svname"]): r for r in rows} if status == 200 else {}

    async def until(self, check: str, **states: str) -> None:
        """Wait until each named server of backend ``check`` has ``status`` as given."""

        def reached() -> bool:
            rows = self.servers()
            return all(rows.get((check, s), {}).get("status") == v for s, v in states.items())

        while not await asyncio.to_thread(reached):
            assert self.proc.poll() is None, self.config.with_name("haproxy.log").read_text()
            await asyncio.sleep(0.1)  # polling HAProxy's stats page: nothing to wait on

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(20)
        self.log.close()


@pytest.fixture
def balancer(tmp_path: Path, cluster: ClusterScript) -> Iterator[Balancer]:
    lb = Balancer(tmp_path, cluster.nodes)
    try:
        yield lb
    finally:
        lb.stop()


def test_the_config_is_valid() -> None:
    assert HAPROXY is not None
    check = subprocess.run([HAPROXY, "-c", "-f", str(CONFIG)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.asyncio
async def test_feeds_spread_publishes_go_to_one_node_and_a_dead_node_is_taken_out(
    cluster: ClusterScript, balancer: Balancer
) -> None:
    up = {"node1": "UP", "node2": "UP", "node3": "UP"}
    await asyncio.wait_for(balancer.until("feed", **up), 30)
    feeds = [(await open_feed(f"{balancer.url}/feed"))[0] for _ in range(3)]
    publisher = await open_publisher(f"{balancer.url}/publish", TOKEN)
    try:
        rows = await asyncio.to_thread(balancer.servers)
        assert [rows["feed", n]["scur"] for n in up] == ["1", "1", "1"]  # leastconn: one each
        assert [rows["publish", n]["scur"] for n in up] == ["1", "0", "0"]  # backups idle
        assert (await live_game(publisher, "via-lb"))["type"] == "ack"
    finally:
        await publisher.close()
        for ws in feeds:
            await ws.close()

    os.kill(cluster.pid("node1"), signal.SIGKILL)
    await asyncio.wait_for(balancer.until("feed", node1="DOWN"), 30)
    await asyncio.wait_for(balancer.until("publish", node1="DOWN"), 30)
    publisher = await open_publisher(f"{balancer.url}/publish", TOKEN)  # now on a backup
    feeds = [(await open_feed(f"{balancer.url}/feed"))[0] for _ in range(4)]  # none refused
    try:
        for ws in feeds:  # node2 and node3 hold the game made on node1 before it died
            await send(ws, {"type": "subscribe", "games": ["*"]})
            snapshot = await recv_type(ws, "snapshot")
            assert [g["game_id"] for g in snapshot["games"]] == ["via-lb"]
        ack = await publish(publisher, "via-lb", "score", {"team": "away", "points": 2})
        assert ack["type"] == "ack", ack
        for ws in feeds:  # published on node2, seen live on node2 and node3
            event = await recv_type(ws, "event")
            assert (event["seq"], event["state"]["away"]["score"]) == (ack["seq"], 2)
        rows = await asyncio.to_thread(balancer.servers)
        assert rows["publish", "node2"]["scur"] == "1"
        assert [rows["feed", n]["scur"] for n in up] == ["0", "2", "2"]
    finally:
        await publisher.close()
        for ws in feeds:
            await ws.close()
    assert re.search(r"node1 \(pid \d+\) exited \(-9\)", cluster.output)
