"""What a broadcaster is told at start: where to listen, who may publish, its limits."""

from __future__ import annotations

import hmac
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Limits:
    max_frame: int = 64 * 1024
    publish_rate: float = 1000.0  # publishes/s per publisher
    request_rate: float = 20.0  # requests/s per subscriber (answered in turn, not refused)
    request_queue: int = 100  # requests a subscriber may have waiting; past it: 1008
    max_buffer: int = 1024 * 1024  # unsent bytes before a subscriber is cut off (4008)
    bad_messages: int = 20
    bad_window: float = 10.0
    ping_interval: float = 20.0
    ping_timeout: float = 20.0
    retention: int | None = None  # how many latest events resume and history reach
    max_connections: int = 20_000  # past it new connections are closed with 1013


@dataclass(frozen=True)
class Config:
    host: str = "127.0.0.1"
    port: int = 8765
    publish_tokens: Sequence[str] = ()
    feed_tokens: Sequence[str] = ()  # empty: /feed is open
    ssl: ssl.SSLContext | None = None
    allow_origins: Sequence[str] = ()  # empty: any origin
    limits: Limits = field(default_factory=Limits)


def token_ok(given: str | None, tokens: Sequence[str]) -> bool:
    """Constant-time comparison against every configured token."""
    if not given:
        return False
    ok = False
    for token in tokens:
        ok |= hmac.compare_digest(given.encode(), token.encode())
    return ok


def bearer(authorization: str) -> str | None:
    """The token of an ``Authorization: Bearer …`` header value."""
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None
