"""Anonymous sockets never lock an operator out (the bookkeeping, then a real process)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from broadcaster.admission import Admission, Caps, derive_caps
from tests.helpers.http import aget
from tests.helpers.proc import TOKEN, BroadcasterProcess
from tests.helpers.ws import live_game, open_feed, open_publisher, publish


def test_caps_fit_the_file_limit() -> None:
    caps = derive_caps(1024)
    assert caps.max_connections == 960
    assert (caps.max_handshakes, caps.reserve) == (120, 32)
    assert derive_caps(1024, max_connections=50_000).max_connections == 960  # never past it
    assert derive_caps(100_000, per_address=0).per_address == 0


def test_a_full_handshake_pool_evicts_its_oldest_once_it_has_waited() -> None:
    admission = Admission(Caps(max_connections=10, max_handshakes=2, reserve=2))
    assert admission.opened("idle-1", 0.0) == (True, None)
    assert admission.opened("idle-2", 0.1) == (True, None)
    assert admission.opened("storm", 0.5) == (True, None)  # a reconnect storm is not cut short
    assert admission.opened("operator", 1.2) == (True, "idle-1")  # idle-1 has waited 1.2 s
    admission.closed("idle-1")
    admission.handshake_done("operator")
    assert admission.counts == (3, 2, 0)


def test_at_the_total_cap_the_newest_socket_wins() -> None:
    admission = Admission(Caps(max_connections=2, max_handshakes=8, reserve=1))
    admission.opened("idle-1", 0.0)
    admission.opened("idle-2", 0.0)
    assert admission.opened("operator", 0.1) == (True, "idle-1")  # young, but the cap is hit
    admission.handshake_done("operator")
    admission.handshake_done("idle-2")
    assert admission.opened("late", 0.2) == (False, None)  # nothing left to evict


def test_feeds_leave_the_reserve_and_respect_the_per_address_cap() -> None:
    admission = Admission(Caps(max_connections=4, max_handshakes=4, reserve=1, per_address=2))
    assert admission.feed("a", "10.0.0.1") is None
    assert admission.feed("b", "10.0.0.1") is None
    assert admission.feed("c", "10.0.0.1") == "more than 2 connections from 10.0.0.1"
    assert admission.feed("d", "10.0.0.2") is None
    assert admission.feed("e", "10.0.0.3") == "too many subscribers; try again later"
    admission.closed("a")
    assert admission.feed("c", "10.0.0.1") is None


@pytest.mark.asyncio
async def test_the_operator_publishes_while_1100_idle_sockets_sit_on_a_1024_file_limit(
    journal_path: Path,
) -> None:
    proc = BroadcasterProcess(journal_path, files=1024).start()
    idle: list[asyncio.StreamWriter] = []
    try:
        watcher, _ = await open_feed(proc.feed)
        for _ in range(1100):  # connect, never send a byte
            _, writer = await asyncio.open_connection("127.0.0.1", proc.port)
            idle.append(writer)
        status, _ = await aget(proc.http + "/healthz")
        assert status == 200
        operator = await open_publisher(proc.publish, TOKEN)
        await live_game(operator, "g1")
        ack = await publish(operator, "g1", "score", {"team": "home", "points": 3})
        assert ack["type"] == "ack"
        await operator.close()
        await watcher.close()
        log = proc.stderr
        assert "Traceback" not in log
        assert len(log) < 50_000, "no flood of log lines"
    finally:
        for writer in idle:
            writer.close()
        proc.stop()
