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
FAST = ["--publish-rate", "100000", "--token-rate", "100000"]  # the publisher is not the test


async def test_slow_subscriber_gets_4008_others_get_everything_and_it_resumes(
    tmp_path: Path,
) -> None:
    proc = BroadcasterProcess(tmp_path / "j.sqlite3", extra=["--max-buffer", "65536", *FAST])
    proc.start()
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


async def test_a_subscriber_lagging_behind_kernel_buffers_is_cut_by_time(tmp_path: Path) -> None:
    """Realistic 1.4 KB events: kernel buffers swallow megabytes before ours hold 1 MiB;
    unsent data for longer than --max-lag decides, with 4008, not a keepalive 1011."""
    proc = BroadcasterProcess(tmp_path / "j.sqlite3", extra=["--max-lag", "1", *FAST]).start()
    try:
        publisher = await open_publisher(proc.publish, TOKEN)
        await live_game(publisher, "g1")
        slow = await connect(proc.feed, max_queue=1)  # it never reads, until the cut
        await send(slow, {"type": "subscribe"})
        cut = False
        for batch in range(400):  # bounded: 400 × 50 events of 1.4 KB = 28 MB at most
            for i in range(50):
                await send(publisher, pub("g1", "play", {"text": "z" * 1400}, id=f"q{batch}-{i}"))
            assert all([(await recv(publisher))["type"] == "ack" for _ in range(50)])
            _, text = await aget(proc.http + "/metrics")
            if metric(text, "scorecast_slow_consumers_total") >= 1:
                cut = True
                break
        assert cut, "the lagging subscriber was never cut off"
        _, code = await read_until_closed(slow)
        assert code == 4008
        assert await proc.alogged("too far behind")
        await publisher.close()
    finally:
        await asyncio.to_thread(proc.stop)


async def test_an_honest_subscriber_gets_a_big_history_while_live(tmp_path: Path) -> None:
    """1,000 events of 8.6 KB (8.6 MB) through a 1 MiB budget: sent in slices at the
    client's pace, live events held behind it and delivered right after, no 4008."""
    proc = BroadcasterProcess(tmp_path / "j.sqlite3", extra=FAST).start()
    try:
        publisher = await open_publisher(proc.publish, TOKEN)
        await live_game(publisher, "g1")
        for i in range(1000):
            await send(publisher, pub("g1", "play", {"text": "h" * 8600}, id=f"h{i}"))
        assert all([(await recv(publisher))["type"] == "ack" for _ in range(1000)])
        feed = await connect(proc.feed, max_size=None)
        await recv(feed)
        await send(feed, {"type": "subscribe", "games": ["g1"]})
        assert (await recv(feed))["type"] == "snapshot"
        await send(feed, {"type": "history", "req": "all", "game_id": "g1", "limit": 1000})
        live = [pub("g1", "play", {"text": f"live {n}"}, id=f"live{n}") for n in range(5)]
        for message in live:  # while the history is on its way
            await send(publisher, message)
        acks = [await recv(publisher) for _ in live]
        got = [await recv(feed) for _ in range(len(live) + 1)]  # live events may come first
        history = [m for m in got if m["type"] == "history"]
        assert len(history) == 1 and len(history[0]["events"]) == 1000
        assert [m["seq"] for m in got if m["type"] == "event"] == [a["seq"] for a in acks]
        _, text = await aget(proc.http + "/metrics")
        assert metric(text, "scorecast_slow_consumers_total") == 0
        for ws in (feed, publisher):
            await ws.close()
    finally:
        await asyncio.to_thread(proc.stop)
