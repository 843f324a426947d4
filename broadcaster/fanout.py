"""Delivering durable events to live subscribers (websockets' broadcast pattern).

Each event frame was encoded once by the hub; ``deliver`` writes it to every
live subscriber that wants it without awaiting any of them. A subscriber whose
unsent data passes the buffer limit is found by ``too_slow`` and leaves the
live set; the server closes it with 4008 and it resumes from its last seq.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from websockets.asyncio.server import ServerConnection, broadcast

from broadcaster.hub import Staged


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
        everything, narrow = self._everything, self._narrow
        written = 0
        for staged in batch:
            targets: list[ServerConnection] | dict[ServerConnection, Subscriber] = everything
            if narrow:
                state = staged.state
                targets = [s.ws for s in narrow if s.wants(state.game_id, state.league)]
                targets.extend(everything)
            if targets:
                broadcast(targets, staged.record.frame, text=True)
                written += len(targets)
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
