"""Where a node's own commits and a replicated journal's events meet.

On a replicated journal other nodes append too, and the hub follows the stream
(``JournalBackend.follow``). Every event reaches the listeners (the fan-out)
exactly once and in ``seq`` order, whether it came from this node's commit or
from the stream: one whose predecessor has not arrived waits for it. Other
writers' events are taken into the games (``Core.learn``) once nothing of this
node's own is in flight — an append in flight either lands before them or fails
on them — so the next publish is validated and numbered after them. On the
embedded SQLite journal only this node's commits come through here.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Iterable, Sequence

from broadcaster.core import Accepted, Core
from broadcaster.protocol import decode_state
from broadcaster.storage import Record

CommitListener = Callable[[Sequence[Accepted]], None]


class Follower:
    """Delivers durable events in order, and teaches the games other writers' events."""

    def __init__(
        self,
        core: Callable[[], Core],
        busy: Callable[[], bool],
        die: Callable[[BaseException], None],
    ) -> None:
        self._core = core  # the hub's current Core (a reload replaces it)
        self._busy = busy  # this node has publishes in flight
        self._die = die
        self.listeners: list[CommitListener] = []
        self._heard: deque[Record] = deque()  # the stream's events, from the journal's thread
        self._ahead: dict[int, Accepted] = {}  # durable, behind an undelivered earlier seq
        self._unlearned: list[Accepted] = []  # other writers' events the games have yet to take
        self._learned = asyncio.Event()  # the games took other writers' events

    def hear(self, loop: asyncio.AbstractEventLoop, record: Record) -> None:
        """On the journal's thread: an event the stream stored (from any writer)."""
        self._heard.append(record)
        with contextlib.suppress(RuntimeError):  # the loop closed: the hub is gone
            loop.call_soon_threadsafe(self._take_heard)

    def deliver(self, durable: Iterable[Accepted]) -> None:
        """Commit durable events and hand them to the listeners, each seq once, in order."""
        core, ahead, batch = self._core(), self._ahead, list[Accepted]()
        for a in durable:
            if a.record.seq > core.committed_seq:
                ahead[a.record.seq] = a
        while core.committed_seq + 1 in ahead:
            a = ahead.pop(core.committed_seq + 1)
            core.commit((a,))
            batch.append(a)
        if batch:
            for listener in self.listeners:
                listener(batch)

    def learn(self) -> None:
        """Validate the next publishes after other writers' events, once nothing of this
        node's is in flight; also after a reload (the games may have moved)."""
        if self._unlearned and not self._busy():
            core = self._core()
            for a in self._unlearned:
                if a.record.seq >= core.next_seq:
                    core.learn(a.record, a.state)
            self._unlearned.clear()
        self._learned.set()

    async def heard(self, newest: int) -> None:
        """Until the games have taken every event up to seq ``newest``."""
        while self._core().next_seq <= newest:
            self._learned.clear()
            await self._learned.wait()

    def _take_heard(self) -> None:
        core, durable = self._core(), []
        try:
            while self._heard:
                r = self._heard.popleft()
                if r.seq <= core.committed_seq or r.seq in self._ahead:
                    continue  # this node's own, already here
                a = Accepted(r, decode_state(r.state), {})
                durable.append(a)
                if r.seq >= core.next_seq:  # not staged here: another writer's
                    self._unlearned.append(a)
            self.learn()
            self.deliver(durable)
        except BaseException as exc:  # a bug: like a dead flusher, stop
            self._die(exc)
