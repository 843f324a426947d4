"""The websockets side of the feed: connect, reconnect, move frames; no Qt.

``FeedConnection.run()`` is one long task: connect to ``/feed``, hand every
frame to the pure ``FeedState``, send what it asks for, and when the
connection drops, wait a full-jitter backoff (short while the server's host
answers, growing while it is silent; ``reconnect_now`` ends it) and connect
again, resuming from ``(epoch, seq)``. With several broadcasters (``fallbacks``) it stays on
the one that works and moves to the next when an attempt fails, at once, without a backoff
wait until every one has failed (``broadcaster.servers``); the feed state, and so the resume
point, goes along. What happens is told to a ``Listener`` (the Qt client), so
this module can be tested and benchmarked without a widget.

A frame that cannot be parsed is logged and answered by a resync; more than
``MAX_BAD`` of them in ``BAD_WINDOW`` seconds and the connection is dropped
and made again (after the backoff), so a broken server costs little.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal, Protocol
from urllib.parse import urlsplit, urlunsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import (
    ConnectionClosed,
    InvalidHandshake,
    InvalidMessage,
    InvalidStatus,
    InvalidURI,
)
from websockets.typing import Subprotocol

from broadcaster.errors import MessageError
from broadcaster.protocol import (
    CLOSE_GOING_AWAY,
    SUBPROTOCOL,
    Hello,
    encode,
    parse_server_message,
)
from broadcaster.servers import Servers, url_problem, where
from desktop.feed.backoff import Backoff, Reach, reach_of
from desktop.feed.state import Applied, Change, FeedState, Resyncing, Send, Synced

log = logging.getLogger("desktop.feed")

Phase = Literal["offline", "connecting", "connected", "reconnecting", "resyncing"]
STABLE_AFTER = 10.0  # seconds a connection must last for the backoff to reset
MAX_BAD = 5
BAD_WINDOW = 10.0
YIELD_EVERY = 64  # frames handled before letting the UI run, during a burst
MAX_FRAME = 16 * 1024 * 1024  # snapshots and history pages can be large
OPEN_TIMEOUT = 10.0
QUICK_OPEN_TIMEOUT = 3.0  # with other servers left to try, a silent one is given up sooner
CLOSE_TIMEOUT = 2.0  # a "reconnect now" on a half-open connection must not wait long


@dataclass(frozen=True, slots=True)
class Status:
    """What the status bar shows. Times are ``time.monotonic()`` readings."""

    phase: Phase = "offline"
    url: str = ""
    servers: int = 1  # how many broadcasters the connection may move between
    attempt: int = 0  # reconnect attempt being waited for
    retry_at: float | None = None
    delay: float = 0.0  # the backoff wait chosen before that attempt
    reach: Reach = "answered"  # did the last failed attempt hear the server's host?
    error: str = ""
    reason: str = ""  # why we are resyncing


class Listener(Protocol):
    def on_status(self, status: Status) -> None: ...

    def on_changes(self, changes: Sequence[Change]) -> None: ...


def feed_url(url: str) -> str:
    """``ws://host:port`` → ``ws://host:port/feed``; a given path is kept."""
    problem = url_problem(url.strip())
    if problem:
        raise ValueError(problem)
    parts = urlsplit(url.strip())
    path = parts.path if parts.path not in ("", "/") else "/feed"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


class FeedConnection:
    """Keeps one subscriber connection alive for as long as ``run()`` runs."""

    def __init__(
        self,
        url: str,
        listener: Listener,
        *,
        token: str | None = None,
        state: FeedState | None = None,
        backoff: Backoff | None = None,
        open_timeout: float = OPEN_TIMEOUT,
        fallbacks: Sequence[str] = (),
    ) -> None:
        self.servers = Servers.of([feed_url(u) for u in (url, *fallbacks)])
        self.token = token
        self.listener = listener
        self.state = state or FeedState()
        self.backoff = backoff or Backoff()
        self.open_timeout = open_timeout
        self._now = asyncio.Event()  # "reconnect now": end the wait (or the connection)
        self.status = Status(url=self.url, servers=len(self.servers.urls))
        self.last_event: float | None = None  # time.monotonic() of the last new event
        self._ws: ClientConnection | None = None
        self._greeted = False  # the last attempt got the server's hello: it took us
        self._round: list[Reach] = []  # how the servers tried since the last wait answered
        self._bad: deque[float] = deque()

    # ------------------------------------------------------------------ public

    @property
    def url(self) -> str:
        """The ``/feed`` URL being connected to (or last connected to)."""
        return self.servers.current

    @property
    def urls(self) -> tuple[str, ...]:
        return self.servers.urls

    async def run(self) -> None:
        """Connect and reconnect until cancelled."""
        loop = asyncio.get_running_loop()
        try:
            while True:
                phase: Phase = "connecting" if self.backoff.attempt == 0 else "reconnecting"
                self._set(phase=phase, retry_at=None, url=self.url)
                started = loop.time()
                self._greeted = False
                going_away, error, reach = await self._connect_once()
                if not self._greeted and self._try_next(error, reach):
                    continue  # another server of the list, at once
                if loop.time() - started >= STABLE_AFTER:
                    self.backoff.reset()
                delay = self.backoff.next_delay(self._round_reach(reach))
                if going_away:  # 1001: the server restarts; come back at once, with jitter
                    delay = min(delay, self.backoff.base)
                if self._now.is_set():
                    delay = 0.0
                self._now.clear()
                log.info("feed: reconnecting in %.2f s (%s, %s)", delay, error or "closed", reach)
                self._set(
                    phase="reconnecting",
                    attempt=self.backoff.attempt,
                    retry_at=time.monotonic() + delay,
                    delay=delay,
                    error=error,
                    reach=reach,
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._now.wait(), delay)
                self._now.clear()
        finally:
            self._set(phase="offline", retry_at=None)

    def _try_next(self, error: str, reach: Reach) -> bool:
        """This broadcaster did not answer: move to the next. True when it is to be tried
        now (the round of the list is not over), False when it is time to wait."""
        failed = self.url
        self._round.append(reach)
        if self.servers.failed():
            return False
        log.info("feed: %s failed (%s); trying %s", failed, error, self.url)
        error = f"{where(failed)}: {error}"  # the status names the next server: say whose
        self._set(retry_at=None, error=error, reach=reach, url=self.url)
        return True

    def _round_reach(self, reach: Reach) -> Reach:
        """The backoff's view of a round: answered if any server's host answered (one that
        restarts is back soon), silent only when every one was."""
        heard = [*self._round, reach]
        self._round.clear()
        return "answered" if "answered" in heard else "silent"

    async def reconnect_now(self) -> None:
        """Try again at once: end the backoff wait, or drop a connection that seems stuck."""
        self.backoff.reset()
        self._now.set()
        ws = self._ws
        if ws is not None:
            await ws.close(1000, "reconnect requested")

    async def request_history(
        self, game_id: str, before: int | None = None, limit: int = 200
    ) -> str:
        """Ask for a game's past events; the answer arrives as a change. Returns the req id."""
        req = self.state.request_history(game_id, before, limit)
        ws = self._ws
        if ws is not None:  # otherwise it is sent after the next hello
            with contextlib.suppress(ConnectionClosed):
                await ws.send(encode(req).decode())
        return str(req.req)

    # ------------------------------------------------------------------ one connection

    async def _connect_once(self) -> tuple[bool, str, Reach]:
        """One connection's life: (closed with 1001, why it ended, did the host answer)."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
        try:
            async with connect(
                self.url,
                additional_headers=headers,
                subprotocols=[Subprotocol(SUBPROTOCOL)],
                open_timeout=self.servers.open_timeout(self.open_timeout, QUICK_OPEN_TIMEOUT),
                close_timeout=CLOSE_TIMEOUT,
                max_size=MAX_FRAME,
                compression=None,
            ) as ws:
                self._ws = ws
                self._now.clear()  # a "now" asked for while connecting is answered
                try:
                    await self._session(ws)
                finally:
                    self._ws = None
                code = ws.close_code
                return code == CLOSE_GOING_AWAY, f"closed ({code})", "answered"
        except ConnectionClosed as exc:
            rcvd = exc.rcvd
            going_away = rcvd is not None and rcvd.code == CLOSE_GOING_AWAY
            return going_away, f"connection lost ({exc})", "answered"
        except InvalidStatus as exc:
            return False, str(exc), reach_of(exc, exc.response.status_code)
        except InvalidMessage as exc:  # the host took the connection, then dropped it
            return False, str(exc), "answered"
        except (OSError, TimeoutError, InvalidHandshake, InvalidURI) as exc:
            return False, str(exc) or type(exc).__name__, reach_of(exc)

    async def _session(self, ws: ClientConnection) -> None:
        handled = 0
        async for raw in ws:
            now = time.time()
            if isinstance(raw, bytes):
                changes = self._bad_frame("a binary frame")
            else:
                try:
                    msg = parse_server_message(raw)
                except MessageError as exc:
                    changes = self._bad_frame(exc.message)
                else:
                    if isinstance(msg, Hello) and not self._greeted:
                        self._greet()
                    changes = self.state.receive(msg, now)
            if self._too_many_bad():
                await ws.close(1002, "too many bad frames")
                return
            await self._perform(ws, changes)
            handled += 1
            if handled % YIELD_EVERY == 0:
                await asyncio.sleep(0)  # a burst must not starve the UI

    def _greet(self) -> None:
        """The server said hello: it has taken us (a full node closes with 1013 before
        saying it, and the next server is tried at once)."""
        self._greeted = True
        self.servers.connected()
        self._round.clear()

    def _bad_frame(self, reason: str) -> list[Change]:
        log.warning("feed: bad frame from %s: %s", self.url, reason[:200])
        self._bad.append(time.monotonic())
        return self.state.bad_frame(reason[:200])

    def _too_many_bad(self) -> bool:
        now = time.monotonic()
        while self._bad and now - self._bad[0] > BAD_WINDOW:
            self._bad.popleft()
        return len(self._bad) > MAX_BAD

    async def _perform(self, ws: ClientConnection, changes: Sequence[Change]) -> None:
        sends = [c.message for c in changes if isinstance(c, Send)]
        for message in sends:
            await ws.send(encode(message).decode())
        phase: Phase = "resyncing" if self.state.resyncing else "connected"
        reason = next((c.reason for c in changes if isinstance(c, Resyncing)), self.status.reason)
        if any(isinstance(c, Synced) for c in changes):
            reason = ""
        self._set(phase=phase, attempt=0, error="", reason=reason)
        rest = [c for c in changes if not isinstance(c, Send)]
        if any(isinstance(c, Applied) for c in rest):
            self.last_event = time.monotonic()
        if rest:
            self.listener.on_changes(rest)

    def _set(self, **changes: object) -> None:
        if all(getattr(self.status, k) == v for k, v in changes.items()):
            return  # (each event of a burst says "connected" again: no copy for that)
        status = replace(self.status, **changes)  # type: ignore[arg-type]
        if status != self.status:
            self.status = status
            self.listener.on_status(status)
