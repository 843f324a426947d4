"""A real console on a terminal is killed with events queued; the next run sends them once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.console.drivers import history, outbox_lines
from tests.console.procs import TerminalConsole, run_console
from tests.helpers.proc import BroadcasterProcess

LINES = [
    'new basketball NBA BOS="Boston Celtics" LAL="Los Angeles Lakers" id=g',
    "start",
    "ps",
    "h3 J. Tatum",
    "a2 L. James",
    "undo",
]


def test_a_console_killed_with_a_queue_sends_it_once_when_run_again(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    data = tmp_path / "console"
    broadcaster.kill()  # the venue's Wi-Fi is down
    terminal = TerminalConsole(broadcaster.url, data)
    try:
        terminal.until("Scorecast console")
        for line in LINES:
            terminal.type(line)
        terminal.until("6 waiting")
        terminal.until("6 pending")  # the toolbar says it too
        terminal.until("undone: queued score LAL +2 L. James")
    finally:
        terminal.kill()  # and the laptop dies
    outbox = next(data.glob("outbox-*.jsonl"))
    added = [r for r in outbox_lines(outbox) if r["op"] == "add"]
    assert [r["text"] for r in added] == LINES

    broadcaster.start()  # the broadcaster is back; the operator starts the console again
    first = run_console(broadcaster.url, data, "--script", "/dev/null", "--timeout", "30")
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("✓") == 6
    again = run_console(broadcaster.url, data, "--script", "/dev/null", "--timeout", "30")
    assert (again.returncode, again.stdout) == (0, "")  # nothing left to send

    stored = asyncio.run(history(broadcaster.feed, "g"))
    assert [(e["seq"], e["kind"]) for e in stored] == [
        (1, "game.create"),
        (2, "game.start"),
        (3, "period.start"),
        (4, "score"),
        (5, "score"),
        (6, "correction"),
    ]
    assert stored[-1]["data"] == {"action": "void", "target": 5}
    assert (stored[-1]["state"]["home"]["score"], stored[-1]["state"]["away"]["score"]) == (3, 0)
