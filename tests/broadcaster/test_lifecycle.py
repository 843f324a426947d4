"""The broadcaster as a process: crash and restart, graceful stop, health, metrics, bad journals."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.http import aget, metric
from tests.helpers.proc import TOKEN, BroadcasterProcess
from tests.helpers.ws import (
    live_game,
    open_feed,
    open_publisher,
    pub,
    publish,
    read_until_closed,
    recv,
    send,
)

pytestmark = pytest.mark.asyncio


async def test_kill_9_then_restart_keeps_the_epoch_and_every_acked_event(
    broadcaster: BroadcasterProcess,
) -> None:
    ws = await open_publisher(broadcaster.publish, TOKEN)
    await live_game(ws, "g1")
    for i in range(300):  # many in flight: some acked, some maybe not when we kill
        await send(ws, pub("g1", "score", {"team": "home", "points": 1}, id=f"s{i}"))
    acked = [await recv(ws) for _ in range(150)]
    assert all(a["type"] == "ack" for a in acked)
    epoch = broadcaster.epoch
    assert broadcaster.kill() == -signal.SIGKILL
    _, close_code = await read_until_closed(ws)
    assert close_code is None  # a crash sends no close frame
    broadcaster.start()
    assert broadcaster.epoch == epoch
    assert broadcaster.seq >= acked[-1]["seq"]
    ws2 = await open_publisher(broadcaster.publish, TOKEN)
    for a in acked:  # retrying acked ids returns the same acks
        assert await publish(ws2, "g1", "score", {"team": "home", "points": 1}, id=a["id"]) == a
    for i in range(300):  # retrying everything counts each score exactly once
        await send(ws2, pub("g1", "score", {"team": "home", "points": 1}, id=f"s{i}"))
    replies = [await recv(ws2) for _ in range(300)]
    assert replies[-1]["state"]["home"]["score"] == 300
    assert [r["seq"] for r in replies] == list(range(4, 304))
    feed, _ = await open_feed(broadcaster.feed)
    await send(feed, {"type": "subscribe", "resume": {"epoch": epoch, "seq": 0}})
    seqs = [(await recv(feed))["seq"] for _ in range(303)]
    assert seqs == list(range(1, 304))
    for w in (ws2, feed):
        await w.close()


async def test_sigterm_closes_everyone_with_1001_flushes_and_exits_0(
    broadcaster: BroadcasterProcess,
) -> None:
    ws = await open_publisher(broadcaster.publish, TOKEN)
    await live_game(ws, "g1")
    feed, _ = await open_feed(broadcaster.feed)
    await send(feed, {"type": "subscribe"})
    assert (await recv(feed))["type"] == "snapshot"
    for i in range(50):
        await send(ws, pub("g1", "score", {"team": "away", "points": 2}, id=f"t{i}"))
    first = await recv(ws)
    readers = asyncio.gather(read_until_closed(ws), read_until_closed(feed))
    assert await asyncio.to_thread(broadcaster.terminate) == 0
    (replies, pub_close), (events, feed_close) = await readers
    assert (pub_close, feed_close) == (1001, 1001)
    acked = [first, *[r for r in replies if r["type"] == "ack"]]
    delivered = [e["seq"] for e in events]
    assert delivered == sorted(delivered)
    broadcaster.start()
    ws = await open_publisher(broadcaster.publish, TOKEN)
    for a in acked:  # every ack sent before the stop was durable
        assert await publish(ws, "g1", "score", {"team": "away", "points": 2}, id=a["id"]) == a
    await ws.close()


async def test_sigterm_log_tells_the_shutdown_sequence(broadcaster: BroadcasterProcess) -> None:
    assert await asyncio.to_thread(broadcaster.terminate, signal.SIGINT) == 0
    log = broadcaster.stderr
    steps = [
        "signal received",
        "no new publishes",
        "closing 0 connection(s) with 1001",
        "journal closed at seq 0",
    ]
    positions = [log.index(step) for step in steps]
    assert positions == sorted(positions)


async def test_healthz_and_metrics(broadcaster: BroadcasterProcess) -> None:
    assert await aget(broadcaster.http + "/healthz") == (200, "ok\n")
    ws = await open_publisher(broadcaster.publish, TOKEN)
    await live_game(ws, "g1")
    subs = [await open_feed(broadcaster.feed) for _ in range(3)]
    for sub, _ in subs:
        await send(sub, {"type": "subscribe"})
        await recv(sub)
    await publish(ws, "g1", "score", {"team": "home", "points": 2})
    for sub, _ in subs:
        assert (await recv(sub))["kind"] == "score"
    await publish(ws, "g1", "score", {"team": "home", "points": 7})  # refused
    status, text = await aget(broadcaster.http + "/metrics")
    assert status == 200
    assert metric(text, "scorecast_subscribers") == 3
    assert metric(text, "scorecast_publishers") == 1
    assert metric(text, "scorecast_events_total") == 4
    assert metric(text, "scorecast_deliveries_total") == 3
    assert metric(text, "scorecast_publish_seconds_count") == 4
    assert 'scorecast_errors_total{code="invalid_event"} 1.0' in text
    assert "scorecast_publish_seconds_bucket" in text
    for sub, _ in subs:
        await sub.close()
    await ws.close()


async def run_cli(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "broadcaster", *args],
        capture_output=True,
        text=True,
        timeout=30,
        env=env if env is not None else {**os.environ, "SCORECAST_TOKEN": TOKEN},
        check=False,
    )


async def test_a_corrupted_journal_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "journal.sqlite3"
    db.write_bytes(b"this is not a database, it is a shopping list\n" * 100)
    result = await run_cli("serve", "--port", "0", "--db", str(db))
    assert result.returncode == 2
    assert "is not a Scorecast journal or is corrupted" in result.stderr
    assert db.read_bytes().startswith(b"this is not a database")  # left as it was


async def test_a_damaged_page_is_found_at_start(tmp_path: Path) -> None:
    db = tmp_path / "journal.sqlite3"
    proc = BroadcasterProcess(db).start()
    ws = await open_publisher(proc.publish, TOKEN)
    await live_game(ws, "g1")
    for _ in range(200):
        await publish(ws, "g1", "play", {"text": "x" * 500})
    await ws.close()
    assert await asyncio.to_thread(proc.terminate) == 0
    raw = bytearray(db.read_bytes())
    raw[8192:12288] = b"\xff" * 4096  # smash a page in the middle
    db.write_bytes(bytes(raw))
    result = await run_cli("serve", "--port", "0", "--db", str(db))
    assert result.returncode == 2
    assert "broadcaster: error: " in result.stderr
    assert "corrupted" in result.stderr or "malformed" in result.stderr


async def test_an_unwritable_journal_folder_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    blocker = folder / "file"
    blocker.write_text("x")
    result = await run_cli("serve", "--port", "0", "--db", str(blocker / "journal.sqlite3"))
    assert result.returncode == 2
    assert "cannot create the journal's folder" in result.stderr


async def test_no_token_is_a_clear_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SCORECAST_TOKEN"}
    result = await run_cli("serve", "--db", str(tmp_path / "j"), env=env)
    assert result.returncode == 2
    assert "no publish token" in result.stderr


async def test_token_file_is_read_and_never_logged(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("from-a-file\n")
    proc = BroadcasterProcess(
        tmp_path / "j.sqlite3", token="unused", extra=["--token-file", str(token_file)]
    ).start()
    try:
        ws = await open_publisher(proc.publish, "from-a-file")
        await ws.close()
    finally:
        proc.stop()
    assert "from-a-file" not in proc.stderr


async def test_version() -> None:
    result = await run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("broadcaster 0.")
