"""Fan-out latency against offered rate: ours and the Node.js ws baseline, side by side.

Both servers run at once, each under ``taskset -c 0`` (``--server-core``), each
with its own --subscribers (10,000) held by the subscriber engine on the other
core(s) (bench/fanout_subscribers.c, compiled with cc; the Python engine where
there is none), of which --probes (100), spread through the connection order,
time every event from the monotonic timestamp in its text (a C engine process
with --time; with the Python engine, websockets clients in this process).
For each --rates value (events/s; deliveries/s = rate × subscribers) each
server in turn gets a phase: --warmup s unrecorded, then --seconds s of an
open-loop publisher at that rate, recorded. A server that is
idle costs nothing, so the phases of one rate run back to back on the same
machine load.

Per phase: publish → receive p50/p99/max over the probes, events lost (raw
subscribers and probes), subscribers the server cut, the server's RSS, and
who used the cores from /proc: the server (of its core), the busiest raw
subscriber process, the probes and the publisher (each of one core), and how
busy the client core(s) were whoever used them. A phase whose load side was
the bottleneck is flagged LOADGEN, one where other work took the server's
core or delayed the probes or the publisher WAITED: then its latency is not
only the server's. After a phase where a server was overloaded
(p50 over a second: a backlog) its higher rates are skipped: its
backlog, not its latency, would be measured, and it grows its memory.

    .venv/bin/python bench/fanout_sweep.py [--rates 5 10 20 40 80] [--subscribers 10000]
        [--quick]                       # 1,000 subscribers, 3 s phases
        [--plot docs/fanout-latency.png]  # needs the bench extra (matplotlib)
        [--profile DIR --profile-rate 40]  # py-spy flame graph SVG of ours at that rate
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fanout import (
    BENCH,
    DEFAULT_FRAME,
    harness_arguments,
    open_probes,
    pct,
    populate,
    prepare,
    profile,
    run,
    start_server,
    stop_all,
)
from fanout_clients import (
    EngineProbes,
    Probes,
    Publisher,
    Workers,
    drain,
    engine_command,
    engine_name,
)
from fanout_cpu import Shares, Snapshot
from fanout_sweep_report import OURS, Phase, overloaded, plot, print_report

SERVERS = {"ours": OURS, "node": "node ws"}


@dataclass
class Side:
    """One server under test with its subscribers and publisher."""

    name: str
    proc: asyncio.subprocess.Process
    pub: Publisher
    workers: Workers
    probes: Probes | EngineProbes
    raw: int  # raw subscribers (the rest are probes)
    frames: int = 0  # frames the raw subscribers had at the end of the last phase
    phases: list[Phase] = field(default_factory=list)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def start_side(name: str, args: argparse.Namespace, tmp: Path, spawned: list[Any]) -> Side:
    proc, url = await start_server(name, args, tmp, spawned)
    pub = await Publisher.open(url, None if name == "ours" else DEFAULT_FRAME)
    probes = await open_probes(url, args, spawned)
    workers = await populate(name, url, args.subscribers, probes, args, spawned)
    side = Side(name, proc, pub, workers, probes, args.subscribers - probes.count)
    side.frames, _ = await workers.count()
    return side


async def run_phase(side: Side, rate: float, args: argparse.Namespace) -> Phase:
    """Warm-up, then --seconds at ``rate`` recorded; then wait for every frame."""
    pub, probes, workers = side.pub, side.probes, side.workers
    warm, count = int(rate * args.warmup), max(1, int(rate * args.seconds))
    await asyncio.wait_for(pub.steady(rate, warm), args.warmup + 60)
    await probes.start_recording()
    engines = [w.pid for w in workers.procs]
    timer = probes.pid if isinstance(probes, EngineProbes) else None
    pids = [side.proc.pid, *engines]
    if timer is not None:
        pids.append(timer)
    spy = None
    if args.profile and side.name == "ours" and rate == args.profile_rate:
        out = Path(args.profile) / f"ours-{rate:g}-per-s-{args.subscribers}.svg"
        spy = await profile(side.proc.pid, args.seconds, out, "flamegraph")
    before = Snapshot.take(pids)
    await asyncio.wait_for(pub.steady(rate, count), args.seconds + 120)
    after = Snapshot.take(pids)
    got_by_then, _ = await workers.count()
    await probes.stop_recording(count * probes.count)
    expected = side.frames + (warm + count) * side.raw
    got, cut = await drain(workers, expected)
    side.frames = got
    lat = probes.latencies
    if side.name == "ours" and probes.sizes:  # the baseline's frames are padded to ours'
        pad = int(statistics.median(probes.sizes))
        for other in args.sides:
            if other.name != "ours":
                other.pub.pad_to = pad
    if spy is not None:
        await asyncio.wait_for(spy.wait(), 60)
    return Phase(
        server=SERVERS[side.name],
        rate=rate,
        subscribers=args.subscribers,
        p50=statistics.median(lat) if lat else float("nan"),
        p99=pct(lat, 0.99),
        max=max(lat, default=float("nan")),
        samples=len(lat),
        lost=max(0, expected - got) + max(0, count * probes.count - len(lat)),
        cut=cut,
        behind=max(0, expected - got_by_then) / max(1, side.raw),
        rss=rss_mib(side.proc.pid),
        use=Shares.between(
            before, after, side.proc.pid, engines, args.server_core, args.client_cores, timer
        ),
    )


async def main(args: argparse.Namespace) -> None:
    spawned: list[Any] = []
    args.sides = []
    phases: list[Phase] = []
    with tempfile.TemporaryDirectory(prefix="fanout-sweep-") as tmp:
        args.engine = engine_command(args.engine, Path(tmp))
        print(f"subscriber engine: {engine_name(args.engine)}", flush=True)
        try:
            for name in args.servers:
                args.sides.append(await start_side(name, args, Path(tmp), spawned))
            for rate in args.rates:
                for side in args.sides:
                    if side.phases and overloaded(side.phases[-1]):
                        print(f"  {side.name} at {rate:g}/s: skipped (overloaded)", flush=True)
                        continue
                    phase = await run_phase(side, rate, args)
                    side.phases.append(phase)
                    phases.append(phase)
                    print(f"  {side.name} at {rate:g}/s: {phase.summary()}", flush=True)
        finally:
            for side in args.sides:
                await side.probes.close()
            await stop_all(spawned)
    print_report(phases, [SERVERS[n] for n in args.servers])
    if args.plot:
        plot(phases, Path(args.plot), [SERVERS[n] for n in args.servers], provenance(args))
        print(f"plot: {args.plot}")


def provenance(args: argparse.Namespace) -> str:
    """A line for the plot: when, at which commit, on how loaded a machine."""
    rev = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=BENCH
    ).stdout.strip()
    load = os.getloadavg()[0]
    return (
        f"bench/fanout_sweep.py, {time.strftime('%Y-%m-%d %H:%M')}, commit {rev or '?'}, "
        f"load average {load:.1f} at the end, {args.seconds:g} s per phase, "
        f"{engine_name(args.engine)} subscriber engine"
    )


def setup() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", type=float, nargs="+", default=[5, 10, 20, 40, 80])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--servers", nargs="+", default=list(SERVERS), choices=list(SERVERS))
    parser.add_argument("--seconds", type=float, default=10.0, help="recorded, per phase")
    parser.add_argument("--warmup", type=float, default=2.0, help="unrecorded, per phase")
    parser.add_argument("--quick", action="store_true", help="1,000 subscribers, 3 s phases")
    parser.add_argument("--plot", help="PNG of p50/p99 against offered rate (matplotlib)")
    parser.add_argument("--profile", help="directory for a py-spy flame graph SVG of ours")
    parser.add_argument("--profile-rate", type=float, default=40.0, help="events/s to profile")
    harness_arguments(parser, batch_ms=50.0)
    parser.set_defaults(probes=100)
    args = parser.parse_args()
    if args.quick:
        args.subscribers, args.seconds, args.warmup = 1_000, 3.0, 1.0
    if args.profile and args.profile_rate not in args.rates:
        parser.error(f"--profile-rate {args.profile_rate:g} is not one of --rates")
    if args.plot:
        from fanout_sweep_report import need_matplotlib

        need_matplotlib()
    prepare(args, len(args.servers) * (args.subscribers + 1000) + 4096)
    return args


if __name__ == "__main__":
    run(main, setup())
