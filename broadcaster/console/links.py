"""The console's two connections to the broadcaster, each reconnecting by itself.

``Publisher`` sends the outbox over ``/publish``, in order, many in flight,
and matches the acks, which come back in the same order (PROTOCOL.md). After
a reconnect it resends everything not acked, with the same ids: the
broadcaster answers a repeated id with the original ack, so nothing counts
twice. An ``error`` reply is a refusal: the entry leaves the outbox and the
operator is told; only ``internal`` and ``rate_limited`` are worth a retry.

``FeedLink`` follows ``/feed`` for the live state of every game, resuming
from ``(epoch, seq)``, and loads the current game's past (``history``) once
the live stream is in place, so undo knows the game's events.

Both retry with full-jitter exponential backoff from 50 ms to 1 s: an
operator needs the link back at once (websockets' own reconnect waits
seconds), and many consoles must not come back in lockstep.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from asyncio import FIRST_COMPLETED
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, Final, Protocol

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, InvalidURI
from websockets.typing import Subprotocol

from broadcaster import __version__
from broadcaster.console.model import Model, Queued, Status
from broadcaster.console.outbox import Outbox
from broadcaster.errors import MessageError
from broadcaster.protocol import (
    SUBPROTOCOL,
    Ack,
    Error,
    Event,
    Hello,
    History,
    HistoryRequest,
    Publish,
    Snapshot,
    Subscribe,
    encode,
    parse_server_message,
)
from broadcaster.servers import Servers, where

log = logging.getLogger("broadcaster.console")
TRANSIENT: Final = frozenset({"internal", "rate_limited"})
HISTORY_LIMIT: Final = 1000
OPEN_TIMEOUT: Final = 5.0
QUICK_OPEN_TIMEOUT: Final = 2.0  # with other servers left to try, a silent one is left sooner
# a frozen broadcaster or a silent network drop keeps the TCP connection open: ask
PING_INTERVAL: Final = 2.0  # a ping every 2 s,
PING_TIMEOUT: Final = 3.0  # and no pong within 3 s closes the link
CLOSE_TIMEOUT: Final = 1.0  # a dead peer will not answer a close either
ACK_DEAD: Final = 5.0  # an event unanswered this long: the link is dead, reconnect and resend


class Backoff:
    """Full jitter: a random delay up to ``base · 2^n``, capped; ``reset`` once connected."""

    def __init__(self, base: float = 0.05, cap: float = 1.0) -> None:
        self.base, self.cap, self.attempt = base, cap, 0

    def next(self) -> float:
        ceiling = min(self.cap, self.base * 2**self.attempt)
        self.attempt += 1
        return random.uniform(0, ceiling)

    def reset(self) -> None:
        self.attempt = 0


def endpoint(url: str, path: str) -> str:
    return url.rstrip("/") + path


async def open_link(url: str, token: str | None, timeout: float = OPEN_TIMEOUT) -> ClientConnection:
    headers = {"Authorization": f"Bearer {token}"} if token else None
    return await connect(
        url,
        additional_headers=headers,
        subprotocols=[Subprotocol(SUBPROTOCOL)],
        user_agent_header=f"scorecast-console/{__version__}",
        open_timeout=timeout,
        ping_interval=PING_INTERVAL,
        ping_timeout=PING_TIMEOUT,
        close_timeout=CLOSE_TIMEOUT,
    )


def why_offline(exc: BaseException) -> Status:
    """The link state an exception leaves, in words for the toolbar."""
    if isinstance(exc, InvalidStatus) and exc.response.status_code in (401, 403):
        code = exc.response.status_code
        return Status("refused", f"the broadcaster refused the token (HTTP {code})")
    if isinstance(exc, InvalidURI):
        return Status("refused", f"not a ws:// or wss:// URL: {exc.uri}")
    if isinstance(exc, ConnectionClosed):
        return Status("offline", "connection lost")
    if isinstance(exc, OSError | TimeoutError):
        return Status("offline", "broadcaster unreachable")
    return Status("offline", str(exc) or type(exc).__name__)


async def reconnecting(
    servers: Servers,
    path: str,
    token: str | None,
    session: Callable[[ClientConnection, Hello], Any],
    on_status: Callable[[Status], None],
) -> None:
    """Run ``session`` on a connection to ``path`` on one of ``servers``, for ever: after a
    drop the same server first, then the next ones at once, with backoff after a round. A
    server has taken the console once it says hello (a full node closes before: 1013)."""
    backoff = Backoff()
    on_status(Status("connecting"))  # once: after a failure it stays offline until back
    while True:
        url = servers.current
        greeted = False
        try:
            timeout = servers.open_timeout(OPEN_TIMEOUT, QUICK_OPEN_TIMEOUT)
            async with await open_link(endpoint(url, path), token, timeout) as ws:
                hello = parse_server_message(await ws.recv())
                if not isinstance(hello, Hello):
                    raise Retry(f"the broadcaster did not say hello: {hello}")
                greeted = True
                servers.connected()
                backoff.reset()
                on_status(Status("online", where(url) if servers.several else ""))
                await session(ws, hello)
                status = Status("offline", "connection closed")
        except asyncio.CancelledError:
            raise
        except (OSError, TimeoutError, ConnectionClosed, InvalidStatus, InvalidURI) as exc:
            status = why_offline(exc)
        except (MessageError, Retry) as exc:
            status = Status("offline", str(exc))
        if servers.several:
            status = Status(status.state, f"{where(url)}: {status.detail}")
        if not greeted and not servers.failed():
            log.info("%s%s failed (%s); trying %s", url, path, status.detail, servers.current)
            continue  # the next server, at once
        if status.state == "refused":
            backoff.attempt = 99  # no hurry: someone has to fix the token first
        on_status(status)
        await asyncio.sleep(backoff.next())


class Retry(Exception):
    """The broadcaster could not take an event just now: reconnect and resend."""


class PublishListener(Protocol):
    def published(self, entry: Queued, data: dict[str, Any], ack: Ack) -> None: ...
    def refused(self, entry: Queued, code: str, message: str) -> None: ...
    def link(self, status: Status) -> None: ...


class Publisher:
    """Sends the outbox in order and keeps its acks in order; resends after reconnects."""

    def __init__(
        self, urls: Sequence[str], token: str, outbox: Outbox, listener: PublishListener
    ) -> None:
        self.servers = Servers.of(urls)
        self.token, self.outbox, self.listener = token, outbox, listener
        self.status = Status("connecting")
        self.epoch: str | None = None  # the journal of the broadcaster published to
        self._wake = asyncio.Event()
        self._sent_at: dict[str, float] = {}  # publish id -> when it was sent (monotonic)

    def wake(self) -> None:
        """Something was queued or answered: look at the outbox again."""
        self._wake.set()

    def _set(self, status: Status) -> None:
        self.status = status
        self.listener.link(status)

    async def run(self) -> None:
        await reconnecting(self.servers, "/publish", self.token, self._session, self._set)

    @property
    def url(self) -> str:
        """The broadcaster published to (or last tried)."""
        return self.servers.current

    async def _session(self, ws: ClientConnection, hello: Hello) -> None:
        log.debug("publishing to %s: %s", self.url, hello)
        self.epoch = hello.epoch
        in_flight: deque[tuple[Queued, dict[str, Any]]] = deque()
        self._sent_at.clear()
        tasks = {
            asyncio.create_task(self._send(ws, in_flight)),
            asyncio.create_task(self._receive(ws, in_flight)),
            asyncio.create_task(self._watch(in_flight)),
        }
        try:
            done, _ = await asyncio.wait(tasks, return_when=FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        for task in done:
            task.result()  # the reason this session ended, if it failed

    async def _send(self, ws: ClientConnection, in_flight: deque[tuple[Queued, Any]]) -> None:
        while True:
            self._wake.clear()
            pending = self.outbox.pending()
            if len(pending) <= len(in_flight):
                await self._wake.wait()
                continue
            entry = pending[len(in_flight)]
            data = self._resolve(entry)
            if data is None:
                if self.outbox.refusal_of(entry.id) is None:  # its target is not acked yet
                    await self._wake.wait()
                continue
            at = entry.at if entry.at > 0 else None
            message = Publish(entry.id, entry.game_id, entry.kind, data, at, entry.clock)
            await ws.send(encode(message), text=True)
            self._sent_at[entry.id] = time.monotonic()
            in_flight.append((entry, data))

    async def _watch(self, in_flight: deque[tuple[Queued, Any]]) -> None:
        """An answer that does not come means a dead link, even if TCP says otherwise."""
        while True:
            await asyncio.sleep(ACK_DEAD / 10)
            if in_flight:
                sent = self._sent_at.get(in_flight[0][0].id, time.monotonic())
                if time.monotonic() - sent > ACK_DEAD:
                    raise Retry(f"no answer from the broadcaster for {ACK_DEAD:.0f} s")

    def _resolve(self, entry: Queued) -> dict[str, Any] | None:
        """The data to send; an undo of a queued event gets that event's seq as target."""
        if entry.ref is None:
            return self._same_journal(entry, entry.epoch, dict(entry.data))
        seq = self.outbox.seq_of(entry.ref)
        if seq is not None:
            data = {**entry.data, "target": seq}
            return self._same_journal(entry, self.outbox.epoch_of(entry.ref), data)
        if self.outbox.refusal_of(entry.ref) is not None:
            self._refuse(entry, "invalid_event", "nothing to undo: the event it undoes was refused")
        return None

    def _same_journal(
        self, entry: Queued, target_of: str | None, data: dict[str, Any]
    ) -> dict[str, Any] | None:
        """A correction names its target by seq: sent to a broadcaster with another journal
        (another epoch: a node of its own, a journal started anew) it would void some other
        event. Refused here instead, so the operator looks and types it again."""
        if target_of is None or self.epoch is None or target_of == self.epoch:
            return data
        message = (
            f"not sent: {where(self.url)} keeps another journal, where event numbers mean "
            "other events; look at log and type it again"
        )
        self._refuse(entry, "other_journal", message)
        return None

    def _refuse(self, entry: Queued, code: str, message: str) -> None:
        self.outbox.refused(entry.id, code, message)
        self.listener.refused(entry, code, message)

    async def _receive(self, ws: ClientConnection, in_flight: deque[tuple[Queued, Any]]) -> None:
        async for raw in ws:
            msg = parse_server_message(raw)
            if not isinstance(msg, Ack | Error):
                continue
            if not in_flight or msg.id != in_flight[0][0].id:
                log.warning("unexpected reply from the broadcaster: %s", msg)
                if isinstance(msg, Error) and msg.id is None:
                    raise Retry(f"the broadcaster said: {msg.message}")
                continue
            entry, data = in_flight.popleft()
            if isinstance(msg, Ack):
                self.outbox.done(entry.id, msg.seq, self.epoch or "")
                self.listener.published(entry, data, msg)
            elif msg.code in TRANSIENT:
                raise Retry(f"the broadcaster could not take it now: {msg.message}")
            else:
                self.outbox.refused(entry.id, msg.code, msg.message)
                self.listener.refused(entry, msg.code, msg.message)
            self.wake()


class FeedLink:
    """Follows ``/feed`` into the model; loads the current game's history."""

    def __init__(
        self,
        urls: Sequence[str],
        token: str | None,
        model: Model,
        on_change: Callable[[], None],
        on_status: Callable[[Status], None],
        on_event: Callable[[Event], None] = lambda ev: None,
    ) -> None:
        self.servers, self.token, self.model = Servers.of(urls), token, model
        self.on_change, self.on_status, self.on_event = on_change, on_status, on_event
        self.status = Status("connecting")
        self.skew = 0.0  # broadcaster clock − ours
        self.game: str | None = None  # the game whose history matters
        self._ws: ClientConnection | None = None
        self._streaming = False  # live events flow: a history asked now leaves no gap

    def _set(self, status: Status) -> None:
        self.status = status
        self.on_status(status)

    def follow(self, game_id: str | None) -> None:
        """Make ``game_id`` the game whose past events are loaded."""
        self.game = game_id
        if self._streaming:
            self._ask_history()

    def _ask_history(self) -> None:
        game, ws = self.game, self._ws
        if game is None or ws is None:
            return
        record = self.model.games.get(game)
        if record is not None and record.loaded:
            return
        request = HistoryRequest(game, f"{self.model.generation}:{game}", limit=HISTORY_LIMIT)
        task = asyncio.get_running_loop().create_task(ws.send(encode(request), text=True))
        task.add_done_callback(_ignore_closed)

    async def run(self) -> None:
        await reconnecting(self.servers, "/feed", self.token, self._session, self._set)

    async def _session(self, ws: ClientConnection, hello: Hello) -> None:
        self.skew = hello.time - time.time()
        resume = self.model.resume(hello.epoch)
        self._ws = ws
        try:
            await ws.send(encode(Subscribe(["*"], resume=resume)), text=True)
            self._streaming = resume is not None  # else wait for the snapshot
            if self._streaming:
                self._ask_history()
            self.on_change()
            async for raw in ws:
                self._take(parse_server_message(raw))
        finally:
            self._ws, self._streaming = None, False

    def _take(self, msg: object) -> None:
        model = self.model
        if isinstance(msg, Event):
            model.on_event(msg)
            self.on_event(msg)
        elif isinstance(msg, Snapshot):
            model.on_snapshot(msg)
            self._streaming = True
            self._ask_history()
        elif isinstance(msg, History):
            model.on_history(msg, _generation(msg.req))
        elif isinstance(msg, Error) and msg.code == "unknown_game" and msg.req is not None:
            model.on_no_history(str(msg.req).partition(":")[2], _generation(msg.req))
        else:
            return
        self.on_change()


def _generation(req: str | int | None) -> int:
    head = str(req).partition(":")[0]
    return int(head) if head.isdigit() else -1


def _ignore_closed(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.debug("history request not sent: %s", task.exception())
