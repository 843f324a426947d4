"""The journal on a replicated NATS JetStream stream (a ``JournalBackend``).

One stream (``SCORECAST``) holds every event, one subject per game
(``scorecast.games.<game>``); the stream's sequence is the event's ``seq``, and
the epoch is the stream's identity (``stream_codec.epoch_of``), so every node
sees the same ``(epoch, seq)``. An append is one JetStream *atomic batch*:
all of its events are stored or none. Its first message expects the stream's
last sequence to be ours (the hub numbered the events), and each game's first
message expects that game's subject's last sequence: if another writer got there
first, nothing is stored and ``AppendConflict`` names the games that moved. Each
message's ``Nats-Msg-Id`` is its publish id (JetStream refuses a duplicate).

A node starts from each game's last event, which the stream keeps per subject
(a consumer delivering the last message of every subject): an exact checkpoint
of every game's state, with no second write and no replay. Publish ids older
than JetStream's de-duplication window are found in a key-value bucket
(``nats_ids.py``), so a retried id is answered however old it is.

Why a loop in a thread: see ``nats_link.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import nats.js.errors
from nats.aio.msg import Msg
from nats.js.api import (
    ConsumerConfig,
    DeliverPolicy,
    StorageType,
    StreamConfig,
)

from broadcaster import stream_codec as codec
from broadcaster.errors import AppendConflict, JournalError
from broadcaster.nats_ids import IdIndex, bucket_of
from broadcaster.nats_link import TIMEOUT, Link, NatsFailure, seq_of
from broadcaster.storage import Record, StoredGame

log = logging.getLogger("broadcaster.nats_journal")
STREAM: Final = "SCORECAST"
MAX_BATCH: Final = 1000  # the server's limit of messages in one atomic batch
COMMIT_DEADLINE: Final = 20.0  # how long an append retries through a leader election
FOLLOW_HEARTBEAT: Final = 1.0  # seconds; a lost follower is re-created within two
DEDUP_WINDOW: Final = 600.0  # JetStream's own duplicate window; older ids: the IDS bucket
WRONG_LAST: Final = (10071, 10164)  # wrong last (subject) sequence
DUPLICATE_IN_BATCH: Final = 10201


@dataclass(slots=True)
class GameMark:
    seq: int  # the stream seq of the game's last event (its subject's last sequence)
    game_seq: int
    state: bytes


class NatsJournal:
    """An open stream journal. Create with ``NatsJournal.open(servers)``."""

    remote = True  # every read is a round trip to NATS

    def __init__(self, link: Link, stream: str, epoch: str) -> None:
        self._link = link
        self.stream = stream
        self.prefix = stream_prefix(stream)
        self.epoch = epoch
        self.last_seq = 0
        self._games: dict[str, GameMark] = {}
        self._ids = IdIndex(link, stream)
        self.deadline = COMMIT_DEADLINE  # how long an append retries before it fails

    # ------------------------------------------------------------------ open / close

    @classmethod
    def open(
        cls,
        servers: Sequence[str],
        *,
        stream: str = STREAM,
        replicas: int = 1,
        deadline: float = COMMIT_DEADLINE,
    ) -> NatsJournal:
        """Connect, create the stream and its bucket if missing, load the games."""
        link = Link(servers)
        try:
            config = StreamConfig(
                name=stream, subjects=[f"{stream_prefix(stream)}.>"], num_replicas=replicas,
                storage=StorageType.FILE, duplicate_window=DEDUP_WINDOW, allow_atomic=True,
                allow_direct=True,
            )  # fmt: skip
            ensure = link.ensure(config, bucket_of(stream), COMMIT_DEADLINE)
            created = link.run(ensure, what="create the stream")
            journal = cls(link, stream, codec.epoch_of(stream, created))
            journal.deadline = deadline
            link.run(journal._load_patiently(), what="load the games", timeout=600)
        except BaseException:
            link.close()
            raise
        return journal

    @property
    def reachable(self) -> bool:
        """Connected to NATS now (what a ``/healthz`` should report; the SQLite journal
        has no such state)."""
        return bool(self._link.nc.is_connected)

    def close(self) -> None:
        """Write the publish ids still queued (for up to 10 s), then disconnect."""
        try:
            if not self._link.run(self._ids.flush(10), what="index publish ids", timeout=15):
                log.warning("closing with publish ids unindexed; the next start indexes them")
        finally:
            self._link.close()

    async def _load_patiently(self) -> None:
        """``_load``, tried again for a while: a stream or bucket that another node has
        just created may not answer reads until its replicas have elected a leader."""
        give_up = time.monotonic() + COMMIT_DEADLINE
        while True:
            try:
                return await self._load()
            except NatsFailure as exc:
                if time.monotonic() > give_up:
                    raise
                log.info("loading the games: %r; trying again", exc)
                await asyncio.sleep(0.2)

    async def _load(self) -> None:
        """Each game from its last event (the stream keeps it per subject: a checkpoint
        that is always exact), then the ids the index missed (a writer's crash)."""
        lasts = await self._link.scan(self.stream, [f"{self.prefix}.>"], last_per_subject=True)
        records = sorted((codec.decode_record(seq_of(m), m.data) for m in lasts), key=_seq)
        self._follow(records)  # as of the newest: every game's last is at or before it
        self.last_seq = records[-1].seq if records else 0
        self._ids.add(await self._read_after(await self._ids.through(), self.last_seq))

    async def _read_after(self, seq: int, upto: int) -> list[Record]:
        later = await self._link.scan(self.stream, [f"{self.prefix}.>"], seq + 1, stop=upto)
        return [codec.decode_record(seq_of(m), m.data) for m in later]

    def _follow(self, records: Iterable[Record]) -> None:
        for r in records:
            self._games[r.game_id] = GameMark(r.seq, r.game_seq, r.state or codec.state_of(r.frame))

    def _learn(self, records: Sequence[Record]) -> None:
        """Stored events, in seq order, from any source (our append, a catch-up, the
        follower): those after ``last_seq`` move the games' marks and get indexed, so a
        node's ``=through`` never claims ids it did not put."""
        new = [r for r in records if r.seq > self.last_seq]
        if new:
            self._follow(new)
            self._ids.add(new)
            self.last_seq = new[-1].seq

    def catch_up(self) -> list[Record]:
        """The events other writers appended after ``last_seq``, oldest first; ``games``
        and ``last_seq`` follow them. What a node does after ``AppendConflict``: feed
        them to its core, then validate again."""
        return self._link.run(self._catch_up(), what="catch up")

    async def _catch_up(self) -> list[Record]:
        info = await self._link.js.stream_info(self.stream)
        records = await self._read_after(self.last_seq, info.state.last_seq)
        self._learn(records)
        return records

    def follow(self, after: int, deliver: Callable[[Record], None]) -> Callable[[], None]:
        """Call ``deliver`` with every event after seq ``after``, in seq order, as the
        stream gets it (from any node), on the link's thread; returns ``stop``. What a
        node fans out; the journal learns each event too (its marks stay current, so
        this node's next append expects the right last sequences)."""

        async def on_message(msg: Msg) -> None:
            r = codec.decode_record(seq_of(msg), msg.data)
            r = dataclasses.replace(r, state=codec.state_of(r.frame))
            self._learn((r,))
            deliver(r)

        config = ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
                                opt_start_seq=after + 1)  # fmt: skip
        subscribe = self._link.js.subscribe(
            f"{self.prefix}.>", stream=self.stream, cb=on_message, config=config,
            ordered_consumer=True,  # re-created by the client from where it was, if lost
            idle_heartbeat=FOLLOW_HEARTBEAT,  # lost: two heartbeats missed
        )  # fmt: skip
        sub = self._link.run(subscribe, what="follow the stream")
        return lambda: self._link.run(sub.unsubscribe(), what="stop following")

    # ------------------------------------------------------------------ writing

    def append(self, records: Sequence[Record]) -> None:
        """Store ``records`` atomically, or raise ``AppendConflict`` if another writer got
        there first, ``JournalError`` if NATS stays away (nothing stored either way).

        After a conflict the journal has caught up (``games``, ``last_seq``: the stream's),
        so a hub that reloads from it, as after any failed write, validates the refused
        publishes' retries against the current state."""
        if records:
            self._link.run(self._append(records), what="append", timeout=self.deadline + 30)

    async def _append(self, records: Sequence[Record]) -> None:
        for start in range(0, len(records), MAX_BATCH):  # atomic per MAX_BATCH events
            chunk = records[start : start + MAX_BATCH]
            try:
                await self._commit(chunk)
            except AppendConflict:
                with contextlib.suppress(*NatsFailure):  # else the next conflict catches up
                    await self._catch_up()
                raise
            self._learn(chunk)

    async def _commit(self, chunk: Sequence[Record]) -> None:
        """One atomic batch; retried (safely: it expects the stream's last seq) until the
        deadline while NATS elects a leader or reconnects."""
        deadline, refusals = time.monotonic() + self.deadline, 0
        while True:
            try:
                answer = await self._send(chunk)
                error = answer.get("error")
            except NatsFailure as exc:
                error = f"no answer: {exc!r}"
            if error is None or await self._stored(chunk):  # a late answer to an earlier try
                return
            if isinstance(error, dict):
                await self._refuse(chunk, error)
                refusals += error.get("code") == 400
            if time.monotonic() > deadline or refusals >= 3:
                raise JournalError(f"NATS stream {self.stream}: append failed: {error}")
            await asyncio.sleep(0.1)  # an election or a reconnect is under way

    async def _send(self, chunk: Sequence[Record]) -> dict[str, Any]:
        """Publish ``chunk`` as one atomic batch; the stream's answer to its commit."""
        nc, batch, seen = self._link.nc, uuid.uuid4().hex, set[str]()
        for i, r in enumerate(chunk, 1):
            headers = {"Nats-Msg-Id": r.pub_id, "Nats-Batch-Id": batch,
                       "Nats-Batch-Sequence": str(i)}  # fmt: skip
            if i == 1:
                headers["Nats-Expected-Last-Sequence"] = str(r.seq - 1)
            if r.game_id not in seen:  # later ones are behind it in the same batch
                seen.add(r.game_id)  # the state its rules ran on, not what we heard since
                headers["Nats-Expected-Last-Subject-Sequence"] = str(r.prev_seq)
            subject, payload = codec.subject(self.prefix, r.game_id), codec.encode_record(r)
            if i < len(chunk):
                await nc.publish(subject, payload, headers=headers)
            else:
                headers["Nats-Batch-Commit"] = "1"
                reply = await nc.request(subject, payload, timeout=TIMEOUT, headers=headers)
        answer: dict[str, Any] = json.loads(reply.data)
        return answer

    async def _stored(self, chunk: Sequence[Record]) -> bool:
        """Did an unanswered batch get stored? (It is stored whole or not at all.)"""
        try:
            msg = await self._link.js.get_msg(self.stream, seq=chunk[-1].seq)
        except nats.js.errors.NotFoundError:
            return False
        except NatsFailure:
            return False  # cannot tell yet: the retry's expected last sequence decides
        if (
            msg.data is not None
            and codec.decode_record(chunk[-1].seq, msg.data).pub_id == chunk[-1].pub_id
        ):
            return True
        raise await self._conflict(chunk, "the stream moved on")

    async def _refuse(self, chunk: Sequence[Record], error: dict[str, Any]) -> None:
        """Raise for an answer that a retry cannot change (anything else is retried: a
        leader election, a batch cut by a reconnect; a 400 three times at most)."""
        code = error.get("err_code")
        if code in WRONG_LAST:
            raise await self._conflict(chunk, str(error.get("description")))
        if code == DUPLICATE_IN_BATCH:
            raise AppendConflict(
                tuple(dict.fromkeys(r.game_id for r in chunk)),
                "another writer already stored one of these publish ids",
            )

    async def _conflict(self, chunk: Sequence[Record], why: str) -> AppendConflict:
        moved = []
        for game_id in dict.fromkeys(r.game_id for r in chunk):
            try:
                last = await self._link.js.get_last_msg(
                    self.stream, codec.subject(self.prefix, game_id)
                )
                seq = last.seq or 0
            except nats.js.errors.NotFoundError:
                seq = 0
            known = self._games.get(game_id)
            if seq != (known.seq if known else 0):
                moved.append(game_id)
        return AppendConflict(
            tuple(moved), f"another writer appended first ({why}); nothing stored"
        )

    # ------------------------------------------------------------------ reading

    def games(self) -> list[StoredGame]:
        return [
            StoredGame(game_id, g.game_seq, g.state) for game_id, g in list(self._games.items())
        ]

    def find_publish(self, pub_id: str) -> Record | None:
        """The stored event with this id. The hub asks on its event loop for every new
        publish, so this fails at once (``JournalError``: the publish is refused with
        ``internal``) while NATS is away, instead of holding the loop."""
        if not self.reachable:
            raise JournalError(f"NATS {self._link.servers} is unreachable")
        return self._link.run(self._find_publish(pub_id), what="find a publish id", timeout=TIMEOUT)

    def newest(self) -> int:
        """The stream's last sequence now (one round trip)."""

        async def last() -> int:
            return int((await self._link.js.stream_info(self.stream)).state.last_seq)

        return self._link.run(last(), what="read the stream's last seq", timeout=TIMEOUT)

    def find_publishes(self, pub_ids: Sequence[str]) -> dict[str, Record]:
        """Several ids' events at once (the lookups run concurrently on the link)."""
        if not self.reachable:
            raise JournalError(f"NATS {self._link.servers} is unreachable")

        async def lookup() -> list[Record | None]:
            return await asyncio.gather(*(self._find_publish(i) for i in pub_ids))

        found = self._link.run(lookup(), what="find publish ids", timeout=TIMEOUT)
        return {r.pub_id: r for r in found if r is not None}

    async def _find_publish(self, pub_id: str) -> Record | None:
        seq = await self._ids.seq_of(pub_id)
        if seq is None:
            return None
        record = await self._get(seq)
        return record if record is not None and record.pub_id == pub_id else None

    async def _get(self, seq: int) -> Record | None:
        try:
            msg = await self._link.js.get_msg(self.stream, seq=seq)
        except nats.js.errors.NotFoundError:
            return None
        return None if msg.data is None else codec.decode_record(seq, msg.data)

    def publisher_of(self, seq: int) -> str | None:
        record = self._link.run(self._get(seq), what="read an event") if seq > 0 else None
        return None if record is None else record.publisher

    def game_events(self, game_id: str) -> list[Record]:
        return read_game_events(self._link, self.stream, game_id)

    def source(self) -> NatsSource:
        return NatsSource(tuple(self._link.servers), self.stream)

    def frames(
        self, after: int, upto: int, games: Sequence[str] | None, limit: int
    ) -> list[tuple[int, str, bytes]]:
        if games is not None and not games:
            return []
        filters = (
            [f"{self.prefix}.>"]
            if games is None
            else [codec.subject(self.prefix, g) for g in games]
        )
        scan = self._link.scan(self.stream, filters, after + 1, stop=upto, limit=limit)
        msgs = self._link.run(scan, what="read events")
        return [
            (r.seq, r.game_id, r.frame)
            for r in (codec.decode_record(seq_of(m), m.data) for m in msgs)
        ]

    def history(self, game_id: str, before: int | None, limit: int, after: int = 0) -> list[bytes]:
        stop = None if before is None else before - 1
        scan = self._link.scan(
            self.stream, [codec.subject(self.prefix, game_id)], after + 1, stop=stop
        )
        last: deque[bytes] = deque(maxlen=limit)
        for msg in self._link.run(scan, what="read a game's history"):
            last.append(codec.decode_record(seq_of(msg), msg.data).frame)
        return list(reversed(last))


@dataclass(frozen=True)
class NatsSource:
    """Reads one game's events from the stream, in any process (the refold worker)."""

    servers: tuple[str, ...]
    stream: str

    def game_events(self, game_id: str) -> list[Record]:
        link = _links.get(self.servers)
        if link is None:
            link = _links[self.servers] = Link(self.servers)
        return read_game_events(link, self.stream, game_id)


_links: dict[tuple[str, ...], Link] = {}  # per process: the refold worker's connections


def close_sources() -> None:
    """Close this process's ``NatsSource`` connections (a worker's die with it)."""
    while _links:
        _links.popitem()[1].close()


def _seq(record: Record) -> int:
    return record.seq


def stream_prefix(stream: str) -> str:
    """The subjects' prefix of a stream's games: ``scorecast.games`` for ``SCORECAST``."""
    return f"{stream.lower()}.games"


def read_game_events(link: Link, stream: str, game_id: str) -> list[Record]:
    scan = link.scan(stream, [codec.subject(stream_prefix(stream), game_id)])
    return [codec.decode_record(seq_of(m), m.data) for m in link.run(scan, what="read a game")]
