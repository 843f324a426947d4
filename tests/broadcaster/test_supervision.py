"""A dead commit path is never silent: /healthz fails at once, one critical line, exit 70."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from broadcaster.core import Accepted
from broadcaster.hub import Hub
from broadcaster.journal import Journal
from broadcaster.server import Broadcaster, Config
from tests.helpers.http import aget
from tests.helpers.proc import TOKEN, BroadcasterProcess
from tests.helpers.ws import live_game, open_publisher, publish

pytestmark = pytest.mark.asyncio


async def test_a_raising_listener_fails_healthz_and_refuses_publishes(tmp_path: Path) -> None:
    hub = Hub(Journal.open(tmp_path / "journal.sqlite3"))

    def buggy(batch: Sequence[Accepted]) -> None:
        if any(s.record.kind == "play" for s in batch):
            raise RuntimeError("a bug in a commit listener")

    hub.listeners.append(buggy)
    async with Broadcaster(hub, Config(port=0, publish_tokens=(TOKEN,))) as b:
        http = b.url.replace("ws://", "http://")
        assert await aget(http + "/healthz") == (200, "ok\n")
        ws = await open_publisher(b.url + "/publish", TOKEN)
        await live_game(ws, "g1")
        reply = await publish(ws, "g1", "play", {"text": "the bug fires"})
        assert reply["type"] == "ack"  # it is durable: acked, never a silent hang
        assert hub.dead.is_set()
        assert await aget(http + "/healthz") == (503, "failed: the journal core died\n")
        again = await publish(ws, "g1", "score", {"team": "home", "points": 2})
        assert (again["type"], again["code"]) == ("error", "internal")
        await ws.close()


async def test_the_process_stops_with_exit_70_and_one_critical_line(journal_path: Path) -> None:
    proc = BroadcasterProcess(journal_path, module="tests.helpers.faulty_broadcaster").start()
    try:
        ws = await open_publisher(proc.publish, TOKEN)
        await live_game(ws, "g1")
        acked = await publish(ws, "g1", "play", {"text": "fine"})
        assert acked["type"] == "ack"
        boom = await publish(ws, "g1", "play", {"text": "boom"})
        assert boom["type"] == "ack"  # durable, so acked; then the process stops
        await ws.close()
        assert proc.terminate(0) == 70  # signal 0: just wait for it to exit by itself
        log = proc.stderr
        assert log.count("CRITICAL") == 2  # the flusher died; stopping (exit 70)
        assert "a bug in a commit listener" in log
    finally:
        proc.stop()
    restarted = BroadcasterProcess(journal_path).start()  # nothing acked was lost
    try:
        assert restarted.seq == boom["seq"] > acked["seq"]
    finally:
        restarted.stop()
