"""Issue #10 item 7 as attacks on a real broadcaster: one token on many connections, and a
flood of wrong tokens from one address.

* rate: ``--connections`` publishers with the same named token each keep publishing
  ``play`` events as fast as acks come back, for ``--seconds``; prints the accepted
  publishes/s of the token as a whole (it was ~7,000/s on 8 connections before the
  per-token rate; now the token's ``--token-rate``, default 1,000/s);
* guessing: one client opens handshakes with wrong tokens as fast as it can for
  ``--seconds``; prints how many were checked (401) and how many turned away unchecked (429);
* cost: the time one named token's check takes (the salted hash, on the event loop).

    .venv/bin/python bench/tokens.py [--seconds 5] [--connections 8] [--token-rate R]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from broadcaster.auth import store  # noqa: E402
from broadcaster.auth.tokens import Scope, find, new_token  # noqa: E402
from tests.helpers.proc import BroadcasterProcess  # noqa: E402
from tests.helpers.ws import live_game, open_publisher, pub, recv, send  # noqa: E402

IN_FLIGHT = 50


async def hammer(ws: ClientConnection, until: float) -> tuple[int, int]:
    """Keep IN_FLIGHT publishes outstanding until ``until``; returns (acks, refusals)."""
    acks = refused = sent = received = 0
    while time.monotonic() < until or received < sent:
        while sent - received < IN_FLIGHT and time.monotonic() < until:
            await send(ws, pub("g1", "play", {"text": "x"}))
            sent += 1
        reply = await recv(ws)
        received += 1
        acks += reply["type"] == "ack"
        refused += reply["type"] == "error"
    return acks, refused


async def rate(proc: BroadcasterProcess, secret: str, seconds: float, n: int) -> None:
    setup = await open_publisher(proc.publish, secret)
    await live_game(setup, "g1")
    conns = [await open_publisher(proc.publish, secret) for _ in range(n)]
    await asyncio.sleep(1.0)  # let the token's bucket fill: measure the steady rate
    began = time.monotonic()
    results = await asyncio.gather(*(hammer(ws, began + seconds) for ws in conns))
    elapsed = time.monotonic() - began
    acks, refused = sum(a for a, _ in results), sum(r for _, r in results)
    print(f"one token on {n} connections: {acks / elapsed:,.0f} accepted publishes/s")
    print(f"  ({acks:,} acks, {refused:,} refused rate_limited in {elapsed:.1f} s)")
    for ws in (*conns, setup):
        await ws.close()


async def guess(proc: BroadcasterProcess, seconds: float) -> None:
    counts: dict[int, int] = {}
    until = time.monotonic() + seconds
    n = 0
    while time.monotonic() < until:
        n += 1
        headers = {"Authorization": f"Bearer alice.guess{n}"}
        try:
            async with connect(proc.publish, additional_headers=headers):
                status = 101
        except InvalidStatus as exc:
            status = exc.response.status_code
        counts[status] = counts.get(status, 0) + 1
    print(f"wrong tokens from one address for {seconds:.0f} s: {n / seconds:,.0f} tries/s")
    checked, unchecked = counts.get(401, 0), counts.get(429, 0)
    print(f"  checked (401): {checked}, turned away unchecked (429): {unchecked}")


def cost() -> None:
    token, secret = new_token("alice", Scope(), 0.0)
    runs = 200
    began = time.perf_counter()
    for _ in range(runs):
        assert find({"alice": token}, secret) is token
    print(f"checking one named token: {(time.perf_counter() - began) / runs * 1000:.2f} ms")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--token-rate", help="passed to serve (1e9: as before, no per-token rate)")
    args = parser.parse_args()
    cost()
    with tempfile.TemporaryDirectory() as tmp:
        tokens = Path(tmp) / "tokens.json"
        token, secret = new_token("alice", Scope(), time.time())
        store.write(tokens, {"alice": token})
        extra = ["--token-rate", args.token_rate] if args.token_rate else []
        proc = BroadcasterProcess(Path(tmp) / "journal.sqlite3", None, extra, tokens)
        proc.start()
        try:
            await rate(proc, secret, args.seconds, args.connections)
            await guess(proc, args.seconds)
        finally:
            proc.stop()


if __name__ == "__main__":
    asyncio.run(main())
