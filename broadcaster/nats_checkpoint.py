"""The stream journal's checkpoint: each game's latest state and every publish id's seq,
in two JetStream key-value buckets, written behind the appends.

``<stream>_GAMES`` holds one key per game (its state, ``game_seq`` and the seq it is
as of) and ``=through``: every event up to that seq is in both buckets. ``<stream>_IDS``
maps each publish id to its seq, so a retried id is found however old it is.

Why behind: an append is durable once the stream has it; waiting for the buckets
too would triple its latency. So appended records queue here and one task on the
link's loop writes them (coalesced: ids of all, the latest state per game, then
``=through``), retrying while NATS is away. Until then ``seq_of`` answers their ids
from memory, and an opener replays whatever is after ``=through`` — so a crash
between an append and its checkpoint loses nothing, it only costs a longer start.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import nats.js.errors

from broadcaster import stream_codec as codec
from broadcaster.nats_link import Link, NatsFailure
from broadcaster.storage import Record

log = logging.getLogger("broadcaster.nats_journal")
PUTS_AT_ONCE: Final = 256  # bucket writes in flight at once
RETRY: Final = 0.5  # seconds between attempts while NATS is away


@dataclass(slots=True)
class GameMark:
    seq: int  # the stream seq of the game's last event (its subject's last sequence)
    game_seq: int
    state: bytes


class Checkpoint:
    """Loads the games at open, then keeps the buckets following the appends."""

    def __init__(self, link: Link, stream: str, games: Callable[[], dict[str, GameMark]]) -> None:
        self._link = link
        self._games_kv, self._ids_kv = self.buckets_of(stream)
        self._games = games
        self._queue: list[Record] = []
        self._unwritten: dict[str, int] = {}  # publish id → seq, not yet in the IDS bucket
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None

    @staticmethod
    def buckets_of(stream: str) -> tuple[str, str]:
        """The games' and the publish ids' buckets of ``stream``."""
        return f"{stream}_GAMES", f"{stream}_IDS"

    async def load(self) -> tuple[int, dict[str, GameMark]]:
        """``=through`` and every game's checkpointed state."""
        gkv = self._games_kv
        entries = await self._link.scan(f"KV_{gkv}", [f"$KV.{gkv}.>"], last_per_subject=True)
        through, games = 0, {}
        for msg in entries:
            if msg.subject == f"$KV.{gkv}.{codec.THROUGH_KEY}":
                through = int(msg.data)
            else:
                cp = codec.decode_checkpoint(msg.data)
                games[cp.game_id] = GameMark(cp.seq, cp.game_seq, bytes(cp.state))
        return through, games

    def add(self, records: Iterable[Record]) -> None:
        """Queue appended records (on the link's loop)."""
        for r in records:
            self._queue.append(r)
            self._unwritten[r.pub_id] = r.seq
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._write_forever())
        self._idle.clear()
        self._wake.set()

    async def seq_of(self, pub_id: str) -> int | None:
        """The seq of the event with this publish id, if one is stored."""
        if pub_id in self._unwritten:
            return self._unwritten[pub_id]
        ikv = self._ids_kv
        try:
            entry = await self._link.js.get_msg(
                f"KV_{ikv}", subject=f"$KV.{ikv}.{codec.token(pub_id)}"
            )
        except nats.js.errors.NotFoundError:
            return None
        return int(entry.data or b"0")

    async def flush(self, timeout: float) -> bool:
        """Wait until the queue is written (False: NATS stayed away), then stop."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
            return True
        except TimeoutError:
            return False
        finally:
            if self._task is not None:
                self._task.cancel()

    async def _write_forever(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._queue:
                records, self._queue = self._queue, []
                await self._write(records)
                for r in records:
                    self._unwritten.pop(r.pub_id, None)
            self._idle.set()

    async def _write(self, records: Sequence[Record]) -> None:
        while True:
            try:
                await self._put(records)
                return
            except NatsFailure as exc:
                log.warning("checkpoint through seq %d: %r; retrying", records[-1].seq, exc)
                await asyncio.sleep(RETRY)

    async def _put(self, records: Sequence[Record]) -> None:
        js, gkv, ikv, games = self._link.js, self._games_kv, self._ids_kv, self._games()
        puts = [(f"$KV.{ikv}.{codec.token(r.pub_id)}", str(r.seq).encode()) for r in records]
        for game_id in dict.fromkeys(r.game_id for r in records):
            g = games[game_id]
            value = codec.encode_checkpoint(game_id, g.seq, g.game_seq, g.state)
            puts.append((f"$KV.{gkv}.{codec.token(game_id)}", value))
        for start in range(0, len(puts), PUTS_AT_ONCE):
            await asyncio.gather(*(js.publish(s, v) for s, v in puts[start : start + PUTS_AT_ONCE]))
        await js.publish(f"$KV.{gkv}.{codec.THROUGH_KEY}", str(records[-1].seq).encode())
