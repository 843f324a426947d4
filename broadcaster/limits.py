"""Per-connection limits as pure values: a token bucket and a bad-message window.

Time is passed in, so the rules are easy to test and the server decides what
a breach costs (PROTOCOL.md: a 1008 close).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    """Allows ``rate`` messages a second on average, bursts up to ``rate``."""

    rate: float
    tokens: float = -1.0
    stamp: float = 0.0

    def allow(self, now: float) -> bool:
        if self.tokens < 0:  # first use: a full bucket
            self.tokens, self.stamp = self.rate, now
        self.tokens = min(self.rate, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


@dataclass
class BadMessages:
    """Counts malformed messages in a sliding window; ``add`` says when it overflows."""

    limit: int = 20
    window: float = 10.0
    times: deque[float] = field(default_factory=deque)

    def add(self, now: float) -> bool:
        """Record one bad message; True when more than ``limit`` fell in ``window``."""
        self.times.append(now)
        while self.times and self.times[0] <= now - self.window:
            self.times.popleft()
        return len(self.times) > self.limit
