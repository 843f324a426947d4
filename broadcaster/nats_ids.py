"""Every publish id's seq, in a JetStream key-value bucket written behind the appends.

JetStream's own de-duplication (``Nats-Msg-Id``) only remembers a window of ids;
``<stream>_IDS`` maps every publish id to its seq, so a retried id is found however
old it is. ``=through`` says every event up to that seq has its id in the bucket.

Why behind: an append is durable once the stream has it; waiting for the bucket
too would double its latency. So appended records queue here and one task on the
link's loop writes them (coalesced, then ``=through``), retrying while NATS is
away. Until then ``seq_of`` answers their ids from memory, and an opener puts in
the ids of the events after ``=through`` — so a crash between an append and its
index loses nothing. Every key gets one value, ever (an id's seq), so writers that
race cannot make the bucket go back; only ``=through`` can, which costs a longer start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable, Sequence
from typing import Final

import nats.js.errors

from broadcaster import stream_codec as codec
from broadcaster.nats_link import Link, NatsFailure
from broadcaster.storage import Record

log = logging.getLogger("broadcaster.nats_journal")
PUTS_AT_ONCE: Final = 256  # bucket writes in flight at once
RETRY: Final = 0.5  # seconds between attempts while NATS is away


def bucket_of(stream: str) -> str:
    return f"{stream}_IDS"


class IdIndex:
    """Publish id → seq, for ``find_publish``."""

    def __init__(self, link: Link, stream: str) -> None:
        self._link = link
        self._bucket = bucket_of(stream)
        self._queue: list[Record] = []
        self._unwritten: dict[str, int] = {}  # publish id → seq, not yet in the bucket
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None

    async def through(self) -> int:
        """Every event up to this seq has its id in the bucket."""
        seq = await self._get(codec.THROUGH_KEY)
        return 0 if seq is None else seq

    def add(self, records: Iterable[Record]) -> None:
        """Queue stored records' ids (on the link's loop)."""
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
        return await self._get(codec.token(pub_id))

    async def _get(self, key: str) -> int | None:
        try:
            entry = await self._link.js.get_msg(
                f"KV_{self._bucket}", subject=f"$KV.{self._bucket}.{key}"
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
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task

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
        """The ids, then ``=through`` (only once every id before it is in)."""
        ids = [(codec.token(r.pub_id), r.seq) for r in records]
        for start in range(0, len(ids), PUTS_AT_ONCE):
            await self._put(ids[start : start + PUTS_AT_ONCE])
        await self._put([(codec.THROUGH_KEY, records[-1].seq)])

    async def _put(self, entries: Sequence[tuple[str, int]]) -> None:
        js, bucket = self._link.js, self._bucket
        while True:
            try:
                await asyncio.gather(
                    *(js.publish(f"$KV.{bucket}.{key}", str(seq).encode()) for key, seq in entries)
                )
                return
            except NatsFailure as exc:
                log.warning("publish ids to %s: %r; retrying", bucket, exc)
                await asyncio.sleep(RETRY)
