"""``undo``, ``void N``, ``amend N …`` and ``restore N``: corrections that can be corrected. Pure.

``N`` is the event's number in its game (``log`` and the ✓ lines show it),
the same on every console; the correction is sent with the event's ``seq``.
``undo`` takes back this console's own newest event (a void is restored);
another operator's events are voided or amended with ``void``/``amend``,
after a question, as is an old score (one with scores after it). A void
cannot be voided: ``restore N`` publishes the event again, with its own
``at`` and ``clock``, so it keeps its place in the game.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from broadcaster.console.describe import event_text
from broadcaster.console.emit import Confirm, Emit
from broadcaster.console.model import NOT_UNDOABLE, Logged, Model
from broadcaster.console.words import CommandError, NotYet, fill
from broadcaster.protocol import GameState
from broadcaster.sports.base import COMMON_KINDS

HEADS: Final = frozenset({"undo", "void", "amend", "restore"})
SCORING: Final = frozenset({"score", "point", "delivery", "shootout"})
CREASE: Final = ("batter", "non_striker", "bowler")
Retype = Callable[[Sequence[str], str, GameState, Model], Emit]
Check = Callable[[str, dict[str, Any]], None]  # the sport's own checks of an event's data


@dataclass(frozen=True, slots=True)
class Corrections:
    game_id: str
    state: GameState
    model: Model
    retype: Retype
    check: Check

    def parse(self, head: str, args: Sequence[str]) -> Emit | Confirm:
        if head == "undo":
            if args:
                raise CommandError("undo takes no words; void N voids an older event")
            return self.undo()
        if head == "void":
            return self.void(args)
        if head == "restore":
            return self.restore(args)
        return self.amend(args)

    def text(self, logged: Logged) -> str:
        number = self.model.games[self.game_id].number(logged.seq)
        return f"event {number} {event_text(logged.kind, logged.data, self.state)}"

    def undo(self) -> Emit:
        target = self.model.undo_target(self.game_id)
        label = target.label(self.state)
        if target.restore:
            summary = f"undo: restore {label}"
            return Emit(self.game_id, target.kind, dict(target.data), summary,
                        undone=f"restored: {label}", at=target.at, clock=target.clock)  # fmt: skip
        data: dict[str, Any] = {"action": "void"}
        if target.seq is not None:
            data = {"target": target.seq, "action": "void"}
        return Emit(self.game_id, "correction", data, f"undo {label}", ref=target.ref,
                    undone=label)  # fmt: skip

    def event(self, args: Sequence[str], usage: str) -> Logged:
        """The event ``N`` (the first word) names, in effect and correctable."""
        if not args or not args[0].isdigit():
            raise CommandError(f"{usage} (log shows the numbers)")
        number = int(args[0])
        record = self.model.games.get(self.game_id)
        seq = record.seq_of(number) if record is not None else None
        logged = self.model.logged(self.game_id, seq) if seq is not None else None
        if logged is None and (record is None or not record.loaded):
            raise NotYet(f"event {number} is not loaded yet; log shows the events")
        if logged is None:
            raise CommandError(f"event {number} is not an event of this game; log shows them")
        if logged.kind in NOT_UNDOABLE:
            raise CommandError(f"event {number} is a {logged.kind}; it cannot be corrected")
        return logged

    def void(self, args: Sequence[str]) -> Emit | Confirm:
        if len(args) != 1:
            raise CommandError("void N: one event's number (log shows them)")
        logged = self.event(args, "void N")
        label = self.text(logged)
        if logged.seq in self.model.voided(self.game_id):
            raise CommandError(f"{label} is already voided; restore {args[0]} brings it back")
        data = {"target": logged.seq, "action": "void"}
        emit = Emit(self.game_id, "correction", data, f"void {label}", undone=label)
        return self._ask(logged, emit, "void", old_score=True)

    def amend(self, args: Sequence[str]) -> Emit | Confirm:
        """``amend N key=value…`` changes fields; ``amend N <command>`` retypes the event."""
        usage = "amend N key=value… or amend N <the event retyped>"
        logged = self.event(args, usage)
        rest = list(args[1:])
        if not rest:
            raise CommandError(usage)
        if logged.seq in self.model.voided(self.game_id):
            raise CommandError(f"{self.text(logged)} is voided; restore {args[0]} first")
        if all("=" in w for w in rest):
            schema = self._schema(logged.kind)
            kind, data = logged.kind, fill(logged.kind, schema, rest, self.state, logged.data)
        else:
            retyped = self.retype(rest, self.game_id, self.state, self.model)
            if retyped.kind != logged.kind:
                raise CommandError(f"event {args[0]} is a {logged.kind}, not a {retyped.kind}")
            kind, data = retyped.kind, retyped.data
            if kind == "delivery":  # that ball's batters and bowler, not today's
                data.update({k: logged.data[k] for k in CREASE if k in logged.data})
        self.check(kind, data)
        correction = {"target": logged.seq, "action": "amend", "data": data}
        summary = f"amend event {args[0]} to {event_text(kind, data, self.state)}"
        return self._ask(logged, Emit(self.game_id, "correction", correction, summary), "amend")

    def restore(self, args: Sequence[str]) -> Emit:
        if len(args) != 1:
            raise CommandError("restore N: a voided event's number (log shows them)")
        logged = self.event(args, "restore N")
        label = self.text(logged)
        if logged.seq not in self.model.voided(self.game_id):
            raise CommandError(f"{label} is not voided")
        return Emit(self.game_id, logged.kind, dict(logged.data), f"restore {label}",
                    undone=f"restored: {label}", at=logged.at, clock=logged.clock)  # fmt: skip

    def _schema(self, kind: str) -> Any:
        sport = self.model.sports[self.state.sport]
        spec = sport.kinds.get(kind) or COMMON_KINDS.get(kind)
        if spec is None:
            raise CommandError(f"a {kind} cannot be amended")
        return spec.data

    def _ask(
        self, logged: Logged, emit: Emit, verb: str, old_score: bool = False
    ) -> Emit | Confirm:
        """Someone else's event, or a score the game has moved on from: ask first."""
        reasons = []
        if logged.seq not in self.model.mine:
            reasons.append(f"it was published by {logged.by or 'another operator'}")
        if old_score and logged.kind in SCORING:
            later = self._scores_after(logged.seq)
            if later:
                reasons.append(f"{later} score{'s' * (later > 1)} came after it")
        if not reasons:
            return emit
        question = f"{verb} {self.text(logged)}? {' and '.join(reasons)}; yes to {verb} it"
        return Confirm(question[0].upper() + question[1:], emit)

    def _scores_after(self, seq: int) -> int:
        record = self.model.games[self.game_id]
        voided = self.model.voided(self.game_id)
        return len([s for s, ev in record.events.items()
                    if s > seq and s not in voided and ev.kind in SCORING])  # fmt: skip
