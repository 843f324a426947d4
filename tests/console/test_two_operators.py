"""Two consoles on one game of a real broadcaster: each undoes its own, sees the other's."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from broadcaster.console.notes import Note
from broadcaster.console.session import Console
from tests.console.builders import NBA_GAME, NEW_NBA_GAME
from tests.console.drivers import DEADLINE, Changes, console_on, history
from tests.helpers.proc import BroadcasterProcess


class Operator:
    """A console core and what it told its operator."""

    def __init__(self, console: Console, changes: Changes) -> None:
        self.console, self.changes = console, changes
        self.notes: list[Note] = []
        console.notify = self.note
        console.on_change = changes.fire

    def note(self, note: Note) -> None:
        self.notes.append(note)
        self.changes.fire()

    async def type(self, line: str) -> str:
        """One line; an event must be stored. Returns what the console answered at once."""
        outcome = self.console.submit(line)
        assert outcome.kind != "error", f"{line!r}: {outcome.text}"
        if outcome.entry is not None:
            reply = await asyncio.wait_for(self.console.reply(outcome.entry), DEADLINE)
            assert reply.ok, reply.text
            return reply.text
        return outcome.text

    async def told(self, words: str) -> str:
        await self.changes.until(lambda: any(words in n.text for n in self.notes))
        return next(n.text for n in self.notes if words in n.text)


@pytest.mark.asyncio
async def test_two_operators_undo_their_own_and_see_each_other(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    changes = Changes()
    async with (
        console_on(broadcaster.url, tmp_path / "one") as c1,
        console_on(broadcaster.url, tmp_path / "two") as c2,
    ):
        one, two = Operator(c1, changes), Operator(c2, changes)
        for line in (NEW_NBA_GAME, "start", "ps", "a3 James"):
            await one.type(line)
        await changes.until(lambda: NBA_GAME in c2.model.game_ids())
        await two.type(f"use {NBA_GAME}")
        assert await two.type("h2 Brown") == "✓ 5 score BOS +2 Brown · BOS 2–3 LAL"
        assert await one.told("· 5 score BOS +2 Brown · by another operator · BOS 2–3 LAL")
        await asyncio.wait_for(c1.past_loaded(), DEADLINE)
        # console 1's undo takes back its own three, not console 2's basket
        assert await one.type("undo") == "✓ 6 void event 4 (score LAL +3 James) · BOS 2–0 LAL"
        assert await two.told("· 6 void event 4 (score LAL +3 James) · by another operator")
        # voiding the other operator's basket asks first, and tells them
        question = await one.type("void 5")
        assert question == (
            "Void event 5 score BOS +2 Brown? it was published by another operator; "
            "yes to void it (anything else: not done)"
        )
        assert await one.type("yes") == "✓ 7 void event 5 (score BOS +2 Brown) · BOS 0–0 LAL"
        assert await two.told("⚠ another operator voided your event 5")
        assert "5  score BOS +2 Brown · by another operator   (voided)" in c1.submit("log").text
        assert "already voided; restore 5 brings it back" in c1.submit("void 5").text
        assert (await two.type("void 3")).startswith("Void event 3 period.start? it was")
        assert await two.type("no") == "not done: void event 3 period.start"
    stored = await history(broadcaster.feed, NBA_GAME)
    assert [e["kind"] for e in stored][-3:] == ["score", "correction", "correction"]
    assert stored[-1]["data"] == {"target": 5, "action": "void"}
