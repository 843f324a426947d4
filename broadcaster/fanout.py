"""Delivering durable events to live subscribers.

The broadcast pattern of websockets, taken one step further: a server's
frames are never masked, so an event's whole WebSocket frame is the same
bytes for every subscriber. ``deliver`` serializes each frame once
(websockets' own ``Frame.serialize``), joins the frames of a commit batch,
and writes them to each live subscriber with one ``transport.write``: no
per-subscriber encoding, no per-subscriber await, one syscall per subscriber
per batch. This is safe because the server never fragments or compresses.

A subscriber too far behind (unsent data past the buffer limit, or unsent data
for longer than ``max_lag``) is found by ``too_slow`` and leaves the live set;
the server closes it with 4008 and it resumes from its last seq. While a big
reply goes to a live subscriber in slices (fragments of one message), its live
frames are held and sent right after it: no data frame may come between two
fragments.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from websockets.asyncio.server import ServerConnection
from websockets.frames import Frame, Opcode
from websockets.protocol import State

from broadcaster.core import Accepted

log = logging.getLogger("broadcaster.fanout")


@dataclass(eq=False)
class Subscriber:
    """One /feed connection and what it asked for."""

    ws: ServerConnection
    games: frozenset[str] | None = None  # None: every game
    leagues: frozenset[str] | None = None
    live: bool = False
    held: list[bytes] | None = None  # live frames waiting behind a reply being sent in slices
    held_bytes: int = 0
    behind_since: float | None = None  # when its unsent data last went from none to some

    def wants(self, game_id: str, league: str) -> bool:
        return (self.games is None or game_id in self.games) and (
            self.leagues is None or league in self.leagues
        )


class Fanout:
    """The live subscribers: those that want everything, and the narrower ones."""

    def __init__(self, max_buffer: int, max_lag: float = 30.0) -> None:
        self.max_buffer = max_buffer
        self.max_lag = max_lag
        self._everything: dict[ServerConnection, Subscriber] = {}
        self._narrow: set[Subscriber] = set()
        self._lagging: set[Subscriber] = set()  # live, with unsent data after a write

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
        self._lagging.discard(sub)

    def deliver(self, batch: Sequence[Accepted]) -> int:
        """Write each event to its subscribers; returns how many frames were written."""
        frames = [wire_frame(s.record.frame) for s in batch]
        lagging = self._lagging
        written = _write(self._everything.values(), b"".join(frames), lagging) * len(frames)
        for sub in self._narrow:
            wanted = [
                f
                for f, s in zip(frames, batch, strict=True)
                if sub.wants(s.state.game_id, s.state.league)
            ]
            if wanted:
                written += _write((sub,), b"".join(wanted), lagging) * len(wanted)
        return written

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
