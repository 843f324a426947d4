"""``broadcaster replay``: idempotent, resumable, paced, under the rate limit, refusals reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from broadcaster.errors import LocalError
from broadcaster.feed import FeedItem, feed_line, parse_feed
from broadcaster.importers.common import feed_lines
from broadcaster.protocol import Publish
from broadcaster.replay import replay
from broadcaster.server import Broadcaster
from broadcaster.simulate import simulate
from tests.helpers.proc import TOKEN as PROC_TOKEN
from tests.helpers.proc import BroadcasterProcess
from tests.replay.conftest import TOKEN


def feed(*sports: str, seed: int = 1) -> list[FeedItem]:
    games = [simulate(sport, seed + n) for n, sport in enumerate(sports)]
    return list(parse_feed(feed_lines(games, together=True)))


@pytest.mark.asyncio
async def test_replay_is_idempotent(server: Broadcaster) -> None:
    items = feed("basketball", "soccer")
    first = await replay(items, server.url, TOKEN)
    assert (first.new, first.duplicates, first.errors) == (len(items), 0, [])
    seq = server.hub.committed_seq
    again = await replay(items, server.url, TOKEN)
    assert (again.new, again.duplicates, again.errors) == (0, len(items), [])
    assert server.hub.committed_seq == seq  # nothing counted twice


@pytest.mark.asyncio
async def test_an_interrupted_replay_resumes_where_it_stopped(server: Broadcaster) -> None:
    items = feed("ice_hockey")
    half = len(items) // 2
    await replay(items[:half], server.url, TOKEN)
    rest = await replay(items, server.url, TOKEN, speed=1e6)  # paced: catches up first
    assert (rest.duplicates, rest.new, rest.errors) == (half, len(items) - half, [])
    assert server.hub.games[items[0].publish.game_id].state.status == "final"


@pytest.mark.asyncio
async def test_refused_publishes_are_reported_and_the_rest_goes_on(server: Broadcaster) -> None:
    items = feed("basketball")[:5]
    bad = FeedItem(Publish("bad-1", items[0].publish.game_id, "score",
                           {"team": "home", "points": 4}), 1.0)  # fmt: skip
    result = await replay([*items, bad, *feed("soccer")[:3]], server.url, TOKEN)
    assert result.new == 8
    assert result.errors == ["bad-1 (score): a basketball score is 1, 2 or 3 points, not 4"]


@pytest.mark.asyncio
async def test_many_publishes_stay_under_the_rate_limit(server: Broadcaster) -> None:
    """Over 1,000 publishes as fast as possible: never closed with 1008."""
    items = feed("basketball", "basketball", "basketball", "basketball", "basketball")
    assert len(items) > 1000
    result = await replay(items, server.url, TOKEN)
    assert (result.new, result.errors) == (len(items), [])


@pytest.mark.asyncio
async def test_a_wrong_token_is_a_clear_error(server: Broadcaster) -> None:
    with pytest.raises(LocalError, match="refused the connection"):
        await replay(feed("tennis")[:2], server.url, "wrong-token")


def test_cli_replay_against_a_broadcaster_process(tmp_path: Path) -> None:
    path = tmp_path / "game.jsonl"
    items = feed("cricket")
    path.write_text("\n".join(feed_line(i.publish, i.at) for i in items) + "\n", encoding="utf-8")
    proc = BroadcasterProcess(tmp_path / "journal.sqlite3").start()
    try:
        env = {**os.environ, "SCORECAST_TOKEN": PROC_TOKEN}
        cmd = [sys.executable, "-m", "broadcaster", "replay", str(path), "--url", proc.url,
               "--as-fast-as-possible"]  # fmt: skip
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=50)
        assert done.returncode == 0, done.stderr
        assert f"replayed {len(items)} publishes: {len(items)} new" in done.stdout
        again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=50)
        assert f"0 new, {len(items)} already there, 0 refused" in again.stdout
        del env["SCORECAST_TOKEN"]
        none = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=50)
        assert none.returncode == 2 and "no publish token" in none.stderr
    finally:
        proc.stop()


@pytest.mark.asyncio
async def test_a_dropped_connection_is_reopened_and_the_replay_goes_on() -> None:
    """A publisher endpoint that drops the first connection after five acks."""
    from websockets.asyncio.server import ServerConnection, serve

    stored: dict[str, int] = {}
    connections = 0
    firsts: list[str] = []  # the first publish id each connection received
    state = {"game_id": "g", "sport": "tennis", "league": "ATP", "status": "live",
             "home": {"name": "A", "short": "A"}, "away": {"name": "B", "short": "B"}}  # fmt: skip

    async def endpoint(ws: ServerConnection) -> None:
        nonlocal connections
        connections += 1
        first = connections == 1
        await ws.send(json.dumps({"type": "hello", "epoch": "e", "seq": len(stored), "time": 0.0}))
        answered = 0
        async for raw in ws:
            pid = json.loads(raw)["id"]
            if answered == 0:
                firsts.append(pid)
            stored.setdefault(pid, len(stored) + 1)
            await ws.send(
                json.dumps({"type": "ack", "id": pid, "seq": stored[pid], "state": state})
            )
            answered += 1
            if first and answered == 5:
                await ws.close(1011)
                return

    items = feed("tennis")[:40]
    async with serve(endpoint, "127.0.0.1", 0) as fake:
        port = fake.sockets[0].getsockname()[1]
        result = await replay(items, f"ws://127.0.0.1:{port}", TOKEN)
    assert connections == 2
    # the second connection starts at the first publish without an answer, not at publish 1
    assert firsts == [items[0].publish.id, items[5].publish.id]
    assert (result.new, result.errors) == (40, [])
    assert len(stored) == 40
