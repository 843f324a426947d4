"""The websockets glue: endpoints, sessions, fan-out, limits, shutdown.

One port serves ``/feed`` (subscribers), ``/publish`` (operators, replay),
``/healthz`` and ``/metrics``. The rules and the journal live behind the
``Hub``; this module only moves messages and enforces PROTOCOL.md's limits.

Fan-out (``fanout.py``) writes each durable event to every live subscriber
without awaiting any of them; one whose unsent data passes ``max_buffer`` is
closed with 4008 and resumes. Each subscriber's requests are answered in turn by
its ``FeedSession`` (``subscribers.py``); a catch-up (resume, snapshot, history)
is sent with ``await send``, so it goes as fast as the client reads.
"""

from __future__ import annotations

import asyncio
import dataclasses
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
from websockets.typing import Subprotocol

from broadcaster.admission import Admission, derive_caps, file_limit
from broadcaster.auth.gate import Operator, Refusal, open_gate
from broadcaster.config import Config, Limits
from broadcaster.connection import ALLOWED_METHODS, Connection, connection_class
from broadcaster.core import Accepted
from broadcaster.errors import EventRefused, JournalError, MessageError
from broadcaster.fanout import Fanout, Subscriber
from broadcaster.heap import Heap
from broadcaster.hub import Hub
from broadcaster.keepalive import Keepalive
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
    Publish,
    encode,
    error_message,
    parse_client_message,
)
from broadcaster.subscribers import FeedSession, peer

__all__ = ["Broadcaster", "Config", "Limits"]

log = logging.getLogger("broadcaster.server")
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
        self._fanout = Fanout(
            config.limits.max_buffer,
            config.limits.max_lag,
            on_slow=self._close_slow,
            on_written=self.metrics.deliveries.inc,
        )
        self._publishers: dict[ServerConnection, str] = {}
        limits = config.limits
        self.admission = Admission(
            derive_caps(
                file_limit(),
                limits.max_connections,
                limits.max_handshakes,
                limits.operator_reserve,
                limits.max_per_address,
            )
        )
        self.gate = open_gate(config)  # who may connect and publish (broadcaster.auth)
        self._operators: WeakKeyDictionary[ServerConnection, Operator] = WeakKeyDictionary()
        self._replies: dict[ServerConnection, Replies] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._ids = count(1)
        hub.listeners.append(self._on_commit)
        self._keepalives = Keepalive(self.limits.ping_interval)
        self.heap = Heap()  # ``serve`` starts its policy; an embedded server leaves it off
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
            create_connection=connection_class(
                self.limits.max_buffer,
                self.admission,
                self.limits.feed_inbound,
                self._keepalives,
                self.heap,
            ),
            max_size=self.limits.max_frame,
            ping_interval=self.limits.ping_interval,
            ping_timeout=self.limits.ping_timeout,
            compression=None,  # frames are small JSON; deflate would cost CPU per subscriber
        )
        log.info("serving %s epoch=%s seq=%d", self.url, self.hub.epoch, self.hub.committed_seq)

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
        await self._keepalives.close()
        await self._fanout.close()
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
        self.admission.handshake_done(ws)  # its request is in: no longer an idle socket
        url = urlsplit(request.path)
        method = request.method  # GET or HEAD: Connection answers the others with 405
        response: Response | None
        if url.path in ("/healthz", "/metrics"):
            response = self._plain(ws, url.path)
        elif url.path not in ("/feed", "/publish"):
            response = ws.respond(
                HTTPStatus.NOT_FOUND, "endpoints: /feed /publish /healthz /metrics\n"
            )
        elif method != "GET":
            response = ws.respond(HTTPStatus.METHOD_NOT_ALLOWED, f"{url.path} is a WebSocket\n")
            response.headers["Allow"] = "GET"
        else:
            response = self._refuse_handshake(ws, request, url.path, url.query)
        if response is not None and method == "HEAD":  # the same headers, no body
            response = dataclasses.replace(response, body=b"")
        return response

    def _plain(self, ws: ServerConnection, path: str) -> Response:
        if path == "/metrics":
            response = ws.respond(HTTPStatus.OK, self.metrics.render().decode())
            del response.headers["Content-Type"]  # respond() set text/plain: replace, not add
            response.headers["Content-Type"] = "text/plain; version=0.0.4; charset=utf-8"
        elif self.hub.failed is not None:
            response = ws.respond(HTTPStatus.SERVICE_UNAVAILABLE, "failed: the journal core died\n")
        elif not self.hub.journal.reachable:
            response = ws.respond(HTTPStatus.SERVICE_UNAVAILABLE, "the journal is unreachable\n")
        elif self._closing:
            response = ws.respond(HTTPStatus.SERVICE_UNAVAILABLE, "shutting down\n")
        else:
            response = ws.respond(HTTPStatus.OK, "ok\n")
        response.headers["Allow"] = ", ".join(ALLOWED_METHODS)
        return response

    def _refuse_handshake(
        self, ws: ServerConnection, request: Request, path: str, query: str
    ) -> Response | None:
        """The refusal of a WebSocket handshake (logged once, never the token), or None."""
        origins = self.config.allow_origins
        origin = request.headers.get_all("Origin")
        if origins and origin and (len(origin) > 1 or origin[0] not in origins):
            log.warning("refused %s from %s: origin %s not allowed", path, _peer(ws), origin)
            return ws.respond(HTTPStatus.FORBIDDEN, "this origin is not allowed\n")
        address = ws.remote_address[0] if ws.remote_address else "?"
        authorization = request.headers.get_all("Authorization")
        verdict = self.gate.admit(path, authorization, query, address)
        if isinstance(verdict, Refusal):
            self.metrics.handshakes_refused.labels(str(verdict.status.value)).inc()
            response = ws.respond(verdict.status, verdict.reason + "\n")
            for name, value in verdict.headers():
                response.headers[name] = value
            return response
        if path == "/publish":
            self._operators[ws] = verdict
        return None

    @staticmethod
    def _select_subprotocol(
        ws: ServerConnection, offered: Sequence[Subprotocol]
    ) -> Subprotocol | None:
        return Subprotocol(SUBPROTOCOL) if SUBPROTOCOL in offered else None

    async def _handle(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        path = urlsplit(ws.request.path).path
        if path == "/feed":
            address = ws.remote_address[0] if ws.remote_address else "?"
            if refused := self.admission.feed(ws, address):
                log.warning("refusing %s: %s (1013)", _peer(ws), refused)
                await ws.close(CLOSE_OVERLOADED, refused + "; try again later")
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

    def _close_soon(self, ws: ServerConnection, code: int, reason: str) -> None:
        """Start the closing handshake; the session keeps reading (and dropping)
        what the peer still sends, so the peer's close frame gets through."""
        self._spawn(ws.close(code, reason))

    # ------------------------------------------------------------------ publishers

    async def _publish_session(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        agent = ", ".join(ws.request.headers.get_all("User-Agent")) or "unknown client"
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
        if isinstance(ws, Connection):
            ws.forget_handshake()
        session = FeedSession(Subscriber(ws), self.hub, self._fanout, self.limits, self.metrics)
        self._subscribers[ws] = session.sub
        try:
            await session.run()
        finally:
            del self._subscribers[ws]

    # ------------------------------------------------------------------ fan-out

    def _on_commit(self, batch: Sequence[Accepted]) -> None:
        """Durable events go to every live subscriber that wants them (``fanout.py``)."""
        self.metrics.events.inc(len(batch))
        self._fanout.deliver(batch)

    def _close_slow(self, slow: list[Subscriber]) -> None:
        for sub in slow:
            log.warning(
                "closing %s: too far behind (over %d bytes or %g s unsent; 4008)",
                _peer(sub.ws),
                self.limits.max_buffer,
                self.limits.max_lag,
            )
            self.metrics.slow.inc()
            if sub.ws.state is State.OPEN:
                self._spawn(sub.ws.close(CLOSE_TOO_SLOW, "too slow; resume from your last seq"))


_peer = peer
