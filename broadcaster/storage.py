"""What a journal stores, and what every journal backend provides.

The hub (``hub.py``) talks to its journal only through ``JournalBackend``, so the
embedded SQLite file (``journal.py``) and a replicated stream are interchangeable.
Every method is blocking; the hub calls them on its own threads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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

    def append(self, records: Sequence[Record]) -> None:
        """Store ``records`` (consecutive seqs after ``last_seq``) durably, or raise
        ``JournalError`` having stored none of them."""

    def games(self) -> list[StoredGame]:
        """Every game's latest state, as of ``last_seq``."""

    def find_publish(self, pub_id: str) -> Record | None:
        """The stored event with this publish id, if any (idempotent publish)."""

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
