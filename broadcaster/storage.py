"""What a journal stores, and what every journal backend provides.

The hub (``hub.py``) talks to its journal only through ``JournalBackend``, so the
embedded SQLite file (``journal.py``) and a replicated stream are interchangeable.
Every method is blocking; the hub calls them on its own threads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Record:
    """One event as stored: what the hub writes and reads back."""

    seq: int
    game_id: str
    game_seq: int
    pub_id: str
    publisher: str
    kind: str
    data: bytes  # the event's data, JSON
    time: float
    frame: bytes  # the whole event message, JSON, as sent to subscribers
    state: bytes  # the game's state after the event, JSON
    # The game's last seq when this event was validated (0: a new game). Not stored: a
    # replicated journal expects it, so no rule runs on a state another writer moved on.
    prev_seq: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class StoredGame:
    game_id: str
    game_seq: int
    state: bytes


class GameEventSource(Protocol):
    """Reads one game's stored events; picklable, so another process can use it."""

    def game_events(self, game_id: str) -> list[Record]: ...


class JournalBackend(Protocol):
    """A durable, totally ordered log of events with each game's latest state."""

    epoch: str  # fixed when the journal is created
    last_seq: int  # the seq of the last durable event (0: none)
    remote: bool  # a read is a network round trip: the hub never makes one on its loop

    @property
    def reachable(self) -> bool:
        """The journal can be written now (``/healthz`` says 503 while it cannot)."""

    def append(self, records: Sequence[Record]) -> None:
        """Store ``records`` (consecutive seqs after ``last_seq``) durably, or raise
        ``JournalError`` having stored none of them."""

    def games(self) -> list[StoredGame]:
        """Every game's latest state, as of ``last_seq``."""

    def find_publish(self, pub_id: str) -> Record | None:
        """The stored event with this publish id, if any (idempotent publish)."""

    def find_publishes(self, pub_ids: Sequence[str]) -> dict[str, Record]:
        """The stored events of any of these publish ids, by id (one round trip)."""

    def follow(self, after: int, deliver: Callable[[Record], None]) -> Callable[[], None] | None:
        """Call ``deliver`` (on any thread) with every event after ``after`` that any
        writer appends, in seq order, its ``state`` filled; returns ``stop``. None: no
        other writer can append (the embedded file), so the hub's own commits are all."""

    def game_events(self, game_id: str) -> list[Record]:
        """Every stored event of one game, oldest first (for corrections)."""

    def frames(
        self, after: int, upto: int, games: Sequence[str] | None, limit: int
    ) -> list[tuple[int, str, bytes]]:
        """``(seq, game_id, frame)`` of events in ``(after, upto]``, oldest first."""

    def history(self, game_id: str, before: int | None, limit: int, after: int = 0) -> list[bytes]:
        """Frames of one game's events, newest first, in ``(after, before)``."""

    def source(self) -> GameEventSource:
        """A picklable reader of ``game_events`` for the refold worker process."""

    def publisher_of(self, seq: int) -> str | None:
        """Who published the event ``seq`` (the audit trail)."""

    def close(self) -> None: ...
