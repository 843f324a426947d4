"""Who gets a socket: file limits, handshakes, feeds, per-address caps, a reserve for operators.

Anonymous sockets must never lock an operator out. So:

- at start the soft file limit is raised to the hard one, and the caps are derived from
  it (``derive_caps``), so the server runs out of its own caps long before ``EMFILE``;
- a socket that has not finished its handshake is cheap to drop: at most
  ``max_handshakes`` wait at once, and one more evicts the oldest waiting if it has waited
  ``EVICT_AFTER`` (an idle or slow-loris socket) — at the total cap, whatever its age —
  so an operator's fast handshake always gets through, while a storm of honest clients
  reconnecting at once is not cut short;
- ``/feed`` may use all connections but ``reserve``, kept for ``/publish`` and
  ``/healthz``; and one address may hold at most ``per_address`` feed connections.

Pure bookkeeping (no sockets): the connections are opaque keys; the server acts on
the verdicts.
"""

from __future__ import annotations

import resource
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field

FD_MARGIN = 64  # files the process needs besides its sockets (journal, logs, threads)
EVICT_AFTER = 1.0  # seconds a handshake may wait before a newcomer may evict it


@dataclass(frozen=True)
class Caps:
    max_connections: int  # every socket, handshaking or not
    max_handshakes: int = 128  # sockets still in their opening handshake
    reserve: int = 32  # kept for /publish and /healthz: /feed gets the rest
    per_address: int = 1000  # feed connections from one address (0: no cap)


def raise_file_limit() -> int:
    """Raise the soft limit on open files to the hard one; returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if target > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft


def file_limit() -> int:
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def derive_caps(
    files: int,
    max_connections: int | None = None,
    max_handshakes: int | None = None,
    reserve: int | None = None,
    per_address: int | None = None,
) -> Caps:
    """Caps that fit ``files`` open files; a configured value wins where given (but the
    total never passes what the file limit allows)."""
    fit = max(16, files - FD_MARGIN)
    total = fit if max_connections is None else min(max_connections, fit)
    default = Caps(total)
    return Caps(
        max_connections=total,
        max_handshakes=max_handshakes or max(4, min(default.max_handshakes, total // 8)),
        reserve=reserve if reserve is not None else max(2, min(default.reserve, total // 16)),
        per_address=per_address if per_address is not None else default.per_address,
    )


@dataclass
class Admission:
    caps: Caps
    _open: set[Hashable] = field(default_factory=set)
    _handshaking: dict[Hashable, float] = field(default_factory=dict)  # since when, oldest first
    _feeds: dict[Hashable, str] = field(default_factory=dict)  # connection -> address
    _per_address: Counter[str] = field(default_factory=Counter)

    def opened(self, conn: Hashable, now: float) -> tuple[bool, Hashable | None]:
        """A socket was accepted: (keep it?, a waiting handshake to evict for it, if any)."""
        full = len(self._open) >= self.caps.max_connections
        if full and not self._handshaking:
            return False, None
        evict = None
        if full or len(self._handshaking) >= self.caps.max_handshakes:
            oldest, since = next(iter(self._handshaking.items()))
            if full or now - since >= EVICT_AFTER:  # at the total cap, the newest wins
                evict = oldest
                del self._handshaking[evict]
                self._open.discard(evict)
        self._open.add(conn)
        self._handshaking[conn] = now
        return True, evict

    def handshake_done(self, conn: Hashable) -> None:
        self._handshaking.pop(conn, None)

    def feed(self, conn: Hashable, address: str) -> str | None:
        """A ``/feed`` handshake: None to admit it, else why not."""
        if len(self._feeds) >= self.caps.max_connections - self.caps.reserve:
            return "too many subscribers; try again later"
        cap = self.caps.per_address
        if cap and self._per_address[address] >= cap:
            return f"more than {cap} connections from {address}"
        self._feeds[conn] = address
        self._per_address[address] += 1
        return None

    def closed(self, conn: Hashable) -> None:
        self._open.discard(conn)
        self._handshaking.pop(conn, None)
        address = self._feeds.pop(conn, None)
        if address is not None:
            self._per_address[address] -= 1
            if not self._per_address[address]:
                del self._per_address[address]

    @property
    def counts(self) -> tuple[int, int, int]:
        """(open, handshaking, feeds)."""
        return len(self._open), len(self._handshaking), len(self._feeds)
