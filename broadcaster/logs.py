"""Logs on stderr, plain or JSON, with client mistakes logged at a bounded rate.

Anything a client can provoke (a wrong token, a bad frame, a flood) is logged
at warning level or below; an attacker must not be able to fill the disk with
it. ``RateLimit`` lets each message template through ``burst`` times per
``window`` seconds, then counts what it drops and says so on the next one it
lets through. Errors and worse always pass: they are ours.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry)


class RateLimit(logging.Filter):
    """At most ``burst`` records per message template per ``window`` seconds (warnings
    and below); the next one let through tells how many were dropped."""

    def __init__(
        self, burst: int = 20, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.burst, self.window, self.clock = burst, window, clock
        self._seen: dict[tuple[str, str], tuple[float, int, int]] = {}  # start, passed, dropped

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            return True
        key, now = (record.name, str(record.msg)), self.clock()
        start, passed, dropped = self._seen.get(key, (now, 0, 0))
        if now - start >= self.window:
            start, passed = now, 0
        if passed >= self.burst:
            self._seen[key] = (start, passed, dropped + 1)
            return False
        if dropped:
            record.msg = f"{record.msg} (and {dropped} more like it not logged)"
        self._seen[key] = (start, passed + 1, 0)
        if len(self._seen) > 10_000:  # templates are few; this only guards against a bug
            self._seen.clear()
        return True


def setup_logging(level: str, as_json: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter()
        if as_json
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler.addFilter(RateLimit())
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    logging.getLogger("websockets").setLevel(logging.WARNING)
