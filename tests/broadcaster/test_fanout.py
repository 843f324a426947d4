"""The fan-out writes in slices, with the event loop free between them: events that
commit while a sweep is under way reach every subscriber once, in order, and a
subscriber that joins mid-sweep gets nothing twice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from broadcaster import fanout
from broadcaster.hub import Hub
from broadcaster.journal import Journal
from broadcaster.server import Broadcaster, Config
from tests.helpers.proc import TOKEN
from tests.helpers.ws import live_game, open_feed, open_publisher, pub, recv, send

pytestmark = pytest.mark.asyncio
POINT = {"team": "home", "points": 1}


async def seqs_until(ws: Any, last: int, after: int = 3) -> list[int]:
    """The seqs of the events received after ``after`` up to ``last``."""
    seqs: list[int] = []
    while (seqs[-1] if seqs else after) < last:
        msg = await recv(ws)
        assert msg["type"] == "event", msg
        seqs.append(msg["seq"])
    return seqs


async def test_a_burst_over_many_slices_reaches_everyone_once_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fanout, "SLICE", 3)  # 40 subscribers: 14 slices a pass
    hub = Hub(Journal.open(tmp_path / "journal.sqlite3"))
    async with Broadcaster(hub, Config(port=0, publish_tokens=(TOKEN,))) as b:
        publisher = await open_publisher(b.url + "/publish", TOKEN)
        await live_game(publisher, "g")
        feeds = []
        for i in range(40):
            ws, _ = await open_feed(b.url + "/feed")
            narrow = i % 4 == 0  # some want only g: they are written to one by one
            await send(ws, {"type": "subscribe", "games": ["g"] if narrow else ["*"]})
            assert (await recv(ws))["type"] == "snapshot"
            feeds.append(ws)
        for i in range(200):  # sent at once: they commit while sweeps are under way
            await send(publisher, pub("g", "score", POINT, id=f"s{i}"))
        late, _ = await open_feed(b.url + "/feed")  # joins mid-burst
        await send(late, {"type": "subscribe"})
        snapshot = await recv(late)
        acks = [json.loads(await publisher.recv()) for _ in range(200)]
        last = acks[-1]["seq"]
        assert last == 203 and acks[-1]["state"]["home"]["score"] == 200
        for ws in feeds:
            assert await seqs_until(ws, last) == list(range(4, last + 1))
        after = snapshot["seq"]
        assert await seqs_until(late, last, after) == list(range(after + 1, last + 1))
        for ws in (*feeds, late, publisher):
            await ws.close()
