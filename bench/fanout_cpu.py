"""Who used the cores during a fan-out phase, from /proc (bench/fanout.py, fanout_sweep.py).

A fan-out benchmark is honest only while its server, not its load generator, is
the bottleneck: a phase reads every core's jiffies and the CPU time of the
server, the subscriber processes and this process (publisher + probes) before
and after, and ``Shares`` says how busy each was. On a shared machine, also
how long each of them was runnable but waiting for a CPU (Linux schedstat): a
server or a probe that waited measured the machine's load, not the fan-out.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path


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


def proc_waited(pid: int) -> tuple[float, int]:
    """Seconds the threads of a process have spent runnable but waiting for a CPU, and
    how many times they were put on one."""
    waited = runs = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            _, wait, count = (int(v) for v in (task / "schedstat").read_text().split()[:3])
        except (OSError, ValueError):
            continue  # a thread that ended, or no schedstat
        waited, runs = waited + wait, runs + count
    return waited / 1e9, runs


@dataclass
class Snapshot:
    """Core jiffies, and the CPU jiffies and run-queue waits of some processes (this one
    included), at one moment."""

    cores: dict[int, list[int]]
    procs: dict[int, int]
    waited: dict[int, tuple[float, int]]
    at: float

    @classmethod
    def take(cls, pids: list[int]) -> Snapshot:
        pids = [*pids, os.getpid()]
        return cls(
            core_ticks(),
            {pid: proc_ticks(pid) for pid in pids},
            {pid: proc_waited(pid) for pid in pids},
            time.monotonic(),
        )


@dataclass
class Shares:
    """Shares of one core's time between two snapshots (1.0 = a whole core)."""

    server: float  # the server process, of its core
    server_other: float  # other processes on the server's core
    engine: float  # the busiest raw subscriber process
    engines: float  # all raw subscriber processes, of the client core(s) together
    probes: float  # the process that times the events (this one, or a C probe engine)
    coordinator: float  # this process: the publisher (and the probes, when Python)
    client_busy: float  # the client core(s) not idle, whoever used them
    client_others: float  # of which processes outside this bench
    server_waited: float  # share of the wall time the server waited for a CPU
    engine_waited: float  # the longest-waiting raw subscriber process
    probes_delay: float  # mean wait for a CPU per wake-up of the probes, s
    coordinator_delay: float  # the same for this process

    @classmethod
    def between(
        cls,
        before: Snapshot,
        after: Snapshot,
        server: int,
        engines: list[int],
        server_core: int,
        client_cores: set[int],
        probes: int | None = None,
    ) -> Shares:
        """``server``, ``engines`` (raw subscribers) and ``probes`` are pids, all in both
        snapshots; ``probes`` None: the probes are in this process."""
        srv = core_use(before.cores, after.cores, {server_core})
        cli = core_use(before.cores, after.cores, client_cores)
        used = {pid: after.procs[pid] - before.procs[pid] for pid in before.procs}
        wall = max(after.at - before.at, 1e-9)
        waited = {pid: (after.waited[pid][0] - before.waited[pid][0]) / wall for pid in used}

        def delay(pid: int) -> float:
            runs = after.waited[pid][1] - before.waited[pid][1]
            return (after.waited[pid][0] - before.waited[pid][0]) / max(1, runs)

        server_share = used[server] / srv["jiffies"]
        per_engine = [used[pid] / cli["jiffies"] for pid in engines]
        own = os.getpid()
        probes = own if probes is None else probes
        coordinator = used[own] / cli["jiffies"]
        ours = sum(used[pid] for pid in {*engines, probes, own}) / cli["jiffies"]
        return cls(
            server=server_share,
            server_other=max(0.0, srv["tasks"] - server_share),
            engine=max(per_engine, default=0.0),
            engines=sum(per_engine) / len(client_cores),
            probes=used[probes] / cli["jiffies"],
            coordinator=coordinator,
            client_busy=1.0 - cli["idle"],
            client_others=max(0.0, cli["tasks"] - ours / len(client_cores)),
            server_waited=waited[server],
            engine_waited=max((waited[pid] for pid in engines), default=0.0),
            probes_delay=delay(probes),
            coordinator_delay=delay(own),
        )
