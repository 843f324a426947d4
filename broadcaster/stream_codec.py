"""How the journal's records, games and ids look on a NATS JetStream stream (pure).

One stream holds every event; a game's events share one subject,
``<prefix>.<game token>``, so a game reads back with a subject filter and its
appends carry that subject's last sequence as the expected one. Game ids and
publish ids become subject tokens and key-value keys with ``token``: an id
made only of ``[A-Za-z0-9_-]`` stays as it is (readable in ``nats`` tools),
anything else becomes ``=`` and its base64url (``=`` never starts a plain id,
so the two cannot collide).
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Final

import msgspec

from broadcaster.storage import Record

_PLAIN: Final = re.compile(r"[A-Za-z0-9_-]+")
THROUGH_KEY: Final = "=through"  # the ids bucket's key: every event up to it is in


class Stored(msgspec.Struct, array_like=True):
    """One event as a stream message (its ``seq`` is the stream's own sequence)."""

    game_id: str
    game_seq: int
    pub_id: str
    publisher: str
    kind: str
    time: float
    data: msgspec.Raw  # JSON, as the hub encoded it
    frame: msgspec.Raw  # the whole event message, JSON, state included


class _FrameState(msgspec.Struct):
    state: msgspec.Raw


_encode = msgspec.json.Encoder().encode
_decode_stored = msgspec.json.Decoder(Stored).decode
_decode_frame_state = msgspec.json.Decoder(_FrameState).decode


def token(name: str) -> str:
    """``name`` as one subject token / key-value key."""
    if _PLAIN.fullmatch(name):
        return name
    return "=" + base64.urlsafe_b64encode(name.encode()).decode().rstrip("=")


def subject(prefix: str, game_id: str) -> str:
    return f"{prefix}.{token(game_id)}"


def encode_record(record: Record) -> bytes:
    return _encode(
        Stored(
            record.game_id, record.game_seq, record.pub_id, record.publisher, record.kind,
            record.time, msgspec.Raw(record.data), msgspec.Raw(record.frame),
        )
    )  # fmt: skip


def decode_record(seq: int, payload: bytes) -> Record:
    """The ``Record`` stored at ``seq`` (its ``state`` is inside ``frame``, as SQLite's)."""
    s = _decode_stored(payload)
    return Record(
        seq, s.game_id, s.game_seq, s.pub_id, s.publisher, s.kind,
        bytes(s.data), s.time, bytes(s.frame), b"",
    )  # fmt: skip


def state_of(frame: bytes) -> bytes:
    """The game's state after an event, as JSON, cut out of the event's frame."""
    return bytes(_decode_frame_state(frame).state)


def epoch_of(stream: str, created: str) -> str:
    """The journal's epoch: the stream's identity (name and creation time), the same on
    every node, new only when the stream is created anew."""
    return hashlib.sha256(f"{stream}\0{created}".encode()).hexdigest()[:32]
