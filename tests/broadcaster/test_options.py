"""Options of ``broadcaster serve``: TLS, origins, retention, connection and request limits."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import ssl
import subprocess
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.frames import Frame, Opcode

from tests.helpers.proc import TOKEN, BroadcasterProcess
from tests.helpers.ws import (
    live_game,
    open_feed,
    open_publisher,
    pub,
    publish,
    read_until_closed,
    recv,
    send,
)

pytestmark = pytest.mark.asyncio


@pytest.fixture
def started(journal_path: Path):  # type: ignore[no-untyped-def]
    """Start a broadcaster with extra options; stopped at teardown."""
    procs: list[BroadcasterProcess] = []

    def start(*extra: str) -> BroadcasterProcess:
        procs.append(BroadcasterProcess(journal_path, extra=list(extra)).start())
        return procs[-1]

    yield start
    for proc in procs:
        proc.stop()


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with openssl."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


async def test_wss_with_a_certificate(started, certificate) -> None:  # type: ignore[no-untyped-def]
    cert, key = certificate
    proc = started("--cert", str(cert), "--key", str(key))
    assert proc.url.startswith("wss://")
    context = ssl.create_default_context(cafile=str(cert))
    ws = await open_publisher(proc.publish, TOKEN, ssl=context)
    assert (
        await publish(
            ws,
            "g",
            "game.create",
            {
                "sport": "soccer",
                "league": "L",
                "home": {"name": "A", "short": "A"},
                "away": {"name": "B", "short": "B"},
            },
        )
    )["type"] == "ack"
    await ws.close()


async def test_origin_check(started) -> None:  # type: ignore[no-untyped-def]
    proc = started("--allow-origin", "https://scores.example")
    with pytest.raises(InvalidStatus) as caught:
        await connect(proc.feed, origin="https://evil.example")  # type: ignore[arg-type]
    assert caught.value.response.status_code == 403
    async with connect(proc.feed, origin="https://scores.example") as ws:  # type: ignore[arg-type]
        assert (await recv(ws))["type"] == "hello"
    async with connect(proc.feed) as ws:  # not a browser: no Origin header
        assert (await recv(ws))["type"] == "hello"


async def test_retention_narrows_resume_and_history(started) -> None:  # type: ignore[no-untyped-def]
    proc = started("--retention", "5")
    ws = await open_publisher(proc.publish, TOKEN)
    await live_game(ws, "g1")
    for _ in range(10):
        await publish(ws, "g1", "score", {"team": "home", "points": 1})
    feed, _ = await open_feed(proc.feed)
    await send(feed, {"type": "subscribe", "resume": {"epoch": proc.epoch, "seq": 2}})
    assert (await recv(feed))["type"] == "snapshot"  # too far back: start over
    await send(feed, {"type": "subscribe", "resume": {"epoch": proc.epoch, "seq": 9}})
    assert [(await recv(feed))["seq"] for _ in range(4)] == [10, 11, 12, 13]
    await send(feed, {"type": "history", "req": "h", "game_id": "g1"})
    history = await recv(feed)
    assert [e["seq"] for e in history["events"]] == [13, 12, 11, 10, 9]
    await feed.close()
    await ws.close()


async def test_feeds_past_their_share_get_1013_and_operators_still_connect(started) -> None:  # type: ignore[no-untyped-def]
    proc = started("--max-connections", "3", "--operator-reserve", "1")
    a, _ = await open_feed(proc.feed)
    b, _ = await open_feed(proc.feed)
    third = await connect(proc.feed)
    messages, code = await read_until_closed(third)
    assert (messages, code) == ([], 1013)
    operator = await open_publisher(proc.publish, TOKEN)  # the reserve
    assert (await live_game(operator, "g1"))["type"] == "ack"
    for ws in (a, b, operator):
        await ws.close()


async def test_one_address_may_hold_only_so_many_feeds(started) -> None:  # type: ignore[no-untyped-def]
    proc = started("--max-per-address", "2")
    feeds = [(await open_feed(proc.feed))[0] for _ in range(2)]
    third = await connect(proc.feed)
    _, code = await read_until_closed(third)
    assert code == 1013
    assert await proc.alogged("more than 2 connections from 127.0.0.1")
    await feeds[0].close()
    again, _ = await open_feed(proc.feed)  # a slot freed is a slot again
    for ws in (feeds[1], again):
        await ws.close()


async def test_a_page_opening_many_games_gets_every_answer(started) -> None:  # type: ignore[no-untyped-def]
    """A subscribe and 20 history requests at once (over 20/s): queued and all answered."""
    proc = started()
    ws = await open_publisher(proc.publish, TOKEN)
    for n in range(20):
        await live_game(ws, f"g{n}")
    feed, _ = await open_feed(proc.feed)
    await send(feed, {"type": "subscribe"})
    for n in range(20):
        await send(feed, {"type": "history", "req": n, "game_id": f"g{n}"})
    assert (await recv(feed))["type"] == "snapshot"
    replies = [await recv(feed) for _ in range(20)]
    assert [(r["type"], r["req"], len(r["events"])) for r in replies] == [
        ("history", n, 3) for n in range(20)
    ]
    await feed.close()
    await ws.close()


async def test_a_flood_of_requests_is_answered_then_closed_with_1008(started) -> None:  # type: ignore[no-untyped-def]
    proc = started("--request-rate", "5", "--request-queue", "10")
    feed, _ = await open_feed(proc.feed)
    for i in range(100):  # in a few ms; at 5/s the server could answer 5 + 5 a second
        await send(feed, {"type": "history", "req": i, "game_id": "none"})
    replies, code = await read_until_closed(feed)
    answered = [r["req"] for r in replies if r["code"] == "unknown_game"]
    assert answered == list(range(len(answered)))  # in order, none skipped
    assert 10 <= len(answered) < 60  # the queue (10), the burst, what the rate let through
    assert [r["code"] for r in replies[len(answered) :]] == ["rate_limited"]
    assert code == 1008


async def test_a_long_catch_up_never_trips_the_slow_consumer_limit(started) -> None:  # type: ignore[no-untyped-def]
    proc = started("--max-buffer", "32768")
    ws = await open_publisher(proc.publish, TOKEN)
    await live_game(ws, "g1")
    for i in range(600):
        await send(ws, pub("g1", "play", {"text": "z" * 2000}, id=f"p{i}"))
    for _ in range(600):
        assert (await recv(ws))["type"] == "ack"
    feed, _ = await open_feed(proc.feed)
    await send(feed, {"type": "subscribe", "resume": {"epoch": proc.epoch, "seq": 0}})
    seqs = [(await recv(feed))["seq"] for _ in range(603)]  # ~1.3 MB through a 32 KiB limit
    assert seqs == list(range(1, 604))
    live = await publish(ws, "g1", "play", {"text": "live"})
    assert (await recv(feed))["seq"] == live["seq"]
    await feed.close()
    await ws.close()


async def test_peers_that_answer_pings_stay_and_every_one_is_pinged(started) -> None:  # type: ignore[no-untyped-def]
    """One keepalive task pings every connection in turn (keepalive.py)."""
    proc = started("--heartbeat", "0.2")
    pongs = [0] * 30

    async def watch(i: int) -> None:
        ws, _ = await open_feed(proc.feed, ping_interval=None)  # only the server pings
        send_frame = ws.protocol.send_frame

        def counted(frame: Frame) -> None:
            pongs[i] += frame.opcode is Opcode.PONG
            send_frame(frame)

        ws.protocol.send_frame = counted  # type: ignore[method-assign]
        while pongs[i] < 3:  # three pings answered: still connected
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ws.recv(), 0.1)
        await ws.close()

    await asyncio.wait_for(asyncio.gather(*(watch(i) for i in range(30))), 20)
    assert min(pongs) >= 3


async def test_a_peer_that_never_answers_pings_is_closed(started) -> None:  # type: ignore[no-untyped-def]
    proc = started("--heartbeat", "0.3")
    reader, writer = await asyncio.open_connection("127.0.0.1", proc.port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            f"GET /feed HTTP/1.1\r\nHost: 127.0.0.1:{proc.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    assert head.startswith(b"HTTP/1.1 101")
    received = b""
    while chunk := await asyncio.wait_for(reader.read(4096), 10):  # never answer a ping
        received += chunk
    assert b'"type":"hello"' in received
    assert b"\x89" in received  # the server pinged; EOF came when the pong never did
    close = received[received.rindex(b"\x88") :]  # the close frame: not 1011 (a server fault)
    assert int.from_bytes(close[2:4], "big") == 4008  # too slow: resume
    assert b"keepalive ping timeout" in close
    writer.close()
    await writer.wait_closed()


async def test_a_subscriber_flooding_pings_is_closed_with_1008(started) -> None:  # type: ignore[no-untyped-def]
    """websockets answers pings before our code sees them: the inbound rate bounds the CPU."""
    proc = started("--feed-inbound", "20000")
    ws, _ = await open_feed(proc.feed)
    ping = Frame(Opcode.PING, b"p" * 100).serialize(mask=True, extensions=[])
    for _ in range(50):  # 50 × 10 pings × 106 bytes: over 20,000 bytes/s at once
        ws.transport.write(ping * 10)
    _, code = await read_until_closed(ws)
    assert code == 1008
    assert await proc.alogged("sending more than 20000 bytes/s")
    quiet, _ = await open_feed(proc.feed)  # an ordinary subscriber is untouched
    await send(quiet, {"type": "subscribe"})
    assert (await recv(quiet))["type"] == "snapshot"
    await quiet.close()
