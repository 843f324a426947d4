"""Our ``ServerConnection``: websockets' own, with two things it does differently.

- **A request head over 16 KiB** is answered ``431`` and closed at once (websockets
  would hold up to 128 header lines of 8 KiB each for the whole handshake timeout).
- **Methods other than GET and HEAD** are answered ``405 Method Not Allowed`` with
  ``Allow: GET, HEAD`` before websockets parses the request (it drops a request with a
  body, e.g. ``POST /healthz``, without answering).
- **A subscriber that sends too much** (more than ``inbound`` bytes a second, pings
  included) is closed with 1008: websockets answers pings before our code sees them, so
  a ping flood would otherwise cost CPU without limit.
- **Keepalive** is one task for the whole server (``keepalive.py``), not one for each
  connection; a peer silent for the timeout after a ping is closed with 4008 (PROTOCOL.md:
  "too slow … must resume"), not 1011, which PROTOCOL.md keeps for the server's own faults.
- **The handshake is forgotten** once a subscriber's session starts: its request and
  response (their headers: kilobytes a connection) are never read again.

Only public asyncio ``Protocol`` and ``ServerConnection`` methods are overridden; the
websockets range in ``pyproject.toml`` and ``tests/broadcaster/test_http.py`` keep it honest.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.datastructures import Headers
from websockets.protocol import State

from broadcaster.admission import Admission
from broadcaster.heap import Heap
from broadcaster.keepalive import Keepalive
from broadcaster.limits import TokenBucket
from broadcaster.protocol import CLOSE_POLICY, CLOSE_TOO_SLOW

log = logging.getLogger("broadcaster.server")

ALLOWED_METHODS = ("GET", "HEAD")
MAX_REQUEST_HEAD = 16 * 1024  # a browser's handshake is 1-2 KB, with cookies a few more
_MAX_REQUEST_LINE = 8192
_NO_HEADERS = Headers()  # what a subscriber's request keeps of its headers, shared


def plain_response(status: HTTPStatus, text: str, headers: dict[str, str]) -> bytes:
    """A whole HTTP/1.1 response that closes the connection."""
    body = text.encode()
    lines = [f"HTTP/1.1 {status.value} {status.phrase}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += [
        "Content-Type: text/plain; charset=utf-8",
        f"Content-Length: {len(body)}",
        "Connection: close",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class _Deque(list[Any]):
    """What websockets asks of a deque, in a list: ~600 bytes less when empty."""

    __slots__ = ()

    def popleft(self) -> Any:
        return self.pop(0)

    def extendleft(self, items: Iterable[Any]) -> None:
        self[:0] = reversed(list(items))


class Connection(ServerConnection):
    """One connection on the broadcaster's port (``serve(create_connection=budgeted(…))``)."""

    budget = 1024 * 1024  # unsent bytes this connection may make us hold (pongs included)
    admission: Admission | None = None  # who gets a socket (admission.py)
    _head: bytes | None = b""  # the start of the request, until its method is known
    _received = 0  # bytes of the opening handshake so far
    inbound = 0  # bytes/s a /feed peer may send, pings included (0: no limit)
    _bucket: TokenBucket | None = None
    keepalives: Keepalive | None = None  # the server's one keepalive
    heap: Heap | None = None  # counts connections for the garbage collector's policy
    is_feed = False  # a subscriber's session has started
    _heard = 0.0  # when the peer last sent anything (loop time)
    _pinged: asyncio.TimerHandle | None = None  # the check of the last ping's answer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Every attribute set here, first and always in this order: the instances then
        # share one table of attribute names (an attribute added later costs ~1.6 KB).
        self._head, self._received, self._bucket = b"", 0, None
        self.is_feed, self._heard, self._pinged = False, 0.0, None
        super().__init__(*args, **kwargs)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        if self.heap is not None:
            self.heap.opened()
        if self.admission is None:
            return
        keep, evict = self.admission.opened(self, self.loop.time())
        if not keep:
            self.transport.abort()  # over the cap: the cheapest refusal there is
        elif isinstance(evict, Connection):
            evict.transport.abort()  # the oldest handshake still waiting makes room

    def connection_lost(self, exc: Exception | None) -> None:
        if self.admission is not None:
            self.admission.closed(self)
        if self.keepalives is not None:
            self.keepalives.discard(self)
        if self.heap is not None:
            self.heap.closed_one()
        if self._pinged is not None:
            self._pinged.cancel()
        super().connection_lost(exc)

    def forget_handshake(self) -> None:
        """A subscriber's session starts: drop what only the handshake needed."""
        self.is_feed = True
        for message in (self.request, self.response):  # in place: websockets' parser
            if message is not None:  # holds the request for the connection's life
                message.headers = _NO_HEADERS
        # websockets' two deques, almost always empty here, cost ~600 bytes each
        self.drain_waiters = _Deque(self.drain_waiters)  # type: ignore[assignment]
        frames = self.recv_messages.frames
        frames.queue = _Deque(frames.queue)  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self._heard = self.loop.time()
        if self.protocol.state is State.CONNECTING:
            self._received += len(data)
            if self._received > MAX_REQUEST_HEAD:  # a parked handshake must hold little
                self._refuse(
                    HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    f"the request's head is over {MAX_REQUEST_HEAD} bytes",
                    {},
                )
                return
        if self._head is None:
            super().data_received(data)
            if self.transport.get_write_buffer_size() > self.budget:  # e.g. pongs to a ping
                # a flood from a peer that never reads what we send
                self._close(CLOSE_TOO_SLOW, "too much unsent data; resume from your last seq")
            elif self.inbound and not self._inbound_ok(len(data)):
                log.warning("closing %s: sending more than %d bytes/s", self.remote_address,
                            self.inbound)  # fmt: skip
                self._close(CLOSE_POLICY, "sending too much; slow down")
            return
        head = self._head + data
        line, found, _ = head.partition(b"\r\n")
        if not found and len(head) < _MAX_REQUEST_LINE:
            self._head = head
            return  # wait for the whole request line
        self._head = None
        method = line.split(b" ", 1)[0].decode("ascii", "replace")
        if found and method not in ALLOWED_METHODS:
            self._refuse(
                HTTPStatus.METHOD_NOT_ALLOWED,
                f"{method} is not allowed here; use GET (or HEAD)",
                {"Allow": ", ".join(ALLOWED_METHODS)},
            )
            return
        super().data_received(head)

    def _refuse(self, status: HTTPStatus, text: str, headers: dict[str, str]) -> None:
        """Answer before websockets has the request, then close."""
        self._head = None
        self.transport.write(plain_response(status, text + "\n", headers))
        self.transport.close()

    def start_keepalive(self) -> None:
        if self.ping_interval is not None and self.keepalives is not None:
            self.keepalives.add(self)

    def keepalive_ping(self, now: float) -> None:
        """Ping (from the server's keepalive); close with 4008 if the peer stays silent."""
        if self.protocol.state is not State.OPEN or self._pinged is not None:
            return
        self.protocol.send_ping(b"")
        self.send_data()
        self._pinged = self.loop.call_later(self.ping_timeout or 20.0, self._answered, now)

    def _answered(self, pinged: float) -> None:
        self._pinged = None
        if self._heard < pinged:
            self._close(CLOSE_TOO_SLOW, "keepalive ping timeout; resume from your last seq")

    def _inbound_ok(self, size: int) -> bool:
        """A subscriber sends requests, a few a second: its bytes (pings and all) are held
        to ``inbound`` per second, with a burst as large; publishers are not limited here."""
        if self._bucket is None:
            if not self.is_feed:
                return True
            self._bucket = TokenBucket(float(self.inbound))
        return self._bucket.take(size, self.loop.time())

    def _close(self, code: int, reason: str) -> None:
        """Queue a close frame behind whatever is buffered; abort if it cannot go out."""
        if self.protocol.state is State.OPEN:
            self.protocol.fail(code, reason)
            self.send_data()
        self.loop.call_later(self.close_timeout or 10.0, self.transport.abort)


def connection_class(
    budget: int,
    admission: Admission,
    inbound: int = 0,
    keepalives: Keepalive | None = None,
    heap: Heap | None = None,
) -> type[Connection]:
    """The connection class of one server: its budget, admission, inbound rate, keepalive
    and heap policy."""
    attrs = {"budget": budget, "admission": admission, "inbound": inbound,
             "keepalives": keepalives, "heap": heap}  # fmt: skip
    return type("Connection", (Connection,), attrs)
