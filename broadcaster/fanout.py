"""Delivering durable events to live subscribers.

The broadcast pattern of websockets, taken one step further: a server's
frames are never masked, so an event's whole WebSocket frame is the same
bytes for every subscriber. ``deliver`` serializes each frame once
(websockets' own ``Frame.serialize``), joins the frames of a commit batch,
and writes them to each live subscriber with one ``transport.write``: no
per-subscriber encoding, no per-subscriber await, one syscall per subscriber
per batch. This is safe because the server never fragments or compresses.

A subscriber whose unsent data passes the buffer limit is found by
``too_slow`` and leaves the live set; the server closes it with 4008 and it
resumes from its last seq.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from websockets.asyncio.server import ServerConnection
from websockets.frames import Frame, Opcode
from websockets.protocol import State

from broadcaster.hub import Staged

log = logging.getLogger("broadcaster.fanout")


@dataclass(eq=False)
class Subscriber:
    """One /feed connection and what it asked for."""

    ws: ServerConnection
    games: frozenset[str] | None = None  # None: every game
    leagues: frozenset[str] | None = None
    live: bool = False
    catch_up: asyncio.Task[None] | None = None

    def wants(self, game_id: str, league: str) -> bool:
        return (self.games is None or game_id in self.games) and (
            self.leagues is None or league in self.leagues
        )


class Fanout:
    """The live subscribers: those that want everything, and the narrower ones."""

    def __init__(self, max_buffer: int) -> None:
        self.max_buffer = max_buffer
        self._everything: dict[ServerConnection, Subscriber] = {}
        self._narrow: set[Subscriber] = set()

    def join(self, sub: Subscriber) -> None:
        """From now on ``sub`` gets every durable event it wants."""
        sub.live = True
        if sub.games is None and sub.leagues is None:
            self._everything[sub.ws] = sub
        else:
            self._narrow.add(sub)

    def leave(self, sub: Subscriber) -> None:
        sub.live = False
        self._everything.pop(sub.ws, None)
        self._narrow.discard(sub)

    def deliver(self, batch: Sequence[Staged]) -> int:
        """Write each event to its subscribers; returns how many frames were written."""
        frames = [wire_frame(s.record.frame) for s in batch]
        written = _write(self._everything, b"".join(frames)) * len(frames)
        for sub in self._narrow:
            wanted = [
                f
                for f, s in zip(frames, batch, strict=True)
                if sub.wants(s.state.game_id, s.state.league)
            ]
            if wanted:
                written += _write((sub.ws,), b"".join(wanted)) * len(wanted)
        return written

    def too_slow(self) -> list[Subscriber]:
        """Live subscribers over the buffer limit; they leave the live set."""
        limit = self.max_buffer
        slow = [
            sub
            for sub in [*self._everything.values(), *self._narrow]
            if sub.ws.transport is not None and sub.ws.transport.get_write_buffer_size() > limit
        ]
        for sub in slow:
            self.leave(sub)
        return slow


def wire_frame(payload: bytes) -> bytes:
    """The bytes of one unmasked, unfragmented text frame (what a server sends)."""
    return Frame(Opcode.TEXT, payload).serialize(mask=False)


def _write(connections: Iterable[ServerConnection], data: bytes) -> int:
    """Write ``data`` to every open connection; returns how many got it.

    Each write is guarded, as websockets' own ``broadcast()`` does: one broken
    connection is dropped (aborted; its client resumes) and never stops the others.
    """
    count = 0
    for ws in connections:
        if ws.protocol.state is State.OPEN and ws.send_in_progress is None:
            try:
                ws.transport.write(data)
            except Exception as exc:  # a transport in a state we did not foresee
                log.warning("dropping %s: write failed: %r", ws.remote_address, exc)
                ws.transport.abort()
            else:
                count += 1
    return count
