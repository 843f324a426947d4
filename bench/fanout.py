"""Fan-out: delivered frames/s and publish→receive latency to N subscribers.

Runs, one after the other in the same run, each pinned to the same core:

* ours:   a real ``broadcaster serve`` process (rules, SQLite journal, fsync);
* naive:  bench/naive_server.py, ``for ws in clients: await ws.send(msg)``;
* node:   bench/node/server.js, the ws README broadcast loop;
* what-ifs, only when named in ``--servers``: ``sketch`` (bench/naive_server.py
  --preframed: one pre-built frame, one write per subscriber per batch),
  ``ours-uvloop`` and ``sketch-uvloop`` (the same on uvloop; pip install uvloop).

Each server runs under ``taskset -c 0``; this coordinator, the publisher and
the subscribers run on the other core(s). Subscribers are the cheap epoll
counters of bench/fanout_subscribers.c (compiled with cc at start; with
--engine python, or without cc, bench/fanout_subscribers.py), plus, for the
latency phase, --probes subscribers ("probes", spread evenly through the
connection order) that time each event from a monotonic timestamp in its
text: a C engine process with --time, or with the Python engine real
websockets clients in this process that parse JSON. bench/fanout_sweep.py
measures latency against offered rate.

Per server: a latency phase (an open-loop publisher at --rate events/s), then
a flood (the publisher keeps --window publishes in flight, each acked after
its fan-out; the probes are swapped for raw subscribers) whose delivered
frames/s are counted by the subscribers over --seconds after a warm-up.
Baselines relay frames padded to the size of ours' event frames. The load of
both cores during the flood is read from /proc, so a run where the client
side or another process was the bottleneck shows itself; on a shared machine
(as root) the servers, this process and the subscribers get their own
scheduler autogroups with raised priority (--nice).

    .venv/bin/python bench/fanout.py [--subscribers 1000 10000] [--servers ours node]
        [--profile DIR]   # py-spy of ours during the flood (pip install py-spy)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fanout_clients import (
    TOKEN,
    EngineProbes,
    Probes,
    Publisher,
    Workers,
    child_setup,
    drain,
    engine_command,
    engine_name,
    hold_back,
    prioritize,
    read_autogroup_nice,
)
from fanout_cpu import Shares, Snapshot

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DEFAULT_FRAME = 636  # bytes of ours' play event frame, when ours is not in the run
NAMES = {
    "ours": "ours (broadcaster)",
    "naive": "naive python",
    "node": "node ws",
    "ours-uvloop": "ours on uvloop",  # the same process on uvloop (pip install uvloop)
    "sketch": "sketch: pre-framed",  # not a baseline: what a faster fan-out could do
    "sketch-uvloop": "sketch on uvloop",  # the same on uvloop (pip install uvloop)
}
BASELINES = ["ours", "naive", "node"]
LEGEND = """\
ours ÷   ours' delivered/s over this row's
srv@lat  the server process's share of its core in the latency phase (near 100%:
         overloaded, so the latency grows with the length of the phase)
flood:   srv = the server process's share of its core, other = other processes' share
         of it; cli = this bench's client processes' share of the client core(s), idle =
         its idle share; lag = seconds of frames acked but not yet read at the end
CLIENT-BOUND  the publisher had to wait for the subscribers: delivered/s is a lower bound"""


def server_command(name: str, core: int, db: Path) -> list[str]:
    pin = ["taskset", "-c", str(core)]
    serve = ["--log-level", "warning", "serve", "--port", "0", "--db", str(db)]
    serve += ["--publish-rate", "1000000", "--token-rate", "1000000", "--max-per-address", "0"]
    serve += ["--tokens", str(db.with_name("tokens.json"))]  # none: only the bench's token
    if name == "ours":
        return [*pin, sys.executable, "-m", "broadcaster", *serve]
    if name == "ours-uvloop":  # cli.main's asyncio.run() follows the loop policy
        code = (
            "import asyncio, sys, uvloop; from broadcaster.cli import main; "
            "asyncio.set_event_loop_policy(uvloop.EventLoopPolicy()); sys.exit(main(sys.argv[1:]))"
        )
        return [*pin, sys.executable, "-c", code, *serve]
    if name.startswith(("naive", "sketch")):
        flags = ["--preframed"] if name.startswith("sketch") else []
        flags += ["--uvloop"] if name.endswith("uvloop") else []
        return [*pin, sys.executable, str(BENCH / "naive_server.py"), *flags]
    node = shutil.which("node") or "node"
    return [*pin, node, str(BENCH / "node" / "server.js")]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else float("nan")


@dataclass
class Result:
    server: str
    subscribers: int
    frame: int = 0  # median event frame, bytes
    delivered: float = 0.0  # frames/s counted by the subscribers during the flood
    events: float = 0.0  # acked publishes/s during the flood
    p50: float = float("nan")  # publish → receive at --rate events/s, ms
    p99: float = float("nan")
    samples: int = 0
    latency_cpu: float = 0.0  # the server process's share of its core in the latency phase
    server_cpu: float = 0.0  # the server process's share of its core (flood)
    server_other: float = 0.0  # other processes on its core
    client_cpu: float = 0.0  # coordinator + subscriber processes, share of the client core(s)
    client_idle: float = 0.0
    coordinator_cpu: float = 0.0  # of which this process (publisher, probes)
    lag: float = 0.0  # s of frames written but not yet read by the subscribers, at the end
    cut: int = 0  # subscribers the server closed
    client_bound: bool = False  # the publisher had to wait for the subscribers
    lost: int = 0


def log_file(path: Path) -> int:
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)


async def start_server(
    name: str, args: argparse.Namespace, tmp: Path, spawned: list[Any]
) -> tuple[asyncio.subprocess.Process, str]:
    tmp = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=tmp))  # a fresh journal per run
    log = log_file(tmp / "server.log")
    try:
        proc = await asyncio.create_subprocess_exec(
            *server_command(name, args.server_core, tmp / "journal.sqlite3"),
            stdout=asyncio.subprocess.PIPE,
            stderr=log,
            cwd=ROOT,
            env={**os.environ, "SCORECAST_TOKEN": TOKEN},
            preexec_fn=child_setup,
            start_new_session=True,
        )
        prioritize(proc.pid, args.nice or None)
    finally:
        os.close(log)  # the child has its own copy
    spawned.append(proc)
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
    if "url=" not in line:
        raise RuntimeError(f"{name} did not start: {(tmp / 'server.log').read_text()[-2000:]}")
    return proc, line.split("url=")[1].split()[0]


def py_spy() -> str:
    """py-spy's path (the venv's first); exits with a hint when it is missing."""
    spy = Path(sys.executable).parent / "py-spy"
    found = str(spy) if spy.exists() else shutil.which("py-spy")
    if found is None:
        raise SystemExit("--profile needs py-spy: uv sync --extra bench (or pip install py-spy)")
    return found


async def profile(
    pid: int, seconds: float, out: Path, fmt: str = "raw"
) -> asyncio.subprocess.Process:
    """py-spy record of ``pid`` for ``seconds`` (``fmt``: raw stacks or a flamegraph SVG)."""
    spy = py_spy()
    return await asyncio.create_subprocess_exec(
        *(spy, "record", "--pid", str(pid), "--duration", str(max(1, round(seconds)))),
        *("--rate", "250", "--nonblocking", "--format", fmt, "-o", str(out)),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def stop_all(spawned: list[Any]) -> None:
    for child in spawned:
        if child.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                child.terminate()
    for child in spawned:
        try:
            await asyncio.wait_for(child.wait(), 10)
        except TimeoutError:
            child.kill()
            await child.wait()


async def open_probes(
    url: str, args: argparse.Namespace, spawned: list[Any]
) -> Probes | EngineProbes:
    """Probes timed by a C engine process when the engine is C, else in this process."""
    if engine_name(args.engine) == "Python":
        return Probes()
    port = int(url.rsplit(":", 1)[1])
    return await EngineProbes.start(args.engine, port, args.nice and args.nice - 5, spawned)


async def populate(
    name: str,
    url: str,
    n: int,
    probes: Probes | EngineProbes,
    args: argparse.Namespace,
    spawned: list[Any],
) -> Workers:
    """``n`` subscribers: raw ones in the worker processes, with ``args.probes`` probes
    spread evenly through the connection order."""
    port = int(url.rsplit(":", 1)[1])
    workers = await Workers.start(
        args.workers, port, args.nice and args.nice + 5, args.batch_ms, spawned, args.engine
    )
    p = max(1, min(args.probes, n))
    raw = n - p
    t0 = time.monotonic()
    for i in range(p):
        await workers.connect(raw * (i + 1) // p - raw * i // p)
        await probes.add(url)
    print(f"  {name}: {n} subscribers connected in {time.monotonic() - t0:.1f} s", flush=True)
    return workers


async def run_one(name: str, n: int, frame: int, args: argparse.Namespace, tmp: Path) -> Result:
    result = Result(NAMES[name], n)
    spawned: list[Any] = []
    probes: Probes | EngineProbes = Probes()
    try:
        proc, url = await start_server(name, args, tmp, spawned)
        pub = await Publisher.open(url, None if name.startswith("ours") else frame)
        pws = pub.ws
        probes = await open_probes(url, args, spawned)
        workers = await populate(name, url, n, probes, args, spawned)
        p = probes.count
        raw = n - p
        frames, _ = await workers.count()
        subs = [w.pid for w in workers.procs]

        # Latency: an open-loop publisher at --rate events/s.
        count = int(args.rate * args.latency_seconds)
        await probes.start_recording()
        before = Snapshot.take([proc.pid])
        await asyncio.wait_for(pub.steady(args.rate, count), args.latency_seconds + 60)
        result.latency_cpu = Shares.between(
            before, Snapshot.take([proc.pid]), proc.pid, [], args.server_core, args.client_cores
        ).server
        await probes.stop_recording(count * p)
        frames, _ = await drain(workers, frames + count * raw)
        lat = probes.latencies
        result.samples = len(lat)
        result.p50 = statistics.median(lat) if lat else float("nan")
        result.p99 = pct(lat, 0.99)
        result.frame = int(statistics.median(probes.sizes)) if probes.sizes else 0

        # Flood: delivered frames/s after a warm-up, with the load of each core. The
        # probes cost a wake-up (C) or ~50 µs (websockets) a frame: raw subscribers
        # take their places.
        await probes.close()
        await workers.connect(p)
        raw = n
        frames, _ = await workers.count()
        stop, gate = asyncio.Event(), asyncio.Event()
        gate.set()
        first = pub.n
        acked0 = pub.acked
        flood = asyncio.create_task(pub.flood(args.window, stop, gate))
        held = asyncio.create_task(hold_back(workers, pub, raw, 4 * args.window, gate, stop))
        await asyncio.sleep(args.warmup)
        spy = None
        if args.profile and name.startswith("ours"):
            spy = await profile(proc.pid, args.seconds, Path(args.profile) / f"{name}-{n}.txt")
        (f0, _), a0, before = await workers.count(), pub.acked, Snapshot.take([proc.pid, *subs])
        t0 = time.monotonic()
        await asyncio.sleep(args.seconds)
        (f1, _), a1, after = await workers.count(), pub.acked, Snapshot.take([proc.pid, *subs])
        elapsed = time.monotonic() - t0
        stop.set()
        await asyncio.wait_for(flood, 120)
        result.client_bound = await held
        result.delivered = (f1 - f0) / elapsed
        result.events = (a1 - a0) / elapsed
        use = Shares.between(before, after, proc.pid, subs, args.server_core, args.client_cores)
        result.server_cpu, result.server_other = use.server, use.server_other
        result.coordinator_cpu = use.coordinator / len(args.client_cores)
        result.client_cpu = use.engines + result.coordinator_cpu
        result.client_idle = 1.0 - use.client_busy
        behind = (a1 - acked0) * raw - (f1 - frames)
        result.lag = max(0, behind) / (result.delivered or 1)
        flooded = pub.n - first
        expected = frames + flooded * raw
        got, result.cut = await drain(workers, expected)
        result.lost = 0 if result.cut else max(0, expected - got)
        if spy is not None:
            await asyncio.wait_for(spy.wait(), 60)
        await pws.close()
        await workers.quit()
    finally:
        await probes.close()
        await stop_all(spawned)
    return result


def print_table(results: list[Result]) -> None:
    print(
        f"\n{'server':19} {'subs':>6} {'frame':>5} {'delivered/s':>11} {'ours ÷':>6} "
        f"{'events/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'srv@lat':>7} {'srv':>5} {'other':>5} "
        f"{'cli':>5} {'idle':>5} {'lag s':>5} {'cut':>4}"
    )
    for r in results:
        ours = next(
            (o for o in results if o.server == NAMES["ours"] and o.subscribers == r.subscribers),
            None,
        )
        ratio = "" if ours is None or ours is r else f"{ours.delivered / r.delivered:5.2f}x"
        print(
            f"{r.server:19} {r.subscribers:6d} {r.frame:5d} {r.delivered:11,.0f} {ratio:>6} "
            f"{r.events:8.1f} {r.p50:7.1f} {r.p99:7.1f} {r.latency_cpu:7.0%} {r.server_cpu:5.0%} "
            f"{r.server_other:5.0%} {r.client_cpu:5.0%} {r.client_idle:5.0%} {r.lag:5.2f} "
            f"{r.cut:4d}"
            + ("  CLIENT-BOUND" if r.client_bound else "")
            + (f"  LOST {r.lost} frames" if r.lost else "")
        )
    print(LEGEND)
    for n in sorted({r.subscribers for r in results}):
        row = {
            k: next((r for r in results if r.server == v and r.subscribers == n), None)
            for k, v in NAMES.items()
        }
        ours, naive, node = row["ours"], row["naive"], row["node"]
        if ours is None:
            continue
        checks = [f"ours p99 {ours.p99:.0f} ms (target ≤ 100)"]
        if node is not None:
            checks.append(f"ours/node {ours.delivered / node.delivered:.2f}x (target ≥ 1.5)")
        if naive is not None:
            checks.append(f"ours/naive {ours.delivered / naive.delivered:.2f}x (target ≥ 2)")
        print(f"{n} subscribers: " + "; ".join(checks))


def harness_arguments(parser: argparse.ArgumentParser, batch_ms: float) -> None:
    """The flags of the harness shared with bench/fanout_sweep.py: cores, load side."""
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--workers", type=int, default=0, help="0: one per client core")
    parser.add_argument(
        "--batch-ms",
        type=float,
        default=batch_ms,
        help="subscriber processes' pause per epoll round",
    )
    parser.add_argument(
        "--engine",
        choices=["auto", "c", "python"],
        default="auto",
        help="subscriber engine: bench/fanout_subscribers.c compiled with cc (auto: when "
        "cc works) or bench/fanout_subscribers.py",
    )
    parser.add_argument("--probes", type=int, default=50, help="latency-measuring subscribers")
    parser.add_argument(
        "--nice",
        type=int,
        default=-10,
        help="autogroup nice of the servers (this process 5 lower, subscribers 5 higher), "
        "so that other work on a shared machine skews the run less; 0 to leave as is",
    )


def setup() -> argparse.Namespace:
    """Parse the flags, pin this process to the client core(s), raise the fd limit."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[10_000])
    parser.add_argument(
        "--servers",
        nargs="+",
        default=BASELINES,
        choices=list(NAMES),
        help="what-ifs, not baselines: ours-uvloop (ours on uvloop), sketch "
        "(naive_server.py --preframed), sketch-uvloop; uvloop needs pip install uvloop",
    )
    harness_arguments(parser, batch_ms=20.0)
    parser.add_argument("--rate", type=float, default=10.0, help="events/s, latency phase")
    parser.add_argument("--latency-seconds", type=float, default=10.0)
    parser.add_argument("--window", type=int, default=8, help="publishes in flight, flood")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--seconds", type=float, default=5.0, help="flood measurement")
    parser.add_argument("--profile", help="directory for py-spy raw stacks of ours (flood)")
    args = parser.parse_args()
    prepare(args, 2 * max(args.subscribers) + 4096)
    return args


def prepare(args: argparse.Namespace, fds: int) -> None:
    """Pin this process to the client core(s), raise its priority and the fd limit."""
    cores = os.sched_getaffinity(0)
    args.client_cores = cores - {args.server_core} or cores
    os.sched_setaffinity(0, args.client_cores)  # children inherit it; servers are taskset
    args.own_autogroup = read_autogroup_nice()
    prioritize(os.getpid(), args.nice and args.nice - 5)  # the probes; restored at exit
    args.workers = args.workers or len(args.client_cores)
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(hard, fds)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, want))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if args.profile:
        py_spy()
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    print(
        f"servers on core {args.server_core} (nice {args.nice}); clients on core(s) "
        f"{sorted(args.client_cores)}: {args.workers} subscriber process(es) + this one; "
        f"fd limit {resource.getrlimit(resource.RLIMIT_NOFILE)[0]}",
        flush=True,
    )


async def main(args: argparse.Namespace) -> None:
    results: list[Result] = []
    frame = DEFAULT_FRAME
    with tempfile.TemporaryDirectory(prefix="fanout-") as tmp:
        args.engine = engine_command(args.engine, Path(tmp))
        for n in args.subscribers:
            for name in args.servers:
                r = await asyncio.wait_for(run_one(name, n, frame, args, Path(tmp)), 600)
                if name == "ours" and r.frame:
                    frame = r.frame  # baselines relay frames of ours' size
                results.append(r)
                print(
                    f"  {name}: {r.delivered:,.0f} delivered/s, p50 {r.p50:.1f} ms, "
                    f"p99 {r.p99:.1f} ms ({r.samples} samples), server {r.server_cpu:.0%} "
                    f"of its core, clients {r.client_cpu:.0%} of theirs "
                    f"({r.coordinator_cpu:.0%} publisher + probes)",
                    flush=True,
                )
    print_table(results)


def run(
    main: Callable[[argparse.Namespace], Coroutine[Any, Any, None]], args: argparse.Namespace
) -> None:
    """Run ``main``, then give this process its autogroup priority back."""
    try:
        asyncio.run(main(args))
    finally:
        if args.own_autogroup is not None:
            prioritize(os.getpid(), args.own_autogroup)


if __name__ == "__main__":
    run(main, setup())
