"""Fixtures shared by every test: a real broadcaster process on a free port."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.nats import NatsCluster
from tests.helpers.proc import BroadcasterProcess


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite3"


_streams = itertools.count()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A module marked ``both_journals`` runs its broadcaster tests on each journal."""
    if metafunc.definition.get_closest_marker("both_journals") and (
        "broadcaster" in metafunc.fixturenames
    ):
        metafunc.parametrize("journal_kind", ["sqlite", "nats"], indirect=True)


@pytest.fixture
def journal_kind(request: pytest.FixtureRequest) -> str:
    kind: str = getattr(request, "param", "sqlite")
    return kind


@pytest.fixture
def broadcaster(
    journal_path: Path, journal_kind: str, request: pytest.FixtureRequest
) -> Iterator[BroadcasterProcess]:
    """A real ``broadcaster serve`` on 127.0.0.1 and a free port: on a SQLite file, or
    (``journal_kind`` nats) on a stream of its own on the module's NATS cluster."""
    if journal_kind == "nats":
        urls = ",".join(request.getfixturevalue("nats_cluster").urls)
        extra = ["--replicas", "3", "--stream", f"P{next(_streams)}"]
        proc = BroadcasterProcess(journal_path, journal=urls, extra=extra).start()
    else:
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
