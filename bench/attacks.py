"""Hostile clients against a real ``broadcaster serve``: memory held and a live probe's latency.

Each attack runs against a fresh broadcaster process. A probe publisher sends 50 events/s
to one game and a probe subscriber measures publish → receive; the baseline is the same
probe for the same time just before the attack, in the same process. The server's RSS is
sampled every 0.1 s (peak during the attack). Loopback only; every loop is bounded.

    .venv/bin/python bench/attacks.py [--seconds 8] [--only history-flood fuzz …]

Attacks: history-flood, ping-flood, big-subscribe, idle-sockets, parked-headers, fuzz,
snapshot-105k, correction-20k.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.helpers.fuzz import frames
from tests.helpers.proc import TOKEN, BroadcasterProcess

FAST = ["--publish-rate", "1000000", "--token-rate", "1000000", "--log-level", "warning"]
GAME = {
    "sport": "basketball",
    "league": "NBA",
    "home": {"name": "Home", "short": "HOM"},
    "away": {"name": "Away", "short": "AWY"},
}


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


async def publisher(url: str) -> ClientConnection:
    ws = await connect(
        url + "/publish", additional_headers={"Authorization": f"Bearer {TOKEN}"}, max_size=None
    )
    await ws.recv()
    return ws


async def publish_many(ws: ClientConnection, messages: list[dict[str, object]]) -> list[dict]:  # type: ignore[type-arg]
    """Publish with many in flight; returns the replies in order."""
    replies: list[dict] = []  # type: ignore[type-arg]
    for start in range(0, len(messages), 500):
        chunk = messages[start : start + 500]
        for m in chunk:
            await ws.send(json.dumps(m))
        replies += [json.loads(await ws.recv()) for _ in chunk]
    return replies


def pub(game: str, kind: str, data: dict[str, object], n: str) -> dict[str, object]:
    return {"type": "publish", "id": n, "game_id": game, "kind": kind, "data": data}


async def create_live(ws: ClientConnection, games: list[str]) -> None:
    msgs = []
    for g in games:
        msgs += [
            pub(g, "game.create", GAME, f"c-{g}"),
            pub(g, "game.start", {}, f"s-{g}"),
            pub(g, "period.start", {}, f"p-{g}"),
        ]
    replies = await publish_many(ws, msgs)
    assert all(r["type"] == "ack" for r in replies), replies[:3]


@dataclass
class Probe:
    """50 events/s into one game, received by one subscriber: publish → receive (ms)."""

    url: str
    latencies: list[float] = field(default_factory=list)
    sent: dict[str, float] = field(default_factory=dict)
    warm: float = field(default_factory=lambda: time.monotonic() + 1.0)  # skip the first second

    async def run(self, stop: asyncio.Event) -> None:
        pub_ws = await publisher(self.url)
        sub = await connect(self.url + "/feed", max_size=None)
        await sub.recv()
        await sub.send(json.dumps({"type": "subscribe", "games": ["probe"]}))
        await sub.recv()  # snapshot
        reader = asyncio.create_task(self._read(sub))
        n = 0
        try:
            while not stop.is_set():
                n += 1
                pid = f"probe-{time.monotonic_ns()}-{n}"
                self.sent[pid] = time.perf_counter()
                await pub_ws.send(json.dumps(pub("probe", "play", {"text": pid}, pid)))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 0.02)
        finally:
            for _ in range(100):  # the last events in flight: up to 2 s, then they count as lost
                if not self.sent:
                    break
                await asyncio.sleep(0.02)
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
            await pub_ws.close()
            await sub.close()

    async def _read(self, sub: ClientConnection) -> None:
        async for raw in sub:
            msg = json.loads(raw)
            sent = self.sent.pop(msg.get("data", {}).get("text", ""), None)
            if sent is not None and time.monotonic() > self.warm:
                self.latencies.append((time.perf_counter() - sent) * 1000)


@dataclass
class Row:
    name: str
    rss_before: float = 0.0
    rss_peak: float = 0.0
    rss_after: float = 0.0
    base_p99: float = 0.0
    attack_p50: float = 0.0
    attack_p99: float = 0.0
    lost: int = 0
    outcome: str = ""


Attack = Callable[[BroadcasterProcess, float], Awaitable[str]]


async def history_flood(proc: BroadcasterProcess, seconds: float) -> str:
    """One anonymous subscriber that never reads and asks for 1,000 events again and again."""
    ws = await connect(proc.feed, max_queue=1, max_size=None)  # its reads stop at once
    sent, deadline, code = 0, time.monotonic() + seconds, None
    request = json.dumps({"type": "history", "game_id": "big", "limit": 1000})
    try:
        while time.monotonic() < deadline:
            await asyncio.wait_for(ws.send(request), 2)
            sent += 1
    except (ConnectionClosed, TimeoutError) as exc:
        code = getattr(getattr(exc, "rcvd", None), "code", None)
    finally:
        ws.transport.abort()
    return f"{sent} requests sent; closed {code or 'by the client'}"


async def ping_flood(proc: BroadcasterProcess, seconds: float) -> str:
    """Pings (125 bytes each) as fast as possible from a peer that never reads the pongs."""
    ws = await connect(proc.feed, max_queue=1)
    ping = Frame(Opcode.PING, b"p" * 125).serialize(mask=True, extensions=[])
    sent, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline and not ws.transport.is_closing():
        ws.transport.write(ping * 100)
        sent += 100
        await asyncio.sleep(0.001)
        if ws.transport.get_write_buffer_size() > 16 << 20:
            break  # our own side is full: the server stopped reading us
    code = ws.close_code
    ws.transport.abort()
    return f"{sent:,} pings sent; server closed with {code}"


async def big_subscribe(proc: BroadcasterProcess, seconds: float) -> str:
    said = []
    for count in (100_000, 5_000):
        games = [f"g{n}" for n in range(count)]
        async with connect(proc.feed, max_size=None) as ws:
            await ws.recv()
            await ws.send(json.dumps({"type": "subscribe", "games": games}))
            try:
                reply = json.loads(await ws.recv())
                said.append(f"{count:,} ids: {reply['type']} {reply.get('code', '')}")
            except ConnectionClosed as exc:
                said.append(f"{count:,} ids: closed {exc.rcvd.code if exc.rcvd else None}")
    return "; ".join(said)


async def idle_sockets(proc: BroadcasterProcess, seconds: float) -> str:
    writers = []
    try:
        for _ in range(1100):
            _, w = await asyncio.open_connection("127.0.0.1", proc.port)
            writers.append(w)
        t = time.perf_counter()
        ws = await publisher(proc.url)
        await ws.send(json.dumps(pub("probe", "play", {"text": "operator"}, "op-1")))
        reply = json.loads(await ws.recv())
        took = (time.perf_counter() - t) * 1000
        await ws.close()
        return f"1,100 idle sockets, 1,024 files: operator {reply['type']} in {took:.0f} ms"
    finally:
        for w in writers:
            w.close()


async def parked_headers(proc: BroadcasterProcess, seconds: float) -> str:
    """300 handshakes that each send ~1 MB of headers and never finish."""
    writers = []
    line = b"X-Pad: " + b"a" * 8000 + b"\r\n"
    try:
        for _ in range(300):
            _, w = await asyncio.open_connection("127.0.0.1", proc.port)
            w.write(b"GET /feed HTTP/1.1\r\nHost: x\r\n" + line * 120)
            writers.append(w)
        await asyncio.sleep(seconds)
        alive = sum(not w.transport.is_closing() for w in writers)
        return f"300 parked handshakes of ~1 MB; {alive} still open after {seconds:g} s"
    finally:
        for w in writers:
            w.close()


async def fuzz(proc: BroadcasterProcess, seconds: float) -> str:
    count, conns = 0, 0
    for url, headers, seed in (
        (proc.feed, {}, 1),
        (proc.publish, {"Authorization": f"Bearer {TOKEN}"}, 2),
    ):
        ws = None
        for n, frame in enumerate(frames(seed, 50_000)):
            if ws is None:
                ws = await connect(url, additional_headers=headers, max_size=None, max_queue=None)
                conns += 1
            try:
                await ws.send(frame)
                count += 1
                if n % 20 == 19:
                    await asyncio.wait_for(await ws.ping(), 10)
            except (ConnectionClosed, TimeoutError):
                ws = None
        if ws is not None:
            await ws.close()
    tracebacks, log_kib = proc.stderr.count("Traceback"), len(proc.stderr) / 1024
    said = f"{count:,} frames, {conns:,} connections"
    return f"{said}: {tracebacks} tracebacks, {log_kib:.0f} KiB of log"


async def snapshots(proc: BroadcasterProcess, seconds: float) -> str:
    """Five clients each ask for a snapshot of every game (105,000)."""

    async def one() -> int:
        async with connect(proc.feed, max_size=None) as ws:
            await ws.recv()
            await ws.send(json.dumps({"type": "subscribe"}))
            return len(await ws.recv())

    sizes = await asyncio.gather(*(one() for _ in range(5)))
    return f"5 snapshots of {sizes[0] / 1e6:.0f} MB each"


async def correction(proc: BroadcasterProcess, seconds: float) -> str:
    ws = await publisher(proc.url)
    t = time.perf_counter()
    await ws.send(
        json.dumps(pub("long", "correction", {"target": 10, "action": "void"}, "void-10"))
    )
    reply = json.loads(await ws.recv())
    await ws.close()
    return (
        f"void on a 20,000-event game: {reply['type']} in {(time.perf_counter() - t) * 1000:.0f} ms"
    )


async def seed(proc: BroadcasterProcess, name: str) -> None:
    ws = await publisher(proc.url)
    await create_live(ws, ["probe"])
    if name == "history-flood":
        await create_live(ws, ["big"])
        await publish_many(
            ws, [pub("big", "play", {"text": "h" * 1000}, f"b{n}") for n in range(1000)]
        )
    elif name == "snapshot-105k":
        for start in range(0, 105_000, 5000):
            await publish_many(
                ws,
                [pub(f"s{n}", "game.create", GAME, f"sc{n}") for n in range(start, start + 5000)],
            )
    elif name == "correction-20k":
        await create_live(ws, ["long"])
        await publish_many(
            ws, [pub("long", "play", {"text": f"p{n}"}, f"l{n}") for n in range(20_000)]
        )
    await ws.close()


ATTACKS: dict[str, Attack] = {
    "history-flood": history_flood,
    "ping-flood": ping_flood,
    "big-subscribe": big_subscribe,
    "idle-sockets": idle_sockets,
    "parked-headers": parked_headers,
    "fuzz": fuzz,
    "snapshot-105k": snapshots,
    "correction-20k": correction,
}


async def measure(name: str, attack: Attack, seconds: float, tmp: Path) -> Row:
    proc = BroadcasterProcess(
        tmp / f"{name}.sqlite3", extra=FAST, files=1024 if name == "idle-sockets" else None
    ).start()
    row = Row(name)
    try:
        assert proc.proc is not None
        pid = proc.proc.pid
        await seed(proc, name)
        base = Probe(proc.url)
        stop = asyncio.Event()
        task = asyncio.create_task(base.run(stop))
        await asyncio.sleep(3.0)
        stop.set()
        await task
        row.base_p99 = pct(base.latencies, 0.99)
        row.rss_before = rss_mib(pid)
        probe, stop = Probe(proc.url, warm=time.monotonic()), asyncio.Event()
        probing = asyncio.create_task(probe.run(stop))
        peak = row.rss_before

        async def sample() -> None:
            nonlocal peak
            while True:
                peak = max(peak, rss_mib(pid))
                await asyncio.sleep(0.1)

        sampler = asyncio.create_task(sample())
        row.outcome = await attack(proc, seconds)
        await asyncio.sleep(1.0)
        stop.set()
        await probing
        sampler.cancel()
        row.rss_peak, row.rss_after = peak, rss_mib(pid)
        row.attack_p50, row.attack_p99 = pct(probe.latencies, 0.5), pct(probe.latencies, 0.99)
        row.lost = len(probe.sent)
    finally:
        proc.stop()
    return row


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--only", nargs="*", choices=sorted(ATTACKS))
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only or ATTACKS:
            rows.append(await measure(name, ATTACKS[name], args.seconds, Path(tmp)))
            r = rows[-1]
            print(f"{r.name}: {r.outcome}", flush=True)
    print()
    print(
        "| attack | RSS before → peak → after (MiB) | probe p99 before | probe p50 / p99 during "
        "| ratio p99 | probe events lost | what happened |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        ratio = r.attack_p99 / r.base_p99 if r.base_p99 else float("nan")
        print(
            f"| {r.name} | {r.rss_before:.0f} → {r.rss_peak:.0f} → {r.rss_after:.0f} | "
            f"{r.base_p99:.1f} ms | {r.attack_p50:.1f} / {r.attack_p99:.1f} ms | {ratio:.1f}× | "
            f"{r.lost} | {r.outcome} |"
        )
    print(
        f"\n(python {sys.version.split()[0]}, {os.cpu_count()} cores, median probe "
        f"{statistics.median([r.base_p99 for r in rows]):.1f} ms p99 at rest)"
    )


if __name__ == "__main__":
    asyncio.run(main())
