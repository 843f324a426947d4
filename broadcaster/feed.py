"""Feed files: JSON Lines, one publish message of PROTOCOL.md per line.

A line may carry ``at`` (seconds from the feed's start) for pacing; it is not
part of the publish message. Importers and ``simulate`` write feeds, ``replay``
and the desktop demo play them. Pure: parsing and encoding only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import msgspec

from broadcaster.errors import MessageError
from broadcaster.protocol import Publish, client_message_from_object

_encoder = msgspec.json.Encoder()


@dataclass(frozen=True, slots=True)
class FeedItem:
    publish: Publish
    at: float | None = None  # seconds from the feed's start


class FeedError(ValueError):
    """A feed line that is not a publish message; says which line."""


def parse_feed(lines: Iterable[str | bytes], name: str = "feed") -> Iterator[FeedItem]:
    """Yield the items of a feed; blank lines are skipped."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = msgspec.json.decode(line)
        except msgspec.DecodeError as exc:
            raise FeedError(f"{name}:{number}: not JSON: {exc}") from None
        at = obj.pop("at", None) if isinstance(obj, dict) else None
        if at is not None and (not isinstance(at, int | float) or isinstance(at, bool) or at < 0):
            raise FeedError(f"{name}:{number}: 'at' must be seconds from the start, not {at!r}")
        try:
            msg = client_message_from_object(obj)
        except MessageError as exc:
            raise FeedError(f"{name}:{number}: {exc.message}") from None
        if not isinstance(msg, Publish):
            raise FeedError(f"{name}:{number}: a feed holds publish messages, not {obj['type']}")
        yield FeedItem(msg, None if at is None else float(at))


def feed_line(publish: Publish, at: float | None = None) -> str:
    """One feed line (no newline)."""
    obj = msgspec.to_builtins(publish)
    if at is not None:
        obj["at"] = round(at, 3)
    return _encoder.encode(obj).decode()
