"""Line-ups: shirt numbers for names, one spelling per player, a warning for a stranger. Pure.

``roster h 10=Messi 11="Di María"`` (or ``roster h file=lineup.txt``, a line
``10 Messi`` each) loads a team's line-up before the game. Then ``g a 10``,
``g a #10`` and ``h2 0`` name the player by number, ``Wall`` is stored as the
roster's ``J. Wall``, and a player who is in the other team's line-up, or in
neither while a line-up is loaded, is stored with a warning to check it.

A substitution is an event of its own, so every client sees it::

    sub h 9 for 10        →  substitution, team home, on Giroud, off Mbappé

and the console counts the player who went off as off from then on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from broadcaster.console.names import matches
from broadcaster.console.words import CommandError, side_of
from broadcaster.protocol import GameState, Side

Roster = dict[str, str]  # shirt number -> name
_ENTRY = re.compile(r"^#?(?P<number>\d{1,3})\s*[=\s]\s*(?P<name>\S.*)$")
_SHIRT = re.compile(r"^#(?P<number>\d{1,3})$")


@dataclass(frozen=True, slots=True)
class RosterCommand:
    """``roster TEAM N=NAME…``: set a line-up (``path``: read it from a file first)."""

    game_id: str
    side: Side
    players: Roster
    path: str | None = None


def roster_command(game_id: str, args: Sequence[str], state: GameState) -> RosterCommand:
    usage = 'roster TEAM 10=Messi 11="Di María" … or roster TEAM file=lineup.txt'
    side = side_of(args[0], state) if args else None
    if side is None:
        raise CommandError(usage)
    players: Roster = {}
    path = None
    for word in args[1:]:
        key, eq, value = word.partition("=")
        if eq and key.lower() == "file" and value:
            path = value
            continue
        entry = _ENTRY.match(word.replace("=", " ", 1)) if eq else None
        if entry is None:
            raise CommandError(f"{word!r}: a roster entry is NUMBER=NAME; {usage}")
        players[str(int(entry["number"]))] = entry["name"].strip()
    return RosterCommand(game_id, side, players, path)


def parse_lines(text: str, source: str) -> Roster:
    """A line-up file: ``10 Messi`` or ``10=Messi`` a line; ``#`` comment lines skipped."""
    players: Roster = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or (line.startswith("#") and not _SHIRT.match(line.split()[0])):
            continue
        entry = _ENTRY.match(line)
        if entry is None:
            raise CommandError(f"{source}:{number}: {line!r} is not NUMBER NAME")
        players[str(int(entry["number"]))] = entry["name"].strip()
    return players


def shirt(word: str, roster: Roster | None, bare: bool) -> str | None:
    """The player ``#10`` (or, when ``bare``, ``10``) names; None when it names no shirt."""
    m = _SHIRT.match(word)
    if m is None and not (bare and word.isdigit()):
        return None
    number = str(int(m["number"] if m else word))
    if roster is None:
        if m is None:
            return None
        raise CommandError(f"{word}: no line-up loaded for this team (roster TEAM {number}=NAME)")
    if number not in roster:
        if m is None:
            return None
        raise CommandError(f"{word}: nobody wears {number} in this team's line-up")
    return roster[number]


def off_players(events: Iterable[tuple[str, Mapping[str, Any]]]) -> dict[str, set[str]]:
    """Who has been substituted off, by side (a player who came back on is on again)."""
    off: dict[str, set[str]] = {"home": set(), "away": set()}
    for kind, data in events:
        side = data.get("team")
        if kind == "substitution" and side in off:
            off[side].add(str(data.get("off")))
            off[side].discard(str(data.get("on")))
    return off


def check_player(
    name: str,
    side: str,
    state: GameState,
    rosters: Mapping[str, Roster],
    seen: Mapping[str, Iterable[str]],
    off: Mapping[str, set[str]],
) -> tuple[str, str]:
    """The player's one spelling, and a warning ('' when all is well)."""
    other = "away" if side == "home" else "home"
    own = list(rosters.get(side, {}).values()) or list(seen.get(side, ()))
    found = matches(name, own)
    if len(found) == 1:
        name = found[0]
    team, rival = state.team(side), state.team(other)  # type: ignore[arg-type]
    theirs = matches(name, list(rosters.get(other, {}).values()) or list(seen.get(other, ())))
    if not found and theirs:
        return name, f"check it: {theirs[0]} plays for {rival.short}, not {team.short}"
    if not found and rosters.get(side):
        return name, f"check it: {name} is not in {team.short}'s line-up"
    if name in off.get(side, set()):
        return name, f"check it: {name} was substituted off"
    return name, ""


def substitution(
    args: Sequence[str], state: GameState, rosters: Mapping[str, Roster]
) -> dict[str, Any]:
    """``sub TEAM ON for OFF`` (names or shirt numbers): the ``substitution`` event's data."""
    usage = "sub TEAM ON for OFF, e.g. sub h 9 for 10 or sub a Giroud for Mbappé"
    side = side_of(args[0], state) if args else None
    words = [w.lower() for w in args]
    if side is None or "for" not in words:
        raise CommandError(usage)
    cut = words.index("for")
    roster = rosters.get(side)
    on, off = (_who(list(part), roster) for part in (args[1:cut], args[cut + 1 :]))
    if not on or not off:
        raise CommandError(usage)
    return {"team": side, "on": on, "off": off}


def _who(words: list[str], roster: Roster | None) -> str:
    if len(words) == 1:
        named = shirt(words[0], roster, bare=True)
        if named is not None:
            return named
    return " ".join(words)
