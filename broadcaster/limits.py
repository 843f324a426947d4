"""Per-connection limits as pure values: a token bucket and a bad-message window.

Time is passed in, so the rules are easy to test and the server decides what
a breach costs (PROTOCOL.md: a 1008 close).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    """Allows ``rate`` messages a second on average, bursts up to ``rate``."""

    rate: float
    tokens: float | None = None  # None until first use: then a full bucket
    stamp: float = 0.0

    def _refill(self, now: float) -> float:
        tokens = self.rate if self.tokens is None else self.tokens
        self.tokens = min(self.rate, tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return self.tokens

    def allow(self, now: float) -> bool:
        tokens = self._refill(now)
        if tokens >= 1.0:
            self.tokens = tokens - 1.0
            return True
        return False

    def take(self, n: float, now: float) -> bool:
        """Take ``n`` tokens (bytes, say) if there are that many; False leaves the bucket."""
        tokens = self._refill(now)
        if tokens >= n:
            self.tokens = tokens - n
            return True
        return False

    def wait(self, now: float) -> float:
        """Take the next token: 0.0 if there is one, else how long until it is due (the
        token is reserved: the bucket goes into debt, so waiters keep their order)."""
        tokens = self._refill(now) - 1.0
        self.tokens = tokens
        return 0.0 if tokens >= 0 else -tokens / self.rate


@dataclass
class BadMessages:
    """Counts malformed messages in a sliding window; ``add`` says when it overflows."""

    limit: int = 20
    window: float = 10.0
    times: list[float] = field(default_factory=list)  # at most limit + 1: a list is smaller

    def add(self, now: float) -> bool:
        """Record one bad message; True when more than ``limit`` fell in ``window``."""
        self.times.append(now)
        while self.times and self.times[0] <= now - self.window:
            del self.times[0]
        return len(self.times) > self.limit
