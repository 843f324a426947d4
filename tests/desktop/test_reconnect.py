"""Reconnect that feels instant: short waits while the broadcaster's port answers, long ones only
while its host is silent, and "Reconnect now" (F5). Real broadcaster processes killed with -9;
the proof is the wait the backoff chose (its ceiling), never a stopwatch."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

from desktop.feed.backoff import Backoff
from desktop.feed.connection import FeedConnection, Status
from desktop.feed.state import Change
from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import WAIT_MS, Runner
from tests.desktop.test_backoff import Highest
from tests.desktop.test_live import card_for, publish_all, score, start_game, window_on_games
from tests.helpers.proc import BroadcasterProcess


class Statuses:
    """A feed ``Listener`` keeping every status it is told."""

    def __init__(self) -> None:
        self.seen: list[Status] = []

    def on_status(self, status: Status) -> None:
        self.seen.append(status)

    def on_changes(self, changes: Sequence[Change]) -> None:
        pass

    def waits(self) -> list[Status]:
        return [s for s in self.seen if s.phase == "reconnecting" and s.retry_at is not None]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port whose host takes the TCP connection and then never answers the handshake."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def test_after_several_failed_attempts_the_next_try_is_within_a_second_of_the_restart(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    window = make_window(broadcaster.url)
    start_game(run, broadcaster.publish)
    card_for(window, "Boston Celtics 0, Los Angeles Lakers 0", qtbot)
    statuses: list[Status] = []
    window.client.status_changed.connect(statuses.append)

    broadcaster.kill()
    qtbot.waitUntil(lambda: window.client.status.attempt >= 4, timeout=WAIT_MS)
    waits = [s for s in statuses if s.phase == "reconnecting" and s.retry_at is not None]
    assert len(waits) >= 4
    assert all(s.reach == "answered" for s in waits)  # the port refused: restarting
    assert all(0.0 <= s.delay <= 1.0 for s in waits)
    assert window.client.connection is not None
    assert window.client.connection.backoff.last_ceiling == 1.0  # silent, attempt 4 waits ≤ 4 s

    broadcaster.start()  # same port, same journal
    publish_all(run, broadcaster.publish, [("g1", "score", score("home", 2))])
    card_for(window, "Boston Celtics 2, Los Angeles Lakers 0", qtbot)
    assert window.indicator.status.phase == "connected"
    assert window.indicator.status.attempt == 0


def test_a_silent_host_makes_the_waits_grow(silent_port: int, run: Runner, qtbot: Any) -> None:
    listener = Statuses()
    backoff = Backoff(base=0.01, cap=10.0, fast_cap=0.02, rng=Highest())
    conn = FeedConnection(
        f"ws://127.0.0.1:{silent_port}", listener, backoff=backoff, open_timeout=0.05
    )
    task = asyncio.get_running_loop().create_task(conn.run())
    try:
        qtbot.waitUntil(lambda: len(listener.waits()) >= 4, timeout=WAIT_MS)
    finally:
        task.cancel()
        run(asyncio.wait([task]))
    waits = listener.waits()[:4]
    assert [s.reach for s in waits] == ["silent"] * 4
    assert [s.delay for s in waits] == [0.01, 0.02, 0.04, 0.08]  # past the fast cap


def patient_window(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> MainWindow:
    """A window on a live game whose backoff would wait ten minutes before any retry."""
    window = window_on_games(broadcaster, make_window, run, qtbot, "basketball")
    assert window.client.connection is not None
    window.client.connection.backoff = Backoff(base=600, cap=600, fast_cap=600, rng=Highest())
    return window


def test_reconnect_now_ends_a_long_wait(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    window = patient_window(broadcaster, make_window, run, qtbot)

    broadcaster.kill()
    qtbot.waitUntil(lambda: window.client.status.retry_at is not None, timeout=WAIT_MS)
    assert window.client.status.delay == 600  # ten minutes, unless the user asks
    broadcaster.start()
    assert window.reconnect.shortcut().toString() == "F5"
    window.reconnect.trigger()
    publish_all(run, broadcaster.publish, [("g1", "score", score("away", 3))])
    card_for(window, "Boston Celtics 0, Los Angeles Lakers 3", qtbot)
    assert window.indicator.status.phase == "connected"


def test_reconnect_now_while_connected_drops_and_resumes_at_once(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    window = patient_window(broadcaster, make_window, run, qtbot)
    statuses: list[Status] = []
    window.client.status_changed.connect(statuses.append)

    window.reconnect.trigger()
    qtbot.waitUntil(lambda: bool(statuses) and statuses[-1].phase == "connected", timeout=WAIT_MS)
    waits = [s for s in statuses if s.retry_at is not None]
    assert [s.delay for s in waits] == [0.0]
    publish_all(run, broadcaster.publish, [("g1", "score", score("home", 1))])
    card_for(window, "Boston Celtics 1, Los Angeles Lakers 0", qtbot)
