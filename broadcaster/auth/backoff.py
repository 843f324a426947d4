"""Per-address back-off after wrong tokens, as a pure value (time passed in).

The ``free``-th wrong token from an address shuts it out for ``base`` seconds, and each
one after that for twice as long as the one before (2×, 4× … up to ``cap``). While shut
out, its attempts are answered 429 without looking at the token, and they do not lengthen
the wait, so an operator's console that keeps retrying gets in as soon as the wait is over.
A right token forgets the address; so does ``forget`` seconds without a failure. At most
``size`` addresses are remembered (the longest-quiet go first), so a flood of addresses
cannot grow memory without bound.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class _Record:
    failures: int = 0
    last: float = 0.0
    until: float = 0.0


@dataclass
class Backoff:
    free: int = 5
    base: float = 1.0
    cap: float = 300.0
    forget: float = 600.0
    size: int = 10_000
    _seen: dict[str, _Record] = field(default_factory=dict)

    def wait(self, address: str, now: float) -> float:
        """Seconds this address must still wait (0: it may try a token)."""
        record = self._seen.get(address)
        return max(0.0, record.until - now) if record else 0.0

    def failed(self, address: str, now: float) -> float:
        """Record a wrong token; returns the wait it starts (0 while still free)."""
        record = self._seen.pop(address, None)
        if record is None or now - record.last > self.forget:
            record = _Record()
        record.failures += 1
        record.last = now
        over = record.failures - self.free
        wait = min(self.cap, self.base * 2.0 ** min(over, 40)) if over >= 0 else 0.0
        record.until = now + wait
        self._seen[address] = record  # re-inserted: the dict's order is "longest quiet first"
        while len(self._seen) > self.size:
            del self._seen[next(iter(self._seen))]
        return wait

    def succeeded(self, address: str) -> None:
        self._seen.pop(address, None)
