"""A frozen broadcaster (SIGSTOP: a silent network drop) is seen within seconds, on a terminal.

The TCP connection stays open and says nothing; the console's pings and the
missing ✓ give it away: the operator is warned about the event without its
✓, the toolbar says OFFLINE, and once the broadcaster is back the event is
stored once.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from tests.console.builders import NBA_GAME, NEW_NBA_GAME
from tests.console.drivers import history
from tests.console.procs import TerminalConsole
from tests.helpers.proc import BroadcasterProcess


def test_a_frozen_broadcaster_is_said_offline_and_the_event_waits(
    broadcaster: BroadcasterProcess, tmp_path: Path
) -> None:
    assert broadcaster.proc is not None
    pid = broadcaster.proc.pid
    terminal = TerminalConsole(broadcaster.url, tmp_path / "console")
    try:
        terminal.until("Scorecast console")
        terminal.type(NEW_NBA_GAME)
        terminal.type("start")
        terminal.until("✓ 2 game.start")
        terminal.until("online")
        os.kill(pid, signal.SIGSTOP)
        try:
            terminal.screen = b""  # from here on: what the operator sees after the freeze
            terminal.type("ps")
            terminal.until("⚠ no ✓ after 2 s: ps; it stays queued")
            terminal.until("OFFLINE")
            assert "✓ 3" not in terminal.text()
        finally:
            os.kill(pid, signal.SIGCONT)
        terminal.until("✓ 3 period.start")
    finally:
        terminal.close()
    stored = asyncio.run(history(broadcaster.feed, NBA_GAME))
    assert [e["kind"] for e in stored] == ["game.create", "game.start", "period.start"]
