"""An in-process broadcaster on a free port for the replay tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from broadcaster.hub import Hub
from broadcaster.journal import Journal
from broadcaster.server import Broadcaster, Config

TOKEN = "replay-test-token"


@pytest_asyncio.fixture
async def server(tmp_path: Path) -> AsyncIterator[Broadcaster]:
    b = Broadcaster(Hub(Journal.open(tmp_path / "journal.sqlite3")), Config(port=0,
                    publish_tokens=(TOKEN,)))  # fmt: skip
    await b.start()
    try:
        yield b
    finally:
        await b.stop()
