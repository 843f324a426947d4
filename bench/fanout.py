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
counters of bench/fanout_subscribers.py, plus, for the latency phase, a few
real websockets clients in this process ("probes", spread evenly through the
connection order) that parse JSON and time each event from a monotonic
timestamp in its text.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fanout_clients import (
    TOKEN,
    Probes,
    Publisher,
    Workers,
    child_setup,
    drain,
    hold_back,
    prioritize,
    read_autogroup_nice,
)
from websockets.asyncio.client import connect

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


def core_ticks() -> dict[int, list[int]]:
    """Per core jiffies from /proc/stat: user nice system idle iowait irq softirq steal."""
    cores = {}
    for line in Path("/proc/stat").read_text().splitlines():
        name, *values = line.split()
        if name.startswith("cpu") and name != "cpu":
            cores[int(name[3:])] = [int(v) for v in values[:8]]
    return cores


def core_use(
    before: dict[int, list[int]], after: dict[int, list[int]], cores: set[int]
) -> dict[str, float]:
    """Fractions of ``cores``' time between two readings: tasks, kernel irq work, idle."""
    d = [sum(after[c][i] - before[c][i] for c in cores) for i in range(8)]
    total = sum(d) or 1
    return {
        "tasks": (d[0] + d[1] + d[2]) / total,
        "irq": (d[5] + d[6] + d[7]) / total,  # irq + softirq + steal
        "idle": (d[3] + d[4]) / total,
        "jiffies": total / len(cores),
    }


def proc_ticks(pid: int) -> int:
    """utime + stime of a process (all threads), in jiffies."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


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


async def profile(pid: int, seconds: float, out: Path) -> asyncio.subprocess.Process:
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    return await asyncio.create_subprocess_exec(
        *(spy, "record", "--pid", str(pid), "--duration", str(int(seconds))),
        *("--rate", "250", "--nonblocking", "--format", "raw", "-o", str(out)),
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


async def run_one(name: str, n: int, frame: int, args: argparse.Namespace, tmp: Path) -> Result:
    result = Result(NAMES[name], n)
    spawned: list[Any] = []
    probes = Probes()
    try:
        proc, url = await start_server(name, args, tmp, spawned)
        pws = await connect(
            f"{url}/publish",
            additional_headers={"Authorization": f"Bearer {TOKEN}"},
            compression=None,
            max_size=None,
        )
        await pws.recv()  # hello
        pub = Publisher(pws, None if name.startswith("ours") else frame)
        await pub.setup()

        # Subscribers, with the probes spread evenly through the connection order.
        port = int(url.rsplit(":", 1)[1])
        workers = await Workers.start(
            args.workers, port, args.nice and args.nice + 5, args.batch_ms, spawned
        )
        p = max(1, min(args.probes, n))
        raw = n - p
        t0 = time.monotonic()
        for i in range(p):
            await workers.connect(raw * (i + 1) // p - raw * i // p)
            await probes.add(url)
        frames, _ = await workers.count()
        print(f"  {name}: {n} subscribers connected in {time.monotonic() - t0:.1f} s", flush=True)

        # Latency: an open-loop publisher at --rate events/s.
        count = int(args.rate * args.latency_seconds)
        probes.recording = True
        c0, s0, t0 = core_ticks(), proc_ticks(proc.pid), time.monotonic()
        await asyncio.wait_for(pub.steady(args.rate, count), args.latency_seconds + 60)
        result.latency_cpu = (proc_ticks(proc.pid) - s0) / core_use(
            c0, core_ticks(), {args.server_core}
        )["jiffies"]
        await asyncio.sleep(1.0)
        probes.recording = False
        frames, _ = await drain(workers, frames + count * raw)
        lat = probes.latencies
        result.samples = len(lat)
        result.p50 = statistics.median(lat) if lat else float("nan")
        result.p99 = pct(lat, 0.99)
        result.frame = int(statistics.median(probes.sizes)) if probes.sizes else 0

        # Flood: delivered frames/s after a warm-up, with the load of each core. The
        # probes cost ~50 µs a frame in websockets: raw subscribers take their places.
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
        subs = [w.pid for w in workers.procs]
        (f0, _), a0, c0 = await workers.count(), pub.acked, core_ticks()
        s0, m0 = proc_ticks(proc.pid), sum(proc_ticks(pid) for pid in subs)
        own0 = proc_ticks(os.getpid())
        t0 = time.monotonic()
        await asyncio.sleep(args.seconds)
        (f1, _), a1, c1 = await workers.count(), pub.acked, core_ticks()
        s1, m1 = proc_ticks(proc.pid), sum(proc_ticks(pid) for pid in subs)
        own1 = proc_ticks(os.getpid())
        elapsed = time.monotonic() - t0
        stop.set()
        await asyncio.wait_for(flood, 120)
        result.client_bound = await held
        result.delivered = (f1 - f0) / elapsed
        result.events = (a1 - a0) / elapsed
        srv = core_use(c0, c1, {args.server_core})
        cli = core_use(c0, c1, args.client_cores)
        result.server_cpu = (s1 - s0) / srv["jiffies"]
        result.server_other = max(0.0, srv["tasks"] - result.server_cpu)
        result.client_cpu = (m1 - m0 + own1 - own0) / cli["jiffies"] / len(args.client_cores)
        result.coordinator_cpu = (own1 - own0) / cli["jiffies"] / len(args.client_cores)
        result.client_idle = cli["idle"]
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
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--workers", type=int, default=0, help="0: one per client core")
    parser.add_argument(
        "--batch-ms", type=float, default=20.0, help="subscriber processes' pause per epoll round"
    )
    parser.add_argument("--probes", type=int, default=50, help="latency-measuring subscribers")
    parser.add_argument("--rate", type=float, default=10.0, help="events/s, latency phase")
    parser.add_argument("--latency-seconds", type=float, default=10.0)
    parser.add_argument("--window", type=int, default=8, help="publishes in flight, flood")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--seconds", type=float, default=5.0, help="flood measurement")
    parser.add_argument(
        "--nice",
        type=int,
        default=-10,
        help="autogroup nice of the servers (this process 5 lower, subscribers 5 higher), "
        "so that other work on a shared machine skews the run less; 0 to leave as is",
    )
    parser.add_argument("--profile", help="directory for py-spy raw stacks of ours (flood)")
    args = parser.parse_args()

    cores = os.sched_getaffinity(0)
    args.client_cores = cores - {args.server_core} or cores
    os.sched_setaffinity(0, args.client_cores)  # children inherit it; servers are taskset
    args.own_autogroup = read_autogroup_nice()
    prioritize(os.getpid(), args.nice and args.nice - 5)  # the probes; restored at exit
    args.workers = args.workers or len(args.client_cores)
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(hard, 2 * max(args.subscribers) + 4096)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, want))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    print(
        f"servers on core {args.server_core} (nice {args.nice}); clients on core(s) "
        f"{sorted(args.client_cores)}: {args.workers} subscriber process(es) + this one; "
        f"fd limit {resource.getrlimit(resource.RLIMIT_NOFILE)[0]}",
        flush=True,
    )
    return args


async def main(args: argparse.Namespace) -> None:
    results: list[Result] = []
    frame = DEFAULT_FRAME
    with tempfile.TemporaryDirectory(prefix="fanout-") as tmp:
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


if __name__ == "__main__":
    options = setup()
    try:
        asyncio.run(main(options))
    finally:
        if options.own_autogroup is not None:
            prioritize(os.getpid(), options.own_autogroup)
