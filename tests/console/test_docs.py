"""docs/console.md's worked games run, as written, against a real broadcaster."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

from tests.console.procs import run_console
from tests.helpers.proc import BroadcasterProcess
from tests.helpers.ws import open_feed, recv, send

DOC = Path(__file__).parents[2] / "docs" / "console.md"
EXAMPLES = re.findall(r"```scorecast\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_the_doc_has_a_basketball_and_a_soccer_game() -> None:
    sports = sorted(block.split()[1] for block in EXAMPLES)
    assert sports == ["basketball", "soccer"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda block: block.split()[1])
def test_a_worked_game_from_the_doc_runs_to_the_end(
    example: str, broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    script = tmp_path / "game.txt"
    script.write_text(example)
    done = run_console(broadcaster.url, tmp_path / "c", "--script", str(script))
    assert done.returncode == 0, done.stderr
    commands = [line for line in example.splitlines() if line.split("#")[0].strip()]
    assert done.stdout.count("✓") == len(commands)
    last = done.stdout.splitlines()[-1]
    score = re.search(r"# (\w+ \d+–\d+ \w+)$", example.strip())
    assert score is not None
    assert last.endswith(f"game.end · {score[1]}")  # the final score the doc promises
    (game,) = asyncio.run(games(broadcaster.feed))
    assert game["status"] == "final"


async def games(feed: str) -> list[dict[str, Any]]:
    """The states of every game the broadcaster holds (a snapshot)."""
    ws, _ = await open_feed(feed)
    try:
        await send(ws, {"type": "subscribe", "games": ["*"]})
        snapshot = await recv(ws)
    finally:
        await ws.close()
    return list(snapshot["games"])
