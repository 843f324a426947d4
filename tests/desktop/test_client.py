"""The Qt face of the feed: changes become signals, batched per loop turn, in order."""

from __future__ import annotations

import asyncio
from typing import Any

from desktop.feed.client import BUSY, FeedClient
from desktop.feed.state import Applied, Reset
from tests.desktop.factories import event, state


def test_events_of_one_loop_turn_arrive_as_one_batch_and_order_is_kept(
    qtbot: Any, qloop: asyncio.AbstractEventLoop
) -> None:
    client = FeedClient()
    seen: list[tuple[str, object]] = []
    client.events_applied.connect(lambda events: seen.append(("events", [e.seq for e in events])))
    client.games_reset.connect(lambda games, changed: seen.append(("reset", len(games))))
    client.on_changes([Applied(event(1)), Applied(event(2))])
    client.on_changes([Reset((state("x"),), epoch_changed=True), Applied(event(3))])
    assert seen == []  # nothing until the loop turns
    qtbot.waitUntil(lambda: len(seen) == 3)
    assert seen == [("events", [1, 2]), ("reset", 1), ("events", [3])]


def test_when_events_pour_in_the_next_batch_waits_for_the_next_frame(
    qtbot: Any, qloop: asyncio.AbstractEventLoop
) -> None:
    client = FeedClient()
    batches: list[list[int]] = []
    client.events_applied.connect(lambda events: batches.append([e.seq for e in events]))
    client.on_changes([Applied(event(n)) for n in range(1, BUSY + 1)])  # a big batch: busy
    qtbot.waitUntil(lambda: len(batches) == 1)
    client.on_changes([Applied(event(BUSY + 1))])
    qloop.call_soon(client.on_changes, [Applied(event(BUSY + 2))])  # a later loop turn
    qtbot.waitUntil(lambda: sum(map(len, batches)) == BUSY + 2)
    assert batches[1:] == [[BUSY + 1, BUSY + 2]]  # gathered into one frame's update
