"""The asyncio driver around the pure ``Core``: futures, the group-commit flusher,
the journal's threads, corrections off the loop, and supervision. No sockets.

``Hub.publish`` validates an event at once (refusals never touch the journal
or burn a ``seq``), stages it, and returns a future that resolves to its
``Ack`` once the event is durable. One flusher task writes staged events in
batches: every publish that arrives while a batch is being written joins the
next one (group commit). After a batch is durable the listeners (the
server's fan-out) receive it, in ``seq`` order, before the acks are sent.

A correction needs the game's whole past and a refold: both run off the event
loop (the journal read on the reader thread, the refold in a worker process,
so it holds neither the loop nor the GIL) while the game's later publishes
wait their turn in its lane; other games go on. If a write fails (full disk,
I/O error) every staged event is refused with ``internal`` and the games are
reloaded from the journal. If anything else fails inside the flusher (a bug)
the hub is dead: ``failed`` says why, ``dead`` is set, every waiting publish
is refused, and the server stops.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import signal
import sys
import time as _time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import BrokenExecutor, Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any

import msgspec

from broadcaster.core import Accepted, Core, refold
from broadcaster.errors import AppendConflict, EventRefused, JournalError
from broadcaster.protocol import Ack, GameState, Publish, decode_event
from broadcaster.sports import SPORTS, Sport
from broadcaster.sports.replay import GameEvent
from broadcaster.storage import JournalBackend, Record

log = logging.getLogger("broadcaster.hub")
PR_SET_PDEATHSIG = 1
MAX_TRIES = 8  # validations of one publish when other writers keep appending first
_decode_data = msgspec.json.Decoder(dict[str, Any])


@dataclass(slots=True)
class Staged:
    """An accepted event on its way to the journal, with what made it (to validate it
    again if a replicated journal says another writer got there first)."""

    accepted: Accepted
    future: asyncio.Future[Ack]
    msg: Publish
    publisher: str
    by: str | None
    tries: int = 0

    @property
    def record(self) -> Record:
        return self.accepted.record

    @property
    def state(self) -> GameState:
        return self.accepted.state


@dataclass(slots=True)
class _Waiting:
    """A publish waiting in its game's lane behind a correction."""

    msg: Publish
    publisher: str
    by: str | None
    future: asyncio.Future[Ack]


CommitListener = Callable[[Sequence[Staged]], None]


@dataclass
class Hub:
    journal: JournalBackend
    sports: Mapping[str, Sport] = field(default_factory=lambda: SPORTS)
    clock: Callable[[], float] = _time.time

    def __post_init__(self) -> None:
        self.epoch = self.journal.epoch
        self.listeners: list[CommitListener] = []
        self.failed: BaseException | None = None
        self.dead = asyncio.Event()
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="journal-writer")
        self._reader = ThreadPoolExecutor(1, thread_name_prefix="journal-reader")
        self._folder: Executor | None = None  # started on the first correction
        self._staged: list[Staged] = []
        self._pending: dict[str, Staged] = {}
        self._lanes: dict[str, list[_Waiting]] = {}  # games busy with a correction
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._flusher: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._load()

    def _load(self) -> None:
        """(Re)build every game from the journal's state table."""
        self.core = Core(self.epoch, self.journal.games(), self.journal.last_seq, self.sports)

    # ------------------------------------------------------------------ views

    @property
    def committed_seq(self) -> int:
        return self.core.committed_seq

    @property
    def committed(self) -> Mapping[str, GameState]:
        return self.core.committed

    @property
    def games(self) -> Mapping[str, Any]:
        return self.core.games

    def snapshot_view(self) -> tuple[int, list[GameState], dict[str, bytes]]:
        """``committed_seq``, the committed states and their JSON, captured together (two
        C-level copies, a few ms at 100,000 games), so a snapshot can be filtered and sent
        in slices while later events commit."""
        core = self.core
        return core.committed_seq, list(core.committed.values()), core.committed_json.copy()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self._flusher = asyncio.get_running_loop().create_task(self._flush_forever())
        self._flusher.add_done_callback(self._flusher_done)

    async def close(self) -> None:
        """Write what is staged, then stop and close the journal."""
        await self.flushed()
        for task in [self._flusher, *self._tasks]:
            if task is not None:
                task.cancel()
        await asyncio.gather(
            *(t for t in [self._flusher, *self._tasks] if t), return_exceptions=True
        )
        for pool in (self._writer, self._reader, self._folder):
            if pool is not None:
                pool.shutdown(wait=True)
        self.journal.close()

    async def flushed(self) -> None:
        """Wait until every staged event is durable (or refused)."""
        while (self._staged or self._lanes or not self._idle.is_set()) and not self.dead.is_set():
            await self._idle.wait()
            await asyncio.sleep(0)

    # ------------------------------------------------------------------ publishing

    def publish(self, msg: Publish, publisher: str, by: str | None = None) -> asyncio.Future[Ack]:
        """Accept or refuse one publish; the future resolves once it is durable.

        ``publisher`` is the audit trail's full identity; ``by`` the operator's name
        that subscribers see on the event."""
        if self.failed is not None:
            raise EventRefused("internal", "the broadcaster is stopping after a fault", id=msg.id)
        done = self._retry(msg)
        if done is not None:
            return done
        lane = self._lanes.get(msg.game_id)
        if lane is not None or msg.kind == "correction":
            future = asyncio.get_running_loop().create_future()
            waiting = _Waiting(msg, publisher, by, future)
            if lane is not None:
                lane.append(waiting)
            else:
                self._lanes[msg.game_id] = []
                self._spawn(self._correct(waiting))
            return future
        accepted = self.core.accept(msg, publisher, by, self.clock())
        return self._stage(Staged(accepted, self._new_future(), msg, publisher, by))

    def _retry(self, msg: Publish) -> asyncio.Future[Ack] | None:
        """The original answer to a publish id seen before, if any."""
        pending = self._pending.get(msg.id)
        if pending is not None:
            record = pending.record
            self.core.same(msg, record.game_id, record.kind, pending.accepted.data)
            return pending.future
        for waiting in self._lanes.get(msg.game_id, ()):
            if waiting.msg.id == msg.id:
                self.core.same(msg, waiting.msg.game_id, waiting.msg.kind, waiting.msg.data)
                return waiting.future
        stored = self.journal.find_publish(msg.id)
        if stored is None:
            return None
        self.core.same(msg, stored.game_id, stored.kind, _decode_data.decode(stored.data))
        event = decode_event(stored.frame)
        done = asyncio.get_running_loop().create_future()
        done.set_result(Ack(msg.id, event.seq, event.state))
        return done

    @staticmethod
    def _new_future() -> asyncio.Future[Ack]:
        return asyncio.get_running_loop().create_future()

    def _stage(self, staged: Staged) -> asyncio.Future[Ack]:
        self._staged.append(staged)
        self._pending[staged.record.pub_id] = staged
        self._wake.set()
        return staged.future

    async def _correct(self, first: _Waiting) -> None:
        """Run one game's lane: the correction off the loop, then what queued behind it."""
        game_id, loop, core = first.msg.game_id, asyncio.get_running_loop(), self.core
        work: list[_Waiting] = [first]
        try:
            while work:
                item = work.pop(0)
                try:
                    await self._accept_in_lane(item, core, loop)
                except EventRefused as exc:
                    exc.id = item.msg.id
                    _settle(item.future, exc)
                if not work:
                    work, self._lanes[game_id] = self._lanes[game_id], []
        except BaseException as exc:  # a bug or a cancel: nobody waits forever
            for item in [*work, *self._lanes.get(game_id, ())]:
                _settle(item.future, EventRefused("internal", f"not published: {exc!r}"))
            raise
        finally:
            self._lanes.pop(game_id, None)
            self._wake.set()

    async def _accept_in_lane(
        self, item: _Waiting, core: Core, loop: asyncio.AbstractEventLoop
    ) -> None:
        msg = item.msg
        if core is not self.core:
            raise EventRefused("internal", "the journal was reloaded; retry with the same id")
        state = None
        if msg.kind == "correction":
            if msg.game_id not in core.games:
                raise EventRefused("unknown_game", f"no game {msg.game_id!r}; create it first")
            staged = [
                GameEvent(s.record.seq, s.record.kind, s.accepted.data, s.record.time)
                for s in self._pending.values()
                if s.record.game_id == msg.game_id
            ]  # taken before the read: what commits meanwhile is in one or the other
            source = self.journal.source()
            state = await self._refold(loop, source, msg.game_id, staged, msg.data)
        if core is not self.core:
            raise EventRefused("internal", "the journal was reloaded; retry with the same id")
        accepted = core.accept(msg, item.publisher, item.by, self.clock(), state)
        self._stage(Staged(accepted, item.future, msg, item.publisher, item.by))

    async def _refold(self, loop: asyncio.AbstractEventLoop, *args: Any) -> GameState:
        """``core.refold`` in a worker process, so a long game's refold holds neither the
        event loop nor its GIL; in a thread where no process can be started."""
        if self._folder is None:
            try:
                self._folder = ProcessPoolExecutor(
                    1,
                    mp_context=get_context("spawn"),
                    initializer=_die_with_parent,
                    initargs=(os.getpid(),),
                )
            except (OSError, NotImplementedError) as exc:  # no processes on this platform
                log.warning("refolds run in a thread: %s", exc)
                self._folder = ThreadPoolExecutor(1, thread_name_prefix="refold")
        try:
            state: GameState = await loop.run_in_executor(self._folder, refold, *args)
        except BrokenExecutor as exc:
            log.warning("the refold worker died (%r); refolding in a thread from now on", exc)
            self._folder = ThreadPoolExecutor(1, thread_name_prefix="refold")
            state = await loop.run_in_executor(self._folder, refold, *args)
        return state

    # ------------------------------------------------------------------ group commit

    async def _flush_forever(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._staged = self._staged, []
            if not batch:
                if not self._lanes:
                    self._idle.set()
                continue
            self._idle.clear()
            try:
                records = [s.record for s in batch]
                await loop.run_in_executor(self._writer, self.journal.append, records)
            except AppendConflict as exc:
                self._validate_again([*batch, *self._staged], exc)
            except JournalError as exc:
                self._fail([*batch, *self._staged], exc)
            else:
                self._committed(batch)
            finally:
                if not self._staged and not self._lanes:
                    self._idle.set()

    def _committed(self, batch: list[Staged]) -> None:
        self.core.commit(s.accepted for s in batch)
        for s in batch:
            del self._pending[s.record.pub_id]
        try:
            for listener in self.listeners:
                listener(batch)
        finally:  # durable is durable: acked even if a listener fails (then the hub dies)
            for s in batch:
                if not s.future.done():
                    s.future.set_result(Ack(s.record.pub_id, s.record.seq, s.state))

    def _fail(self, staged: list[Staged], exc: JournalError) -> None:
        log.error("journal write failed, %d event(s) refused: %s", len(staged), exc)
        self._staged = []
        for s in staged:
            _settle(s.future, EventRefused("internal", f"not published: {exc}"))
        self._pending.clear()
        self._load()

    def _validate_again(self, staged: list[Staged], exc: AppendConflict) -> None:
        """Another writer of a replicated journal appended first; the journal has caught
        up. Rebuild the games from it and validate every staged publish again, in order,
        against the current state: no rule runs on a stale state, no update is lost. A
        publish is tried ``MAX_TRIES`` times, then refused with ``internal`` (a retry with
        the same id is safe); a correction is refused so (its refold ran on the old state)."""
        log.info("another writer appended first (%s); validating %d again", exc, len(staged))
        self._staged, self._pending = [], {}
        self._load()
        for s in staged:
            retry = EventRefused("internal", f"not published: {exc}; retry with the same id")
            if s.tries + 1 >= MAX_TRIES or s.msg.kind == "correction":
                _settle(s.future, retry)
                continue
            try:
                accepted = self.core.accept(s.msg, s.publisher, s.by, self.clock())
            except EventRefused as refused:  # the rules now say no: that is the answer
                refused.id = s.msg.id
                _settle(s.future, refused)
            else:
                self._stage(Staged(accepted, s.future, s.msg, s.publisher, s.by, s.tries + 1))

    def _flusher_done(self, task: asyncio.Task[None]) -> None:
        """The flusher only ends by cancel at close; anything else is a dead core."""
        if task.cancelled():
            return
        self.failed = task.exception() or RuntimeError("the journal flusher stopped")
        log.critical("the journal flusher died; stopping: %r", self.failed, exc_info=self.failed)
        for s in [*self._pending.values(), *self._staged]:
            _settle(s.future, EventRefused("internal", "not acked: the broadcaster is stopping"))
        self.dead.set()
        self._idle.set()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------------ reading

    async def read(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a blocking journal read off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self._reader, fn, *args)

    async def frames(
        self, after: int, upto: int, games: Sequence[str] | None, limit: int
    ) -> list[tuple[int, str, bytes]]:
        """``(seq, game_id, frame)`` of the events in ``(after, upto]``, oldest first."""
        rows: list[tuple[int, str, bytes]] = await self.read(
            self.journal.frames, after, upto, games, limit
        )
        return rows

    async def history(
        self, game_id: str, before: int | None, limit: int, after: int = 0
    ) -> list[bytes]:
        """Frames of one game's events, newest first, in ``(after, before)``."""
        frames: list[bytes] = await self.read(self.journal.history, game_id, before, limit, after)
        return frames


def _die_with_parent(parent: int) -> None:
    """In the refold worker: end with the broadcaster, even after its kill -9 (Linux),
    instead of living on orphaned with its stdout and stderr."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)


def _settle(future: asyncio.Future[Ack], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)
