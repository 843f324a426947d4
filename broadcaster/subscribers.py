"""One ``/feed`` connection: its requests, answered one after another, and its catch-up.

The reader takes messages off the socket and queues them; one worker answers them in
order, so a connection never has more than one reply on its way, and what it asked for
is answered even when it asked for a lot at once (a page opening 20 games' history).
The request rate is kept by the worker waiting for its turn, not by cutting the client
off; only a client whose queue overflows (it keeps asking faster than the rate for
longer than the queue lasts) is closed with 1008, after its queued requests are answered.

A new ``subscribe`` supersedes the old one at once: it leaves the live fan-out, cancels
a catch-up in progress and, if another ``subscribe`` is already queued behind it, is
skipped — so a client never gets a stale snapshot followed by older events.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from itertools import islice

import msgspec
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from broadcaster.config import Limits
from broadcaster.errors import JournalError, MessageError
from broadcaster.fanout import Fanout, Subscriber
from broadcaster.hub import Hub
from broadcaster.limits import BadMessages, TokenBucket
from broadcaster.metrics import Metrics
from broadcaster.protocol import (
    CLOSE_INTERNAL,
    CLOSE_POLICY,
    Error,
    HistoryRequest,
    Resumed,
    Subscribe,
    encode,
    error_message,
    parse_client_message,
)

log = logging.getLogger("broadcaster.server")
_json = msgspec.json.Encoder()
CATCH_UP_PAGE = 500
SLICE = 200  # items (game states, events) per fragment of a big reply
QUEUE_MESSAGE = "more requests queued than this connection is allowed; slow down"


@dataclass(frozen=True)
class _Close:
    """Queued after the last request of a connection closed for abuse."""

    reason: str


Request = Subscribe | HistoryRequest | Error | _Close


def peer(ws: ServerConnection) -> str:
    addr = ws.remote_address
    return f"{addr[0]}:{addr[1]}" if addr else "?"


@dataclass(eq=False)
class FeedSession:
    """Reads, queues and answers one subscriber's requests."""

    sub: Subscriber
    hub: Hub
    fanout: Fanout
    limits: Limits
    metrics: Metrics
    queue: list[Request] = field(default_factory=list)  # a list: an idle one costs 56 bytes
    _worker: asyncio.Task[None] | None = None  # only while there are requests to answer
    _bucket: TokenBucket | None = None
    _catch_up: asyncio.Task[None] | None = None
    _closing: bool = False

    @property
    def ws(self) -> ServerConnection:
        return self.sub.ws

    async def run(self) -> None:
        try:
            await self._read()
        finally:
            self.fanout.leave(self.sub)
            self._cancel_catch_up()
            if self._worker is not None:
                self._worker.cancel()
                await asyncio.gather(self._worker, return_exceptions=True)

    # ------------------------------------------------------------------ reading

    async def _read(self) -> None:
        window = BadMessages(self.limits.bad_messages, self.limits.bad_window)
        with contextlib.suppress(ConnectionClosed):
            async for raw in self.ws:
                if self._closing:
                    continue  # closing for abuse: drop what still arrives
                try:
                    msg = parse_client_message(raw)
                except MessageError as exc:
                    self._queue(error_message(exc))
                    if window.add(time.monotonic()):
                        log.warning("closing %s: too many bad messages", peer(self.ws))
                        self._close_after_queue("too many bad messages")
                    continue
                if isinstance(msg, Subscribe):
                    self.fanout.leave(self.sub)  # nothing of the old subscription after this
                    self._cancel_catch_up()
                    self._queue(msg)
                elif isinstance(msg, HistoryRequest):
                    self._queue(msg)
                else:
                    self._queue(Error("forbidden", "publish on /publish, with a token", id=msg.id))
                if len(self.queue) > self.limits.request_queue:
                    log.warning("closing %s: request queue overflowed", peer(self.ws))
                    self.queue.pop()
                    self._queue(Error("rate_limited", QUEUE_MESSAGE))
                    self._close_after_queue("request rate exceeded")

    def _queue(self, request: Request) -> None:
        """Queue a request; a worker answers the queue and ends when it is empty, so an
        idle subscriber holds no task."""
        self.queue.append(request)
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._answer_all())

    def _close_after_queue(self, reason: str) -> None:
        """Answer what was queued, then close with 1008; a client that does not read
        those answers within the close timeout is dropped."""
        self._closing = True
        self._queue(_Close(reason))
        ws = self.ws
        ws.loop.call_later(ws.close_timeout or 10.0, ws.transport.abort)

    def _cancel_catch_up(self) -> None:
        if self._catch_up is not None and not self._catch_up.done():
            self._catch_up.cancel()

    # ------------------------------------------------------------------ answering

    async def _answer_all(self) -> None:
        try:
            with contextlib.suppress(ConnectionClosed):
                while self.queue:
                    if await self._answer(self.queue.pop(0)):
                        return
        finally:
            self._worker = None

    async def _answer(self, request: Request) -> bool:
        """Answer one request; True when the connection is being closed."""
        if isinstance(request, _Close):
            await self.ws.close(CLOSE_POLICY, request.reason)
            return True
        if isinstance(request, Error):
            await self._send_error(request)
            return False
        if isinstance(request, Subscribe) and self._superseded():
            return False
        if self._bucket is None:
            self._bucket = TokenBucket(self.limits.request_rate)
        if (wait := self._bucket.wait(time.monotonic())) > 0:
            await asyncio.sleep(wait)  # the request rate: take turns, don't cut off
        if isinstance(request, Subscribe):
            catch_up = self._catch_up = asyncio.get_running_loop().create_task(
                self._subscribe(request)
            )
            await asyncio.wait([catch_up])
            self._catch_up = None  # a finished task and its frame are not kept
            if not catch_up.cancelled() and (exc := catch_up.exception()):
                raise exc
        else:
            await self._history(request)
        return False

    def _superseded(self) -> bool:
        return any(isinstance(r, Subscribe) for r in self.queue)

    async def _send_error(self, error: Error) -> None:
        self.metrics.refused.labels(error.code).inc()
        await self.ws.send(encode(error), text=True)

    async def _subscribe(self, msg: Subscribe) -> None:
        """Send what the subscriber missed, with flow control, then make it live."""
        sub, hub, ws = self.sub, self.hub, self.ws
        sub.games = None if msg.all_games else frozenset(msg.games)
        sub.leagues = frozenset(msg.leagues) if msg.leagues is not None else None
        last = self._resumable(msg)
        log.debug(
            "%s subscribes to %s%s from %s",
            peer(ws),
            "every game" if sub.games is None else f"{len(sub.games)} game(s)",
            "" if sub.leagues is None else f" in {sorted(sub.leagues)}",
            "a snapshot" if last is None else f"seq {last}",
        )
        try:
            if last is None:
                last, states, raw = hub.snapshot_view()
                head = b'{"type":"snapshot","epoch":' + _json.encode(hub.epoch)
                head += b',"seq":%d' % last
                if msg.req is not None:
                    head += b',"req":' + _json.encode(msg.req)
                head += b',"games":['  # the states follow in slices
                wanted = (raw[s.game_id] for s in states if sub.wants(s.game_id, s.league))
                await self._send_slices(head, wanted, b"]}")
            elif msg.req is not None:
                await ws.send(encode(Resumed(msg.req, hub.epoch, last)), text=True)
            games = None if sub.games is None else sorted(sub.games)
            while last < hub.committed_seq:
                upto = hub.committed_seq
                rows = await hub.frames(last, upto, games, CATCH_UP_PAGE)
                for _seq, game_id, frame in rows:
                    state = hub.committed.get(game_id)
                    if state is None or sub.wants(game_id, state.league):
                        await ws.send(frame, text=True)
                last = upto if len(rows) < CATCH_UP_PAGE else rows[-1][0]
        except JournalError as exc:
            log.error("catch-up for %s failed: %s", peer(ws), exc)
            await ws.close(CLOSE_INTERNAL, "journal read failed")
            return
        # No await from the check above to here: every event up to committed_seq
        # has been sent, and every later one will be delivered live.
        self.fanout.join(sub)

    def _resumable(self, msg: Subscribe) -> int | None:
        r, hub = msg.resume, self.hub
        if r is None or r.epoch != hub.epoch or r.seq > hub.committed_seq:
            return None
        retention = self.limits.retention
        if retention is not None and r.seq < hub.committed_seq - retention:
            return None
        return r.seq

    async def _history(self, msg: HistoryRequest) -> None:
        hub = self.hub
        if msg.game_id not in hub.committed:
            await self._send_error(Error("unknown_game", f"no game {msg.game_id!r}", req=msg.req))
            return
        retention = self.limits.retention
        oldest = 0 if retention is None else hub.committed_seq - retention
        try:
            frames = await hub.history(msg.game_id, msg.before, msg.limit, oldest)
        except JournalError as exc:
            await self._send_error(Error("internal", str(exc), req=msg.req))
            return
        head = b'{"type":"history","req":' + _json.encode(msg.req) + b',"game_id":'
        head += _json.encode(msg.game_id) + b',"events":['
        await self._send_slices(head, iter(frames), b"]}")

    async def _send_slices(self, head: bytes, items: Iterator[bytes], tail: bytes) -> None:
        """Send ``head + ",".join(items) + tail`` as one message, as fast as the client reads.

        A big reply goes as fragments of SLICE items, with the event loop free between
        them, and never sits in our buffer whole; live events meanwhile are held (they
        count against the connection's budget) and follow right after it."""
        first = list(islice(items, SLICE))
        if len(first) < SLICE:
            await self.ws.send(head + b",".join(first) + tail, text=True)
            return

        async def fragments() -> AsyncIterator[bytes]:
            yield head + b",".join(first)
            while chunk := list(islice(items, SLICE)):
                await asyncio.sleep(0)  # others' turn between slices
                yield b"," + b",".join(chunk)
            yield tail

        sub = self.sub
        sub.held, sub.held_bytes = [], 0
        try:
            await self.ws.send(fragments(), text=True)
        finally:
            held, sub.held, sub.held_bytes = sub.held or [], None, 0
            if held and self.ws.protocol.state is State.OPEN:
                self.ws.transport.write(b"".join(held))
