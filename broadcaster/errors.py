"""Every error Scorecast raises on purpose, in one tree.

    ScorecastError
    ├── RemoteError            a peer sent something wrong: answer it, stay up
    │   └── MessageError       carries a PROTOCOL.md error ``code``
    │       ├── (bad_json, bad_message, unknown_type)   malformed frames
    │       └── EventRefused   (unknown_game, invalid_event, duplicate_id, ...)
    │                          the message was fine, the event is not
    └── LocalError             our side cannot go on: say so clearly, lose nothing
        └── JournalError       the journal cannot be opened, read or written
            └── AppendConflict another writer appended first: nothing was stored

A sport's rules raise ``RuleViolation`` (an ``EventRefused`` with code
``invalid_event``) with a sentence an operator can read.
"""

from __future__ import annotations


class ScorecastError(Exception):
    """Base of every error raised on purpose."""


class RemoteError(ScorecastError):
    """Something a peer sent was wrong; the connection stays open."""


class MessageError(RemoteError):
    """A message that is answered by a protocol ``error`` with ``code``."""

    def __init__(
        self, code: str, message: str, *, id: str | None = None, req: str | int | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.id = id  # the publish id / request id the error answers, when known
        self.req = req


class EventRefused(MessageError):
    """A well-formed publish that the broadcaster will not store."""


class RuleViolation(EventRefused):
    """The event breaks the sport's rules or the game's state."""

    def __init__(self, message: str) -> None:
        super().__init__("invalid_event", message)


class LocalError(ScorecastError):
    """Our own side failed (disk, configuration): reported, never hidden."""


class JournalError(LocalError):
    """The journal cannot be opened, read or written."""


class AppendConflict(JournalError):
    """A replicated journal refused an append because another writer got there first
    (its games moved on, or the stream did); nothing of the append was stored.

    ``game_ids`` are the games of the append that another writer changed (empty when
    only other games moved the stream on). Catch up and validate again."""

    def __init__(self, game_ids: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.game_ids = game_ids
