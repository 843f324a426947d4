"""Memory per idle subscriber: RSS growth of a server holding N subscribed, idle connections.

Side by side in one run: ``ours`` (a real ``broadcaster serve``) and the baseline, the naive
Python websockets server of ``bench/naive_server.py`` (same library, no rules, no journal).
Each subscriber connects, subscribes to every game, reads its snapshot and then stays idle.
``--ref REV`` adds ``ours`` at another git revision (checked out into a temporary worktree),
to see what a change costs.

    .venv/bin/python bench/idle_memory.py [--subscribers 3000] [--ref 9dddd8a]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def start(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    match = re.search(r"url=(\S+)", proc.stdout.readline())
    if not match:
        proc.kill()
        raise RuntimeError(f"{cmd} did not start")
    return proc, match[1]


async def hold(url: str, n: int) -> list[ClientConnection]:
    conns: list[ClientConnection] = []
    for start_at in range(0, n, 200):
        count = min(200, n - start_at)
        batch = await asyncio.gather(*(connect(url + "/feed") for _ in range(count)))
        for ws in batch:
            await ws.recv()  # hello
            await ws.send('{"type":"subscribe","games":["*"]}')
        for ws in batch:
            await ws.recv()  # snapshot
        conns += batch
    return conns


async def measure(name: str, cmd: list[str], cwd: Path, n: int, tmp: Path) -> tuple[str, float]:
    env = {**os.environ, "SCORECAST_TOKEN": "bench", "PYTHONPATH": str(cwd)}
    proc, url = start(cmd, cwd, env)
    try:
        await asyncio.sleep(0.5)
        before = rss_kib(proc.pid)
        conns = await hold(url, n)
        await asyncio.sleep(1.0)
        after = rss_kib(proc.pid)
        for ws in conns:
            ws.transport.abort()
        return name, (after - before) / n
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(10)


def ours(tmp: Path, tag: str, today: bool = True) -> list[str]:
    """``broadcaster serve``; an older revision gets only the options it had."""
    cmd = [sys.executable, "-m", "broadcaster", "--log-level", "warning", "serve", "--port", "0",
           "--db", str(tmp / f"{tag}.sqlite3")]  # fmt: skip
    if today:
        cmd += ["--tokens", str(tmp / f"{tag}-tokens.json"), "--max-per-address", "0"]
    return cmd


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=3000)
    parser.add_argument("--ref", help="also measure ours at this git revision")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        runs = [("ours", ours(tmp, "now"), ROOT)]
        if args.ref:
            tree = tmp / "ref"
            add = ["git", "worktree", "add", "-q", "--detach", str(tree), args.ref]
            await asyncio.to_thread(subprocess.run, add, cwd=ROOT, check=True)
            runs.append((f"ours @ {args.ref}", ours(tmp, "ref", today=False), tree))
        naive = [sys.executable, str(ROOT / "bench" / "naive_server.py")]
        runs.append(("naive websockets (baseline)", naive, ROOT))
        try:
            for name, cmd, cwd in runs:
                rows.append(await measure(name, cmd, cwd, args.subscribers, tmp))
        finally:
            if args.ref:
                remove = ["git", "worktree", "remove", "--force", str(tmp / "ref")]
                await asyncio.to_thread(subprocess.run, remove, cwd=ROOT, check=False)
    base = rows[-1][1]
    print(f"\n{args.subscribers} idle subscribers (RSS growth / subscriber)\n")
    print("| server | KiB per idle subscriber | ratio to baseline |")
    print("|---|---|---|")
    for name, kib in rows:
        print(f"| {name} | {kib:.1f} | {kib / base:.2f}× |")


if __name__ == "__main__":
    asyncio.run(main())
