"""Words of the console language: tokens, teams, clock times, schema-driven arguments.

Pure. Every event kind of every sport is a msgspec Struct; ``fill`` reads its
fields so that any kind, also of a sport added later, is typed the same way:

- a team word (``h``, ``a``, ``home``, ``away``, a team's short or full name)
  fills the kind's team field; numbers fill its number fields, in order;
  both only before the first free word;
- a listed word (``yellow``) fills the field that lists it; a flag word
  (``scored``, ``no-scored``, ``og``, ``pen``) sets a yes/no field;
- ``key=value`` sets any field by name (``text="26' jump shot"``);
- the remaining words are the player (``h3 J. Tatum``), or the text when the
  kind requires one (``play steal``); ``Tatum: steal`` gives both.

Errors are ``CommandError``, with a sentence an operator can act on.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

import msgspec
import msgspec.inspect as mi

from broadcaster.protocol import GameState, Side


class CommandError(ValueError):
    """A line the console will not turn into an event; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotYet(CommandError):
    """The line needs what the broadcaster has not sent yet (the games, a game's past):
    a script waits for it and tries again."""


FieldKind = Literal["side", "choice", "bool", "int", "float", "str", "any"]


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: FieldKind
    required: bool
    choices: tuple[str, ...] = ()  # as typed (lower case)
    values: tuple[Any, ...] = ()  # as sent, in the same order (a Literal may hold ints)

    def choice(self, word: str) -> Any:
        """The listed value ``word`` names; raises ValueError when it names none."""
        return self.values[self.choices.index(word.lower())]


_SIDES: Final = frozenset({"home", "away"})
# flag words an operator types for a yes/no field, by field name
FLAG_WORDS: Final[dict[str, dict[str, bool]]] = {
    "own_goal": {"og": True},
    "penalty": {"pen": True},
    "scored": {"in": True, "miss": False, "missed": False, "saved": False, "out": False},
}
_TRUE: Final = frozenset({"true", "yes", "y", "1", "on"})
_FALSE: Final = frozenset({"false", "no", "n", "0", "off"})
_TOKEN = re.compile(r'(?:[^\s"]+|"[^"]*")+')
_CLOCK = re.compile(r"^(\d{1,3}):([0-5]\d(?:\.\d+)?)$")
_INT = re.compile(r"^[+-]?\d+$")


def _kind_of(t: mi.Type) -> tuple[FieldKind, tuple[Any, ...]]:
    if isinstance(t, mi.UnionType):  # X | None: the X
        inner = [x for x in t.types if not isinstance(x, mi.NoneType)]
        return _kind_of(inner[0]) if len(inner) == 1 else ("any", ())
    if isinstance(t, mi.LiteralType):
        values = tuple(t.values)
        return ("side" if set(values) == _SIDES else "choice"), values
    simple: dict[type[mi.Type], FieldKind] = {
        mi.BoolType: "bool",
        mi.IntType: "int",
        mi.FloatType: "float",
        mi.StrType: "str",
    }
    return simple.get(type(t), "any"), ()


def fields_of(schema: type[msgspec.Struct]) -> list[Field]:
    """The fields of an event kind's data schema, as the console types them."""
    info = mi.type_info(schema)
    assert isinstance(info, mi.StructType)
    out = []
    for f in info.fields:
        kind, values = _kind_of(f.type)
        out.append(Field(f.name, kind, f.required, tuple(str(v).lower() for v in values), values))
    return out


def tokenize(line: str) -> list[str]:
    """Split on blanks; ``"double quotes"`` group words (an apostrophe is just a letter).

    A word starting with ``#`` starts a comment, to the end of the line; ``#10``
    is a shirt number, not a comment.
    """
    words, end = [], len(line)
    for m in _TOKEN.finditer(line):
        if m.group(0).startswith("#") and not m.group(0)[1:].isdigit():
            end = m.start()
            break
        words.append(m.group(0))
    if line[:end].count('"') % 2:
        raise CommandError('a double quote (") is not closed')
    return [_unquote(w) for w in words]


def _unquote(word: str) -> str:
    """Drop the grouping quotes, but not a JSON value's: ``extras={"legbyes":1}``."""
    key, eq, value = word.partition("=")
    if eq and key and value[:1] in ("{", "["):
        return word
    return word.replace('"', "")


def side_of(word: str, state: GameState | None) -> Side | None:
    """The side a team word names: h/a, home/away, or a team's short or full name."""
    w = word.lower()
    if w in ("h", "home"):
        return "home"
    if w in ("a", "away"):
        return "away"
    if state is not None:
        for side in ("home", "away"):
            team = state.team(side)
            if w in (team.short.lower(), team.name.lower()):
                return side
    return None


def team_words(state: GameState | None) -> str:
    """How to name a team in this game, for error messages: ``h, a, BOS or LAL``."""
    if state is None:
        return "h or a"
    return f"h, a, {state.home.short} or {state.away.short}"


def parse_clock(word: str) -> float | None:
    """``5:32`` / ``12:00.5`` (minutes:seconds), ``67'`` (minutes) or ``45s``; else None."""
    m = _CLOCK.match(word)
    if m:
        return int(m[1]) * 60 + float(m[2])
    try:
        if word.endswith("'") and word[:-1].isdigit():
            return int(word[:-1]) * 60.0
        if word.endswith("s") and word[:-1]:
            seconds = float(word[:-1])
            return seconds if math.isfinite(seconds) and seconds >= 0 else None
    except ValueError:
        return None
    return None


def _number(f: Field, word: str) -> int | float | None:
    if _INT.match(word):
        return int(word)
    if f.kind == "float":
        clock = parse_clock(word)
        if clock is not None:
            return clock
        try:
            value = float(word)
        except ValueError:
            return None
        return value if math.isfinite(value) else None
    return None


def _flag(fields: Sequence[Field], taken: set[str], word: str) -> tuple[str, bool] | None:
    w = word.lower()
    for f in fields:
        if f.kind != "bool" or f.name in taken:
            continue
        if w == f.name:
            return f.name, True
        if w in (f"no-{f.name}", f"!{f.name}"):
            return f.name, False
        if w in FLAG_WORDS.get(f.name, {}):
            return f.name, FLAG_WORDS[f.name][w]
    return None


def value_for(kind: str, f: Field, raw: str, state: GameState | None) -> Any:
    """The value of ``key=raw`` for field ``f``, or a ``CommandError``."""
    if f.kind == "side":
        side = side_of(raw, state)
        if side is None:
            raise CommandError(f"{f.name}={raw}: name a team ({team_words(state)})")
        return side
    if f.kind == "choice":
        if raw.lower() not in f.choices:
            raise CommandError(f"{f.name}={raw}: it is one of {', '.join(f.choices)}")
        return f.choice(raw)
    if f.kind == "bool":
        if raw.lower() in _TRUE | _FALSE:
            return raw.lower() in _TRUE
        raise CommandError(f"{f.name}={raw}: say yes or no")
    if f.kind in ("int", "float"):
        value = _number(f, raw)
        if value is None:
            what = "a whole number" if f.kind == "int" else "a number"
            raise CommandError(f"{f.name}={raw}: {kind} wants {what} here")
        return value
    if f.kind == "any":
        try:
            return json.loads(raw)
        except ValueError:
            if raw[:1] in ("{", "["):
                raise CommandError(f"{f.name}={raw}: not valid JSON") from None
            return raw
    return raw


def _free_text(fields: Sequence[Field], data: dict[str, Any], free: list[str]) -> bool:
    """Put the free words into the player or text field; False if there is none."""
    names = {f.name for f in fields if f.kind == "str" and f.name not in data}
    colon = next((i for i, w in enumerate(free) if w.endswith(":")), None)
    if colon is not None and {"player", "text"} <= names and data.get("team"):
        player = " ".join([*free[:colon], free[colon][:-1]]).strip()
        text = " ".join(free[colon + 1 :]).strip()
        if player:
            data["player"] = player
        if text:
            data["text"] = text
        return True
    required = [f.name for f in fields if f.required and f.name in names]
    order = [*required, "player"]  # never an optional text: an unknown word is an error
    target = next((n for n in order if n in names), None)
    if target is None:
        return False
    data[target] = " ".join(free)
    return True


def fill(
    kind: str,
    schema: type[msgspec.Struct],
    words: Sequence[str],
    state: GameState | None,
    preset: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``data`` of one event of ``kind`` from the words an operator typed."""
    fields = fields_of(schema)
    by_name = {f.name: f for f in fields}
    data: dict[str, Any] = dict(preset or {})  # a preset word or flag may still change
    taken: set[str] = set()  # fields the operator set
    free: list[str] = []
    for word in words:
        key, eq, raw = word.partition("=")
        if eq and key:
            f = by_name.get(key)
            if f is None:
                known = ", ".join(by_name) or "none"
                raise CommandError(f"{kind} has no field {key!r}; its fields: {known}")
            data[key] = value_for(kind, f, raw, state)
            taken.add(key)
            continue
        if not free and _positional(fields, data, word, state):
            continue
        flag = _flag(fields, taken, word)
        choice = next(
            (
                f
                for f in fields
                if f.kind == "choice" and f.name not in taken and word.lower() in f.choices
            ),
            None,
        )
        if flag is not None:
            data[flag[0]] = flag[1]
            taken.add(flag[0])
        elif choice is not None:
            data[choice.name] = choice.choice(word)
            taken.add(choice.name)
        else:
            free.append(word)
    placed = _free_text(fields, data, free) if free else True
    missing = [f for f in fields if f.required and f.name not in data]
    if not placed and not missing:
        raise CommandError(f"{kind} does not take {' '.join(free)!r}; see help {kind}")
    if missing:
        need = _needs(missing[0], state)
        raise CommandError(f"{kind} needs {need}; usage: {usage(kind, schema)}")
    try:
        msgspec.convert(data, schema)
    except msgspec.ValidationError as exc:
        raise CommandError(f"{kind}: {exc}") from None
    return data


def _positional(
    fields: Sequence[Field], data: dict[str, Any], word: str, state: GameState | None
) -> bool:
    """Fill a team or a number field from a word typed before any free word."""
    side = side_of(word, state)
    team = next((f for f in fields if f.kind == "side"), None)  # others by key=value
    if side is not None and team is not None and team.name not in data:
        data[team.name] = side
        return True
    for f in fields:
        if f.kind in ("int", "float") and f.name not in data:
            value = _number(f, word)
            if value is not None:
                data[f.name] = value
                return True
    return False


def _needs(f: Field, state: GameState | None) -> str:
    if f.kind == "side":
        return f"a team ({team_words(state)})"
    if f.kind == "choice":
        return f"{f.name} ({', '.join(f.choices)})"
    if f.kind == "bool":
        return f"{f.name} or no-{f.name}"
    return f"a {f.name}"


def usage(kind: str, schema: type[msgspec.Struct], skip: Sequence[str] = ()) -> str:
    """A usage line from the schema, in typing order: ``card TEAM red|yellow PLAYER [text=…]``."""
    fields = [f for f in fields_of(schema) if f.name not in skip]
    free = {f.name for f in fields if f.kind == "str" and (f.required or f.name == "player")}
    if "player" in free and len(free) > 1:  # play [TEAM] [PLAYER:] TEXT
        free.discard("player")
    ranks = {"side": 0, "int": 1, "float": 1, "choice": 2, "bool": 5}

    def rank(f: Field) -> int:
        if f.name in free:
            return 4
        return 3 if f.name == "player" else ranks.get(f.kind, 6)

    team = next((f for f in fields if f.kind == "side"), None)
    parts = [kind]
    for f in sorted(fields, key=rank):
        if f.kind == "side" and f is team:
            word = "TEAM"
        elif f.kind == "choice":
            word = "|".join(f.choices)
        elif f.kind == "bool":
            short = [w for w, v in FLAG_WORDS.get(f.name, {}).items() if v]
            word = f"{f.name}|no-{f.name}" if f.required else (short[0] if short else f.name)
        elif f.kind in ("int", "float") or f.name in free:
            word = f.name.upper()
        elif f.name == "player" and free:
            word = "PLAYER:"
        else:
            word = f"{f.name}=…"
        parts.append(word if f.required else f"[{word}]")
    return " ".join(parts)
