"""Full-jitter exponential backoff (desktop/feed/backoff.py)."""

from __future__ import annotations

import random

from desktop.feed.backoff import Backoff


class Highest(random.Random):
    """Always the top of the range: shows the ceiling the jitter is drawn under."""

    def uniform(self, a: float, b: float) -> float:
        return b


def test_ceiling_doubles_from_the_base_up_to_the_cap() -> None:
    backoff = Backoff(base=0.5, cap=30.0, rng=Highest())
    delays = [backoff.next_delay() for _ in range(9)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]
    assert backoff.attempt == 9


def test_delays_are_jittered_between_zero_and_the_ceiling() -> None:
    backoff = Backoff(base=0.5, cap=30.0, rng=random.Random(7))
    delays = [backoff.next_delay() for _ in range(40)]
    assert all(0.0 <= d <= min(30.0, 0.5 * 2**i) for i, d in enumerate(delays))
    assert len({round(d, 6) for d in delays}) > 30  # spread, not one fixed schedule


def test_reset_starts_again_from_the_base() -> None:
    backoff = Backoff(base=0.5, cap=30.0, rng=Highest())
    for _ in range(5):
        backoff.next_delay()
    backoff.reset()
    assert backoff.next_delay() == 0.5


def test_many_attempts_do_not_overflow() -> None:
    backoff = Backoff(rng=Highest())
    for _ in range(2000):
        assert backoff.next_delay() <= 30.0
