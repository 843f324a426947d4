"""A broken server (the one thing outside our control, so a fake) never crashes the app."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve

from broadcaster.protocol import Hello, Snapshot, encode
from desktop.feed.connection import MAX_BAD, Status
from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import WAIT_MS, Runner, find_by_name
from tests.desktop.factories import state

GARBAGE: list[str | bytes] = [
    "this is not JSON",
    b"\x00\x01 a binary frame",
    "[1, 2, 3]",
    '{"type": "event", "seq": "seven"}',
    '{"type": "launch_missiles"}',
]
assert len(GARBAGE) <= MAX_BAD
GAME = state("fake", 2, 1, names=("Fake Home", "Fake Away"))


async def start(handler: Any) -> Server:
    return await serve(handler, "127.0.0.1", 0)


def hello() -> str:
    return encode(Hello(epoch="fake-epoch", seq=1, time=time.time())).decode()


async def garbage_then_snapshot(ws: ServerConnection) -> None:
    """Garbage after the first subscribe; a good snapshot after any later one."""
    await ws.send(hello())
    subscribes = 0
    async for raw in ws:
        if json.loads(raw)["type"] != "subscribe":
            continue
        subscribes += 1
        if subscribes == 1:
            for frame in GARBAGE:
                await ws.send(frame)
        else:
            await ws.send(encode(Snapshot("fake-epoch", 1, [GAME])).decode())


async def endless_garbage(ws: ServerConnection) -> None:
    await ws.send(hello())
    async for _ in ws:
        for frame in GARBAGE * 3:
            await ws.send(frame)


def test_bad_frames_are_answered_by_a_resync(
    make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    server = run(start(garbage_then_snapshot))
    try:
        port = server.sockets[0].getsockname()[1]
        window = make_window(f"ws://127.0.0.1:{port}")
        statuses: list[Status] = []
        window.client.status_changed.connect(statuses.append)
        qtbot.waitUntil(
            lambda: bool(find_by_name(window, "Fake Home 2, Fake Away 1")), timeout=WAIT_MS
        )
        assert any(s.phase == "resyncing" and "bad frame" in s.reason for s in statuses)
        qtbot.waitUntil(lambda: window.indicator.status.phase == "connected", timeout=WAIT_MS)
        assert window.isVisible()
    finally:
        server.close()
        run(server.wait_closed())


def test_a_server_that_only_sends_garbage_is_dropped_and_retried(
    make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    server = run(start(endless_garbage))
    try:
        port = server.sockets[0].getsockname()[1]
        window = make_window(f"ws://127.0.0.1:{port}")
        qtbot.waitUntil(lambda: window.indicator.status.phase == "reconnecting", timeout=WAIT_MS)
        assert window.indicator.status.attempt >= 1
        assert "Reconnecting · attempt" in window.indicator.text()
        assert window.games.rowCount() == 0
    finally:
        server.close()
        run(server.wait_closed())


def test_a_url_that_is_not_websocket_leaves_the_app_offline_saying_why(
    make_window: Callable[..., MainWindow], qtbot: Any
) -> None:
    window = make_window("http://example.invalid:80")
    qtbot.waitUntil(lambda: window.indicator.status.phase == "offline")
    assert window.indicator.text().startswith("○ Offline · not a ws:// or wss:// URL")
    assert window.client.status.phase == "offline"
