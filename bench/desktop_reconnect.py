"""The scoreboard's feed connection across kill -9 cycles: time back, nothing lost, nothing twice.

    .venv/bin/python bench/desktop_reconnect.py [--cycles 20 --events 20]

The app's own ``FeedConnection`` (the asyncio half of the client; no Qt needed)
follows a real ``broadcaster serve`` process. Each cycle publishes events, kills
the broadcaster with SIGKILL, restarts it on the same port and journal, publishes
more, and waits until the connection has caught up. At the end every applied
event's ``seq`` must be 1…N exactly once, in order. Reconnect time is measured
from the restarted broadcaster's ready line to the connection's next ``hello``,
and also with the backoff wait that was still pending at that moment taken out
(the jitter the client chose on purpose). Baseline, in the same run: the
broadcaster's own restart (spawn → ready), which bounds what any client sees.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop.feed.connection import FeedConnection, Status  # noqa: E402
from desktop.feed.state import Applied, Change  # noqa: E402
from tests.helpers.proc import TOKEN, BroadcasterProcess  # noqa: E402
from tests.helpers.ws import live_game, open_publisher, publish  # noqa: E402


class Recorder:
    """A ``Listener`` that keeps what the UI would get."""

    def __init__(self) -> None:
        self.applied: list[int] = []
        self.connected = asyncio.Event()
        self.last_status = Status()
        self.hellos: list[float] = []

    def on_status(self, status: Status) -> None:
        if status.phase == "connected" and self.last_status.phase != "connected":
            self.hellos.append(time.monotonic())
            self.connected.set()
        if status.phase != "connected":
            self.connected.clear()
        self.last_status = status

    def on_changes(self, changes: Sequence[Change]) -> None:
        self.applied.extend(c.event.seq for c in changes if isinstance(c, Applied))


async def publish_some(url: str, n: int, game_id: str = "g1") -> int:
    ws = await open_publisher(url, TOKEN)
    try:
        last = 0
        for _ in range(n):
            reply = await publish(ws, game_id, "score", {"team": "home", "points": 1})
            assert reply["type"] == "ack", reply
            last = reply["seq"]
        return last
    finally:
        await ws.close()


async def caught_up(conn: FeedConnection, seq: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while conn.state.seq < seq:
        if time.monotonic() > deadline:
            raise TimeoutError(f"stuck at seq {conn.state.seq}, wanted {seq}")
        await asyncio.sleep(0.005)


async def run(args: argparse.Namespace) -> int:
    loop = asyncio.get_running_loop()
    with tempfile.TemporaryDirectory() as tmp:
        server = BroadcasterProcess(Path(tmp) / "journal.sqlite3").start()
        rec = Recorder()
        conn = FeedConnection(server.url, rec)
        task = loop.create_task(conn.run())
        back, back_no_jitter, restarts = [], [], []
        try:
            ws = await open_publisher(server.publish, TOKEN)
            await live_game(ws, "g1")
            await ws.close()
            for _ in range(args.cycles):
                last = await publish_some(server.publish, args.events)
                await caught_up(conn, last)
                server.kill()
                await asyncio.sleep(args.down)  # the client keeps trying meanwhile
                t0 = time.monotonic()
                await loop.run_in_executor(None, server.start)
                ready = time.monotonic()
                restarts.append(ready - t0)
                status = rec.last_status
                pending = 0.0
                if status.phase == "reconnecting" and status.retry_at is not None:
                    pending = max(0.0, status.retry_at - ready)
                await asyncio.wait_for(rec.connected.wait(), 60)
                back.append(rec.hellos[-1] - ready)
                back_no_jitter.append(max(0.0, rec.hellos[-1] - ready - pending))
                last = await publish_some(server.publish, args.events)
                await caught_up(conn, last)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            server.stop()
    expected = list(range(rec.applied[0], rec.applied[-1] + 1)) if rec.applied else []
    lost = len(set(expected) - set(rec.applied))
    twice = len(rec.applied) - len(set(rec.applied))
    in_order = rec.applied == sorted(rec.applied)

    def ms(values: list[float]) -> str:
        return f"median {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"

    print(
        f"{args.cycles} kill -9 cycles, {args.events} + {args.events} events each, "
        f"{args.down:g} s down each time"
    )
    print(
        f"events applied: {len(rec.applied)} (seq {rec.applied[0]}…{rec.applied[-1]}), "
        f"lost {lost}, twice {twice}, in order {in_order}"
    )
    print(f"baseline: broadcaster restart, spawn → ready: {ms(restarts)}")
    print(f"client back (ready → hello): {ms(back)}")
    print(f"client back without the backoff wait it had chosen: {ms(back_no_jitter)}")
    return 0 if lost == 0 and twice == 0 and in_order else 1


def main() -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--cycles", type=int, default=20)
    p.add_argument("--events", type=int, default=20)
    p.add_argument("--down", type=float, default=0.5, help="seconds the broadcaster stays dead")
    return asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
