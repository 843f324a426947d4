"""Publish → ack latency and durable throughput of a real broadcaster process.

Runs side by side, in one script:

* latency: one publisher at a steady 100 publishes/s; the baseline is a bare
  websockets echo server (no rules, no journal) on the same machine, so the
  ratio is what durability and rules cost per event;
* throughput: publishers keeping many publishes in flight (group commit); the
  baseline is SQLite with the same schema and one fsync'd transaction per
  event (what durability costs without group commit).

    .venv/bin/python bench/publish.py [--seconds 5] [--publishers 4]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, serve

TOKEN = "bench-token"
GAME = {
    "sport": "basketball",
    "league": "NBA",
    "home": {"name": "Home", "short": "HOM"},
    "away": {"name": "Away", "short": "AWY"},
}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def start_broadcaster(db: Path) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "SCORECAST_TOKEN": TOKEN}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "broadcaster",
            "--log-level",
            "warning",
            "serve",
            "--port",
            "0",
            "--db",
            str(db),
            "--publish-rate",
            "1000000",
            "--token-rate",
            "1000000",
            "--tokens",
            str(db.with_name("tokens.json")),  # none: only the bench's token
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    match = re.search(r"url=(\S+)", proc.stdout.readline())
    assert match, "broadcaster did not start"
    return proc, match[1]


async def publisher(url: str) -> ClientConnection:
    ws = await connect(f"{url}/publish", additional_headers={"Authorization": f"Bearer {TOKEN}"})
    await ws.recv()  # hello
    return ws


def message(game: str, n: int, kind: str = "score", data: dict | None = None) -> str:  # type: ignore[type-arg]
    return json.dumps(
        {
            "type": "publish",
            "id": f"{game}-{n}",
            "game_id": game,
            "kind": kind,
            "data": data if data is not None else {"team": "home", "points": 1},
        }
    )


async def setup_game(ws: ClientConnection, game: str) -> None:
    for n, (kind, data) in enumerate(
        [("game.create", GAME), ("game.start", {}), ("period.start", {})]
    ):
        await ws.send(message(game, -1 - n, kind, data))
        reply = json.loads(await ws.recv())
        assert reply["type"] == "ack", reply


async def steady_latency(
    ws: ClientConnection, make: object, rate: float, seconds: float
) -> list[float]:
    """Send one message every 1/rate s, wait for each reply; latencies in ms."""
    latencies = []
    interval = 1.0 / rate
    start = time.perf_counter()
    for n in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, start + n * interval - time.perf_counter()))
        t0 = time.perf_counter()
        await ws.send(make(n))  # type: ignore[operator]
        await ws.recv()
        latencies.append((time.perf_counter() - t0) * 1000)
    return latencies


async def echo(ws: ServerConnection) -> None:
    async for msg in ws:
        await ws.send(msg)


async def throughput(url: str, publishers: int, seconds: float, window: int) -> float:
    """Durable publishes/s with ``window`` publishes in flight per publisher."""
    conns = [await publisher(url) for _ in range(publishers)]
    for i, ws in enumerate(conns):
        await setup_game(ws, f"t{i}")
    deadline = time.perf_counter() + seconds
    counts = [0] * publishers

    async def run(i: int, ws: ClientConnection) -> None:
        sent = 0
        for _ in range(window):
            await ws.send(message(f"t{i}", sent))
            sent += 1
        while time.perf_counter() < deadline:
            reply = await ws.recv()
            assert b'"ack"' in (reply if isinstance(reply, bytes) else reply.encode())
            counts[i] += 1
            await ws.send(message(f"t{i}", sent))
            sent += 1
        for _ in range(window):
            await ws.recv()
            counts[i] += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(run(i, ws) for i, ws in enumerate(conns)))
    elapsed = time.perf_counter() - t0
    for ws in conns:
        await ws.close()
    return sum(counts) / elapsed


def sqlite_one_commit_per_event(db: Path, seconds: float) -> float:
    conn = sqlite3.connect(db, isolation_level="DEFERRED")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE events(seq INTEGER PRIMARY KEY, pub_id TEXT UNIQUE, frame BLOB)")
    frame = b"x" * 600
    n, deadline, t0 = 0, time.perf_counter() + seconds, time.perf_counter()
    while time.perf_counter() < deadline:
        with conn:
            conn.execute("INSERT INTO events VALUES (?, ?, ?)", (n + 1, f"id-{n}", frame))
        n += 1
    rate = n / (time.perf_counter() - t0)
    conn.close()
    return rate


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--publishers", type=int, default=4)
    parser.add_argument("--window", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_broadcaster(Path(tmp) / "journal.sqlite3")
        try:
            ws = await publisher(url)
            await setup_game(ws, "lat")
            ours = await steady_latency(ws, lambda n: message("lat", n), 100, args.seconds)
            await ws.close()
            async with serve(echo, "127.0.0.1", 0) as server:
                port = server.sockets[0].getsockname()[1]
                async with connect(f"ws://127.0.0.1:{port}") as ews:
                    base = await steady_latency(ews, lambda n: message("lat", n), 100, args.seconds)
            durable = await throughput(url, args.publishers, args.seconds, args.window)
        finally:
            proc.terminate()
            proc.wait()
        naive = sqlite_one_commit_per_event(Path(tmp) / "naive.sqlite3", args.seconds)

    print(f"\npublish → ack at 100 publishes/s for {args.seconds:.0f} s (ms)")
    print(f"{'':34} {'p50':>8} {'p99':>8} {'max':>8}")
    for name, values in (
        ("broadcaster (rules + fsync)", ours),
        ("baseline: websockets echo", base),
    ):
        print(
            f"{name:34} {statistics.median(values):8.2f} {pct(values, 0.99):8.2f} "
            f"{max(values):8.2f}"
        )
    print(f"ratio p99 broadcaster / echo: {pct(ours, 0.99) / pct(base, 0.99):.1f}x")
    print(f"\ndurable publishes/s ({args.publishers} publishers, {args.window} in flight each)")
    print(f"{'broadcaster (group commit)':34} {durable:10.0f}")
    print(f"{'baseline: SQLite, 1 commit/event':34} {naive:10.0f}")
    print(f"ratio: {durable / naive:.1f}x")


if __name__ == "__main__":
    asyncio.run(main())
