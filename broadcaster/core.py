"""The pure heart of the broadcaster: games, rules, sequence numbers, corrections.

``Core`` validates a publish against its game, assigns the next ``seq`` and the
game's next ``game_seq``, folds the event into the game's state and makes the
journal ``Record`` — or raises ``EventRefused`` and changes nothing. It does no
I/O and knows nothing of asyncio, threads or sockets: the driver (``hub.py``)
feeds it what the journal holds and decides when records become durable.

Two views of each game are kept: ``games`` (after every accepted event, staged
ones included: what the next publish is validated against) and ``committed``
(after the last durable event: what subscribers may see).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from broadcaster.errors import EventRefused, RuleViolation
from broadcaster.protocol import Event, GameState, Publish, decode_state, encode
from broadcaster.sports import SPORTS, Sport, apply, create_game
from broadcaster.sports.replay import GameEvent, corrected
from broadcaster.storage import GameEventSource, Record, StoredGame

_json = msgspec.json.Encoder()
_decode_data = msgspec.json.Decoder(dict[str, Any])
AT_SKEW = 300.0  # how far in the future a publish's ``at`` may be (clock skew), in seconds


@dataclass(slots=True)
class Game:
    state: GameState  # after every accepted event, staged ones included
    game_seq: int


@dataclass(frozen=True, slots=True)
class Accepted:
    """A validated event: its record for the journal and the game's state after it."""

    record: Record
    state: GameState
    data: Mapping[str, Any]


class Core:
    """Every game's state and the next sequence number, rebuilt from the journal."""

    def __init__(
        self, epoch: str, stored: Iterable[StoredGame], last_seq: int, sports: Mapping[str, Sport]
    ) -> None:
        self.epoch = epoch
        self.sports = sports
        self.games: dict[str, Game] = {}
        self.committed: dict[str, GameState] = {}
        self.committed_json: dict[str, bytes] = {}  # the same states, encoded: for snapshots
        for game in stored:
            state = decode_state(game.state)
            self.games[game.game_id] = Game(state, game.game_seq)
            self.committed[game.game_id] = state
            self.committed_json[game.game_id] = game.state
        self.committed_seq = last_seq
        self.next_seq = last_seq + 1

    def accept(
        self,
        msg: Publish,
        publisher: str,
        by: str | None,
        now: float,
        state: GameState | None = None,
    ) -> Accepted:
        """Validate ``msg`` and stage it; ``state`` is a correction's result, computed
        elsewhere by ``refold`` (a whole game's refold never runs here)."""
        if msg.at is not None and msg.at > now + AT_SKEW:
            raise RuleViolation(f"'at' is {msg.at - now:.0f} s in the future; check the clock")
        game = self.games.get(msg.game_id)
        if state is None:
            state = self.next_state(msg, game, now)
        seq = self.next_seq
        state = msgspec.structs.replace(state, seq=seq)
        game_seq = game.game_seq + 1 if game else 1
        event = Event(
            self.epoch, seq, now, msg.game_id, game_seq, msg.kind, msg.data, state,
            at=msg.at, clock=msg.clock, by=by,
        )  # fmt: skip
        record = Record(
            seq=seq,
            game_id=msg.game_id,
            game_seq=game_seq,
            pub_id=msg.id,
            publisher=publisher,
            kind=msg.kind,
            data=_json.encode(msg.data),
            time=now,
            frame=encode(event),
            state=encode(state),
            prev_seq=game.state.seq if game else 0,
        )
        self.next_seq += 1
        if game is None:
            game = self.games[msg.game_id] = Game(state, 0)
        game.state, game.game_seq = state, game_seq
        return Accepted(record, state, msg.data)

    def next_state(self, msg: Publish, game: Game | None, now: float) -> GameState:
        if msg.kind == "game.create":
            if game is not None:
                raise RuleViolation(f"game {msg.game_id} already exists")
            return create_game(msg.game_id, msg.data, self.sports)
        if game is None:
            raise EventRefused("unknown_game", f"no game {msg.game_id!r}; create it first")
        if msg.kind == "correction":
            raise AssertionError("a correction's state comes from refold()")
        return apply(self.sports[game.state.sport], game.state, msg.kind, msg.data, now)

    def commit(self, accepted: Iterable[Accepted]) -> None:
        """These events are durable: subscribers may see them."""
        for a in accepted:
            self.committed[a.record.game_id] = a.state
            self.committed_json[a.record.game_id] = a.record.state
            self.committed_seq = a.record.seq

    def learn(self, record: Record, state: GameState) -> None:
        """Another writer's durable event, later than anything staged here: validate the
        next publish after it (a replicated journal; its ``record.seq >= next_seq``)."""
        self.games[record.game_id] = Game(state, record.game_seq)
        self.next_seq = record.seq + 1

    def keep_committed(self, old: Core) -> None:
        """After a reload, subscribers have seen exactly what ``old`` committed: keep
        that view (the journal's may be ahead of it; its events are on their way)."""
        self.committed, self.committed_json = old.committed, old.committed_json
        self.committed_seq = old.committed_seq

    @staticmethod
    def same(msg: Publish, game_id: str, kind: str, data: Mapping[str, Any]) -> None:
        """A retried id must carry the same event; else ``duplicate_id``."""
        if (msg.game_id, msg.kind, msg.data) != (game_id, kind, data):
            raise EventRefused(
                "duplicate_id", f"id {msg.id!r} was already used for another event", id=msg.id
            )


def refold(
    source: GameEventSource, game_id: str, staged: Sequence[GameEvent], data: Mapping[str, Any]
) -> GameState:
    """A correction's resulting state from the game's stored events (read from ``source``)
    and its ``staged`` events after them: a whole refold, run in a worker process
    (``hub.py``), never on the event loop. ``RuleViolation`` when it cannot be."""
    records = source.game_events(game_id)
    last = records[-1].seq if records else 0
    events = [GameEvent(r.seq, r.kind, _decode_data.decode(r.data), r.time) for r in records]
    events += [e for e in staged if e.seq > last]
    return corrected(game_id, events, data, SPORTS)
