"""The websockets internals the fan-out leans on, checked against the installed release.

``fanout.py`` writes pre-framed bytes straight to ``ServerConnection.transport`` when
``send_in_progress`` is None and the protocol is OPEN. None of that is websockets' public
API, so ``pyproject.toml`` caps websockets below the next major release, and this test
fails loudly (instead of subscribers silently getting garbage) if a release changes it.
"""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.protocol import State

from broadcaster.fanout import Subscriber, _write, wire_frame


@pytest.mark.asyncio
async def test_preframed_bytes_written_to_the_transport_arrive_as_text_messages() -> None:
    connected: asyncio.Future[ServerConnection] = asyncio.get_running_loop().create_future()

    async def handler(ws: ServerConnection) -> None:
        connected.set_result(ws)
        await ws.wait_closed()

    async with serve(handler, "127.0.0.1", 0, compression=None) as server:
        port = server.sockets[0].getsockname()[1]
        async with connect(f"ws://127.0.0.1:{port}", compression=None) as client:
            ws = await asyncio.wait_for(connected, 5)
            assert ws.protocol.state is State.OPEN
            assert ws.send_in_progress is None  # idle: nothing half-sent
            assert ws.transport.get_write_buffer_size() == 0
            payload = '{"type":"event","seq":1,"text":"Messi 23\' ⚽"}'
            frames = wire_frame(payload.encode()) + wire_frame(b'{"seq":2}')
            assert _write([Subscriber(ws)], frames, set()) == 1
            assert await asyncio.wait_for(client.recv(), 5) == payload
            assert await asyncio.wait_for(client.recv(), 5) == '{"seq":2}'
            # A regular send still works after raw writes: the framing stayed in step.
            await ws.send("after")
            assert await asyncio.wait_for(client.recv(), 5) == "after"
