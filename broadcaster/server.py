"""The websockets glue: endpoints, sessions, fan-out, limits, shutdown.

One port serves ``/feed`` (subscribers), ``/publish`` (operators, replay),
``/healthz`` and ``/metrics``. The rules and the journal live behind the
``Hub``; this module only moves messages and enforces PROTOCOL.md's limits.

Fan-out (``fanout.py``) writes each durable event to every live subscriber
without awaiting any of them; one whose unsent data passes ``max_buffer`` is
closed with 4008 and resumes. A catch-up (resume, snapshot, history) is sent with ``await send``,
so it goes as fast as the client reads and never trips that limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from http import HTTPStatus
from itertools import count
from typing import Any
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

import msgspec
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.protocol import State
from websockets.typing import Origin, Subprotocol

from broadcaster.auth.gate import Operator, Refusal, open_gate
from broadcaster.config import Config, Limits
from broadcaster.errors import EventRefused, JournalError, MessageError
from broadcaster.fanout import Fanout, Subscriber
from broadcaster.hub import Hub, Staged
from broadcaster.limits import BadMessages, TokenBucket
from broadcaster.metrics import Metrics
from broadcaster.protocol import (
    CLOSE_OVERLOADED,
    CLOSE_POLICY,
    CLOSE_TOO_SLOW,
    SUBPROTOCOL,
    Ack,
    Error,
    Hello,
    HistoryRequest,
    Publish,
    Snapshot,
    Subscribe,
    encode,
    error_message,
    parse_client_message,
)

__all__ = ["Broadcaster", "Config", "Limits"]

log = logging.getLogger("broadcaster.server")
_json = msgspec.json.Encoder()
CATCH_UP_PAGE = 500
RATE_MESSAGE = "more messages per second than this connection is allowed"
Replies = asyncio.Queue[tuple[float, asyncio.Future[Ack] | Error] | None]


class Broadcaster:
    """Serves one hub on one port. ``async with Broadcaster(hub, config) as b``."""

    def __init__(self, hub: Hub, config: Config) -> None:
        self.hub = hub
        self.config = config
        self.limits = config.limits
        self.metrics = Metrics()
        self._server: Server | None = None
        self._closing = False
        self._subscribers: dict[ServerConnection, Subscriber] = {}
        self._fanout = Fanout(config.limits.max_buffer)
        self._publishers: dict[ServerConnection, str] = {}
        self.gate = open_gate(config)  # who may connect and publish (broadcaster.auth)
        self._operators: WeakKeyDictionary[ServerConnection, Operator] = WeakKeyDictionary()
        self._replies: dict[ServerConnection, Replies] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._ids = count(1)
        hub.listeners.append(self._on_commit)
        self.metrics.seq.set_function(lambda: self.hub.committed_seq)
        self.metrics.subscribers.set_function(lambda: len(self._subscribers))
        self.metrics.publishers.set_function(lambda: len(self._publishers))

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        self.hub.start()
        self._server = await serve(
            self._handle,
            self.config.host,
            self.config.port,
            ssl=self.config.ssl,
            process_request=self._process_request,
            select_subprotocol=self._select_subprotocol,
            origins=self._origins(),
            max_size=self.limits.max_frame,
            ping_interval=self.limits.ping_interval,
            ping_timeout=self.limits.ping_timeout,
            compression=None,  # frames are small JSON; deflate would cost CPU per subscriber
        )
        log.info("serving %s epoch=%s seq=%d", self.url, self.hub.epoch, self.hub.committed_seq)

    def _origins(self) -> list[Origin | None] | None:
        """None (no Origin header: not a browser) plus the allowed origins, if any."""
        if not self.config.allow_origins:
            return None
        return [None, *(Origin(o) for o in self.config.allow_origins)]

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        scheme = "wss" if self.config.ssl else "ws"
        host = self.config.host if ":" not in self.config.host else f"[{self.config.host}]"
        return f"{scheme}://{host}:{self.port}"

    async def stop(self) -> None:
        """Graceful shutdown: stop taking work, flush, close everyone with 1001."""
        if self._closing:
            return
        self._closing = True
        log.info("shutdown: no new publishes, flushing the journal")
        await self.hub.flushed()
        joins = [asyncio.ensure_future(q.join()) for q in self._replies.values()]
        if joins:  # every publisher gets its last acks (unless it stopped reading)
            _, late = await asyncio.wait(joins, timeout=5)
            for join in late:
                join.cancel()
        if self._server is not None:
            log.info("shutdown: closing %d connection(s) with 1001", len(self._server.connections))
            self._server.close()  # stops listening, closes with 1001 (going away)
            await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.hub.close()
        log.info("shutdown: journal closed at seq %d", self.hub.committed_seq)

    async def __aenter__(self) -> Broadcaster:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # ------------------------------------------------------------------ HTTP side

    def _process_request(self, ws: ServerConnection, request: Request) -> Response | None:
        url = urlsplit(request.path)
        if url.path == "/healthz":
            if self._closing:
                return ws.respond(HTTPStatus.SERVICE_UNAVAILABLE, "shutting down\n")
            return ws.respond(HTTPStatus.OK, "ok\n")
        if url.path == "/metrics":
            response = ws.respond(HTTPStatus.OK, self.metrics.render().decode())
            response.headers["Content-Type"] = "text/plain; version=0.0.4; charset=utf-8"
            return response
        if url.path in ("/publish", "/feed"):
            address = ws.remote_address[0] if ws.remote_address else "?"
            authorization = request.headers.get_all("Authorization")
            verdict = self.gate.admit(url.path, authorization, url.query, address)
            if isinstance(verdict, Refusal):
                self.metrics.handshakes_refused.labels(str(verdict.status.value)).inc()
                response = ws.respond(verdict.status, verdict.reason + "\n")
                for name, value in verdict.headers():
                    response.headers[name] = value
                return response
            if url.path == "/publish":
                self._operators[ws] = verdict
            return None
        return ws.respond(HTTPStatus.NOT_FOUND, "endpoints: /feed /publish /healthz /metrics\n")

    @staticmethod
    def _select_subprotocol(
        ws: ServerConnection, offered: Sequence[Subprotocol]
    ) -> Subprotocol | None:
        return Subprotocol(SUBPROTOCOL) if SUBPROTOCOL in offered else None

    async def _handle(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        path = urlsplit(ws.request.path).path
        if len(self._subscribers) + len(self._publishers) >= self.limits.max_connections:
            log.warning("refusing %s: %d connections already", _peer(ws), len(self._subscribers))
            await ws.close(CLOSE_OVERLOADED, "too many connections; try again later")
            return
        hello = Hello(
            self.hub.epoch, self.hub.committed_seq, time.time(), heartbeat=self.limits.ping_interval
        )
        try:
            await ws.send(encode(hello), text=True)
        except ConnectionClosed:
            return
        if path == "/publish":
            await self._publish_session(ws)
        else:
            await self._feed_session(ws)

    async def _reply(self, ws: ServerConnection, message: msgspec.Struct) -> None:
        if isinstance(message, Error):
            self.metrics.refused.labels(message.code).inc()
        await ws.send(encode(message), text=True)

    async def _bad(self, ws: ServerConnection, exc: MessageError, window: BadMessages) -> bool:
        """Answer a malformed message; True when the peer is closed for abuse."""
        await self._reply(ws, error_message(exc))
        if window.add(time.monotonic()):
            log.warning("closing %s: too many bad messages", _peer(ws))
            self._close_soon(ws, CLOSE_POLICY, "too many bad messages")
            return True
        return False

    async def _over_rate(self, ws: ServerConnection) -> None:
        log.warning("closing %s: request rate exceeded", _peer(ws))
        await self._reply(ws, Error("rate_limited", RATE_MESSAGE))
        self._close_soon(ws, CLOSE_POLICY, "request rate exceeded")

    def _close_soon(self, ws: ServerConnection, code: int, reason: str) -> None:
        """Start the closing handshake; the session keeps reading (and dropping)
        what the peer still sends, so the peer's close frame gets through."""
        self._spawn(ws.close(code, reason))

    # ------------------------------------------------------------------ publishers

    async def _publish_session(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        agent = ws.request.headers.get("User-Agent", "unknown client")
        operator = self._operators[ws]
        publisher = f"{agent} from {_peer(ws)} #{next(self._ids)}"
        if operator.name is not None:  # the audit trail names the operator first
            publisher = f"{operator.name}: {publisher}"
        self._publishers[ws] = publisher
        log.info("publisher connected: %s", publisher)
        replies: Replies = asyncio.Queue()
        self._replies[ws] = replies
        writer = self._spawn(self._write_replies(ws, replies))
        bucket = TokenBucket(self.limits.publish_rate)
        window = BadMessages(self.limits.bad_messages, self.limits.bad_window)
        doomed = False  # closing for abuse: drop what still arrives
        try:
            async for raw in ws:
                received = time.perf_counter()
                if doomed:
                    continue
                if not bucket.allow(time.monotonic()):
                    log.warning("closing %s: publish rate exceeded", _peer(ws))
                    replies.put_nowait((received, Error("rate_limited", RATE_MESSAGE)))
                    doomed = True
                elif isinstance(
                    reply := self._parse_publish(raw, publisher, operator), MessageError
                ):
                    replies.put_nowait((received, error_message(reply)))
                    doomed = window.add(time.monotonic())
                else:
                    replies.put_nowait((received, reply))
                if doomed:
                    await replies.join()  # the last replies go out before the close frame
                    self._close_soon(ws, CLOSE_POLICY, "rate or bad-message limit exceeded")
        except ConnectionClosed:
            pass
        finally:
            replies.put_nowait(None)
            await asyncio.gather(writer, return_exceptions=True)
            del self._publishers[ws]
            del self._replies[ws]
            log.info("publisher gone: %s", publisher)

    def _parse_publish(
        self, raw: str | bytes, publisher: str, operator: Operator
    ) -> asyncio.Future[Ack] | Error | MessageError:
        try:
            return self._accept(parse_client_message(raw), publisher, operator)
        except MessageError as exc:
            return exc

    def _accept(
        self, msg: object, publisher: str, operator: Operator
    ) -> asyncio.Future[Ack] | Error:
        if not isinstance(msg, Publish):
            kind = type(msg).__name__.lower()
            return Error("forbidden", f"/publish takes publish messages; {kind} is for /feed")
        if self._closing:
            return Error(
                "internal", "the broadcaster is shutting down; retry after reconnecting", id=msg.id
            )
        if refused := self.gate.authorize(operator, msg.game_id, self._league(msg)):
            return Error(*refused, id=msg.id)
        try:
            return self.hub.publish(msg, publisher, by=operator.name)
        except EventRefused as exc:
            exc.id = msg.id
            return error_message(exc)
        except JournalError as exc:
            log.error("journal read failed: %s", exc)
            return Error("internal", f"journal unavailable: {exc}", id=msg.id)

    def _league(self, msg: Publish) -> str | None:
        """The league a publish is for: a new game's, an existing game's, None if no game."""
        if msg.kind == "game.create":
            league = msg.data.get("league")
            return league if isinstance(league, str) else ""
        game = self.hub.games.get(msg.game_id)
        return game.state.league if game is not None else None

    async def _write_replies(
        self,
        ws: ServerConnection,
        replies: Replies,
    ) -> None:
        """Send acks and errors in the order the publishes came."""
        while (item := await replies.get()) is not None:
            received, reply = item
            try:
                if isinstance(reply, asyncio.Future):
                    try:
                        message: Ack | Error = await reply
                    except EventRefused as exc:
                        message = error_message(exc)
                    else:
                        self.metrics.publish_seconds.observe(time.perf_counter() - received)
                else:
                    message = reply
                await self._reply(ws, message)
            except ConnectionClosed:
                pass
            finally:
                replies.task_done()
        replies.task_done()

    # ------------------------------------------------------------------ subscribers

    async def _feed_session(self, ws: ServerConnection) -> None:
        sub = Subscriber(ws)
        self._subscribers[ws] = sub
        bucket = TokenBucket(self.limits.request_rate)
        window = BadMessages(self.limits.bad_messages, self.limits.bad_window)
        doomed = False
        try:
            async for raw in ws:
                if doomed:
                    continue
                if not bucket.allow(time.monotonic()):
                    await self._over_rate(ws)
                    doomed = True
                    self._drop(sub)
                    continue
                try:
                    msg = parse_client_message(raw)
                except MessageError as exc:
                    if doomed := await self._bad(ws, exc, window):
                        self._drop(sub)
                    continue
                if isinstance(msg, Subscribe):
                    self._subscribe(sub, msg)
                elif isinstance(msg, HistoryRequest):
                    self._spawn(self._history(ws, msg))
                else:
                    await self._reply(
                        ws, Error("forbidden", "publish on /publish, with a token", id=msg.id)
                    )
        except ConnectionClosed:
            pass
        finally:
            self._drop(sub)
            if sub.catch_up is not None:
                sub.catch_up.cancel()
            del self._subscribers[ws]

    def _drop(self, sub: Subscriber) -> None:
        self._fanout.leave(sub)

    def _subscribe(self, sub: Subscriber, msg: Subscribe) -> None:
        self._drop(sub)
        if sub.catch_up is not None:
            sub.catch_up.cancel()
        sub.games = None if msg.all_games else frozenset(msg.games)
        sub.leagues = frozenset(msg.leagues) if msg.leagues is not None else None
        sub.catch_up = self._spawn(self._catch_up(sub, msg))

    def _resumable(self, msg: Subscribe) -> int | None:
        r = msg.resume
        if r is None or r.epoch != self.hub.epoch or r.seq > self.hub.committed_seq:
            return None
        retention = self.limits.retention
        if retention is not None and r.seq < self.hub.committed_seq - retention:
            return None
        return r.seq

    async def _catch_up(self, sub: Subscriber, msg: Subscribe) -> None:
        """Send what the subscriber missed, with flow control, then make it live."""
        ws, hub = sub.ws, self.hub
        last = self._resumable(msg)
        try:
            if last is None:
                last = hub.committed_seq
                states = hub.snapshot(lambda s: sub.wants(s.game_id, s.league))
                await ws.send(encode(Snapshot(hub.epoch, last, states)), text=True)
            games = None if sub.games is None else sorted(sub.games)
            while last < hub.committed_seq:
                upto = hub.committed_seq
                rows = await hub.read(hub.journal.frames, last, upto, games, CATCH_UP_PAGE)
                for _seq, game_id, frame in rows:
                    state = hub.committed.get(game_id)
                    if state is None or sub.wants(game_id, state.league):
                        await ws.send(frame, text=True)
                last = upto if len(rows) < CATCH_UP_PAGE else rows[-1][0]
        except ConnectionClosed:
            return
        except JournalError as exc:
            log.error("catch-up for %s failed: %s", _peer(ws), exc)
            await ws.close(1011, "journal read failed")
            return
        # No await from the check above to here: every event up to committed_seq
        # has been sent, and every later one will be delivered live.
        self._fanout.join(sub)

    async def _history(self, ws: ServerConnection, msg: HistoryRequest) -> None:
        hub = self.hub
        if msg.game_id not in hub.committed:
            await self._reply(ws, Error("unknown_game", f"no game {msg.game_id!r}", req=msg.req))
            return
        retention = self.limits.retention
        oldest = 0 if retention is None else hub.committed_seq - retention
        try:
            frames = await hub.read(hub.journal.history, msg.game_id, msg.before, msg.limit, oldest)
        except JournalError as exc:
            await self._reply(ws, Error("internal", str(exc), req=msg.req))
            return
        head = b'{"type":"history","req":' + _json.encode(msg.req) + b',"game_id":'
        body = head + _json.encode(msg.game_id) + b',"events":[' + b",".join(frames) + b"]}"
        with contextlib.suppress(ConnectionClosed):
            await ws.send(body, text=True)

    # ------------------------------------------------------------------ fan-out

    def _on_commit(self, batch: Sequence[Staged]) -> None:
        """Deliver durable events to every live subscriber that wants them."""
        self.metrics.events.inc(len(batch))
        self.metrics.deliveries.inc(self._fanout.deliver(batch))
        for sub in self._fanout.too_slow():
            log.warning(
                "closing %s: more than %d bytes unsent (4008)",
                _peer(sub.ws),
                self.limits.max_buffer,
            )
            self.metrics.slow.inc()
            if sub.ws.state is State.OPEN:
                self._spawn(sub.ws.close(CLOSE_TOO_SLOW, "too slow; resume from your last seq"))


def _peer(ws: ServerConnection) -> str:
    addr = ws.remote_address
    return f"{addr[0]}:{addr[1]}" if addr else "?"
