"""A scoreboard given several broadcasters (``--url a,b``) carries on from the next when one is
killed with -9: resuming where it was when the journal is the same (nodes on one NATS journal;
here a copy of the first's SQLite file), from a snapshot when it is another, never a wrong
score. A dead server in the list is passed once, not tried on every reconnect."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from desktop.feed.connection import FeedConnection, Status
from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import WAIT_MS, Runner
from tests.desktop.test_live import card_for, publish_all, score, start_game
from tests.desktop.test_reconnect import Statuses
from tests.helpers.pair import two_broadcasters
from tests.helpers.proc import BroadcasterProcess
from tests.helpers.ws import open_feed

BOS_LAL = "Boston Celtics {home}, Los Angeles Lakers {away}"


def on_second(window: MainWindow, second: BroadcasterProcess, qtbot: Any) -> None:
    """Wait until the window is connected to ``second`` and says so."""
    where = second.url.removeprefix("ws://")
    qtbot.waitUntil(
        lambda: window.indicator.accessibleName().startswith(f"Connection: ● Connected to {where}"),
        timeout=WAIT_MS,
    )


def test_the_next_server_on_the_same_journal_resumes_without_a_snapshot(
    tmp_path: Path, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    def game_on(first: BroadcasterProcess) -> None:
        start_game(run, first.publish)
        publish_all(run, first.publish, [("g1", "score", score("home", 3))])

    with two_broadcasters(tmp_path, before_copy=game_on) as (first, second):
        assert (second.epoch, second.seq) == (first.epoch, 4)  # the same journal
        window = make_window(first.url, fallbacks=[second.url])
        card_for(window, BOS_LAL.format(home=3, away=0), qtbot)
        snapshots: list[bool] = []
        window.client.games_reset.connect(lambda _games, changed: snapshots.append(changed))

        first.kill()
        publish_all(run, second.publish, [("g1", "score", score("away", 2))])  # missed: seq 5
        card_for(window, BOS_LAL.format(home=3, away=2), qtbot)
        on_second(window, second, qtbot)
        connection = window.client.connection
        assert connection is not None
        assert connection.url == f"{second.url}/feed"
        assert snapshots == []  # resumed from (epoch, 4): only seq 5 was sent
        state = connection.state
        assert (state.seq, state.duplicates, state.gaps) == (5, 0, 0)


def test_a_server_with_its_own_journal_answers_with_a_snapshot_and_its_own_score(
    tmp_path: Path, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    with two_broadcasters(tmp_path) as (first, second):
        assert first.epoch != second.epoch
        for proc, points in ((first, 3), (second, 2)):
            start_game(run, proc.publish)
            publish_all(run, proc.publish, [("g1", "score", score("home", points))])
        window = make_window(first.url, fallbacks=[second.url])
        card_for(window, BOS_LAL.format(home=3, away=0), qtbot)
        snapshots: list[bool] = []
        window.client.games_reset.connect(lambda _games, changed: snapshots.append(changed))

        first.kill()
        card_for(window, BOS_LAL.format(home=2, away=0), qtbot)  # the second's truth, whole
        on_second(window, second, qtbot)
        assert snapshots == [True]  # a new epoch: one snapshot replaced everything
        publish_all(run, second.publish, [("g1", "score", score("away", 1))])
        card_for(window, BOS_LAL.format(home=2, away=1), qtbot)


@pytest.fixture
def closed_port() -> str:
    """A loopback URL nobody listens on (refused at once, as a dead node's port is)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"ws://127.0.0.1:{port}"


def test_a_dead_first_server_is_passed_once_not_on_every_reconnect(
    broadcaster: BroadcasterProcess,
    closed_port: str,
    make_window: Callable[..., MainWindow],
    run: Runner,
    qtbot: Any,
) -> None:
    start_game(run, broadcaster.publish)
    statuses: list[Status] = []
    window = make_window(closed_port, fallbacks=[broadcaster.url])
    window.client.status_changed.connect(statuses.append)
    card_for(window, BOS_LAL.format(home=0, away=0), qtbot)
    on_second(window, broadcaster, qtbot)
    assert window.client.connection is not None
    assert window.client.connection.backoff.attempt == 0  # the refusal cost no backoff wait

    statuses.clear()
    window.client.reconnect_now()  # drops the connection; it comes back where it was
    publish_all(run, broadcaster.publish, [("g1", "score", score("home", 2))])
    card_for(window, BOS_LAL.format(home=2, away=0), qtbot)
    assert statuses
    assert {s.url for s in statuses} == {f"{broadcaster.url}/feed"}


def test_a_full_server_sends_the_app_to_the_next_at_once(
    broadcaster: BroadcasterProcess,
    tmp_path: Path,
    make_window: Callable[..., MainWindow],
    run: Runner,
    qtbot: Any,
) -> None:
    full = BroadcasterProcess(
        tmp_path / "full" / "journal.sqlite3", extra=["--max-per-address", "1"]
    )
    full.db.parent.mkdir()
    full.start()
    try:
        ws, _hello = run(open_feed(full.feed))  # the one feed this address may hold
        start_game(run, broadcaster.publish)
        window = make_window(full.url, fallbacks=[broadcaster.url])
        card_for(window, BOS_LAL.format(home=0, away=0), qtbot)
        on_second(window, broadcaster, qtbot)
        assert window.client.connection is not None
        assert window.client.connection.backoff.attempt == 0  # closed with 1013: next, at once
        run(ws.close())
    finally:
        full.stop()


def test_a_silent_server_is_passed_without_a_backoff_wait(
    broadcaster: BroadcasterProcess, run: Runner, qtbot: Any
) -> None:
    """Its host takes the TCP connection and never answers the handshake (a hung machine)."""
    start_game(run, broadcaster.publish)
    listener = Statuses()
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        first = f"ws://127.0.0.1:{silent.getsockname()[1]}"
        conn = FeedConnection(first, listener, open_timeout=0.2, fallbacks=[broadcaster.url])
        task = asyncio.get_running_loop().create_task(conn.run())
        try:
            qtbot.waitUntil(lambda: conn.status.phase == "connected", timeout=WAIT_MS)
        finally:
            task.cancel()
            run(asyncio.wait([task]))
    where = first.removeprefix("ws://")
    failed = next(s for s in listener.seen if s.error.startswith(f"{where}: "))
    assert (failed.reach, failed.url) == ("silent", f"{broadcaster.url}/feed")  # tried next
    assert conn.url == f"{broadcaster.url}/feed"
    assert conn.backoff.attempt == 0  # no wait was drawn
    assert conn.state.games["g1"].home.score == 0
