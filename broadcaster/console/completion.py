"""Tab completion: commands, games, teams and the players already seen.

The words offered come from the same places the parser reads: the command
table, the current sport's kinds and their schemas (team, listed words,
flags, ``key=``), the games the model knows and the players in their events.
A player's name may hold blanks (``J. Tatum``): it is completed whole, from
the first word after the team.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from broadcaster.console.commands import (
    ALIASES,
    CREASE_WORDS,
    LOCAL,
    QUIT_WORDS,
    Context,
    kinds_of,
    resolve,
)
from broadcaster.console.helptext import PAGES
from broadcaster.console.words import FLAG_WORDS, CommandError, Field, fields_of, side_of

GAME_WORDS = ("new", "use", "undo", "void", "amend", "restore", "ev", "clock", "score", "roster")


def _offer(options: Iterable[str], typed: str, meta: str = "") -> Iterator[Completion]:
    low = typed.lower()
    seen: set[str] = set()
    for option in options:
        if option.lower().startswith(low) and option not in seen:
            seen.add(option)
            yield Completion(option, start_position=-len(typed), display_meta=meta)


class ConsoleCompleter(Completer):
    """Completes a line against the console's context of the moment."""

    def __init__(self, context: Callable[[], Context]) -> None:
        self.context = context

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterator[Completion]:
        text = document.text_before_cursor
        words = text.split()
        if not words or (len(words) == 1 and not text.endswith(" ")):
            yield from _offer(self.commands(), words[0] if words else "")
            return
        ctx = self.context()
        head = words[0].lower()
        done = words if text.endswith(" ") else words[:-1]
        typed = "" if text.endswith(" ") else words[-1]
        if head == "use":
            yield from _offer(ctx.model.game_ids(), typed, "game")
        elif head == "new" and len(done) == 1:
            yield from _offer(sorted(ctx.model.sports), typed, "sport")
        elif head in ("help", "?") and len(done) == 1:
            yield from _offer(["kinds", *PAGES, *self.commands()], typed)
        elif head not in ("new", "help", "?"):
            yield from self._event_words(ctx, done, typed, text)

    def commands(self) -> list[str]:
        """Every command word that makes sense now (the sport's kinds among them)."""
        ctx = self.context()
        words = [*GAME_WORDS, *LOCAL, *sorted(QUIT_WORDS)]
        state = ctx.model.state(ctx.current) if ctx.current else None
        sport = ctx.model.sports.get(state.sport) if state is not None else None
        if sport is not None:
            kinds = kinds_of(sport)
            words += [a for a, spec in ALIASES.items() if any(k in kinds for k in spec.kinds)]
            words += list(kinds)
            if "delivery" in kinds:
                words += sorted(CREASE_WORDS)
            elif kinds.keys() & {"score", "point"}:
                words.append("sub")
            if "score" in kinds and sport.points != {1}:
                words += [f"{side}{p}" for side in "ha" for p in sorted(sport.points)]
        return words

    def _event_words(
        self, ctx: Context, done: list[str], typed: str, text: str
    ) -> Iterator[Completion]:
        state = ctx.model.state(ctx.current) if ctx.current else None
        sport = ctx.model.sports.get(state.sport) if state is not None else None
        if state is None or sport is None or ctx.current is None:
            return
        try:
            kind, preset, args = resolve(done, sport)
        except CommandError:
            return
        fields = fields_of(kinds_of(sport)[kind])
        team = next((f for f in fields if f.kind == "side"), None)
        side = preset.get("team")
        pos = len(done) - len(args)  # the first word after the command
        for word in args:  # skip the team, numbers, listed words and flags
            found = side_of(word, state)
            if team is not None and side is None and found is not None:
                side = found
            elif not _setting(word, fields):
                break
            pos += 1
        if team is not None and side is None:
            yield from _offer(["h", "a", state.home.short, state.away.short], typed, "team")
            return
        skip = re.match(rf"\s*(?:\S+\s+){{{pos}}}", text)
        tail = text[skip.end() :] if skip else typed
        if any(f.name == "player" for f in fields):
            for name in ctx.model.players(ctx.current, side):
                if name.lower().startswith(tail.lower()) and name != tail:
                    yield Completion(name, start_position=-len(tail), display_meta="player")
        yield from _offer(_extras(fields, preset), typed)


def _setting(word: str, fields: list[Field]) -> bool:
    """A word that sets a field rather than starting the player's name."""
    low = word.lower()
    for f in fields:
        if f.kind in ("int", "float") and low.replace(".", "", 1).replace(":", "", 1).isdigit():
            return True
        if f.kind == "choice" and low in f.choices:
            return True
        if f.kind == "bool" and (
            low in (f.name, f"no-{f.name}") or low in FLAG_WORDS.get(f.name, {})
        ):
            return True
    return "=" in word


def _extras(fields: list[Field], preset: dict[str, object]) -> list[str]:
    """Listed words, flags and ``key=`` for the fields not set yet."""
    out: list[str] = []
    for f in fields:
        if f.name in preset and f.kind not in ("bool", "choice"):
            continue
        if f.kind == "choice":
            out += list(f.choices)
        elif f.kind == "bool":
            out += [f.name, f"no-{f.name}", *FLAG_WORDS.get(f.name, {})]
        elif f.kind in ("str", "any") and f.name != "player":
            out.append(f"{f.name}=")
    return out
