"""Hotkey mode: one key per common event and team, then the player's shirt number. Pure.

F2 turns it on and off. A key stands for a command line (``w`` is ``h2``); if
the event names a player, the digits that follow are the shirt number and the
event goes out as soon as the number can only be one player of the team's
line-up (``0`` for Westbrook goes at once; ``1`` waits while 12 is also in the
line-up; Space or Enter sends it as typed, or with no player). Another event
key sends the waiting one first; Backspace takes back a digit, Escape the
event. ``:`` types one ordinary line (Enter sends it), for everything else.
Keys with no player (a timeout, a tennis point, ``z`` undo) go at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final


@dataclass(frozen=True, slots=True)
class Key:
    line: str  # the command it stands for
    side: str | None = None  # whose line-up the number is from
    players: int = 0  # how many shirt numbers follow (a substitution: on, then off)


_BASKETBALL: Final = {
    "q": Key("h1", "home", 1), "w": Key("h2", "home", 1), "e": Key("h3", "home", 1),
    "r": Key("f h", "home", 1), "t": Key("to h"), "s": Key("sub h", "home", 2),
    "u": Key("a1", "away", 1), "i": Key("a2", "away", 1), "o": Key("a3", "away", 1),
    "p": Key("f a", "away", 1), "y": Key("to a"), "l": Key("sub a", "away", 2),
}  # fmt: skip
_GOALS: Final = {
    "q": Key("g h", "home", 1), "w": Key("yc h", "home", 1), "s": Key("sub h", "home", 2),
    "u": Key("g a", "away", 1), "i": Key("yc a", "away", 1), "l": Key("sub a", "away", 2),
}  # fmt: skip
_SOCCER: Final = {**_GOALS, "e": Key("rc h", "home", 1), "o": Key("rc a", "away", 1)}
_TENNIS: Final = {"q": Key("pt h"), "h": Key("pt h"), "u": Key("pt a"), "a": Key("pt a")}
_CRICKET: Final = {
    ".": Key("b ."), "0": Key("b 0"), "1": Key("b 1"), "2": Key("b 2"), "3": Key("b 3"),
    "4": Key("b 4"), "6": Key("b 6"), "w": Key("b 1wd"), "n": Key("b nb"), "l": Key("b 1lb"),
}  # fmt: skip
COMMON: Final = {"z": Key("undo"), "g": Key("go"), "x": Key("stop")}
KEYMAPS: Final[dict[str, dict[str, Key]]] = {
    "basketball": {**COMMON, **_BASKETBALL},
    "soccer": {**COMMON, **_SOCCER},
    "ice_hockey": {**COMMON, **_GOALS},
    "tennis": {"z": Key("undo"), **_TENNIS},
    "cricket": {"z": Key("undo"), **_CRICKET},
}
LINE_KEY: Final = ":"


@dataclass(frozen=True, slots=True)
class Step:
    """What a key did: the text to show as the line being built, and the lines to send."""

    text: str
    send: tuple[str, ...] = ()


@dataclass
class HotKeys:
    """The hotkey state: on or off, an event waiting for its shirt numbers, a typed line."""

    sport: str | None = None
    on: bool = False
    typing: bool = False  # ``:`` was pressed: the keys are an ordinary line until Enter
    waiting: Key | None = None
    numbers: list[str] = field(default_factory=list)

    def keymap(self) -> dict[str, Key]:
        return KEYMAPS.get(self.sport or "", {"z": Key("undo")})

    def toggle(self) -> str:
        self.on, self.typing, self.waiting, self.numbers = not self.on, False, None, []
        return f"hotkeys {'on: ' + self.legend() if self.on else 'off'}"

    def legend(self) -> str:
        keys = " ".join(f"{k}={v.line}" for k, v in self.keymap().items())
        return f"{keys} · then the shirt number · : a line · F2 off"

    def text(self) -> str:
        if self.waiting is None:
            return ""
        return " ".join([self.waiting.line, *(f"#{n}" for n in self.numbers if n)]) + " "

    def press(self, key: str, rosters: Mapping[str, Mapping[str, str]]) -> Step:
        """One key, in hotkey mode; ``rosters`` are the line-ups by side (number → name)."""
        if key == LINE_KEY and self.waiting is None:
            self.typing = True
            return Step("")
        if self.waiting is not None:
            return self._number(key, rosters)
        hot = self.keymap().get(key)
        if hot is None:
            return Step("")
        if hot.players == 0:
            return Step("", (hot.line,))
        self.waiting, self.numbers = hot, [""]
        return Step(self.text())

    def _number(self, key: str, rosters: Mapping[str, Mapping[str, str]]) -> Step:
        assert self.waiting is not None
        if key.isdigit():
            self.numbers[-1] += key
            roster = rosters.get(self.waiting.side or "", {})
            return self._next() if self.unique(self.numbers[-1], roster) else Step(self.text())
        if key in (" ", "enter"):
            if not self.numbers[-1] and len(self.numbers) > 1:
                return Step(self.text())  # the first number went by itself: wait for the next
            return self._next(force=True)
        if key == "backspace":
            if self.numbers[-1]:
                self.numbers[-1] = self.numbers[-1][:-1]
            elif len(self.numbers) > 1:
                self.numbers.pop()
            else:
                self.waiting = None
            return Step(self.text())
        if key == "escape":
            self.waiting, self.numbers = None, []
            return Step("")
        hot = self.keymap().get(key)
        if hot is None:
            return Step(self.text())
        sent = self._send()
        after = self.press(key, rosters)
        return Step(after.text, (*sent, *after.send))

    def _next(self, force: bool = False) -> Step:
        """A number is complete: wait for the next one, or send the event."""
        assert self.waiting is not None
        if len(self.numbers) < self.waiting.players and (self.numbers[-1] or not force):
            self.numbers.append("")
            return Step(self.text())
        return Step("", self._send())

    def _send(self) -> tuple[str, ...]:
        assert self.waiting is not None
        hot, numbers = self.waiting, [n for n in self.numbers if n]
        self.waiting, self.numbers = None, []
        if hot.players == 2:  # a substitution: ON for OFF
            if len(numbers) < 2:
                return ()
            return (f"{hot.line} {numbers[0]} for {numbers[1]}",)
        return (" ".join([hot.line, *(f"#{n}" for n in numbers)]),)

    @staticmethod
    def unique(digits: str, roster: Mapping[str, str]) -> bool:
        """Whether ``digits`` can only be one shirt of the line-up (no longer one starts so)."""
        return digits in roster and not any(n != digits and n.startswith(digits) for n in roster)
