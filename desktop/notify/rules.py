"""What to notify from the feed's changes: pure, no Qt, no I/O.

The fan's favourites (team names or game ids) get a notice for the kinds they
chose, overall and per favourite: ``score`` (a goal, a basket, a run…),
``period`` (a period's end), ``final``, ``red_card`` and ``upset`` (a final won by the
side the game's ``favourite`` — from the odds or rankings, named at ``game.create`` — was
not). A game between two favourites is told when either wants to hear of it. The rules
that keep it trustworthy:

- only *news*: never an event a resume replays or a reconnect back-fills;
- never twice for one event (``(epoch, seq)`` remembered);
- never for an event voided in the same batch (a spoiler delay often holds both);
- a void of an event that was notified gets a "Disallowed" notice, even when the void
  itself came in a back-fill: the fan was told something that is no longer true.

Texts come from ``broadcaster.present``: the game's line as a screen reader reads it
for the title, the play's own sentence for the body.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from broadcaster import present
from broadcaster.protocol import Event, GameState
from desktop.feed.state import Applied

TOLD = 1000  # notices remembered for a correction to take back (the latest)
KINDS = ("score", "period", "final", "red_card", "upset")
KIND_NAMES = {
    "score": "Scores",
    "period": "Period ends",
    "final": "Final results",
    "red_card": "Red cards",
    "upset": "Upsets",
}


@dataclass(frozen=True, slots=True)
class Notice:
    """One notification: ``seq`` is the event it is about."""

    game_id: str
    seq: int
    kind: str  # one of KINDS, or "disallowed"
    title: str
    text: str


def reds(state: GameState) -> int:
    cards = state.detail.get("cards")
    if not isinstance(cards, dict):
        return 0
    return sum(int(side.get("red", 0)) for side in cards.values() if isinstance(side, dict))


def winner(state: GameState) -> str | None:
    """The side that won a final game, if one did."""
    named = state.detail.get("winner")
    if named in ("home", "away"):
        return str(named)
    if state.home.score != state.away.score:
        return "home" if state.home.score > state.away.score else "away"
    return None


def upset(state: GameState) -> bool:
    """A final won by the side that was not the favourite."""
    favourite = state.detail.get("favourite")
    won = winner(state)
    return favourite in ("home", "away") and won is not None and won != favourite


def kind_of(event: Event, before: GameState | None) -> str | None:
    """Which notice kind an event is, if any (a final that is an upset is told as one)."""
    state = event.state
    if state.status == "final" and (before is None or before.status != "final"):
        return "upset" if upset(state) else "final"
    if event.kind == "score":
        return "score"
    if event.kind == "period.end":
        return "period"
    if before is not None and reds(state) > reds(before):
        return "red_card"
    return None


@dataclass
class Notifier:
    favourites: set[str] = field(default_factory=set)  # team names or game ids
    kinds: set[str] = field(default_factory=lambda: set(KINDS))
    muted_for: dict[str, set[str]] = field(default_factory=dict)  # favourite → kinds it skips
    states: dict[str, GameState] = field(default_factory=dict)  # each game as last seen
    told: dict[tuple[str, int], Notice] = field(default_factory=dict)  # (epoch, seq) → notice

    def follows(self, state: GameState, kind: str = "") -> bool:
        """Whether a favourite is in this game (and, given a kind, wants to hear of it)."""
        names = {state.game_id, state.home.name, state.away.name} & self.favourites
        return any(kind not in self.muted_for.get(name, ()) for name in names)

    def know(self, games: Iterable[GameState]) -> None:
        """A snapshot: the states later events are compared with; nothing is news."""
        self.states = {g.game_id: g for g in games}

    def take(self, applied: Sequence[Applied], now: float) -> list[Notice]:
        """Every applied event, in order; returns the notices to show now."""
        voided = {
            (a.event.epoch, a.event.data.get("target"))
            for a in applied
            if a.event.kind == "correction" and a.event.data.get("action") == "void"
        }
        notices: list[Notice] = []
        for a in applied:
            event = a.event
            before = self.states.get(event.game_id)
            self.states[event.game_id] = event.state
            key = (event.epoch, event.seq)
            if event.kind == "correction":
                notices.extend(self._disallowed(event, now))
            elif a.news and key not in self.told and key not in voided:
                notice = self._notice(event, before, now)
                if notice is not None:
                    self._tell(key, notice)
                    notices.append(notice)
        return notices

    def _tell(self, key: tuple[str, int], notice: Notice) -> None:
        """Remember a notice (a correction may take it back), the latest ``TOLD`` only:
        an app left running for days must not keep every notice it ever showed."""
        self.told[key] = notice
        while len(self.told) > TOLD:
            del self.told[next(iter(self.told))]

    def _notice(self, event: Event, before: GameState | None, now: float) -> Notice | None:
        kind = kind_of(event, before)
        if kind == "upset" and not (kind in self.kinds and self.follows(event.state, kind)):
            kind = "final"  # not wanted as an upset: maybe still as a final result
        if kind is None or kind not in self.kinds or not self.follows(event.state, kind):
            return None
        text = present.play_text(event.kind, event.data, event.state, event, before)
        if kind == "upset":
            text = f"Upset! {text}"
        title = present.summary(event.state, now)
        return Notice(event.game_id, event.seq, kind, title, text)

    def _disallowed(self, event: Event, now: float) -> list[Notice]:
        if event.data.get("action") != "void":
            return []
        told = self.told.pop((event.epoch, event.data.get("target")), None)  # type: ignore[arg-type]
        if told is None or told.kind in ("final", "upset"):
            return []
        title = present.summary(event.state, now)
        notice = Notice(event.game_id, event.seq, "disallowed", title, f"Disallowed: {told.text}")
        return [notice]
