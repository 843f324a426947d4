"""One connection to NATS on its own asyncio loop, behind blocking calls.

Why a loop in a thread: nats-py speaks asyncio only, while a ``JournalBackend`` is
blocking by contract — the hub calls it from its journal writer and reader threads,
and the refold worker process from its main thread. So each journal owns one
event loop running in a daemon thread, holding the connection; a blocking method
hands a coroutine to that loop (``run``) and waits for its result. Calls from
several threads interleave on that one loop, and the hub's own loop never waits
on NATS.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Coroutine, Sequence
from typing import Any, Final, TypeVar

import nats
import nats.errors
import nats.js.errors
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, KeyValueConfig, StreamConfig

from broadcaster.errors import JournalError

T = TypeVar("T")
log = logging.getLogger("broadcaster.nats")
TIMEOUT: Final = 5.0  # one request to NATS
FETCH: Final = 1000  # messages per pull from a reading consumer
NO_PEERS_YET: Final = 10005  # "no suitable peers for placement": a cluster still starting
READ_TRIES: Final = 3  # a read that times out (a busy machine, a leader change)
CONNECT_TRIES: Final = 2  # per server, before a start fails
PLACEMENT_TRIES: Final = 40  # (2/3)**40: once in 10 million reads on three servers

NatsFailure = (nats.errors.Error, asyncio.TimeoutError, OSError)


class Link:
    """A NATS connection and its JetStream context, used from any thread."""

    def __init__(self, servers: Sequence[str]) -> None:
        self.servers = list(servers)
        self._closing = False
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="nats", daemon=True)
        self._thread.start()
        try:
            self.nc = self.run(
                nats.connect(
                    servers=self.servers,
                    connect_timeout=2,
                    reconnect_time_wait=0.2,
                    max_reconnect_attempts=CONNECT_TRIES,  # the first connect gives up
                    error_cb=_error,
                    disconnected_cb=self._disconnected,
                    reconnected_cb=_reconnected,
                ),
                what="connect",
            )
        except JournalError:
            self._stop_loop()
            raise
        self.nc.options["max_reconnect_attempts"] = -1  # once connected: reconnect forever
        self.js = self.nc.jetstream(timeout=TIMEOUT)

    def run(self, coro: Coroutine[Any, Any, T], *, what: str, timeout: float = 30.0) -> T:
        """Run ``coro`` on the link's loop and wait for it; NATS failures become
        ``JournalError`` (``JournalError`` raised inside passes through)."""
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except NatsFailure as exc:  # a TimeoutError is one too: ours or one inside
            if not future.done():
                future.cancel()
                raise JournalError(
                    f"NATS {self.servers}: {what} took over {timeout:.0f} s"
                ) from exc
            raise JournalError(f"NATS {self.servers}: {what} failed: {exc!r}") from exc

    def close(self) -> None:
        self._closing = True
        try:
            self.run(self.nc.close(), what="close", timeout=10)
        finally:
            self._stop_loop()

    async def _disconnected(self) -> None:
        if not self._closing:
            log.warning("NATS: disconnected; reconnecting")

    def _stop_loop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()

    async def ensure(self, config: StreamConfig, bucket: str, deadline: float) -> str:
        """Create the stream and a key-value bucket if missing, waiting up to ``deadline``
        seconds for a cluster that has just (re)started to answer and see enough servers;
        the stream's creation time."""
        give_up = time.monotonic() + deadline
        while True:
            try:
                return await self._create(config, bucket)
            except nats.js.errors.APIError as exc:
                starting = exc.err_code == NO_PEERS_YET or exc.code == 503
                if not starting or time.monotonic() > give_up:
                    raise
            except (TimeoutError, nats.errors.NoRespondersError):  # JetStream recovering
                if time.monotonic() > give_up:
                    raise
            await asyncio.sleep(0.2)

    async def _create(self, config: StreamConfig, bucket: str) -> str:
        assert config.name is not None
        try:
            info = await self.js.stream_info(config.name)
        except nats.js.errors.NotFoundError:
            info = await self.js.add_stream(config)  # the same twice (a race) is no error
        try:
            await self.js.key_value(bucket)
        except nats.js.errors.BucketNotFoundError:
            kv = KeyValueConfig(bucket=bucket, history=1, replicas=config.num_replicas or 1)
            await self.js.create_key_value(kv)
        if info.created is None:
            raise JournalError(f"NATS stream {config.name} has no creation time")
        return info.created.isoformat()

    async def scan(
        self,
        stream: str,
        filters: Sequence[str],
        start: int = 1,
        *,
        stop: int | None = None,
        limit: int | None = None,
        last_per_subject: bool = False,
    ) -> list[Msg]:
        """Messages of ``stream`` matching ``filters`` from ``start`` (or the last one of
        each subject), oldest first, up to seq ``stop`` and ``limit`` messages.

        An ephemeral in-memory consumer that acknowledges nothing; it is deleted after."""
        if (stop is not None and stop < start) or limit == 0:
            return []
        policy = (
            DeliverPolicy.LAST_PER_SUBJECT if last_per_subject else DeliverPolicy.BY_START_SEQUENCE
        )
        config = ConsumerConfig(
            deliver_policy=policy,
            opt_start_seq=None if last_per_subject else start,
            ack_policy=AckPolicy.NONE,
            filter_subjects=list(filters),
            mem_storage=True,
            num_replicas=1,
            inactive_threshold=60.0,
        )
        for attempt in range(1, READ_TRIES + 1):  # a read changes nothing: try it again
            try:
                return await self._read(stream, config, stop, limit)
            except (
                TimeoutError,
                nats.errors.NoRespondersError,
                nats.js.errors.ServiceUnavailableError,  # JetStream (re)starting
            ) as exc:
                if attempt == READ_TRIES:
                    raise
                log.warning("NATS read of %s: %r; trying again", stream, exc)
                await asyncio.sleep(0.2 * attempt)
        raise AssertionError("unreachable")

    async def _read(
        self, stream: str, config: ConsumerConfig, stop: int | None, limit: int | None
    ) -> list[Msg]:
        name = await self._on_leader(stream, config)
        sub = await self.js.pull_subscribe_bind(stream=stream, name=name)
        try:
            return await _drain(sub, stop, limit)
        finally:
            await sub.unsubscribe()
            with contextlib.suppress(*NatsFailure):  # its inactive threshold removes it anyway
                await self.js.delete_consumer(stream, name)

    async def _on_leader(self, stream: str, config: ConsumerConfig) -> str:
        """Create a reading consumer on the stream's leader. A follower may not have every
        acked event yet, and a consumer counts what is pending on its own replica, so a
        read there can end early. NATS puts a one-replica consumer on any of the stream's
        servers, so try again until it lands on the leader."""
        info = await self.js.stream_info(stream)
        leader = info.cluster.leader if info.cluster is not None else None
        for _ in range(PLACEMENT_TRIES):
            config.name = uuid.uuid4().hex
            placed = await self.js.add_consumer(stream, config)
            if leader is None or placed.cluster is None or placed.cluster.leader == leader:
                return config.name
            await self.js.delete_consumer(stream, config.name)
        raise JournalError(f"NATS stream {stream}: no reader on its leader {leader}")


async def _drain(sub: Any, stop: int | None, limit: int | None) -> list[Msg]:
    """Fetch exactly what the consumer has pending (so no fetch waits for more)."""
    pending: int = (await sub.consumer_info()).num_pending
    out: list[Msg] = []
    while pending > 0:
        want = min(pending, FETCH, (limit - len(out)) if limit is not None else FETCH)
        for msg in await sub.fetch(want, timeout=TIMEOUT):
            meta = msg.metadata
            if stop is not None and meta.sequence.stream > stop:
                return out
            out.append(msg)
            pending = meta.num_pending
            if limit is not None and len(out) >= limit:
                return out
    return out


async def _error(exc: Exception) -> None:
    log.warning("NATS: %r", exc)


async def _reconnected() -> None:
    log.warning("NATS: reconnected")


def seq_of(msg: Msg) -> int:
    seq: int = msg.metadata.sequence.stream
    return seq
