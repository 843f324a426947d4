"""What the scoreboard knows of the feed, and what to do next: pure, no I/O.

A sans-I/O core in the manner of h11 and websockets' ``protocol.py``: the
connection feeds it every message it receives (``receive``) and every frame it
could not parse (``bad_frame``); it answers with a list of ``Change`` values,
some of which are messages to send (``Send``). The rules it keeps:

- ``hello``: remember the clock skew; subscribe to every game, resuming from
  ``(epoch, seq)`` when we have them and the epoch did not change. A changed
  epoch means a new journal: nothing we hold can be continued, so subscribe
  without ``resume`` and announce ``Resyncing`` until the snapshot comes.
  History requests that were not answered yet are asked again.
- ``snapshot``: replaces every game (``Reset``).
- ``event``: applied exactly once, in order; it is *news* only past the ``seq``
  the last ``hello`` announced (what came before it is catch-up). ``seq`` at or below ours is a
  duplicate and is dropped; a ``seq`` past ``ours + 1`` is a gap: drop it and
  resubscribe from ours once, then drop until the next event in order arrives.
- A frame we cannot parse: log it (the caller does), announce ``Resyncing``
  and subscribe again without ``resume``: the snapshot that answers is whole
  by definition, whatever the bad frame was meant to be. (Play-by-play views
  fetch their history again on a ``Reset``.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

from broadcaster.protocol import (
    Ack,
    Error,
    Event,
    GameState,
    Hello,
    History,
    HistoryRequest,
    Resume,
    ServerMessage,
    Snapshot,
    Subscribe,
)


@dataclass(frozen=True, slots=True)
class Send:
    """A message the connection must send now."""

    message: Subscribe | HistoryRequest


@dataclass(frozen=True, slots=True)
class Reset:
    """Every game, as of a snapshot; ``epoch_changed`` when the journal is a new one."""

    games: tuple[GameState, ...]
    epoch_changed: bool


@dataclass(frozen=True, slots=True)
class Applied:
    """One event, new to us and in order; ``news`` unless it happened before the last hello
    (a resume's catch-up, a back-fill after a disconnect), which nobody should be alerted to."""

    event: Event
    news: bool = True


@dataclass(frozen=True, slots=True)
class HistoryArrived:
    history: History


@dataclass(frozen=True, slots=True)
class Resyncing:
    """Continuity was lost; the state is being rebuilt from the server."""

    reason: str


@dataclass(frozen=True, slots=True)
class Synced:
    """The state is whole again (after a snapshot or a resumed catch-up)."""


@dataclass(frozen=True, slots=True)
class ServerError:
    error: Error


Change = Send | Reset | Applied | HistoryArrived | Resyncing | Synced | ServerError


@dataclass
class FeedState:
    """The games we show, the feed position ``(epoch, seq)`` and the clock skew."""

    epoch: str | None = None
    seq: int = 0
    head: int = 0  # the server's seq in the last hello: events up to it are catch-up
    games: dict[str, GameState] = field(default_factory=dict)
    skew: float = 0.0  # server clock minus ours, from hello.time
    duplicates: int = 0  # events dropped because we had them already
    gaps: int = 0  # times a gap made us resubscribe
    resyncing: bool = False
    _gap_pending: bool = False
    _history: dict[str, HistoryRequest] = field(default_factory=dict)
    _reqs: count[int] = field(default_factory=lambda: count(1))

    def server_time(self, now: float) -> float:
        """Our clock reading ``now`` expressed in the server's clock."""
        return now + self.skew

    # ------------------------------------------------------------------ inputs

    def receive(self, msg: ServerMessage, now: float) -> list[Change]:
        """Take one parsed message received at local time ``now``."""
        if isinstance(msg, Event):
            return self._event(msg)
        if isinstance(msg, Hello):
            return self._hello(msg, now)
        if isinstance(msg, Snapshot):
            return self._snapshot(msg)
        if isinstance(msg, History):
            if msg.req is not None:
                self._history.pop(str(msg.req), None)
            return [HistoryArrived(msg)]
        if isinstance(msg, Error):
            if msg.req is not None:
                self._history.pop(str(msg.req), None)
            return [ServerError(msg)]
        assert isinstance(msg, Ack)  # a feed never acks; nothing to do
        return []

    def bad_frame(self, reason: str) -> list[Change]:
        """A frame that is not a valid server message: resync from our position."""
        self.resyncing = True
        return [Resyncing(f"bad frame from the server: {reason}"), Send(Subscribe())]

    def request_history(
        self, game_id: str, before: int | None = None, limit: int = 200
    ) -> HistoryRequest:
        """A history request to send; asked again after a reconnect until answered."""
        req_id = f"h{next(self._reqs)}"
        req = HistoryRequest(game_id=game_id, req=req_id, before=before, limit=limit)
        self._history[str(req.req)] = req
        return req

    # ------------------------------------------------------------------ messages

    def _hello(self, hello: Hello, now: float) -> list[Change]:
        self.skew = hello.time - now
        self.head = hello.seq
        self._gap_pending = False
        changes: list[Change] = []
        if self.epoch is not None and hello.epoch != self.epoch:
            self.resyncing = True
            changes.append(Resyncing("the broadcaster has a new journal (epoch changed)"))
            changes.append(Send(Subscribe()))
        else:
            changes.append(Send(self._subscribe()))
        changes.extend(Send(req) for req in self._history.values())
        return changes

    def _subscribe(self) -> Subscribe:
        if self.epoch is None:
            return Subscribe()
        return Subscribe(resume=Resume(self.epoch, self.seq))

    def _snapshot(self, snap: Snapshot) -> list[Change]:
        changed = self.epoch is not None and snap.epoch != self.epoch
        self.epoch, self.seq = snap.epoch, snap.seq
        self.games = {g.game_id: g for g in snap.games}
        self.resyncing = self._gap_pending = False
        return [Reset(tuple(snap.games), changed), Synced()]

    def _event(self, event: Event) -> list[Change]:
        if event.epoch != self.epoch:
            # An event from another journal than our snapshot's: start over.
            self.resyncing = self._gap_pending = True
            return [Resyncing("an event from another epoch"), Send(Subscribe())]
        if event.seq <= self.seq:
            self.duplicates += 1
            return []
        if event.seq > self.seq + 1:
            if self._gap_pending:
                return []
            self.gaps += 1
            self._gap_pending = self.resyncing = True
            missed = f"missed events {self.seq + 1}–{event.seq - 1}"
            return [Resyncing(missed), Send(self._subscribe())]
        self.seq = event.seq
        self.games[event.game_id] = event.state
        self._gap_pending = False
        applied = Applied(event, news=event.seq > self.head)
        if self.resyncing:
            self.resyncing = False
            return [Synced(), applied]
        return [applied]
