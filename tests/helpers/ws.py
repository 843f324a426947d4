"""Real websockets clients for tests: a feed subscriber and a publisher."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

TIMEOUT = 10.0
_ids = itertools.count(1)


async def recv(ws: ClientConnection, timeout: float = TIMEOUT) -> dict[str, Any]:
    raw = await asyncio.wait_for(ws.recv(), timeout)
    assert isinstance(raw, str), "the broadcaster sends text frames"
    msg = json.loads(raw)
    assert isinstance(msg, dict)
    return msg


async def send(ws: ClientConnection, msg: dict[str, Any] | str | bytes) -> None:
    await ws.send(msg if isinstance(msg, str | bytes) else json.dumps(msg))


async def open_feed(url: str, **kwargs: Any) -> tuple[ClientConnection, dict[str, Any]]:
    """Connect to /feed; returns the connection and its hello."""
    ws = await connect(url, open_timeout=TIMEOUT, **kwargs)
    hello = await recv(ws)
    assert hello["type"] == "hello"
    return ws, hello


async def open_publisher(url: str, token: str, **kwargs: Any) -> ClientConnection:
    ws = await connect(
        url,
        additional_headers={"Authorization": f"Bearer {token}"},
        open_timeout=TIMEOUT,
        **kwargs,
    )
    hello = await recv(ws)
    assert hello["type"] == "hello"
    return ws


def pub(
    game_id: str, kind: str, data: dict[str, Any] | None = None, id: str | None = None
) -> dict[str, Any]:
    return {
        "type": "publish",
        "id": id or f"test-{next(_ids)}",
        "game_id": game_id,
        "kind": kind,
        "data": data or {},
    }


async def publish(
    ws: ClientConnection,
    game_id: str,
    kind: str,
    data: dict[str, Any] | None = None,
    id: str | None = None,
) -> dict[str, Any]:
    """Publish one event and return the reply (ack or error)."""
    await send(ws, pub(game_id, kind, data, id))
    return await recv(ws)


def basketball_game(game_id: str, league: str = "NBA") -> dict[str, Any]:
    return {
        "sport": "basketball",
        "league": league,
        "home": {"name": "Boston Celtics", "short": "BOS"},
        "away": {"name": "Los Angeles Lakers", "short": "LAL"},
    }


def soccer_game(game_id: str, league: str = "World Cup") -> dict[str, Any]:
    return {
        "sport": "soccer",
        "league": league,
        "home": {"name": "France", "short": "FRA"},
        "away": {"name": "Croatia", "short": "CRO"},
    }


async def live_game(
    ws: ClientConnection, game_id: str, sport: str = "basketball"
) -> dict[str, Any]:
    """Create a game, start it and its first period; returns the last ack."""
    data = basketball_game(game_id) if sport == "basketball" else soccer_game(game_id)
    for kind, d in (("game.create", data), ("game.start", {}), ("period.start", {})):
        reply = await publish(ws, game_id, kind, d)
        assert reply["type"] == "ack", reply
    return reply


async def read_until_closed(
    ws: ClientConnection, timeout: float = TIMEOUT
) -> tuple[list[dict[str, Any]], int | None]:
    """Every message until the server closes; returns them and the close code received."""
    messages: list[dict[str, Any]] = []
    try:
        while True:
            messages.append(await recv(ws, timeout))
    except ConnectionClosed as closed:
        return messages, closed.rcvd.code if closed.rcvd is not None else None


async def recv_type(ws: ClientConnection, kind: str, timeout: float = TIMEOUT) -> dict[str, Any]:
    """The next message of one type, skipping others (e.g. live events)."""
    while (msg := await recv(ws, timeout))["type"] != kind:
        pass
    return msg
