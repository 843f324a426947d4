"""The hub in-process: group commit, a full disk, rebuilding games after a restart."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest

from broadcaster.errors import EventRefused
from broadcaster.hub import Hub
from broadcaster.journal import Journal
from broadcaster.protocol import Publish
from broadcaster.storage import Record
from tests.helpers.ws import basketball_game

pytestmark = pytest.mark.asyncio


class CountingJournal(Journal):
    """A real journal that counts its transactions."""

    transactions = 0

    def append(self, records: Sequence[Record]) -> None:
        type(self).transactions += 1
        super().append(records)


def live(game: str) -> list[Publish]:
    return [
        Publish(f"{game}-create", game, "game.create", basketball_game(game)),
        Publish(f"{game}-start", game, "game.start"),
        Publish(f"{game}-q1", game, "period.start"),
    ]


async def start_hub(path: Path, journal: type[Journal] = Journal) -> Hub:
    hub = Hub(journal.open(path))
    hub.start()
    return hub


async def test_concurrent_publishes_share_transactions(tmp_path: Path) -> None:
    hub = await start_hub(tmp_path / "j.sqlite3", CountingJournal)
    for msg in live("g"):
        await hub.publish(msg, "test")
    CountingJournal.transactions = 0
    futures = [
        hub.publish(Publish(f"s{i}", "g", "score", {"team": "home", "points": 1}), "test")
        for i in range(500)
    ]
    acks = await asyncio.gather(*futures)
    assert [a.seq for a in acks] == list(range(4, 504))
    assert acks[-1].state.home.score == 500
    assert CountingJournal.transactions < 50  # group commit: far fewer fsyncs than events
    await hub.close()


async def test_a_full_disk_refuses_unstored_events_and_loses_nothing_acked(
    tmp_path: Path,
) -> None:
    hub = await start_hub(tmp_path / "j.sqlite3")
    for msg in live("g"):
        await hub.publish(msg, "test")
    ok = await hub.publish(Publish("ok", "g", "score", {"team": "home", "points": 2}), "test")
    writer = hub.journal._writer
    pages = writer.execute("PRAGMA page_count").fetchone()[0]
    writer.execute(f"PRAGMA max_page_count={pages}")  # the disk is now full
    big = {"team": "away", "text": "x" * 20_000}
    futures = [hub.publish(Publish(f"full{i}", "g", "play", big), "test") for i in range(5)]
    results = await asyncio.gather(*futures, return_exceptions=True)
    assert all(isinstance(r, EventRefused) for r in results)
    refusal = results[0]
    assert isinstance(refusal, EventRefused)
    assert refusal.code == "internal"
    assert "disk is full" in refusal.message
    assert hub.committed_seq == ok.seq
    assert hub.games["g"].state == ok.state  # no half-published event in memory
    writer.execute("PRAGMA max_page_count=1073741823")  # space freed
    retry = await hub.publish(Publish("full0", "g", "play", big), "test")
    assert retry.seq == ok.seq + 1  # no seq was burnt by the failure
    await hub.close()


async def test_a_restart_rebuilds_every_game_and_corrections_still_work(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    hub = await start_hub(path)
    for game in ("a", "b"):
        for msg in live(game):
            await hub.publish(msg, "test")
    goal = await hub.publish(Publish("g1", "a", "score", {"team": "home", "points": 3}), "t")
    await hub.publish(Publish("g2", "a", "score", {"team": "away", "points": 2}), "t")
    before = dict(hub.games)
    epoch = hub.epoch
    await hub.close()
    hub = await start_hub(path)
    assert hub.epoch == epoch
    assert {g: s.state for g, s in hub.games.items()} == {g: s.state for g, s in before.items()}
    assert hub.committed_seq == 8
    void = await hub.publish(
        Publish("v1", "a", "correction", {"target": goal.seq, "action": "void"}), "t"
    )
    assert (void.state.home.score, void.state.away.score) == (0, 2)
    assert hub.journal.publisher_of(void.seq) == "t"
    await hub.close()


async def test_a_correction_right_after_an_unflushed_event_sees_it(tmp_path: Path) -> None:
    hub = await start_hub(tmp_path / "j.sqlite3")
    for msg in live("g"):
        await hub.publish(msg, "test")
    first = hub.publish(Publish("s1", "g", "score", {"team": "home", "points": 3}), "t")
    second = hub.publish(Publish("s2", "g", "score", {"team": "home", "points": 2}), "t")
    void = hub.publish(Publish("v", "g", "correction", {"target": 4, "action": "void"}), "t")
    acks = await asyncio.gather(first, second, void)
    assert acks[2].state.home.score == 2
    await hub.close()
