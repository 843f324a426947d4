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

On a replicated journal other nodes append too. The hub follows the stream:
every event, its own or another node's, reaches the listeners once, in ``seq``
order, and the games take other nodes' events so the next publish is validated
after them (``follower.py``). A publish id is looked up off the loop there
(``_take_in``): a read is a round trip.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time as _time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import msgspec

from broadcaster.core import Accepted, Core
from broadcaster.errors import AppendConflict, EventRefused, JournalError
from broadcaster.folding import Folder
from broadcaster.follower import Follower
from broadcaster.protocol import Ack, GameState, Publish, decode_event
from broadcaster.sports import SPORTS, Sport
from broadcaster.sports.replay import GameEvent
from broadcaster.storage import JournalBackend, Record

log = logging.getLogger("broadcaster.hub")
CATCH_UP = 2.0  # seconds a refusal waits for the stream's newest events to arrive
MAX_TRIES = 8  # validations of one publish when other writers keep appending first
_decode_data = msgspec.json.Decoder(dict[str, Any])


@dataclass(slots=True)
class _Waiting:
    """A publish waiting for its id's lookup, or in its game's lane behind a correction."""

    msg: Publish
    publisher: str
    by: str | None
    future: asyncio.Future[Ack]


@dataclass(slots=True)
class Staged:
    """An accepted event on its way to the journal, with the publish that made it (to
    validate it again if a replicated journal says another writer got there first)."""

    accepted: Accepted
    item: _Waiting
    tries: int = 0

    @property
    def record(self) -> Record:
        return self.accepted.record

    @property
    def state(self) -> GameState:
        return self.accepted.state

    @property
    def future(self) -> asyncio.Future[Ack]:
        return self.item.future


@dataclass
class Hub:
    journal: JournalBackend
    sports: Mapping[str, Sport] = field(default_factory=lambda: SPORTS)
    clock: Callable[[], float] = _time.time

    def __post_init__(self) -> None:
        self.epoch = self.journal.epoch
        self.failed: BaseException | None = None
        self.dead = asyncio.Event()
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="journal-writer")
        self._reader = ThreadPoolExecutor(1, thread_name_prefix="journal-reader")
        self._lookups = (
            ThreadPoolExecutor(1, thread_name_prefix="journal-lookup")
            if self.journal.remote
            else None
        )
        self._folder = Folder()
        self._intake: list[_Waiting] = []  # publishes whose ids are being looked up
        self._intake_task: asyncio.Task[None] | None = None
        self.follower = Follower(lambda: self.core, lambda: bool(self._pending), self._die)
        self.listeners = self.follower.listeners
        self._stop_following: Callable[[], None] | None = None
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
        """(Re)build every game from the journal; subscribers' view stays what they saw."""
        old = getattr(self, "core", None)
        self.core = Core(self.epoch, self.journal.games(), self.journal.last_seq, self.sports)
        if old is not None:
            self.core.keep_committed(old)
            self.follower.learn()

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
        loop = asyncio.get_running_loop()
        self._flusher = loop.create_task(self._flush_forever())
        self._flusher.add_done_callback(self._flusher_done)
        hear = functools.partial(self.follower.hear, loop)
        self._stop_following = self.journal.follow(self.core.committed_seq, hear)

    async def close(self) -> None:
        """Write what is staged, then stop and close the journal."""
        await self.flushed()
        if self._stop_following is not None:
            with contextlib.suppress(Exception):  # NATS away: the connection closes anyway
                self._stop_following()
        for task in [self._flusher, *self._tasks]:
            if task is not None:
                task.cancel()
        await asyncio.gather(
            *(t for t in [self._flusher, *self._tasks] if t), return_exceptions=True
        )
        for pool in (self._writer, self._reader, self._lookups):
            if pool is not None:
                pool.shutdown(wait=True)
        self._folder.close()
        self.journal.close()

    async def flushed(self) -> None:
        """Wait until every staged event is durable (or refused)."""
        while (not self._quiet() or not self._idle.is_set()) and not self.dead.is_set():
            await self._idle.wait()
            await asyncio.sleep(0)

    # ------------------------------------------------------------------ publishing

    def publish(self, msg: Publish, publisher: str, by: str | None = None) -> asyncio.Future[Ack]:
        """Accept or refuse one publish; the future resolves once it is durable.

        ``publisher`` is the audit trail's full identity; ``by`` the operator's name
        that subscribers see on the event."""
        if self.failed is not None:
            raise EventRefused("internal", "the broadcaster is stopping after a fault", id=msg.id)
        known = self._known(msg)
        if known is not None:
            return known
        waiting = _Waiting(msg, publisher, by, self._new_future())
        if self._lookups is None:  # a local journal: an indexed read, fine on the loop
            return self._admit(waiting, self.journal.find_publish(msg.id))
        self._intake.append(waiting)  # a remote one: looked up off the loop, in turn
        self._idle.clear()
        if self._intake_task is None:
            self._intake_task = self._spawn(self._take_in())
        return waiting.future

    def _known(self, msg: Publish) -> asyncio.Future[Ack] | None:
        """The answer to a publish id this node has in hand (staged, or in a lane)."""
        pending = self._pending.get(msg.id)
        if pending is not None:
            record = pending.record
            self.core.same(msg, record.game_id, record.kind, pending.accepted.data)
            return pending.future
        for waiting in self._lanes.get(msg.game_id, ()):
            if waiting.msg.id == msg.id:
                self.core.same(msg, waiting.msg.game_id, waiting.msg.kind, waiting.msg.data)
                return waiting.future
        return None

    def _admit(self, item: _Waiting, stored: Record | None) -> asyncio.Future[Ack]:
        """A publish whose id is not in hand: the original ack if ``stored`` (a retry),
        else into its game's lane or validated and staged now."""
        msg, future = item.msg, item.future
        if stored is not None:
            self.core.same(msg, stored.game_id, stored.kind, _decode_data.decode(stored.data))
            event = decode_event(stored.frame)
            future.set_result(Ack(msg.id, event.seq, event.state))
            return future
        lane = self._lanes.get(msg.game_id)
        if lane is not None:
            lane.append(item)
        elif msg.kind == "correction":
            self._lanes[msg.game_id] = []
            self._spawn(self._correct(item))
        else:
            accepted = self.core.accept(msg, item.publisher, item.by, self.clock())
            self._stage(Staged(accepted, item))
        return future

    async def _take_in(self) -> None:
        """Admit the publishes that came for a remote journal, in arrival order, their
        ids looked up in one round trip per batch, off the event loop."""
        loop, batch = asyncio.get_running_loop(), list[_Waiting]()
        try:
            while self._intake:
                batch, self._intake = self._intake, []
                ids = [item.msg.id for item in batch]
                try:
                    found = await loop.run_in_executor(
                        self._lookups, self.journal.find_publishes, ids
                    )
                except JournalError as exc:
                    log.error("journal read failed: %s", exc)
                    for item in batch:
                        _settle(
                            item.future, EventRefused("internal", f"journal unavailable: {exc}")
                        )
                    continue
                for item in batch:
                    refusal = self._admit_looked_up(item, found.get(item.msg.id))
                    if refusal is not None and refusal.code not in ("duplicate_id", "internal"):
                        await self._hear_newest()  # refused on what another node moved on?
                        refusal = self._admit_looked_up(item, None)
                    if refusal is not None:
                        _settle(item.future, refusal)
                batch = []
        except BaseException as exc:  # a cancel at close: nobody waits forever
            for item in [*batch, *self._intake]:
                _settle(item.future, EventRefused("internal", f"not published: {exc!r}"))
            raise
        finally:
            self._intake_task = None
            self._wake.set()

    def _admit_looked_up(self, item: _Waiting, stored: Record | None) -> EventRefused | None:
        try:
            if self.failed is not None:
                raise EventRefused("internal", "the broadcaster is stopping after a fault")
            known = self._known(item.msg)  # the same id twice in one batch
            if known is None:
                self._admit(item, stored)
            else:
                known.add_done_callback(functools.partial(_copy, item.future))
        except EventRefused as exc:
            exc.id = item.msg.id
            return exc
        return None

    async def _hear_newest(self) -> None:
        """Wait (a while at most) until the games have taken every event the stream held
        a moment ago: an operator whose game was created through another node a moment
        ago is not told it does not exist."""
        try:
            newest = await asyncio.get_running_loop().run_in_executor(
                self._lookups, self.journal.newest
            )
            async with asyncio.timeout(CATCH_UP):
                await self.follower.heard(newest)
        except (JournalError, TimeoutError) as exc:
            log.warning("validating on what this node has heard (%r)", exc)

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
        game_id, core = first.msg.game_id, self.core
        work: list[_Waiting] = [first]
        try:
            while work:
                item = work.pop(0)
                try:
                    await self._accept_in_lane(item, core)
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

    async def _accept_in_lane(self, item: _Waiting, core: Core) -> None:
        msg = item.msg
        if core is not self.core:
            raise EventRefused("internal", "the journal was reloaded; retry with the same id")
        state = None
        if msg.kind == "correction":
            state = await self._refold(core, msg)
        accepted = core.accept(msg, item.publisher, item.by, self.clock(), state)
        self._stage(Staged(accepted, item))

    async def _refold(self, core: Core, msg: Publish) -> GameState:
        """A correction's state, refolded off the loop; again if another writer added to
        the game meanwhile (its event was not in what the refold read)."""
        for _ in range(MAX_TRIES):
            game = core.games.get(msg.game_id)
            if game is None:
                raise EventRefused("unknown_game", f"no game {msg.game_id!r}; create it first")
            before = game.game_seq
            staged = [
                GameEvent(s.record.seq, s.record.kind, s.accepted.data, s.record.time)
                for s in self._pending.values()
                if s.record.game_id == msg.game_id
            ]  # taken before the read: what commits meanwhile is in one or the other
            source = self.journal.source()
            state = await self._folder.refold(source, msg.game_id, staged, msg.data)
            if core is not self.core:
                raise EventRefused("internal", "the journal was reloaded; retry with the same id")
            if core.games[msg.game_id].game_seq == before:
                return state
        raise EventRefused("internal", "the game kept changing; retry with the same id")

    # ------------------------------------------------------------------ group commit

    async def _flush_forever(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._staged = self._staged, []
            if not batch:
                if self._quiet():
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
                if self._quiet():
                    self._idle.set()

    def _quiet(self) -> bool:
        """Nothing staged, in a lane or being looked up."""
        return not (self._staged or self._lanes or self._intake_task)

    def _committed(self, batch: list[Staged]) -> None:
        for s in batch:
            del self._pending[s.record.pub_id]
        try:
            self.follower.deliver([s.accepted for s in batch])
        finally:  # durable is durable: acked even if a listener fails (then the hub dies)
            for s in batch:
                if not s.future.done():
                    s.future.set_result(Ack(s.record.pub_id, s.record.seq, s.state))
        self.follower.learn()

    # ------------------------------------------------------------------ failing

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
            item = s.item
            retry = EventRefused("internal", f"not published: {exc}; retry with the same id")
            if s.tries + 1 >= MAX_TRIES or item.msg.kind == "correction":
                _settle(item.future, retry)
                continue
            try:
                accepted = self.core.accept(item.msg, item.publisher, item.by, self.clock())
            except EventRefused as refused:  # the rules now say no: that is the answer
                refused.id = item.msg.id
                _settle(item.future, refused)
            else:
                self._stage(Staged(accepted, item, s.tries + 1))

    def _flusher_done(self, task: asyncio.Task[None]) -> None:
        """The flusher only ends by cancel at close; anything else is a dead core."""
        if not task.cancelled():
            self._die(task.exception() or RuntimeError("the journal flusher stopped"))

    def _die(self, exc: BaseException) -> None:
        if self.failed is not None:
            return
        self.failed = exc
        log.critical("the journal flusher died; stopping: %r", exc, exc_info=exc)
        for s in [*self._pending.values(), *self._staged]:
            _settle(s.future, EventRefused("internal", "not acked: the broadcaster is stopping"))
        self.dead.set()
        self._idle.set()

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

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


def _settle(future: asyncio.Future[Ack], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)


def _copy(into: asyncio.Future[Ack], done: asyncio.Future[Ack]) -> None:
    if into.done():
        return
    if done.cancelled() or done.exception() is not None:
        into.set_exception(done.exception() or EventRefused("internal", "not published"))
    else:
        into.set_result(done.result())
