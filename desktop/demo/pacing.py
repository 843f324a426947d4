"""How the demo plays a feed at a lively pace; pure.

Feed times (``at``, real seconds) are divided by a speed chosen per feed so
a whole game lasts a few minutes. Game clocks would still run at real speed
between events, so the demo re-anchors running clocks with ``clock.set``:
within a period that the feed starts at ``P`` and ends at ``E``, the clock
moves from the period's start to its end as feed time goes from ``P`` to
``E`` (count-up clocks, like soccer's, simply follow feed time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from broadcaster.feed import FeedItem

SPEED = 40.0  # at least this many feed seconds per second
LONGEST = 240.0  # seconds a feed may last at most, in the demo


def speed_for(items: Sequence[FeedItem]) -> float:
    last = max((item.at or 0.0 for item in items), default=0.0)
    return max(SPEED, last / LONGEST)


def schedule(items: Sequence[FeedItem]) -> list[float]:
    """Each item's feed time; an item without ``at`` keeps the one before it."""
    times, at = [], 0.0
    for item in items:
        at = item.at if item.at is not None else at
        times.append(at)
    return times


@dataclass(frozen=True, slots=True)
class PeriodRun:
    """A period being played: where its clock starts and ends, in clock and feed time."""

    clock_start: float
    clock_end: float
    feed_start: float
    feed_end: float | None  # None: the feed never ends it

    def clock_at(self, feed_time: float) -> float:
        elapsed = max(0.0, feed_time - self.feed_start)
        down = self.clock_end < self.clock_start
        span = abs(self.clock_end - self.clock_start)
        if down and self.feed_end is not None and self.feed_end > self.feed_start:
            elapsed *= span / (self.feed_end - self.feed_start)
        low, high = sorted((self.clock_start, self.clock_end))
        if not down:
            return self.clock_start + elapsed  # count-up clocks may run into stoppage time
        return min(high, max(low, self.clock_start - elapsed))


def period_end_after(items: Sequence[FeedItem], times: Sequence[float], index: int) -> float | None:
    """Feed time of the ``period.end`` (or ``game.end``) that follows item ``index``."""
    game_id = items[index].publish.game_id
    for item, at in zip(items[index + 1 :], times[index + 1 :], strict=True):
        if item.publish.game_id == game_id and item.publish.kind in ("period.end", "game.end"):
            return at
    return None
