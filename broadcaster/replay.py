"""``broadcaster replay``: publish a feed file into a running broadcaster.

Idempotent and resumable: publish ids in a feed are deterministic, so running
a feed again sends the same ids and the broadcaster acks the events it already
has without counting them twice. A re-run with pacing first walks through
what the broadcaster already has (one publish at a time, no waiting) and
starts the clock at the first event it did not have. A dropped connection is
reopened and the replay goes on from the first unanswered publish.

Many publishes are kept in flight, but the sender stays under the
broadcaster's per-publisher rate limit (PROTOCOL.md: 1,000/s by default,
else it is closed with 1008).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Subprotocol

from broadcaster.errors import LocalError
from broadcaster.feed import FeedError, FeedItem, parse_feed
from broadcaster.protocol import SUBPROTOCOL, Ack, Error, Hello, encode, parse_server_message

log = logging.getLogger("broadcaster.replay")
RATE = 800.0  # publishes/s, under the broadcaster's default 1,000/s
WINDOW = 200  # publishes in flight
RETRIES = 8


@dataclass
class ReplayResult:
    sent: int = 0
    new: int = 0  # acked events the broadcaster did not have
    duplicates: int = 0  # acked events it already had (a re-run)
    errors: list[str] = field(default_factory=list)
    answered: int = 0  # the feed's first publishes that have an answer: where a resume starts


@dataclass
class _Pacer:
    """Keeps the feed's ``at`` pacing (scaled by ``speed``) and the publish rate."""

    speed: float | None
    rate: float = RATE
    base_at: float | None = None
    base_time: float = 0.0
    next_slot: float = 0.0

    def restart(self, at: float | None) -> None:
        self.base_at, self.base_time = at, time.monotonic()

    async def wait(self, at: float | None) -> None:
        now = time.monotonic()
        delay = 0.0
        if self.speed and at is not None:
            if self.base_at is None:
                self.restart(at)
            delay = self.base_time + (at - (self.base_at or 0.0)) / self.speed - now
        self.next_slot = max(self.next_slot + 1.0 / self.rate, now)
        delay = max(delay, self.next_slot - now)
        if delay > 0:
            await asyncio.sleep(delay)


async def _answer(ws: ClientConnection) -> Ack | Error:
    while True:
        msg = parse_server_message(await ws.recv())
        if isinstance(msg, Ack | Error):
            return msg


def _count(result: ReplayResult, item: FeedItem, answer: Ack | Error, last_seq: int) -> bool:
    """Record one answer; True when it was an event the broadcaster did not have."""
    if isinstance(answer, Error):
        result.errors.append(f"{item.publish.id} ({item.publish.kind}): {answer.message}")
        return True
    if answer.seq > last_seq:
        result.new += 1
        return True
    result.duplicates += 1
    return False


async def _session(
    ws: ClientConnection, items: Sequence[FeedItem], pacer: _Pacer, result: ReplayResult,
    catch_up: bool,
) -> None:  # fmt: skip
    """Publish ``items[result.answered:]`` on one connection, counting answers as they come
    (so a connection lost midway resumes at the first publish without an answer)."""
    hello = parse_server_message(await ws.recv())
    if not isinstance(hello, Hello):
        raise LocalError(f"the broadcaster did not say hello: {hello}")
    while catch_up and result.answered < len(items):  # what a previous run already published
        item = items[result.answered]
        await pacer.wait(None)
        await ws.send(encode(item.publish).decode())
        result.sent += 1
        fresh = _count(result, item, await _answer(ws), hello.seq)
        result.answered += 1
        if fresh:
            pacer.restart(item.at)
            break
    slots = asyncio.Semaphore(WINDOW)

    async def send_all() -> None:
        for item in items[result.answered :]:
            await slots.acquire()
            await pacer.wait(item.at)
            await ws.send(encode(item.publish).decode())
            result.sent += 1

    sender = asyncio.create_task(send_all())
    try:
        while result.answered < len(items):
            _count(result, items[result.answered], await _answer(ws), hello.seq)
            result.answered += 1
            slots.release()
    finally:
        sender.cancel()
        await asyncio.gather(sender, return_exceptions=True)


async def replay(
    items: Sequence[FeedItem], url: str, token: str, speed: float | None = None
) -> ReplayResult:
    """Publish every item to ``url`` (``ws://host:port``); ``speed=None`` is as fast as possible."""
    result, pacer, failures = ReplayResult(), _Pacer(speed), 0
    target = url.rstrip("/") + "/publish"
    headers = {"Authorization": f"Bearer {token}"}
    while result.answered < len(items):
        try:
            async with connect(
                target,
                additional_headers=headers,
                subprotocols=[Subprotocol(SUBPROTOCOL)],
                open_timeout=10,
            ) as ws:
                await _session(ws, items, pacer, result, catch_up=speed is not None)
        except InvalidStatus as exc:
            raise LocalError(f"the broadcaster refused the connection: {exc}") from exc
        except (ConnectionClosed, OSError, TimeoutError) as exc:
            failures += 1
            if failures > RETRIES:
                raise LocalError(f"cannot reach {target}: {exc}") from exc
            log.warning("connection lost (%s); resuming at publish %d", exc, result.answered + 1)
            await asyncio.sleep(min(5.0, 0.2 * 2**failures))
    return result


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    r = commands.add_parser("replay", help="publish a feed file into a running broadcaster")
    r.add_argument("feed", help="a feed file (JSON Lines of publish messages)")
    r.add_argument("--url", default="ws://127.0.0.1:8765", help="the broadcaster")
    r.add_argument("--token-file", help="file holding the publish token (else $SCORECAST_TOKEN)")
    pace = r.add_mutually_exclusive_group()
    pace.add_argument("--speed", type=float, default=1.0, help="times real time (default 1)")
    pace.add_argument("--as-fast-as-possible", action="store_true", help="ignore the pacing")


def main(args: argparse.Namespace, token: str | None) -> int:
    """Replay ``args.feed``; exit status 1 when any publish was refused."""
    if token is None:
        raise LocalError("no publish token: set $SCORECAST_TOKEN or pass --token-file FILE")
    if not args.as_fast_as_possible and args.speed <= 0:
        raise LocalError("--speed must be above 0")
    try:
        with open(args.feed, encoding="utf-8") as f:
            items = list(parse_feed(f, args.feed))
    except OSError as exc:
        raise LocalError(f"cannot read {args.feed}: {exc.strerror}") from exc
    except FeedError as exc:
        raise LocalError(str(exc)) from exc
    speed = None if args.as_fast_as_possible else args.speed
    result = asyncio.run(replay(items, args.url, token, speed))
    for error in result.errors:
        print(f"refused: {error}", file=sys.stderr)
    print(
        f"replayed {len(items)} publishes: {result.new} new, {result.duplicates} already there, "
        f"{len(result.errors)} refused",
        flush=True,
    )
    return 1 if result.errors else 0
