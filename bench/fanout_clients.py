"""The load side of bench/fanout.py: subscriber processes, probes, the publisher.

* ``Workers``: the raw subscriber processes (bench/fanout_subscribers.py, or
  its C twin bench/fanout_subscribers.c, see ``engine_command``), driven over
  their stdin/stdout;
* ``Probes``: real websockets subscribers that parse JSON and time each event;
* ``EngineProbes``: the same timing done by one C engine process (``--time``),
  much cheaper per frame, so a probe's own work is not in its latency;
* ``Publisher``: one /publish connection, at a steady rate or as a flood with
  a window of publishes in flight;
* ``hold_back``: pauses the flood while the subscribers fall behind, so a run
  limited by the client side shows itself instead of filling kernel buffers.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Self

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

BENCH = Path(__file__).resolve().parent
TOKEN = "x"
GAME = {
    "sport": "basketball",
    "league": "NBA",
    "home": {"name": "Home", "short": "HOM"},
    "away": {"name": "Away", "short": "AWY"},
}
SUBSCRIBE = '{"type":"subscribe","games":["*"]}'


def child_setup() -> None:
    """preexec_fn: SIGKILL when the coordinator dies (children also get a new session)."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def prioritize(pid: int, nice: int | None) -> None:
    """Set the nice value of ``pid``'s autogroup (its session): with autogroups on, the
    scheduler shares a core between sessions first, so a process's own nice value does
    nothing against another engineer's shell. Needs root; silently skipped without."""
    if nice is None:
        return
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))


def read_autogroup_nice() -> int | None:
    try:
        return int(Path("/proc/self/autogroup").read_text().split("nice")[1])
    except (OSError, IndexError, ValueError):
        return None


def engine_command(kind: str, workdir: Path) -> list[str]:
    """The subscriber engine's command: ``python`` (bench/fanout_subscribers.py),
    ``c`` (bench/fanout_subscribers.c, compiled into ``workdir`` with cc -O2: the same
    protocol at a fraction of the CPU per frame), or ``auto`` (c, else python)."""
    python = [sys.executable, str(BENCH / "fanout_subscribers.py")]
    if kind == "python":
        return python
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is not None:
        binary = workdir / "fanout_subscribers"
        build = subprocess.run(
            [cc, "-O2", "-o", str(binary), str(BENCH / "fanout_subscribers.c"), "-lm"],
            capture_output=True,
            text=True,
        )
        if build.returncode == 0:
            return [str(binary)]
        problem = f"cc failed: {build.stderr.strip()[-500:]}"
    else:
        problem = "no C compiler (cc) on PATH"
    if kind == "c":
        raise RuntimeError(f"the C subscriber engine is not available: {problem}")
    print(f"subscriber engine: python ({problem})", file=sys.stderr)
    return python


def engine_name(engine: list[str]) -> str:
    """ "C" or "Python", for an ``engine_command``."""
    return "Python" if engine[-1].endswith(".py") else "C"


class Workers:
    """The raw subscriber processes (``engine_command``)."""

    def __init__(self, procs: list[asyncio.subprocess.Process]) -> None:
        self.procs = procs
        self.lock = asyncio.Lock()

    @classmethod
    async def start(
        cls,
        n: int,
        port: int,
        nice: int | None,
        batch_ms: float,
        spawned: list[Any],
        engine: list[str] | None = None,
    ) -> Workers:
        procs = []
        for _ in range(n):
            proc = await asyncio.create_subprocess_exec(
                *(engine or [sys.executable, str(BENCH / "fanout_subscribers.py")]),
                *("--port", str(port), "--max-seconds", "600", "--batch-ms", str(batch_ms)),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                limit=1 << 20,  # a latency histogram is one long line
                preexec_fn=child_setup,
                start_new_session=True,
            )
            prioritize(proc.pid, nice)
            spawned.append(proc)
            procs.append(proc)
        return cls(procs)

    async def ask(self, proc: asyncio.subprocess.Process, line: str) -> list[str]:
        assert proc.stdin is not None and proc.stdout is not None
        async with self.lock:  # one question at a time per process
            proc.stdin.write(line.encode() + b"\n")
            await proc.stdin.drain()
            answer = await asyncio.wait_for(proc.stdout.readline(), 120)
        if not answer:
            raise RuntimeError(f"a subscriber process died (exit {await proc.wait()})")
        return answer.decode().split()

    async def connect(self, count: int) -> None:
        k = len(self.procs)
        shares = [count // k + (i < count % k) for i in range(k)]
        await asyncio.gather(
            *(self.ask(p, f"connect {n}") for p, n in zip(self.procs, shares, strict=True) if n)
        )

    async def count(self) -> tuple[int, int]:
        """(frames, closed) summed over the workers."""
        answers = await asyncio.gather(*(self.ask(p, "count") for p in self.procs))
        return sum(int(a[1]) for a in answers), sum(int(a[3]) for a in answers)

    async def quit(self) -> None:
        for proc in self.procs:
            if proc.stdin is not None:
                with contextlib.suppress(ConnectionError):
                    proc.stdin.write(b"quit\n")
                    await proc.stdin.drain()
        for proc in self.procs:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(proc.wait(), 10)


class Probes:
    """Real websockets subscribers that parse every frame and time the events."""

    def __init__(self) -> None:
        self.conns: list[ClientConnection] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.frames = 0
        self.recording = False
        self.latencies: list[float] = []  # ms
        self.sizes: list[int] = []

    async def add(self, url: str) -> None:
        ws = await connect(f"{url}/feed", compression=None, max_size=None, ping_interval=None)
        await ws.recv()  # hello
        await ws.send(SUBSCRIBE)
        await ws.recv()  # snapshot
        self.conns.append(ws)
        self.tasks.append(asyncio.create_task(self._read(ws)))

    async def _read(self, ws: ClientConnection) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for raw in ws:
                now = time.monotonic()
                self.frames += 1
                if not self.recording:
                    continue
                text = json.loads(raw).get("data", {}).get("text", "")
                if text.startswith("t="):
                    self.latencies.append((now - float(text[2:].split()[0])) * 1000)
                    self.sizes.append(len(raw))

    @property
    def count(self) -> int:
        return len(self.conns)

    async def start_recording(self) -> None:
        self.latencies.clear()
        self.sizes.clear()
        self.recording = True

    async def stop_recording(self, want: int, timeout: float = 30.0) -> None:
        """Wait until ``want`` events were timed, or none came for 3 s; then stop."""

        async def timed() -> int:
            return len(self.latencies)

        await settle(timed, want, timeout)
        self.recording = False

    async def close(self) -> None:
        conns, self.conns = self.conns, []
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(ws.close() for ws in conns)), 30)
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.tasks = []


class EngineProbes:
    """Latency probes held by one C engine process run with ``--time`` and no batching:
    it times each event at its recv() into a histogram (1 % buckets), so 100 probes
    cost a few percent of a core instead of websockets' ~50 µs per frame in this
    process, and a late probe is not late because earlier ones were parsed first.
    Same interface as ``Probes``; ``latencies`` holds each bucket's midpoint."""

    def __init__(self, workers: Workers) -> None:
        self.workers = workers
        self.count = 0
        self.latencies: list[float] = []  # ms
        self.sizes: list[int] = []
        self.untimed = 0

    @classmethod
    async def start(
        cls, engine: list[str], port: int, nice: int | None, spawned: list[Any]
    ) -> EngineProbes:
        return cls(await Workers.start(1, port, nice, 0.0, spawned, [*engine, "--time"]))

    @property
    def pid(self) -> int:
        return self.workers.procs[0].pid

    async def add(self, url: str) -> None:
        await self.workers.connect(1)
        self.count += 1

    async def start_recording(self) -> None:
        await self.workers.ask(self.workers.procs[0], "lat")  # starts it afresh

    async def stop_recording(self, want: int, timeout: float = 30.0) -> None:
        """Wait until ``want`` events were timed, or none came for 3 s; then stop."""
        proc = self.workers.procs[0]

        async def timed() -> int:
            return int((await self.workers.ask(proc, "peek"))[1])

        await settle(timed, want, timeout)
        _, samples, untimed, max_us, size, *buckets = await self.workers.ask(proc, "lat")
        self.untimed = int(untimed)
        self.latencies = []
        for bucket in buckets:
            b, n = (int(x) for x in bucket.split(":"))
            self.latencies += [1.01 ** (b + 0.5) / 1000] * n
        if self.latencies:  # the maximum, exactly (it is in the top bucket)
            self.latencies[-1] = int(max_us) / 1000
        assert len(self.latencies) == int(samples)
        self.sizes = [int(size)] if int(size) else []

    async def close(self) -> None:
        await self.workers.quit()


class Publisher:
    """One /publish connection; ``pad_to`` pads baseline frames to ours' size."""

    def __init__(self, ws: ClientConnection, pad_to: int | None) -> None:
        self.ws = ws
        self.pad_to = pad_to
        self.n = 0
        self.acked = 0

    @classmethod
    async def open(cls, url: str, pad_to: int | None = None) -> Self:
        """A /publish connection to the server at ``url``, its game set up."""
        ws = await connect(
            f"{url}/publish",
            additional_headers={"Authorization": f"Bearer {TOKEN}"},
            compression=None,
            max_size=None,
        )
        await ws.recv()  # hello
        pub = cls(ws, pad_to)
        await pub.setup()
        return pub

    def message(self, kind: str = "play", data: dict[str, Any] | None = None) -> str:
        self.n += 1
        if data is None:
            data = {"text": f"t={time.monotonic():.6f} n={self.n:07d} bench play"}
        body: dict[str, Any] = {
            "type": "publish",
            "id": f"bench-{self.n}",
            "game_id": "g",
            "kind": kind,
            "data": data,
        }
        text = json.dumps(body, separators=(",", ":"))
        if self.pad_to is not None:
            body["pad"] = "x" * max(0, self.pad_to - len(text) - len(',"pad":""'))
            text = json.dumps(body, separators=(",", ":"))
        return text

    async def ack(self) -> None:
        reply = await self.ws.recv()
        if '"ack"' not in reply[:20]:
            raise RuntimeError(f"publish refused: {reply[:200]!r}")
        self.acked += 1

    async def setup(self) -> None:
        for kind, data in (("game.create", GAME), ("game.start", {}), ("period.start", {})):
            await self.ws.send(self.message(kind, data))
            await self.ack()

    async def steady(self, rate: float, count: int) -> None:
        """Open loop: one publish every 1/rate s whatever the acks do."""

        async def send() -> None:
            start = time.monotonic()
            for i in range(count):
                await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
                await self.ws.send(self.message())

        async def receive() -> None:
            for _ in range(count):
                await self.ack()

        await asyncio.gather(send(), receive())

    async def flood(self, window: int, stop: asyncio.Event, gate: asyncio.Event) -> None:
        """Keep ``window`` publishes in flight until ``stop`` (sending only while
        ``gate`` is set), then collect the outstanding acks."""
        inflight = 0
        while inflight or not stop.is_set():
            if inflight < window and gate.is_set() and not stop.is_set():
                await self.ws.send(self.message())
                inflight += 1
            elif inflight:
                await self.ack()
                inflight -= 1
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(gate.wait(), 0.1)


async def hold_back(
    workers: Workers, pub: Publisher, raw: int, limit: int, gate: asyncio.Event, stop: asyncio.Event
) -> bool:
    """Close ``gate`` while the subscribers are more than ``limit`` events behind the
    acks (the client side is the bottleneck then); True if it ever had to."""
    frames0, acked0 = (await workers.count())[0], pub.acked
    held = False
    while not stop.is_set():
        frames, _ = await workers.count()
        behind = (pub.acked - acked0) - (frames - frames0) / raw
        if behind > limit:
            gate.clear()
            held = True
        else:
            gate.set()
        await asyncio.sleep(0.1)
    gate.set()
    return held


async def settle(read: Callable[[], Awaitable[int]], want: int, timeout: float) -> None:
    """Poll ``read`` every 0.1 s until it reaches ``want``, stays put for 3 s, or
    ``timeout`` passes."""
    deadline, last, still = time.monotonic() + timeout, -1, 0
    while time.monotonic() < deadline and still < 30:
        now = await read()
        if now >= want:
            return
        still = still + 1 if now == last else 0
        last = now
        await asyncio.sleep(0.1)


async def drain(workers: Workers, expected: int, timeout: float = 60.0) -> tuple[int, int]:
    """Wait until the raw subscribers have ``expected`` frames or stop getting more."""

    async def frames() -> int:
        return (await workers.count())[0]

    await settle(frames, expected, timeout)
    return await workers.count()
