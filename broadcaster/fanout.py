"""Delivering durable events to live subscribers.

The broadcast pattern of websockets, taken one step further: a server's
frames are never masked, so an event's whole WebSocket frame is the same
bytes for every subscriber. ``deliver`` serializes each frame once
(websockets' own ``Frame.serialize``), and each live subscriber gets its frames
with one ``transport.write``: no per-subscriber encoding, no per-subscriber
await. This is safe because the server never fragments or compresses.

Under load a write per event per subscriber is what costs (a syscall each:
5–10 µs here, 50–100 ms for 10,000 subscribers). So ``deliver`` only appends the frames to
a log, and one sweeper task writes to the subscribers in slices of ``SLICE``,
with the event loop free between slices (acks, reads and commits go on), each
subscriber getting in one write every frame after its cursor. An event that
commits while a sweep is under way reaches the subscribers not yet visited in
the same write as the one before it, and the others in the next pass: the
writes per second follow the sweeps, not the events, and latency tracks the
sweep's length.

A subscriber too far behind (unsent data past the buffer limit, or unsent data
for longer than ``max_lag``) is found by ``too_slow`` and leaves the live set;
the server closes it with 4008 and it resumes from its last seq. While a big
reply goes to a live subscriber in slices (fragments of one message), its live
frames are held and sent right after it: no data frame may come between two
fragments.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from websockets.asyncio.server import ServerConnection
from websockets.frames import Frame, Opcode
from websockets.protocol import State

from broadcaster.core import Accepted

log = logging.getLogger("broadcaster.fanout")
SLICE = 512  # subscribers written to between two turns of the event loop


@dataclass(eq=False, slots=True)
class Subscriber:
    """One /feed connection and what it asked for."""

    ws: ServerConnection
    games: frozenset[str] | None = None  # None: every game
    leagues: frozenset[str] | None = None
    live: bool = False
    held: list[bytes] | None = None  # live frames waiting behind a reply being sent in slices
    held_bytes: int = 0
    behind_since: float | None = None  # when its unsent data last went from none to some
    cursor: int = 0  # the position in the fan-out's log of the next frame it gets

    def wants(self, game_id: str, league: str) -> bool:
        return (self.games is None or game_id in self.games) and (
            self.leagues is None or league in self.leagues
        )


class Fanout:
    """The live subscribers: those that want everything, and the narrower ones."""

    def __init__(
        self,
        max_buffer: int,
        max_lag: float = 30.0,
        on_slow: Callable[[list[Subscriber]], None] = lambda slow: None,
        on_written: Callable[[int], None] = lambda frames: None,
    ) -> None:
        self.max_buffer = max_buffer
        self.max_lag = max_lag
        self.on_slow = on_slow  # subscribers that left for being too slow: close them
        self.on_written = on_written  # frames written (a metric)
        self._everything: dict[ServerConnection, Subscriber] = {}
        self._narrow: set[Subscriber] = set()
        self._lagging: set[Subscriber] = set()  # live, with unsent data after a write
        self._log: list[tuple[bytes, Accepted]] = []  # frames some subscriber has yet to get
        self._base = 0  # the log position of ``_log[0]``
        self._sweeper: asyncio.Task[None] | None = None

    def join(self, sub: Subscriber) -> None:
        """From now on ``sub`` gets every durable event it wants (those committed before
        are its catch-up's)."""
        sub.live = True
        sub.cursor = self._base + len(self._log)
        if sub.games is None and sub.leagues is None:
            self._everything[sub.ws] = sub
        else:
            self._narrow.add(sub)

    def leave(self, sub: Subscriber) -> None:
        sub.live = False
        self._everything.pop(sub.ws, None)
        self._narrow.discard(sub)
        self._lagging.discard(sub)

    def deliver(self, batch: Sequence[Accepted]) -> None:
        """Durable events, in seq order: the sweeper writes them to who wants them."""
        self._log.extend((wire_frame(a.record.frame), a) for a in batch)
        if self._sweeper is None and (self._everything or self._narrow):
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep())
        elif self._sweeper is None:
            self._trim()

    async def close(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper

    async def _sweep(self) -> None:
        """Passes over the live subscribers, a slice at a time, until every one has the
        whole log; then the log is emptied."""
        try:
            while True:
                end = self._base + len(self._log)
                behind = [s for s in (*self._everything.values(), *self._narrow) if s.cursor < end]
                if not behind:
                    break
                for start in range(0, len(behind), SLICE):
                    self.on_written(self._write_slice(behind[start : start + SLICE]))
                    if slow := self.too_slow(time.monotonic()):
                        self.on_slow(slow)
                    await asyncio.sleep(0)  # commits, acks and requests between slices
        finally:
            self._sweeper = None
            self._trim()

    def _write_slice(self, subs: Sequence[Subscriber]) -> int:
        """Each subscriber's frames from its cursor to the log's end, in one write; those
        at the same cursor (most) share the bytes."""
        log, base = self._log, self._base
        end = base + len(log)
        groups: dict[int, list[Subscriber]] = {}
        written = 0
        for sub in subs:
            if not sub.live or sub.cursor >= end:
                continue
            if sub.games is None and sub.leagues is None:
                groups.setdefault(sub.cursor, []).append(sub)
                continue
            pending = log[sub.cursor - base :]
            frames = [f for f, a in pending if sub.wants(a.state.game_id, a.state.league)]
            sub.cursor = end
            if frames:
                written += _write((sub,), b"".join(frames), self._lagging) * len(frames)
        for cursor, group in groups.items():
            for sub in group:
                sub.cursor = end
            data = b"".join(f for f, _ in log[cursor - base :])
            written += _write(group, data, self._lagging) * (end - cursor)
        return written

    def _trim(self) -> None:
        """Forget the frames every live subscriber has."""
        subs = (*self._everything.values(), *self._narrow)
        end = self._base + len(self._log)
        low = min((s.cursor for s in subs), default=end)
        del self._log[: low - self._base]
        self._base = low

    def too_slow(self, now: float) -> list[Subscriber]:
        """Live subscribers too far behind; they leave the live set.

        Too far is more unsent data than ``max_buffer`` (in our buffer and held behind a
        reply), or some unsent data all the time for ``max_lag`` seconds: a subscriber
        whose kernel buffers swallowed megabytes is still found by how long it lags.
        Only those a write left with unsent data are looked at, not every subscriber."""
        slow = []
        for sub in list(self._lagging):
            if self._behind(sub, now):
                slow.append(sub)
                self.leave(sub)
            elif sub.behind_since is None:
                self._lagging.discard(sub)  # all sent: until a write leaves some again
        return slow

    def _behind(self, sub: Subscriber, now: float) -> bool:
        unsent = sub.held_bytes + sub.ws.transport.get_write_buffer_size()
        if not unsent:
            sub.behind_since = None
            return False
        if sub.behind_since is None:
            sub.behind_since = now
        return unsent > self.max_buffer or now - sub.behind_since > self.max_lag


def wire_frame(payload: bytes) -> bytes:
    """The bytes of one unmasked, unfragmented text frame (what a server sends)."""
    return Frame(Opcode.TEXT, payload).serialize(mask=False)


def _write(subscribers: Iterable[Subscriber], data: bytes, lagging: set[Subscriber]) -> int:
    """Write ``data`` to every open subscriber (or hold it behind a reply being sent in
    slices); returns how many got it. Those left with unsent data join ``lagging``.

    Each write is guarded, as websockets' own ``broadcast()`` does: one broken
    connection is dropped (aborted; its client resumes) and never stops the others.
    """
    count, size, is_open, lag = 0, len(data), State.OPEN, lagging.add
    for sub in subscribers:
        ws = sub.ws
        if ws.protocol.state is not is_open:
            continue
        if sub.held is not None:
            sub.held.append(data)
            sub.held_bytes += size
            lag(sub)
            count += 1
        elif ws.send_in_progress is None:
            transport = ws.transport
            try:
                transport.write(data)
            except Exception as exc:  # a transport in a state we did not foresee
                log.warning("dropping %s: write failed: %r", ws.remote_address, exc)
                transport.abort()
            else:
                count += 1
                if transport.get_write_buffer_size():
                    lag(sub)
    return count
