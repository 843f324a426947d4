"""One keepalive for every connection of a server, instead of a task for each.

websockets pings each connection from a task of its own: a task, its coroutine
and a sleeping timer, about a kilobyte for every idle subscriber of the tens of
thousands a node holds. Here one task visits the connections in turn, a slice
a tick, so each is pinged once per interval and the pings are spread over it.
A peer that has sent nothing at all since its ping (a pong is something) for
the timeout is closed by the connection (4008, see ``connection.py``). The
timeout also covers *sending* the ping: a peer that does not read cannot hold
it back behind a full buffer and stay connected.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Protocol

SLICES = 20  # ticks per interval: each pings a twentieth of the connections


class Pingable(Protocol):
    def keepalive_ping(self, now: float) -> None: ...


class Keepalive:
    """Pings every added connection once per ``interval`` seconds."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._slices: list[set[Pingable]] = [set() for _ in range(SLICES)]
        self._where: dict[Pingable, int] = {}
        self._turn = 0
        self._task: asyncio.Task[None] | None = None

    def add(self, conn: Pingable) -> None:
        """Ping ``conn`` from one interval from now on (the slice just visited)."""
        turn = (self._turn - 1) % SLICES
        self._slices[turn].add(conn)
        self._where[conn] = turn
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    def discard(self, conn: Pingable) -> None:
        turn = self._where.pop(conn, None)
        if turn is not None:
            self._slices[turn].discard(conn)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        tick = self.interval / SLICES
        while True:
            await asyncio.sleep(tick)
            now = loop.time()
            for conn in list(self._slices[self._turn]):
                conn.keepalive_ping(now)
            self._turn = (self._turn + 1) % SLICES

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
