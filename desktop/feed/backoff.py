"""Full-jitter exponential backoff (AWS architecture blog) that knows who answered, pure.

Delay for attempt n is uniform in ``[0, min(cap, base·2ⁿ⁻¹)]``: clients that
lost the same broadcaster spread their reconnects instead of arriving
together. The ceiling grows only while the server is *silent* (unreachable
host, no route, unknown name, a handshake that times out). While its host
answers at once — the port refuses (the broadcaster is restarting), a 5xx
(it is shutting down), a connection that was up and dropped — the ceiling
stays at ``fast_cap`` (1 s), so the app is live again about a second after
the broadcaster is back however long it was down. A 4xx (bad token, rate
limited) grows like silence: asking again soon will not change the answer.
``reset`` after a connection has stayed up long enough to count as stable,
so a flapping server does not get hammered at the base delay.
"""

from __future__ import annotations

import errno
import random
import socket
from dataclasses import dataclass, field
from typing import Literal

Reach = Literal["answered", "silent"]

SILENT_ERRNOS = {errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ETIMEDOUT, errno.EHOSTDOWN}


def reach_of(error: BaseException | None, status_code: int | None = None) -> Reach:
    """Whether a failed attempt heard the server's host answer (``None``: it dropped)."""
    if error is None:
        return "answered"  # a connection was open, then closed: the host was there
    if status_code is not None:
        return "answered" if status_code >= 500 else "silent"
    if isinstance(error, socket.gaierror | TimeoutError):
        return "silent"
    if isinstance(error, ConnectionRefusedError | ConnectionResetError):
        return "answered"
    if isinstance(error, OSError) and error.errno in SILENT_ERRNOS:
        return "silent"
    return "answered" if isinstance(error, OSError) else "silent"


@dataclass
class Backoff:
    base: float = 0.5
    cap: float = 30.0
    fast_cap: float = 1.0  # the ceiling while the server's host answers
    rng: random.Random = field(default_factory=random.Random)
    attempt: int = 0  # failed attempts since the last reset
    last_ceiling: float = 0.0  # what the last delay was drawn under

    def next_delay(self, reach: Reach = "silent") -> float:
        """Count one more attempt and return how long to wait before it."""
        self.attempt += 1
        ceiling = min(self.cap, self.base * 2 ** min(self.attempt - 1, 32))
        if reach == "answered":
            ceiling = min(ceiling, self.fast_cap)
        self.last_ceiling = ceiling
        return self.rng.uniform(0.0, ceiling)

    def reset(self) -> None:
        self.attempt = 0
