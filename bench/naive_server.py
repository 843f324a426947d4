"""Baselines of bench/fanout.py in Python: the naive server, and a what-if sketch.

Default (baseline A): what a first version would do. On each publish, ``for ws
in clients: await ws.send(msg)``, then ack.

``--preframed`` (a sketch of a faster fan-out, not a baseline): the frame
header is built once per event (server frames are unmasked, so the bytes are
the same for every subscriber), the events that arrived in one loop iteration
are joined, and the result goes to each subscriber's transport with one
``write`` (one ``send()`` syscall) per subscriber, skipping the per-connection
framing of websockets' ``broadcast()``.

Both: same library and settings as the broadcaster (no compression, 20 s
keepalive), same message flow (hello on connect, a snapshot for
``subscribe``, an ack per publish), but no rules, no journal, no JSON
parsing: the publish frame itself is relayed to every subscriber.

    python bench/naive_server.py [--preframed] [--uvloop]   # prints "ready url=ws://..."
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

HELLO = '{"type":"hello","protocol":1,"server":"naive-python-baseline"}'
SNAPSHOT = '{"type":"snapshot","seq":0,"games":[]}'
ACK = '{"type":"ack"}'
CLIENTS: set[ServerConnection] = set()


async def naive(ws: ServerConnection) -> None:
    async for msg in ws:
        for client in list(CLIENTS):  # a copy: the set changes while we await
            with contextlib.suppress(ConnectionClosed):
                await client.send(msg)
        await ws.send(ACK)


def text_frame(payload: bytes) -> bytes:
    """An unmasked, unfragmented text frame (what a server sends)."""
    n = len(payload)
    if n < 126:
        head = bytes([0x81, n])
    elif n < 1 << 16:
        head = bytes([0x81, 126]) + n.to_bytes(2, "big")
    else:
        head = bytes([0x81, 127]) + n.to_bytes(8, "big")
    return head + payload


class Preframed:
    """Relays the events of one loop iteration with one write per subscriber."""

    def __init__(self) -> None:
        self.pending: list[bytes] = []
        self.acks: list[ServerConnection] = []

    async def session(self, ws: ServerConnection) -> None:
        loop = asyncio.get_running_loop()
        async for msg in ws:
            if not self.pending:
                loop.call_soon(self.flush)
            self.pending.append(text_frame(msg.encode() if isinstance(msg, str) else msg))
            self.acks.append(ws)

    def flush(self) -> None:
        data = b"".join(self.pending)
        for client in CLIENTS:
            if client.protocol.state is State.OPEN and client.transport is not None:
                client.transport.write(data)
        for publisher in self.acks:
            broadcast([publisher], ACK)
        self.pending.clear()
        self.acks.clear()


async def main(preframed: bool) -> None:
    publish = Preframed().session if preframed else naive

    async def handler(ws: ServerConnection) -> None:
        assert ws.request is not None
        await ws.send(HELLO)
        if ws.request.path.startswith("/publish"):
            await publish(ws)
            return
        try:
            async for _msg in ws:  # any message subscribes
                CLIENTS.add(ws)
                await ws.send(SNAPSHOT)
        finally:
            CLIENTS.discard(ws)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with serve(handler, "127.0.0.1", 0, compression=None, max_size=64 * 1024) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"ready url=ws://127.0.0.1:{port}", flush=True)
        await stop.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preframed", action="store_true", help="the what-if fan-out")
    parser.add_argument("--uvloop", action="store_true", help="run on uvloop (pip install uvloop)")
    args = parser.parse_args()
    if args.uvloop:
        import uvloop

        uvloop.run(main(args.preframed))
    else:
        asyncio.run(main(args.preframed))
