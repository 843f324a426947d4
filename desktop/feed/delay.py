"""A spoiler-safe delay line: pure, no clock of its own.

Everything pushed comes out exactly ``delay`` seconds after it went in, in the
order it went in (one delay for all, so due times never cross), whatever was
pushed at the same instant. Changing the delay live moves every due time at
once: shorter, and what is now due comes out together (in order); longer, and
the picture holds still until the first item's new time. Times are whatever
clock the caller uses (the event loop's).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class DelayLine(Generic[T]):
    delay: float = 0.0
    _items: deque[tuple[float, T]] = field(default_factory=deque)  # (pushed at, item)

    def __len__(self) -> int:
        return len(self._items)

    def push(self, item: T, now: float) -> None:
        self._items.append((now, item))

    def due(self, now: float) -> list[T]:
        """Take out, in order, every item whose time has come at ``now``."""
        out: list[T] = []
        while self._items and self._items[0][0] + self.delay <= now:
            out.append(self._items.popleft()[1])
        return out

    def next_due(self) -> float | None:
        """When the first waiting item comes out (None: nothing waits)."""
        return self._items[0][0] + self.delay if self._items else None

    def set_delay(self, delay: float) -> None:
        if delay < 0:
            raise ValueError(f"a delay cannot be negative: {delay}")
        self.delay = delay
