"""The ``data`` of the common event kinds, and validation in an operator's words.

Every kind's data is a frozen msgspec Struct that refuses unknown members, so a
typo never publishes half an event; ``convert`` turns msgspec's messages into
sentences ("score: team must be 'away' or 'home', not 'visitors'").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

import msgspec
import msgspec.inspect

from broadcaster.errors import RuleViolation
from broadcaster.protocol import Side


class TeamInfo(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: str
    short: str


class CreateData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    sport: str
    league: str
    home: TeamInfo
    away: TeamInfo
    start: float | None = None
    venue: str | None = None
    favourite: Side | None = None  # the side the odds or rankings favour (upset alerts)


class NoData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    pass


class PeriodData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    number: int | None = None


class ClockData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    running: bool
    seconds: float | None = None  # extension: omitted = keep the running clock's reading


class ScoreData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    team: Side
    points: int | None = None
    player: str | None = None
    text: str | None = None
    own_goal: bool = False
    penalty: bool = False


class PlayData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    text: str
    team: Side | None = None
    player: str | None = None


class SubstitutionData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A player comes on for another (an extension to PROTOCOL.md's common kinds)."""

    team: Side
    on: str
    off: str
    text: str | None = None


class StatusData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    status: Literal["break", "suspended", "postponed", "cancelled", "live"]


class TimeoutData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A team timeout (basketball, American football)."""

    team: Side
    text: str | None = None


class ShootoutData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One shoot-out attempt (soccer, ice hockey)."""

    team: Side
    scored: bool
    player: str | None = None
    text: str | None = None


class CorrectionData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    target: int
    action: Literal["void", "amend"]
    data: dict[str, Any] | None = None


def convert(kind: str, data: Mapping[str, Any], schema: type[msgspec.Struct]) -> Any:
    """Validate ``data`` against a kind's schema, refusing in plain words."""
    try:
        return msgspec.convert(data, schema)
    except msgspec.ValidationError as exc:
        raise RuleViolation(explain(kind, schema, str(exc))) from None


_TYPE_NAMES = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "null",
}


def explain(kind: str, schema: type[msgspec.Struct], error: str) -> str:
    """msgspec's validation message in an operator's words."""
    fields = {f.name: f.type for f in msgspec.inspect.type_info(schema).fields}  # type: ignore[attr-defined]
    if m := re.fullmatch(r"Object contains unknown field `(\w+)`(?: - at `\$\S*`)?", error):
        return f"{kind} takes no '{m[1]}'; it takes {', '.join(fields) or 'no data'}"
    if m := re.fullmatch(r"Object missing required field `(\w+)`(?: - at `\$\S*`)?", error):
        return f"{kind} needs '{m[1]}'"
    if m := re.fullmatch(r"Invalid enum value (.+) - at `\$\.(\w+)`", error):
        values = _literals(fields.get(m[2]))
        allowed = " or ".join(values) if values else "something else"
        return f"{kind}: {m[2]} must be {allowed}, not {m[1]}"
    if m := re.fullmatch(r"Expected `(\w+)(?: \| null)?`, got `(\w+)` - at `\$\.(\w+)`", error):
        want, got = _TYPE_NAMES.get(m[1], m[1]), _TYPE_NAMES.get(m[2], m[2])
        return f"{kind}: {m[3]} must be {want}, not {got}"
    return f"{kind}: {error}"


def _literals(t: Any) -> list[str]:
    if isinstance(t, msgspec.inspect.LiteralType):
        return [repr(v) for v in t.values]
    if isinstance(t, msgspec.inspect.UnionType):
        return [v for member in t.types for v in _literals(member)]
    return []
