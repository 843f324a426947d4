"""Games, rules and idempotency in front of the journal; knows nothing of sockets.

``Hub.publish`` validates an event against its game at once (refusals never
touch the journal or burn a ``seq``), stages it, and returns a future that
resolves to its ``Ack`` once the event is durable. Staged events are written
by one flusher task in batches: every publish that arrives while a batch is
being written joins the next one (group commit), so one fsync serves many
publishes. After a batch is durable the listeners (the server's fan-out)
receive it, in ``seq`` order, before the acks are sent.

If a write fails (full disk, I/O error) every staged event is refused with
``internal``, the in-memory games are reloaded from the journal, and the
hub goes on: what was acked stays, what was not is not half-published.
"""

from __future__ import annotations

import asyncio
import logging
import time as _time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import msgspec

from broadcaster.errors import EventRefused, JournalError, RuleViolation
from broadcaster.journal import Journal, Record
from broadcaster.protocol import Ack, Event, GameState, Publish, decode_event, decode_state, encode
from broadcaster.sports import SPORTS, Sport, apply, create_game
from broadcaster.sports.replay import GameEvent, corrected

log = logging.getLogger("broadcaster.hub")
_json = msgspec.json.Encoder()
_decode_data = msgspec.json.Decoder(dict[str, Any])
AT_SKEW = 300.0  # how far in the future a publish's ``at`` may be (clock skew), in seconds


@dataclass(slots=True)
class Staged:
    """An accepted event on its way to the journal."""

    record: Record
    state: GameState
    future: asyncio.Future[Ack]
    data: Mapping[str, Any]


@dataclass(slots=True)
class Game:
    state: GameState  # after every accepted event, staged ones included
    game_seq: int
    events: list[GameEvent] | None = None  # loaded on the first correction


CommitListener = Callable[[Sequence[Staged]], None]


@dataclass
class Hub:
    journal: Journal
    sports: Mapping[str, Sport] = field(default_factory=lambda: SPORTS)
    clock: Callable[[], float] = _time.time

    def __post_init__(self) -> None:
        self.epoch = self.journal.epoch
        self.listeners: list[CommitListener] = []
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="journal-writer")
        self._reader = ThreadPoolExecutor(1, thread_name_prefix="journal-reader")
        self._staged: list[Staged] = []
        self._pending: dict[str, Staged] = {}
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._flusher: asyncio.Task[None] | None = None
        self._load()

    # ------------------------------------------------------------------ lifecycle

    def _load(self) -> None:
        """(Re)build every game from the journal's state table."""
        self.games: dict[str, Game] = {}
        self.committed: dict[str, GameState] = {}
        for stored in self.journal.games():
            state = decode_state(stored.state)
            self.games[stored.game_id] = Game(state, stored.game_seq)
            self.committed[stored.game_id] = state
        self.committed_seq = self.journal.last_seq
        self._next_seq = self.committed_seq + 1

    def start(self) -> None:
        self._flusher = asyncio.get_running_loop().create_task(self._flush_forever())

    async def close(self) -> None:
        """Write what is staged, then stop and close the journal."""
        await self.flushed()
        if self._flusher is not None:
            self._flusher.cancel()
            await asyncio.gather(self._flusher, return_exceptions=True)
        self._writer.shutdown(wait=True)
        self._reader.shutdown(wait=True)
        self.journal.close()

    async def flushed(self) -> None:
        """Wait until every staged event is durable (or refused)."""
        while self._staged or not self._idle.is_set():
            await self._idle.wait()
            await asyncio.sleep(0)

    # ------------------------------------------------------------------ publishing

    def publish(self, msg: Publish, publisher: str, by: str | None = None) -> asyncio.Future[Ack]:
        """Accept or refuse one publish; the future resolves once it is durable.

        ``publisher`` is the audit trail's full identity; ``by`` the operator's name that
        subscribers see on the event."""
        pending = self._pending.get(msg.id)
        if pending is not None:
            self._check_same(msg, pending.record.game_id, pending.record.kind, pending.data)
            return pending.future
        stored = self.journal.find_publish(msg.id)
        if stored is not None:
            self._check_same(msg, stored.game_id, stored.kind, _decode_data.decode(stored.data))
            event = decode_event(stored.frame)
            done = asyncio.get_running_loop().create_future()
            done.set_result(Ack(msg.id, event.seq, event.state))
            return done
        now = self.clock()
        if msg.at is not None and msg.at > now + AT_SKEW:
            raise RuleViolation(f"'at' is {msg.at - now:.0f} s in the future; check the clock")
        seq = self._next_seq
        state, game = self._next_state(msg, now)
        state = msgspec.structs.replace(state, seq=seq)
        game_seq = game.game_seq + 1 if game else 1
        event = Event(
            self.epoch,
            seq,
            now,
            msg.game_id,
            game_seq,
            msg.kind,
            msg.data,
            state,
            at=msg.at,
            clock=msg.clock,
            by=by,
        )
        record = Record(
            seq=seq,
            game_id=msg.game_id,
            game_seq=game_seq,
            pub_id=msg.id,
            publisher=publisher,
            kind=msg.kind,
            data=_json.encode(msg.data),
            time=now,
            frame=encode(event),
            state=encode(state),
        )
        self._next_seq += 1
        if game is None:
            game = self.games[msg.game_id] = Game(state, 0)
        game.state, game.game_seq = state, game_seq
        if game.events is not None:
            game.events.append(GameEvent(seq, msg.kind, msg.data, now))
        staged = Staged(record, state, asyncio.get_running_loop().create_future(), msg.data)
        self._staged.append(staged)
        self._pending[msg.id] = staged
        self._wake.set()
        return staged.future

    def _next_state(self, msg: Publish, now: float) -> tuple[GameState, Game | None]:
        game = self.games.get(msg.game_id)
        if msg.kind == "game.create":
            if game is not None:
                raise RuleViolation(f"game {msg.game_id} already exists")
            return create_game(msg.game_id, msg.data, self.sports), None
        if game is None:
            raise EventRefused("unknown_game", f"no game {msg.game_id!r}; create it first")
        if msg.kind == "correction":
            return corrected(
                msg.game_id, self._events(msg.game_id, game), msg.data, self.sports
            ), game
        return apply(self.sports[game.state.sport], game.state, msg.kind, msg.data, now), game

    @staticmethod
    def _check_same(msg: Publish, game_id: str, kind: str, data: Mapping[str, Any]) -> None:
        if (msg.game_id, msg.kind, msg.data) != (game_id, kind, data):
            raise EventRefused(
                "duplicate_id", f"id {msg.id!r} was already used for another event", id=msg.id
            )

    def _events(self, game_id: str, game: Game) -> list[GameEvent]:
        """Every event of a game, stored and staged, loaded once and kept up to date."""
        if game.events is None:
            events = [
                GameEvent(r.seq, r.kind, _decode_data.decode(r.data), r.time)
                for r in self.journal.game_events(game_id)
            ]
            stored = events[-1].seq if events else 0
            events += [
                GameEvent(s.record.seq, s.record.kind, s.data, s.record.time)
                for s in self._pending.values()
                if s.record.game_id == game_id and s.record.seq > stored
            ]
            game.events = events
        return game.events

    # ------------------------------------------------------------------ group commit

    async def _flush_forever(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._staged = self._staged, []
            if not batch:
                continue
            self._idle.clear()
            try:
                await loop.run_in_executor(
                    self._writer, self.journal.append, [s.record for s in batch]
                )
            except JournalError as exc:
                self._fail([*batch, *self._staged], exc)
            else:
                self._committed(batch)
            finally:
                if not self._staged:
                    self._idle.set()

    def _committed(self, batch: list[Staged]) -> None:
        self.committed_seq = batch[-1].record.seq
        for s in batch:
            self.committed[s.record.game_id] = s.state
            del self._pending[s.record.pub_id]
        for listener in self.listeners:
            listener(batch)
        for s in batch:
            if not s.future.done():
                s.future.set_result(Ack(s.record.pub_id, s.record.seq, s.state))

    def _fail(self, staged: list[Staged], exc: JournalError) -> None:
        log.error("journal write failed, %d event(s) refused: %s", len(staged), exc)
        self._staged = []
        for s in staged:
            if not s.future.done():
                s.future.set_exception(
                    EventRefused("internal", f"not published: {exc}", id=s.record.pub_id)
                )
        self._pending.clear()
        self._load()

    # ------------------------------------------------------------------ reading

    async def read(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a blocking journal read off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self._reader, fn, *args)

    def snapshot(self, match: Callable[[GameState], bool]) -> list[GameState]:
        """Committed states of the matching games, as of ``committed_seq``."""
        return [s for s in self.committed.values() if match(s)]
