"""Fixtures shared by every test: a real broadcaster process on a free port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.nats import NatsCluster
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


@pytest.fixture(scope="module")
def nats_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsCluster]:
    """A real three-server NATS JetStream cluster on loopback (shared by a test module;
    a test that kills a server starts it again)."""
    cluster = NatsCluster(tmp_path_factory.mktemp("nats")).start()
    try:
        yield cluster
    finally:
        cluster.stop()
