"""Client mistakes are logged at a bounded rate; our own errors always."""

from __future__ import annotations

import logging

from broadcaster.logs import RateLimit


def record(msg: str, level: int = logging.WARNING, *args: object) -> logging.LogRecord:
    return logging.LogRecord("broadcaster.server", level, __file__, 1, msg, args, None)


def test_a_flood_of_one_warning_is_cut_and_the_drop_is_told() -> None:
    now = [0.0]
    limit = RateLimit(burst=3, window=10.0, clock=lambda: now[0])
    passed = [limit.filter(record("closing %s: too many bad messages", logging.WARNING, n))
              for n in range(10)]  # fmt: skip
    assert passed == [True] * 3 + [False] * 7
    assert limit.filter(record("another template"))  # counted per template
    assert limit.filter(record("failed", logging.ERROR))  # errors are never dropped
    now[0] = 10.0
    later = record("closing %s: too many bad messages", logging.WARNING, "x")
    assert limit.filter(later)
    assert later.getMessage() == "closing x: too many bad messages (and 7 more like it not logged)"
