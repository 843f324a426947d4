"""What the console knows of the games: the feed's view plus its own queue.

Pure. It is fed the broadcaster's messages (hello, snapshot, event, history,
ack) and the queue's changes, and answers what commands ask: a game's state
as the operator should see it (the broadcaster's, with the still-queued
events applied on top, so the score is right while offline), the players
seen, and which event ``undo`` voids.

``undo`` voids the newest event of the game that is still in effect: not a
``game.create``, not a correction, not already voided. Every correction that
voids an event comes after it, so walking the game newest-first meets the
voids before their targets; queued events (no ``seq`` yet) come first, and
are named by their publish id (``ref``) until their ack gives the ``seq``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

from broadcaster.console.crease import Crease, fold
from broadcaster.console.describe import event_text
from broadcaster.console.words import CommandError, NotYet
from broadcaster.errors import RuleViolation
from broadcaster.protocol import Event, GameState, History, Resume, Snapshot
from broadcaster.sports.base import (
    Sport,
    apply,
    create_game,
)

NOT_UNDOABLE: Final = frozenset({"game.create", "correction"})
LinkState = Literal["connecting", "online", "offline", "refused"]


@dataclass(frozen=True, slots=True)
class Status:
    """The state of a link to the broadcaster, for the toolbar."""

    state: LinkState
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Logged:
    """An event the broadcaster stored."""

    seq: int
    kind: str
    data: Mapping[str, Any]
    number: int | None = None  # its place in its game (game_seq), when the feed said it
    by: str | None = None  # the operator who published it, when the broadcaster names them
    at: float | None = None
    clock: float | None = None


@dataclass(frozen=True, slots=True)
class Queued:
    """An event in the outbox, not yet acked; ``ref`` names a queued event it voids."""

    id: str
    game_id: str
    kind: str
    data: Mapping[str, Any]
    text: str = ""
    at: float = 0.0  # when it was typed (the broadcaster's clock, as the console knows it)
    ref: str | None = None
    clock: float | None = None  # the game clock's reading then
    epoch: str | None = None  # the journal a correction's target seq was read from


@dataclass(frozen=True, slots=True)
class UndoTarget:
    """What an undo takes back: an event to void, or (``restore``) a voided one to bring back."""

    kind: str
    data: Mapping[str, Any]
    seq: int | None = None
    ref: str | None = None
    number: int | None = None  # the event's number in its game
    restore: bool = False
    at: float | None = None
    clock: float | None = None

    def label(self, state: GameState | None) -> str:
        where = f"event {self.number}" if self.number is not None else "queued"
        return f"{where} {event_text(self.kind, self.data, state)}"


def player_side(data: Mapping[str, Any]) -> Any:
    """The side an event's player plays for: an own goal's scorer is on the other one."""
    side = data.get("team")
    if data.get("own_goal") and side in ("home", "away"):
        return "away" if side == "home" else "home"
    return side


def is_undo(q: Queued) -> bool:
    """A correction typed as ``undo``: another undo goes further back, it does not restore."""
    return q.kind == "correction" and q.text.split()[:1] == ["undo"]


def _logged(ev: Event) -> Logged:
    return Logged(ev.seq, ev.kind, ev.data, ev.game_seq, ev.by, ev.at, ev.clock)


@dataclass
class GameRecord:
    state: GameState | None = None
    events: dict[int, Logged] = field(default_factory=dict)
    loaded: bool = False  # the game's past events have arrived (history)
    players: dict[str, set[str]] = field(default_factory=lambda: {"home": set(), "away": set()})

    amended: dict[int, Mapping[str, Any]] = field(default_factory=dict)  # seq -> new data

    def add(self, logged: Logged) -> None:
        known = self.events.get(logged.seq)
        if known is not None and logged.number is None:  # an ack: keep what the feed said
            logged = replace(logged, number=known.number, by=known.by)
        self.events[logged.seq] = logged
        data = logged.data
        target, new = data.get("target"), data.get("data")
        if data.get("action") == "amend" and isinstance(target, int) and isinstance(new, dict):
            self.amended[target] = new
        player, side = data.get("player"), player_side(data)
        if isinstance(player, str) and player and side in self.players:
            self.players[side].add(player)

    def event(self, seq: int) -> Logged | None:
        """Event ``seq`` as it stands now: with its latest amendment, if any."""
        logged = self.events.get(seq)
        if logged is not None and seq in self.amended:
            return replace(logged, data=self.amended[seq])
        return logged

    def number(self, seq: int) -> int:
        """Event ``seq``'s number in its game: the feed's ``game_seq``, else its place here."""
        logged = self.events.get(seq)
        if logged is not None and logged.number is not None:
            return logged.number
        return len([s for s in self.events if s <= seq])

    def seq_of(self, number: int) -> int | None:
        """The seq of the game's event ``number`` (as ``log`` shows it), if it is here."""
        return next((s for s in sorted(self.events) if self.number(s) == number), None)

    def newer(self, state: GameState) -> None:
        if self.state is None or state.seq >= self.state.seq:
            self.state = state


class Model:
    """The console's picture of the broadcaster's games and of its own queue."""

    def __init__(self, sports: Mapping[str, Sport]) -> None:
        self.sports = sports
        self.epoch: str | None = None
        self.seq = 0  # the last seq received live, to resume from
        self.games: dict[str, GameRecord] = {}
        self.queued: dict[str, Queued] = {}  # in the order they will be sent
        self.acked: dict[str, int] = {}  # publish id -> seq, for queued undos of them
        self.mine: set[int] = set()  # the seqs this console published (undo voids only these)
        self.undos: set[int] = set()  # the corrections among them typed as undo (not void N)
        self.generation = 0  # bumped by each snapshot; older history replies are stale
        self.crease_set: dict[str, tuple[int, Crease]] = {}  # game -> (balls then, crease)
        self.rosters: dict[str, dict[str, dict[str, str]]] = {}  # game -> side -> number -> name

    # ------------------------------------------------------------------ the feed

    def resume(self, epoch: str) -> Resume | None:
        """Where to resume from on a broadcaster with ``epoch``; forgets a foreign journal."""
        if self.epoch != epoch:
            self.epoch, self.seq, self.games, self.mine, self.undos = epoch, 0, {}, set(), set()
            return None
        return Resume(epoch, self.seq) if self.seq else None

    def on_snapshot(self, snap: Snapshot) -> None:
        self.seq = snap.seq
        self.generation += 1
        for record in self.games.values():
            record.loaded = False  # events may be missing: load the history again
        for state in snap.games:
            self.games.setdefault(state.game_id, GameRecord()).newer(state)

    def on_event(self, ev: Event) -> None:
        self.seq = max(self.seq, ev.seq)
        record = self.games.setdefault(ev.game_id, GameRecord())
        record.add(_logged(ev))
        record.newer(ev.state)

    def on_history(self, hist: History, generation: int) -> None:
        if generation != self.generation:
            return
        record = self.games.setdefault(hist.game_id, GameRecord())
        for ev in hist.events:
            record.add(_logged(ev))
        if hist.events:
            record.newer(hist.events[0].state)
        record.loaded = True

    def on_no_history(self, game_id: str, generation: int) -> None:
        """The broadcaster has no such game yet: it has no past to load."""
        if generation == self.generation:
            self.games.setdefault(game_id, GameRecord()).loaded = True

    # ------------------------------------------------------------------ the queue

    def queue(self, item: Queued) -> None:
        self.queued[item.id] = item

    def on_ack(self, pub_id: str, seq: int, state: GameState, data: Mapping[str, Any]) -> None:
        """Our event is stored as ``seq``; ``data`` as it was sent (a ``ref`` resolved)."""
        item = self.queued.pop(pub_id, None)
        self.acked[pub_id] = seq
        self.mine.add(seq)
        if item is not None and is_undo(item):
            self.undos.add(seq)
        record = self.games.setdefault(state.game_id, GameRecord())
        if item is not None:
            record.add(Logged(seq, item.kind, data, at=item.at, clock=item.clock))
        record.newer(state)

    def on_refused(self, pub_id: str) -> None:
        self.queued.pop(pub_id, None)

    # ------------------------------------------------------------------ views

    def game_ids(self) -> list[str]:
        queued = [q.game_id for q in self.queued.values() if q.kind == "game.create"]
        return sorted({*self.games, *queued})

    def queued_for(self, game_id: str) -> list[Queued]:
        return [q for q in self.queued.values() if q.game_id == game_id]

    def state(self, game_id: str) -> GameState | None:
        """The broadcaster's state of a game with the queued events applied on top."""
        record = self.games.get(game_id)
        state = record.state if record is not None else None
        queued = self.queued_for(game_id)
        undone = {q.ref for q in queued if q.ref}
        for q in queued:
            try:
                if q.kind == "game.create":
                    state = state or create_game(game_id, q.data, self.sports)
                elif state is not None and q.kind != "correction" and q.id not in undone:
                    state = apply(self.sports[state.sport], state, q.kind, q.data, q.at)
            except (RuleViolation, KeyError):
                break  # the broadcaster will refuse it; show what is known
        return state

    def players(self, game_id: str, side: str | None = None) -> list[str]:
        record = self.games.get(game_id)
        names: set[str] = set()
        sides = ("home", "away") if side is None else (side,)
        if record is not None:
            for s in sides:
                names |= record.players.get(s, set())
        for q in self.queued_for(game_id):
            player = q.data.get("player")
            if isinstance(player, str) and player and player_side(q.data) in sides:
                names.add(player)
        return sorted(names)

    def logged(self, game_id: str, seq: int) -> Logged | None:
        record = self.games.get(game_id)
        return None if record is None else record.event(seq)

    def describe(
        self, game_id: str, kind: str, data: Mapping[str, Any], state: GameState | None
    ) -> str:
        """An event in words; a correction names the event it corrects by its number."""
        if kind != "correction":
            return event_text(kind, data, state)
        target, action = data.get("target"), data.get("action", "correct")
        logged = self.logged(game_id, target) if isinstance(target, int) else None
        if logged is None:
            return f"{action} event {target if isinstance(target, int) else '?'}"
        text = f"{action} event {self.games[game_id].number(logged.seq)}"
        new = data.get("data")
        if action == "amend" and isinstance(new, dict):
            return f"{text} to {event_text(logged.kind, new, state)}"
        return f"{text} ({event_text(logged.kind, logged.data, state)})"

    def queued_text(self, q: Queued, state: GameState | None) -> str:
        """A queued event in words; an undo of a queued event names that event."""
        target = self.queued.get(q.ref) if q.ref is not None else None
        if target is not None:
            return f"void (queued {event_text(target.kind, target.data, state)})"
        if q.ref is not None and q.ref in self.acked:
            return self.describe(q.game_id, q.kind, {**q.data, "target": self.acked[q.ref]}, state)
        return self.describe(q.game_id, q.kind, q.data, state)

    def voided(self, game_id: str) -> set[int]:
        record = self.games.get(game_id)
        if record is None:
            return set()
        return {
            ev.data["target"]
            for ev in record.events.values()
            if ev.kind == "correction" and ev.data.get("action") == "void"
        }

    def in_effect(self, game_id: str) -> list[tuple[str, Mapping[str, Any]]]:
        """The game's events that count, oldest first: stored (as amended), then queued."""
        out: list[tuple[str, Mapping[str, Any]]] = []
        record = self.games.get(game_id)
        if record is not None:
            voided = self.voided(game_id)
            for seq in sorted(record.events):
                ev = record.event(seq) or record.events[seq]
                if ev.kind not in NOT_UNDOABLE and seq not in voided:
                    out.append((ev.kind, ev.data))
        queued = self.queued_for(game_id)
        undone = {q.ref for q in queued if q.ref}
        out += [
            (q.kind, q.data) for q in queued if q.kind not in NOT_UNDOABLE and q.id not in undone
        ]
        return out

    def crease(self, game_id: str) -> Crease:
        """Who bats and bowls now in a cricket game: the innings so far, and what was set since."""
        events = [e for e in self.in_effect(game_id) if e[0] in ("delivery", "period.start")]
        set_at, crease = self.crease_set.get(game_id, (-1, Crease()))
        return crease if set_at == len(events) else fold(events)

    def set_crease(self, game_id: str, crease: Crease) -> None:
        """``bat``/``bowler``/``swap``: kept until the next ball carries the names."""
        events = [e for e in self.in_effect(game_id) if e[0] in ("delivery", "period.start")]
        self.crease_set[game_id] = (len(events), crease)

    def undo_target(self, game_id: str) -> UndoTarget:
        """What ``undo`` takes back now: this console's newest event still in effect (voided),
        or its newest void (restored); else ``CommandError`` saying why there is none.

        Only this console's own events: another operator's are theirs to undo."""
        queued = self.queued_for(game_id)
        undone_refs = {q.ref for q in queued if q.ref}
        for q in reversed(queued):
            if q.id in undone_refs or q.kind == "game.create":
                continue
            if q.kind != "correction":
                return UndoTarget(q.kind, q.data, ref=q.id)
            if is_undo(q):
                continue  # undo again goes further back
            restored = self._voided_by(game_id, q.data, q.ref)
            if restored is not None:
                return restored
        record = self.games.get(game_id)
        if record is None or not record.loaded:
            raise NotYet(
                "the game's past events are not loaded yet (is the broadcaster reachable?); "
                "use void N"
            )
        voided = self.voided(game_id)
        for q in queued:  # a queued void of a stored event counts already
            if q.kind == "correction" and q.data.get("action") == "void":
                target = self.acked.get(q.ref) if q.ref else q.data.get("target")
                if isinstance(target, int):
                    voided.add(target)
        for seq in sorted(record.events, reverse=True):
            ev = record.event(seq) or record.events[seq]
            if seq not in self.mine or seq in voided or ev.kind == "game.create":
                continue
            if ev.kind != "correction":
                return UndoTarget(ev.kind, ev.data, seq=seq, number=record.number(seq))
            if seq in self.undos:
                continue
            restored = self._voided_by(game_id, ev.data, None)
            if restored is not None:
                return restored
        raise CommandError(
            "nothing of yours to undo in this game; void N voids another operator's event"
        )

    def _voided_by(
        self, game_id: str, data: Mapping[str, Any], ref: str | None
    ) -> UndoTarget | None:
        """The event a void took out, to restore it; None for an amend."""
        if data.get("action") != "void":
            return None
        if ref is not None and ref in self.queued:
            q = self.queued[ref]
            return UndoTarget(q.kind, q.data, restore=True, at=q.at, clock=q.clock)
        target = self.acked.get(ref) if ref is not None else data.get("target")
        logged = self.logged(game_id, target) if isinstance(target, int) else None
        if logged is None:
            return None
        record = self.games[game_id]
        return UndoTarget(logged.kind, logged.data, seq=target, number=record.number(logged.seq),
                          restore=True, at=logged.at, clock=logged.clock)  # fmt: skip
