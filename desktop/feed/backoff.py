"""Full-jitter exponential backoff (AWS architecture blog), pure.

Delay for attempt n is uniform in ``[0, min(cap, base·2ⁿ⁻¹)]``: clients that
lost the same broadcaster spread their reconnects instead of arriving
together. ``reset`` after a connection has stayed up long enough to count as
stable, so a flapping server does not get hammered at the base delay.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    base: float = 0.5
    cap: float = 30.0
    rng: random.Random = field(default_factory=random.Random)
    attempt: int = 0  # failed attempts since the last reset

    def next_delay(self) -> float:
        """Count one more attempt and return how long to wait before it."""
        self.attempt += 1
        ceiling = min(self.cap, self.base * 2 ** min(self.attempt - 1, 32))
        return self.rng.uniform(0.0, ceiling)

    def reset(self) -> None:
        self.attempt = 0
