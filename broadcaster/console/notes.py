"""What the console tells its operator, and another operator's events among them. Pure.

An event on the feed in the current game that this console did not publish
is announced with who did. The feed may bring one of our own events before
its ack does: while an event of that kind waits in our outbox, it is held
back, and announced only once the acks show it was not ours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from broadcaster.console.describe import score_line
from broadcaster.console.model import Model, Queued
from broadcaster.protocol import Event

NoteLevel = Literal["ok", "queued", "refused", "error", "info", "link", "warn"]


@dataclass(frozen=True, slots=True)
class Note:
    level: NoteLevel
    text: str


@dataclass
class Others:
    """Another operator's events in the current game, as notes."""

    model: Model
    held: dict[int, Event] = field(default_factory=dict)  # seen, its ack perhaps on the way

    def seen(self, ev: Event, current: str | None, pending: Sequence[Queued]) -> list[Note]:
        if ev.game_id != current or ev.seq in self.model.mine:
            return []
        if _ours_waiting(ev, pending):
            self.held[ev.seq] = ev
            return []
        return self.notes(ev)

    def settle(self, pending: Sequence[Queued]) -> list[Note]:
        """After an answer: the events held back that are not ours are someone else's."""
        out: list[Note] = []
        for seq, ev in list(self.held.items()):
            if seq in self.model.mine:
                del self.held[seq]
            elif not _ours_waiting(ev, pending):
                del self.held[seq]
                out += self.notes(ev)
        return out

    def notes(self, ev: Event) -> list[Note]:
        record = self.model.games[ev.game_id]
        by = ev.by or "another operator"
        what = self.model.describe(ev.game_id, ev.kind, ev.data, ev.state)
        number = record.number(ev.seq)
        out = [Note("info", f"· {number} {what} · by {by} · {score_line(ev.state)}")]
        target = ev.data.get("target") if ev.kind == "correction" else None
        if isinstance(target, int) and target in self.model.mine:
            action = "voided" if ev.data.get("action") == "void" else "amended"
            out.append(Note("warn", f"⚠ {by} {action} your event {record.number(target)}"))
        return out


def _ours_waiting(ev: Event, pending: Sequence[Queued]) -> bool:
    return any(q.game_id == ev.game_id and q.kind == ev.kind for q in pending)
