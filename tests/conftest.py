"""Fixtures shared by every test: a real broadcaster process on a free port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.proc import BroadcasterProcess


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite3"


@pytest.fixture
def broadcaster(journal_path: Path) -> Iterator[BroadcasterProcess]:
    """A real ``broadcaster serve`` on 127.0.0.1 and a free port."""
    proc = BroadcasterProcess(journal_path).start()
    try:
        yield proc
    finally:
        proc.stop()
