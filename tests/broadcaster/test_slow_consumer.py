"""A subscriber that stops reading is cut off with 4008; the others keep their pace."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from tests.helpers.http import aget, metric
from tests.helpers.proc import TOKEN, BroadcasterProcess
from tests.helpers.ws import live_game, open_publisher, pub, read_until_closed, recv, send

pytestmark = pytest.mark.asyncio
TEXT = "y" * 4000


async def test_slow_subscriber_gets_4008_others_get_everything_and_it_resumes(
    tmp_path: Path,
) -> None:
    proc = BroadcasterProcess(tmp_path / "j.sqlite3", extra=["--max-buffer", "65536"]).start()
    try:
        publisher = await open_publisher(proc.publish, TOKEN)
        await live_game(publisher, "g1")
        fast = await connect(proc.feed)
        await recv(fast)
        await send(fast, {"type": "subscribe"})
        assert (await recv(fast))["type"] == "snapshot"
        slow = await connect(proc.feed, max_queue=1)  # it never reads, until the cut
        await send(slow, {"type": "subscribe"})
        fast_seqs: list[int] = []
        slow_cut = False
        for batch in range(200):  # bounded: stop as soon as the cut is seen
            for i in range(50):
                await send(publisher, pub("g1", "play", {"text": TEXT}, id=f"p{batch}-{i}"))
            acks = [await recv(publisher) for _ in range(50)]
            assert all(a["type"] == "ack" for a in acks)
            fast_seqs += [(await recv(fast))["seq"] for _ in range(50)]
            _, text = await aget(proc.http + "/metrics")
            if metric(text, "scorecast_slow_consumers_total") >= 1:
                slow_cut = True
                break
        assert slow_cut, "the slow subscriber was never cut off"
        last = acks[-1]["seq"]
        assert fast_seqs == list(range(4, last + 1))  # the fast one missed nothing
        messages, code = await read_until_closed(slow)
        assert code == 4008
        events = [m for m in messages if m["type"] == "event"]
        seen = events[-1]["seq"] if events else 3
        assert [e["seq"] for e in events] == list(range(4, seen + 1))
        # it resumes from its last seq and loses nothing
        again = await connect(proc.feed)
        await recv(again)
        await send(again, {"type": "subscribe", "resume": {"epoch": proc.epoch, "seq": seen}})
        rest = [(await recv(again))["seq"] for _ in range(last - seen)]
        assert rest == list(range(seen + 1, last + 1))
        for ws in (again, fast, publisher):
            await ws.close()
    finally:
        await asyncio.to_thread(proc.stop)
