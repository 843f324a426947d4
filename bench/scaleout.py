"""Scale-out (issue #11): broadcaster nodes on one NATS JetStream journal, against one node
and against SQLite, all in one run, with real processes on loopback.

1. fan-out: delivered frames/s of 1 node and of 2 nodes on one journal, the same
   subscribers split evenly over the nodes; one publisher floods node 1 (a window of
   publishes in flight), so node 2's subscribers get every event only by following the
   stream. Also each node's and the NATS servers' CPU, deliveries per node-CPU-second (the
   figure that says what N machines carry) and the share of the events each node's
   subscribers received ("got").
2. latency at a steady rate: publish → ack and publish → deliver on a SQLite node, on a
   NATS node (the same node), and publish on node A → deliver on node B.
3. start: spawn → ready of a node with 100,000 events in the stream, against a SQLite node
   with the same events.

Nodes are ``broadcaster serve`` processes, node i pinned to core i (taskset); the NATS
servers (a three-server cluster, replicas 3), the subscriber processes
(bench/fanout_subscribers.py) and this coordinator go where the scheduler puts them.

    .venv/bin/python bench/scaleout.py [--subscribers 2000] [--events 100000]
    .venv/bin/python bench/scaleout.py --quick      # a smoke test, well under a minute
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fanout import pct, stop_all
from fanout_clients import TOKEN, Probes, Publisher, Workers, drain, hold_back
from fanout_cpu import proc_ticks
from nats_journal import fill

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from broadcaster.journal import Journal  # noqa: E402
from broadcaster.nats_journal import NatsJournal  # noqa: E402
from tests.helpers.nats import NatsCluster  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
CORES = sorted(os.sched_getaffinity(0))


@dataclass
class Node:
    proc: asyncio.subprocess.Process
    url: str
    started: float  # spawn → ready line, s

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])


async def start_node(journal: list[str], index: int, spawned: list[Any], tmp: Path) -> Node:
    """A ``broadcaster serve`` on ``journal`` (``--db FILE`` or ``--journal URLS``),
    pinned to a core, with the rate limits of a benchmark (none that bind)."""
    serve = ["--log-level", "warning", "serve", "--port", "0", *journal, "--replicas", "3"]
    serve += ["--publish-rate", "1000000", "--token-rate", "1000000", "--max-per-address", "0"]
    serve += ["--tokens", str(tmp / "tokens.json")]  # none: the bench's token only
    if journal[0] == "--db":
        serve = [a for a in serve if a not in ("--replicas", "3")]
    pin = ["taskset", "-c", str(CORES[index % len(CORES)])]
    log = os.open(tmp / f"node-{len(spawned)}.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    t = time.perf_counter()
    try:
        proc = await asyncio.create_subprocess_exec(
            *pin, sys.executable, "-m", "broadcaster", *serve,
            stdout=asyncio.subprocess.PIPE, stderr=log, cwd=ROOT,
            env={**os.environ, "SCORECAST_TOKEN": TOKEN}, start_new_session=True,
        )  # fmt: skip
    finally:
        os.close(log)
    spawned.append(proc)
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 120)).decode()
    if "url=" not in line:
        raise RuntimeError(f"a node did not start: {line!r}; see {tmp}")
    return Node(proc, line.split("url=")[1].split()[0], time.perf_counter() - t)


async def stop_node(node: Node, spawned: list[Any]) -> None:
    await stop_all([node.proc])
    spawned.remove(node.proc)


async def publisher(url: str, cls: type[Publisher] = Publisher) -> Publisher:
    return await cls.open(url)


def cpu_seconds(pids: list[int]) -> float:
    return sum(proc_ticks(pid) for pid in pids) / TICK


# ------------------------------------------------------------------ 1. fan-out


@dataclass
class Fanout:
    nodes: int
    subscribers: int
    events: float = 0.0  # acked publishes/s
    delivered: float = 0.0  # frames/s counted by every node's subscribers
    per_node: list[float] = field(default_factory=list)
    node_cpu: list[float] = field(default_factory=list)  # cores' worth, per node
    nats_cpu: float = 0.0  # cores' worth, the three servers
    client_cpu: float = 0.0  # cores' worth: the subscriber processes and this one
    got: list[float] = field(default_factory=list)  # share of the flood each node's subs got
    held: bool = False  # the publisher had to wait for node 1's subscribers

    @property
    def per_cpu(self) -> float:
        """Deliveries per second of node CPU."""
        return self.delivered / (sum(self.node_cpu) or 1)


async def fanout(n: int, args: argparse.Namespace, tmp: Path) -> Fanout:
    result = Fanout(n, args.subscribers)
    cluster = await asyncio.to_thread(NatsCluster(tmp / f"nats-fanout-{n}").start)
    spawned: list[Any] = []
    try:
        journal = ["--journal", ",".join(cluster.urls)]
        nodes = [await start_node(journal, i, spawned, tmp) for i in range(n)]
        pub = await publisher(nodes[0].url)
        shares = [args.subscribers // n + (i < args.subscribers % n) for i in range(n)]
        groups = []
        for node, share in zip(nodes, shares, strict=True):
            group = await Workers.start(1, node.port, None, args.batch_ms, spawned)
            await group.connect(share)
            groups.append(group)
        before = [(await g.count())[0] for g in groups]
        stop, gate = asyncio.Event(), asyncio.Event()
        gate.set()
        first = pub.n
        flood = asyncio.create_task(pub.flood(args.window, stop, gate))
        held = asyncio.create_task(
            hold_back(groups[0], pub, shares[0], 4 * args.window, gate, stop)
        )
        await asyncio.sleep(args.warmup)
        node_pids = [node.proc.pid for node in nodes]
        nats_pids = [s.proc.pid for s in cluster.servers if s.proc is not None]
        client_pids = [os.getpid(), *(w.pid for g in groups for w in g.procs)]
        f0 = [(await g.count())[0] for g in groups]
        a0, t0 = pub.acked, time.monotonic()
        c0 = [cpu_seconds([pid]) for pid in node_pids]
        m0, k0 = cpu_seconds(nats_pids), cpu_seconds(client_pids)
        await asyncio.sleep(args.seconds)
        f1 = [(await g.count())[0] for g in groups]
        a1, elapsed = pub.acked, time.monotonic() - t0
        c1 = [cpu_seconds([pid]) for pid in node_pids]
        m1, k1 = cpu_seconds(nats_pids), cpu_seconds(client_pids)
        stop.set()
        await asyncio.wait_for(flood, 120)
        result.held = await held
        result.events = (a1 - a0) / elapsed
        result.per_node = [(b - a) / elapsed for a, b in zip(f0, f1, strict=True)]
        result.delivered = sum(result.per_node)
        result.node_cpu = [(b - a) / elapsed for a, b in zip(c0, c1, strict=True)]
        result.nats_cpu = (m1 - m0) / elapsed
        result.client_cpu = (k1 - k0) / elapsed
        flooded = pub.n - first
        for group, share, start in zip(groups, shares, before, strict=True):
            got, _ = await drain(group, start + flooded * share, timeout=30)
            result.got.append((got - start) / (flooded * share))
        await pub.ws.close()
        for group in groups:
            await group.quit()
    finally:
        await stop_all(spawned)
        await asyncio.to_thread(cluster.stop)
    return result


# ------------------------------------------------------------------ 2. latency


class TimedPublisher(Publisher):
    """Publisher that also times publish → ack (acks come back in order)."""

    def __init__(self, ws: Any, pad_to: int | None) -> None:
        super().__init__(ws, pad_to)
        self.sent: deque[float] = deque()
        self.recording = False
        self.acks: list[float] = []  # ms

    def message(self, kind: str = "play", data: dict[str, Any] | None = None) -> str:
        self.sent.append(time.monotonic())
        return super().message(kind, data)

    async def ack(self) -> None:
        await super().ack()
        took = (time.monotonic() - self.sent.popleft()) * 1000
        if self.recording:
            self.acks.append(took)


@dataclass
class Latency:
    name: str
    acks: list[float]
    delivers: list[float]


async def steady(pub: TimedPublisher, probes: list[Probes], args: argparse.Namespace) -> None:
    for p in probes:
        p.recording = True
    pub.recording = True
    count = int(args.rate * args.latency_seconds)
    await asyncio.wait_for(pub.steady(args.rate, count), args.latency_seconds + 60)
    await asyncio.sleep(1.0)  # the last events reach the probes
    for p in probes:
        p.recording = False
    pub.recording = False


async def probes_on(url: str, count: int) -> Probes:
    probes = Probes()
    for _ in range(count):
        await probes.add(url)
    return probes


async def latency(args: argparse.Namespace, tmp: Path, cluster: NatsCluster) -> list[Latency]:
    results = []
    spawned: list[Any] = []
    try:
        node = await start_node(["--db", str(tmp / "latency.sqlite3")], 0, spawned, tmp)
        pub = await publisher(node.url, TimedPublisher)
        assert isinstance(pub, TimedPublisher)
        here = await probes_on(node.url, args.probes)
        await steady(pub, [here], args)
        results.append(Latency("SQLite node", pub.acks, here.latencies))
        await here.close()
        await pub.ws.close()
        await stop_node(node, spawned)

        journal = ["--journal", ",".join(cluster.urls)]
        a = await start_node(journal, 0, spawned, tmp)
        b = await start_node(journal, 1, spawned, tmp)
        pub = await publisher(a.url, TimedPublisher)
        assert isinstance(pub, TimedPublisher)
        on_a, on_b = await probes_on(a.url, args.probes), await probes_on(b.url, args.probes)
        await steady(pub, [on_a, on_b], args)  # the same publishes, timed on both nodes
        results.append(Latency("NATS node (same node)", pub.acks, on_a.latencies))
        results.append(Latency("NATS node A → node B", pub.acks, on_b.latencies))
        for probes in (on_a, on_b):
            await probes.close()
        await pub.ws.close()
    finally:
        await stop_all(spawned)
    return results


# ------------------------------------------------------------------ 3. start


def filled(args: argparse.Namespace, cluster: NatsCluster, tmp: Path) -> None:
    """The default stream (the one ``serve --journal`` opens) and a SQLite file, each
    with ``--events`` events over ``--games`` games."""
    for journal in (NatsJournal.open(cluster.urls, replicas=3), Journal.open(tmp / "start.db")):
        try:
            t = time.perf_counter()
            fill(journal, args.events, args.games)
            print(f"  filled {type(journal).__name__} in {time.perf_counter() - t:.1f} s",
                  flush=True)  # fmt: skip
        finally:
            journal.close()


async def starts(
    args: argparse.Namespace, tmp: Path, cluster: NatsCluster
) -> dict[str, list[float]]:
    await asyncio.to_thread(filled, args, cluster, tmp)
    spawned: list[Any] = []
    journals = {
        "NATS node": ["--journal", ",".join(cluster.urls)],
        "SQLite node": ["--db", str(tmp / "start.db")],
        "SQLite, empty journal": ["--db", str(tmp / "empty.db")],  # Python's own start
    }
    out: dict[str, list[float]] = {name: [] for name in journals}
    try:
        for _ in range(args.starts):
            for name, journal in journals.items():
                node = await start_node(journal, 0, spawned, tmp)
                out[name].append(node.started)
                await stop_node(node, spawned)
    finally:
        await stop_all(spawned)
    return out


# ------------------------------------------------------------------ report


def fanout_table(rows: list[Fanout], args: argparse.Namespace) -> None:
    one = rows[0]
    print(
        f"\n1. fan-out, {one.subscribers} subscribers split over the nodes, one publisher on "
        f"node 1 (window {args.window})\n"
        f"{'nodes':>5} {'events/s':>9} {'delivered/s':>12} {'÷ 1 node':>8} {'per node':>21} "
        f"{'node cpu':>13} {'nats cpu':>8} {'clients':>7} {'deliv/cpu-s':>11} {'÷ 1 node':>8} "
        f"{'got':>9}"
    )
    for r in rows:
        print(
            f"{r.nodes:5d} {r.events:9,.0f} {r.delivered:12,.0f} "
            f"{r.delivered / one.delivered:7.2f}x "
            f"{' + '.join(f'{d:,.0f}' for d in r.per_node):>21} "
            f"{' + '.join(f'{c:.0%}' for c in r.node_cpu):>13} {r.nats_cpu:8.0%} "
            f"{r.client_cpu:7.0%} "
            f"{r.per_cpu:11,.0f} {r.per_cpu / one.per_cpu:7.2f}x "
            f"{' '.join(f'{g:.0%}' for g in r.got):>9}" + ("  CLIENT-BOUND" if r.held else "")
        )
    missing = [r for r in rows if any(g < 0.999 for g in r.got)]
    if missing:
        print("   got < 100%: a node's subscribers missed events (a node that does not follow "
              "the stream delivers only its own publishes)")  # fmt: skip
    print("   cpu: a core's share over the measurement (clients: the subscriber processes and "
          "this one); deliv/cpu-s: delivered/s over the nodes' cpu (what a node's core "
          "carries; on a shared 2-core machine the nodes rarely get a whole core)")  # fmt: skip
    print(
        "   NATS cpu per event: "
        + ", ".join(f"{r.nodes} node(s) {r.nats_cpu / (r.events or 1) * 1000:.2f} ms" for r in rows)
    )
    if not missing:
        print(f"   N machines, a node each: about N × {rows[-1].per_cpu:,.0f} deliveries/s per "
              "busy core, while the publish rate and NATS keep up (each node reads every "
              "event once)")  # fmt: skip


def latency_table(rows: list[Latency], args: argparse.Namespace) -> None:
    base = rows[0]
    print(
        f"\n2. latency at {args.rate:g} publishes/s for {args.latency_seconds:g} s, ms\n"
        f"{'':24} {'ack p50':>8} {'ack p99':>8} {'÷ SQLite':>8} "
        f"{'deliver p50':>11} {'deliver p99':>11} {'÷ SQLite':>8} {'samples':>8}"
    )
    for r in rows:
        a50, d50 = med(r.acks), med(r.delivers)
        print(
            f"{r.name:24} {a50:8.2f} {pct(r.acks, 0.99):8.2f} {a50 / med(base.acks):7.2f}x "
            f"{d50:11.2f} {pct(r.delivers, 0.99):11.2f} {d50 / med(base.delivers):7.2f}x "
            f"{len(r.delivers):8d}"
        )
        if not r.delivers:
            print(f"   {r.name}: nothing delivered (a node that does not follow the stream "
                  "sees only its own publishes)")  # fmt: skip


def start_table(rows: dict[str, list[float]], args: argparse.Namespace) -> None:
    base = min(rows["SQLite node"])
    print(
        f"\n3. a node's start (spawn → ready) with {args.events:,} events in "
        f"{args.games} games, s\n{'':24} {'min':>8} {'median':>8} {'÷ SQLite':>8}"
    )
    for name, values in rows.items():
        print(f"{name:24} {min(values):8.2f} {med(values):8.2f} {min(values) / base:7.2f}x")


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="a smoke test: small and short")
    p.add_argument("--subscribers", type=int, default=2000)
    p.add_argument("--window", type=int, default=8, help="publishes in flight, fan-out")
    p.add_argument("--warmup", type=float, default=2.0)
    p.add_argument("--seconds", type=float, default=5.0, help="fan-out measurement")
    p.add_argument("--batch-ms", type=float, default=20.0, help="subscriber processes' pause")
    p.add_argument("--rate", type=float, default=100.0, help="publishes/s, latency")
    p.add_argument("--latency-seconds", type=float, default=5.0)
    p.add_argument("--probes", type=int, default=5, help="timing subscribers per node")
    p.add_argument("--events", type=int, default=100_000, help="in the stream, start")
    p.add_argument("--games", type=int, default=100)
    p.add_argument("--starts", type=int, default=3)
    args = p.parse_args()
    if args.quick:
        args.subscribers, args.warmup, args.seconds = 200, 0.5, 1.5
        args.rate, args.latency_seconds, args.probes = 50.0, 1.5, 2
        args.events, args.games, args.starts = 2_000, 10, 1
    return args


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="scaleout-") as name:
        tmp = Path(name)
        print(
            f"cores {CORES}; node i on core i; NATS: three servers, replicas 3; load average "
            f"{os.getloadavg()[0]:.1f}",
            flush=True,
        )
        spread = []
        for n in (1, 2):
            spread.append(await fanout(n, args, tmp))
            print(f"  fan-out, {n} node(s): {spread[-1].delivered:,.0f} delivered/s", flush=True)
        cluster = await asyncio.to_thread(NatsCluster(tmp / "nats").start)
        try:
            lat = await latency(args, tmp, cluster)
            print("  latency done", flush=True)
            start = await starts(args, tmp, cluster)
        finally:
            await asyncio.to_thread(cluster.stop)
    fanout_table(spread, args)
    latency_table(lat, args)
    start_table(start, args)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(parse()))
