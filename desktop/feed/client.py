"""The one QObject that turns the feed connection into Qt signals.

Changes from the connection are queued and emitted once per event-loop turn,
so a burst of events becomes one ``events_applied`` batch (one model update,
one repaint) instead of hundreds. While events pour in (the last batch held
``BUSY`` or more), the next batch waits for the next 60 Hz frame: at 100
events/s nothing waits; at 900/s the UI does sixty updates a second instead
of hundreds. Order is kept: a reset is never emitted before events that
arrived ahead of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine, Sequence
from typing import Any

import msgspec
from PySide6.QtCore import QObject, Signal

from broadcaster.protocol import History
from desktop.feed.connection import FeedConnection, Status
from desktop.feed.delay import DelayLine
from desktop.feed.state import Applied, Change, HistoryArrived, Reset, ServerError

log = logging.getLogger("desktop.feed")
FRAME = 1 / 60  # when events pour in, at most one update of the models per frame
BUSY = 8  # changes in one batch that mean they pour in


class FeedClient(QObject):
    """Runs a ``FeedConnection`` on the running (qasync) loop.

    Signals:
        status_changed(Status): the connection's phase changed.
        games_reset(tuple[GameState, ...], bool): a snapshot; True when the epoch changed.
        events_applied(list[Event]): new events, in order, batched per loop turn.
        applied(list[Applied]): the same batch, each event with whether it is news
            (not a resume's catch-up): what notifications follow.
        history_received(History): an answer to ``request_history``.
        server_error(Error): the server refused a request.
    """

    status_changed = Signal(object)
    games_reset = Signal(object, bool)
    events_applied = Signal(object)
    applied = Signal(object)
    history_received = Signal(object)
    server_error = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.connection: FeedConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._queue: list[Change] = []
        self._flushed_at = 0.0
        self._busy = False  # the last batch was big: events are pouring in
        self._flush_scheduled = False
        self._requests: set[asyncio.Task[object]] = set()
        self._offline = Status()
        self.line: DelayLine[Change] = DelayLine()  # the spoiler delay (0: none)
        self._release_at: asyncio.TimerHandle | None = None
        self.shown_seq = 0  # the newest event let through the delay
        self.status_changed.connect(self._on_own_status)

    # ------------------------------------------------------------------ control

    def start(self, url: str, token: str | None = None, fallbacks: Sequence[str] = ()) -> None:
        """Connect (and keep reconnecting) to ``url`` (or, while it fails, the ``fallbacks``
        in turn); replaces any running connection.

        A URL that is not ``ws://`` or ``wss://`` leaves the client offline, saying why.
        """
        if self._task is not None:
            self._task.cancel()
            self._task = None
        try:
            self.connection = FeedConnection(url, self, token=token, fallbacks=fallbacks)
        except ValueError as exc:
            log.error("feed: %s", exc)
            self.connection = None
            self.status_changed.emit(Status(phase="offline", url=url, error=str(exc)))
            return
        self._task = asyncio.get_running_loop().create_task(self.connection.run())

    def set_delay(self, seconds: float) -> None:
        """Show every update (and clock) ``seconds`` later than it happens; changeable live."""
        self.line.set_delay(seconds)
        self._release()

    @property
    def delay(self) -> float:
        return self.line.delay

    async def stop(self) -> None:
        if self._release_at is not None:
            self._release_at.cancel()
        tasks = [t for t in (self._task, *self._requests) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._task = None

    def request_history(self, game_id: str, before: int | None = None, limit: int = 200) -> None:
        if self.connection is not None:
            self._spawn(self.connection.request_history(game_id, before, limit))

    def reconnect_now(self) -> None:
        """Stop waiting and connect again at once (the user asked)."""
        if self.connection is not None:
            self._spawn(self.connection.reconnect_now())

    def _spawn(self, coro: Coroutine[Any, Any, object]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._requests.add(task)
        task.add_done_callback(self._requests.discard)

    @property
    def status(self) -> Status:
        return self.connection.status if self.connection else self._offline

    @property
    def last_event(self) -> float | None:
        return self.connection.last_event if self.connection else None

    def server_time(self, now: float | None = None) -> float:
        """The server's clock now (corrected for skew), less the spoiler delay: what running
        game clocks follow, so they run exactly as far behind as the scores."""
        now = (time.time() if now is None else now) - self.line.delay
        return self.connection.state.server_time(now) if self.connection else now

    def _on_own_status(self, status: Status) -> None:
        if self.connection is None:
            self._offline = status

    # ------------------------------------------------------------------ Listener

    def on_status(self, status: Status) -> None:
        self.status_changed.emit(status)

    def on_changes(self, changes: Sequence[Change]) -> None:
        if self.line.delay > 0 or len(self.line):
            now = asyncio.get_running_loop().time()
            for change in changes:  # the game's picture waits; answers and errors do not
                if isinstance(change, Applied | Reset):
                    self.line.push(change, now)
                else:
                    self._queue.append(change)
            self._release()
        else:
            self._queue.extend(changes)
        if self._queue:
            self._schedule_flush()

    def _release(self) -> None:
        """Let through what the delay line says is due; come back when the next one is."""
        if self._release_at is not None:
            self._release_at.cancel()
            self._release_at = None
        if not len(self.line):
            return
        loop = asyncio.get_running_loop()
        due = self.line.due(loop.time())
        if due:
            self._queue.extend(due)
            self._schedule_flush()
        when = self.line.next_due()
        if when is not None:  # (a timer may fire a hair early: never spin)
            self._release_at = loop.call_at(max(when, loop.time() + 0.001), self._release)

    def _schedule_flush(self) -> None:
        if not self._flush_scheduled:
            self._flush_scheduled = True
            loop = asyncio.get_running_loop()
            wait = self._flushed_at + FRAME - loop.time()
            if wait > 0 and self._busy:  # pouring in: gather until the next frame
                loop.call_later(wait, self._flush)
            else:
                loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        self._flushed_at = asyncio.get_running_loop().time()
        self._busy = len(self._queue) >= BUSY
        queue, self._queue = self._queue, []
        batch: list[Applied] = []
        for change in queue:
            if isinstance(change, Applied):
                batch.append(change)
                self.shown_seq = max(self.shown_seq, change.event.seq)
                continue
            self._emit_batch(batch)
            batch = []
            if isinstance(change, Reset):
                if change.epoch_changed:  # seqs of another journal
                    self.shown_seq = 0
                self.shown_seq = max([self.shown_seq, *(g.seq for g in change.games)])
                self.games_reset.emit(change.games, change.epoch_changed)
            elif isinstance(change, HistoryArrived):
                self.history_received.emit(self._not_ahead(change.history))
            elif isinstance(change, ServerError):
                log.warning("feed: server error %s: %s", change.error.code, change.error.message)
                self.server_error.emit(change.error)
        self._emit_batch(batch)

    def _not_ahead(self, history: History) -> History:
        """A history page without what the delay still holds back (no spoilers in it)."""
        if self.line.delay <= 0 and not len(self.line):
            return history
        return msgspec.structs.replace(
            history, events=[e for e in history.events if e.seq <= self.shown_seq]
        )

    def _emit_batch(self, batch: list[Applied]) -> None:
        if batch:
            self.events_applied.emit([a.event for a in batch])
            self.applied.emit(batch)
