"""A client's list of broadcasters (``--url ws://a,ws://b``) and which one to try next; pure.

Several broadcaster nodes on one NATS journal serve the same ``(epoch, seq)``, so a
client that loses its node resumes on another with nothing lost or repeated; nodes
with journals of their own answer a resume with a snapshot, so moving is always safe.

``Servers`` is sticky: a client stays on the server that works and moves only when
an attempt to connect fails (refused, silent, an HTTP error, or closed before the server's
hello, as a full node does with 1013), to the next one in the list (wrapping round). A
connection that was up and dropped is tried again on the same server first (it may
be a restart, and moving costs a snapshot on separate journals); when that attempt
fails, the next server is tried at once: the caller waits its back-off only after a
whole round of the list failed. So a dead server in the list costs one refused
connection when the client passes it, never a wait on every reconnect; a silent one costs a
short handshake timeout in the first round (``open_timeout``), the full one after that.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

SCHEMES = ("ws", "wss")


def parse_urls(text: str) -> list[str]:
    """``"ws://a:1, ws://b:2"`` → ``["ws://a:1", "ws://b:2"]``; ``ValueError`` saying which
    one is wrong (an empty item, another scheme, no host, a bad port, a repeat)."""
    items = [item.strip() for item in text.split(",")]
    if items == [""]:
        raise ValueError("no broadcaster given: e.g. ws://127.0.0.1:8765")
    urls: list[str] = []
    for number, url in enumerate(items, 1):
        where = f"server {number} of {len(items)}"
        if not url:
            raise ValueError(f"{where} is empty (a stray comma?): {text!r}")
        problem = url_problem(url)
        if problem:
            raise ValueError(f"{where}: {problem}")
        if url in urls:
            raise ValueError(f"{where}: {url} is named twice")
        urls.append(url)
    return urls


def url_list(text: str) -> list[str]:
    """``parse_urls`` as an argparse ``type``: a bad list is a usage error naming the server."""
    try:
        return parse_urls(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def url_problem(url: str) -> str:
    """Why ``url`` is not a broadcaster's address ("" when it is one)."""
    try:
        parts = urlsplit(url)
        port = parts.port  # reads the port: a bad one raises
    except ValueError as exc:
        return f"not a URL: {url!r} ({exc})"
    if parts.scheme not in SCHEMES:
        return f"not a ws:// or wss:// URL: {url!r}"
    if not parts.hostname:
        return f"no host in {url!r}"
    if port == 0:
        return f"port 0 in {url!r}"
    return ""


def where(url: str) -> str:
    """``ws://10.0.0.2:8765/feed`` → ``10.0.0.2:8765``: a server named briefly, for a status."""
    return urlsplit(url).netloc or url


@dataclass
class Servers:
    """Which of ``urls`` to connect to now, and whether a failed attempt ends a round."""

    urls: tuple[str, ...]
    index: int = 0
    failures: int = 0  # attempts that did not connect, since the last that did

    def __post_init__(self) -> None:
        if not self.urls:
            raise ValueError("no broadcaster given")

    @classmethod
    def of(cls, urls: Sequence[str]) -> Servers:
        return cls(tuple(urls))

    @property
    def current(self) -> str:
        return self.urls[self.index]

    @property
    def several(self) -> bool:
        return len(self.urls) > 1

    def open_timeout(self, full: float, quick: float) -> float:
        """How long the next handshake may take: ``quick`` while other servers are left to
        try in this round (a silent host must not hold the client up for long), ``full``
        with one server or once every one failed (a slow network must still get through)."""
        if not self.several or self.failures >= len(self.urls):
            return full
        return min(full, quick)

    def connected(self) -> None:
        """The attempt at ``current`` connected: stay with it."""
        self.failures = 0

    def failed(self) -> bool:
        """The attempt at ``current`` did not connect: move to the next server. True when
        every server has now failed once more (a round ended: wait before the next try)."""
        self.failures += 1
        self.index = (self.index + 1) % len(self.urls)
        return self.failures % len(self.urls) == 0
