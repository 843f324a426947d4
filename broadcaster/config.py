"""What a broadcaster is told at start: where to listen, who may publish, its limits."""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Limits:
    max_frame: int = 64 * 1024
    publish_rate: float = 1000.0  # publishes/s per publisher
    token_rate: float = 1000.0  # publishes/s per token, across all its connections
    request_rate: float = 20.0  # requests/s per subscriber (answered in turn, not refused)
    request_queue: int = 100  # requests a subscriber may have waiting; past it: 1008
    feed_inbound: int = 256 * 1024  # bytes/s a subscriber may send, pings included; past it 1008
    max_buffer: int = 1024 * 1024  # unsent bytes before a connection is cut off (4008)
    max_lag: float = 30.0  # seconds a live subscriber may have unsent data throughout (4008)
    bad_messages: int = 20
    bad_window: float = 10.0
    ping_interval: float = 20.0
    ping_timeout: float = 20.0
    retention: int | None = None  # how many latest events resume and history reach
    max_connections: int | None = None  # every socket; None: from the open-file limit
    max_handshakes: int | None = None  # sockets in their opening handshake at once
    operator_reserve: int | None = None  # connections /feed may not take (for /publish)
    max_per_address: int | None = None  # feed connections per address (0: no cap)


@dataclass(frozen=True)
class Config:
    host: str = "127.0.0.1"
    port: int = 8765
    publish_tokens: Sequence[str] = ()  # unnamed (legacy) tokens: publish anything
    feed_tokens: Sequence[str] = ()  # unnamed read-only tokens; any makes /feed private
    token_file: Path | None = None  # named tokens (broadcaster.auth), reloaded when it changes
    private_feed: bool = False  # /feed needs a token even without a feed token
    ssl: ssl.SSLContext | None = None
    allow_origins: Sequence[str] = ()  # empty: any origin
    limits: Limits = field(default_factory=Limits)
