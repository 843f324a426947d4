"""The score feed wire protocol, version 1 (PROTOCOL.md), as frozen values.

Pure: no I/O. Every message is a msgspec Struct tagged by its ``type``;
``parse_client_message`` turns raw frames from a peer into values or a
``MessageError`` carrying the protocol error code, ``encode`` turns values
into the one UTF-8 JSON text a frame holds. This is the one broadcaster
module the desktop imports.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

import msgspec

from broadcaster import __version__
from broadcaster.errors import MessageError

PROTOCOL_VERSION: Final = 1
SUBPROTOCOL: Final = "scorefeed.v1"
SERVER_NAME: Final = f"broadcaster/{__version__}"
HISTORY_DEFAULT_LIMIT: Final = 200
HISTORY_MAX_LIMIT: Final = 1000

Status = Literal["scheduled", "live", "break", "final", "suspended", "postponed", "cancelled"]
Side = Literal["home", "away"]
ErrorCode = Literal[
    "bad_json",
    "bad_message",
    "unknown_type",
    "unknown_game",
    "invalid_event",
    "duplicate_id",
    "forbidden",
    "rate_limited",
    "internal",
]
ERROR_CODES: Final[frozenset[str]] = frozenset(ErrorCode.__args__)  # type: ignore[attr-defined]

# Close codes (PROTOCOL.md "Errors").
CLOSE_NORMAL: Final = 1000
CLOSE_GOING_AWAY: Final = 1001
CLOSE_POLICY: Final = 1008
CLOSE_TOO_BIG: Final = 1009
CLOSE_INTERNAL: Final = 1011
CLOSE_OVERLOADED: Final = 1013
CLOSE_TOO_SLOW: Final = 4008

GameId = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
PublishId = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
Seq = Annotated[int, msgspec.Meta(ge=0, le=2**53)]  # JSON-safe integers; SQLite's are 64-bit
MAX_GAMES: Final = 1000  # game ids one subscribe may name (more: subscribe to leagues or "*")
MAX_DEPTH: Final = 16  # objects/arrays a client message may nest (a game's data needs 3)


# --------------------------------------------------------------------------- game state


class Team(msgspec.Struct, frozen=True):
    name: str
    short: str
    score: int = 0


class Period(msgspec.Struct, frozen=True):
    """``in_progress`` (an extension) tells a period being played from a break after it."""

    number: int = 0
    label: str = ""
    in_progress: bool = False


class Clock(msgspec.Struct, frozen=True):
    running: bool = False
    seconds: float = 0.0
    direction: Literal["up", "down"] = "down"
    at: float = 0.0

    def value(self, now: float) -> float:
        """The clock's reading at ``now`` (server time): ``seconds ∓ (now − at)``."""
        if not self.running:
            return self.seconds
        elapsed = max(0.0, now - self.at)
        if self.direction == "down":
            return max(0.0, self.seconds - elapsed)
        return self.seconds + elapsed


class GameState(msgspec.Struct, frozen=True):
    """A game's whole state after an event; ``start`` and ``venue`` are extensions."""

    game_id: str
    sport: str
    league: str
    status: Status
    home: Team
    away: Team
    period: Period = Period()
    clock: Clock = Clock()
    detail: dict[str, Any] = msgspec.field(default_factory=dict)
    seq: int = 0
    start: float | None = None
    venue: str | None = None

    def team(self, side: Side) -> Team:
        return self.home if side == "home" else self.away


# --------------------------------------------------------------------------- client → server


class Resume(msgspec.Struct, frozen=True):
    epoch: str
    seq: Seq


class Subscribe(msgspec.Struct, frozen=True, tag_field="type", tag="subscribe"):
    """``req`` (extension) is echoed by the reply that starts this subscription (a
    ``snapshot``, or a ``resumed``), so a client can match replies to subscribes."""

    games: Annotated[list[GameId], msgspec.Meta(max_length=MAX_GAMES)] = msgspec.field(
        default_factory=lambda: ["*"]
    )
    leagues: Annotated[list[str], msgspec.Meta(max_length=100)] | None = None
    resume: Resume | None = None
    req: str | int | None = None

    @property
    def all_games(self) -> bool:
        return "*" in self.games


class HistoryRequest(msgspec.Struct, frozen=True, tag_field="type", tag="history"):
    game_id: GameId
    req: str | int | None = None
    before: Seq | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=HISTORY_MAX_LIMIT)] = HISTORY_DEFAULT_LIMIT


class Publish(msgspec.Struct, frozen=True, tag_field="type", tag="publish", omit_defaults=True):
    """``at`` and ``clock`` (extensions): when the operator saw it happen (Unix seconds) and
    the game clock's reading then, so an event typed offline keeps its place in the game."""

    id: PublishId
    game_id: GameId
    kind: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    data: dict[str, Any] = msgspec.field(default_factory=dict)
    at: Annotated[float, msgspec.Meta(ge=0, le=1e11)] | None = None
    clock: Annotated[float, msgspec.Meta(ge=0, le=1e6)] | None = None


ClientMessage = Subscribe | HistoryRequest | Publish
_CLIENT_TYPES: Final[dict[str, type[Subscribe] | type[HistoryRequest] | type[Publish]]] = {
    "subscribe": Subscribe,
    "history": HistoryRequest,
    "publish": Publish,
}

# --------------------------------------------------------------------------- server → client


class Hello(msgspec.Struct, frozen=True, tag_field="type", tag="hello"):
    epoch: str
    seq: int
    time: float
    protocol: int = PROTOCOL_VERSION
    server: str = SERVER_NAME
    heartbeat: float = 20.0


class Event(msgspec.Struct, frozen=True, tag_field="type", tag="event", omit_defaults=True):
    """``at``/``clock`` echo the publish's (extensions); ``by`` names the operator who
    published it (the publish token's name), absent for an unnamed token."""

    epoch: str
    seq: int
    time: float
    game_id: str
    game_seq: int
    kind: str
    data: dict[str, Any]
    state: GameState
    at: float | None = None
    clock: float | None = None
    by: str | None = None


class Snapshot(msgspec.Struct, frozen=True, tag_field="type", tag="snapshot", omit_defaults=True):
    epoch: str
    seq: int
    games: list[GameState]
    req: str | int | None = None


class Resumed(msgspec.Struct, frozen=True, tag_field="type", tag="resumed"):
    """Extension: the start of a resumed subscription whose ``subscribe`` had a ``req``;
    the events after ``seq`` follow."""

    req: str | int
    epoch: str
    seq: int


class History(msgspec.Struct, frozen=True, tag_field="type", tag="history"):
    game_id: str
    events: list[Event]
    req: str | int | None = None


class Ack(msgspec.Struct, frozen=True, tag_field="type", tag="ack"):
    id: str
    seq: int
    state: GameState


class Error(msgspec.Struct, frozen=True, tag_field="type", tag="error", omit_defaults=True):
    code: ErrorCode
    message: str
    id: str | None = None
    req: str | int | None = None


ServerMessage = Hello | Event | Snapshot | Resumed | History | Ack | Error

# --------------------------------------------------------------------------- codecs

_encoder = msgspec.json.Encoder()
_server_decoder: msgspec.json.Decoder[ServerMessage] = msgspec.json.Decoder(ServerMessage)
_event_decoder = msgspec.json.Decoder(Event)
_state_decoder = msgspec.json.Decoder(GameState)


def encode(message: msgspec.Struct) -> bytes:
    """The UTF-8 JSON of one message (send it as a text frame)."""
    return _encoder.encode(message)


def to_builtins(value: Any) -> Any:
    """Plain dicts/lists for a value (for comparisons and storage)."""
    return msgspec.to_builtins(value)


def decode_state(raw: bytes | str) -> GameState:
    return _state_decoder.decode(raw)


def decode_event(raw: bytes | str) -> Event:
    return _event_decoder.decode(raw)


def parse_server_message(raw: bytes | str) -> ServerMessage:
    """Decode a frame a client received; raises ``MessageError`` when malformed."""
    try:
        return _server_decoder.decode(raw)
    except msgspec.DecodeError as exc:
        code = "bad_message" if isinstance(exc, msgspec.ValidationError) else "bad_json"
        raise MessageError(code, f"malformed server message: {exc}") from exc


def message_ids(obj: Any) -> tuple[str | None, str | int | None]:
    """The ``id`` and ``req`` of a raw message, if well typed, for an error reply."""
    if not isinstance(obj, dict):
        return None, None
    pid, req = obj.get("id"), obj.get("req")
    return (
        pid if isinstance(pid, str) and 0 < len(pid) <= 128 else None,
        req if isinstance(req, str | int) and not isinstance(req, bool) else None,
    )


def parse_client_message(raw: str | bytes) -> ClientMessage:
    """Turn one frame from a peer into a message, or raise ``MessageError``.

    Text frames arrive as ``str``; a ``bytes`` frame is binary and refused.
    """
    if not isinstance(raw, str):
        raise MessageError("bad_message", "binary frames are not accepted; send JSON as text")
    try:
        obj = msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        raise MessageError("bad_json", f"not valid JSON: {exc}") from exc
    except RecursionError:
        raise MessageError("bad_json", f"JSON nested deeper than {MAX_DEPTH} levels") from None
    if not _shallow(obj, MAX_DEPTH):
        raise MessageError("bad_message", f"a message nested deeper than {MAX_DEPTH} levels")
    return client_message_from_object(obj)


def _shallow(obj: Any, depth: int) -> bool:
    """True when ``obj`` nests no deeper than ``depth`` objects/arrays."""
    if isinstance(obj, dict):
        return depth > 0 and all(_shallow(v, depth - 1) for v in obj.values())
    if isinstance(obj, list):
        return depth > 0 and all(_shallow(v, depth - 1) for v in obj)
    return True


def client_message_from_object(obj: Any) -> ClientMessage:
    try:
        return _client_message(obj)
    except MessageError as exc:
        exc.id, exc.req = message_ids(obj)
        raise


def _client_message(obj: Any) -> ClientMessage:
    if not isinstance(obj, dict):
        raise MessageError("bad_message", "a message must be a JSON object")
    kind = obj.get("type")
    if not isinstance(kind, str):
        raise MessageError("bad_message", "a message needs a string member 'type'")
    cls = _CLIENT_TYPES.get(kind)
    if cls is None:
        raise MessageError("unknown_type", f"unknown message type {kind!r}")
    try:
        return msgspec.convert(obj, cls)
    except msgspec.ValidationError as exc:
        raise MessageError("bad_message", f"{kind}: {exc}") from exc


def error_message(exc: MessageError) -> Error:
    """The protocol ``error`` answering ``exc``, echoing the message's id/req."""
    return Error(code=exc.code, message=exc.message, id=exc.id, req=exc.req)  # type: ignore[arg-type]
