"""The game commands: ``new`` (a game's creation) and ``use`` (which game is current). Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final

from broadcaster.console.model import Model
from broadcaster.console.words import CommandError, NotYet
from broadcaster.errors import RuleViolation
from broadcaster.protocol import GameState
from broadcaster.sports.base import (
    create_game,
)

NEW_OPTIONS: Final = ("id", "venue", "start", "fav")


def use(args: Sequence[str], model: Model) -> str:
    """``use GAME``: the game an id, the start of one, or a team's short name means."""
    ids = model.game_ids()
    if len(args) != 1:
        listing = ", ".join(ids) or "none yet"
        raise CommandError(f"use GAME; games: {listing}")
    word = args[0]
    if word in ids:
        return word
    low = word.lower()
    matches = [g for g in ids if g.lower().startswith(low)]
    if not matches:
        matches = [g for g in ids if _team_match(model.state(g), low)]
    if not matches:
        matches = [g for g in ids if low in g.lower()]
    if len(matches) == 1:
        return matches[0]
    if not matches and model.generation == 0:
        raise NotYet(f"no game {word!r} yet: the broadcaster's games have not arrived")
    if not matches:
        raise CommandError(f"no game {word!r}; games: {', '.join(ids) or 'none yet'}")
    raise CommandError(f"{word!r} could be {', '.join(matches)}; say which")


def _team_match(state: GameState | None, word: str) -> bool:
    return state is not None and word in (state.home.short.lower(), state.away.short.lower())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def same_game(state: GameState | None, data: Mapping[str, Any]) -> bool:
    """Whether a game is the one ``data`` would create: same sport, league and teams."""
    return state is not None and (
        state.sport, state.league, state.home.short, state.away.short, state.home.name,
        state.away.name,
    ) == (
        data["sport"], data["league"], data["home"]["short"], data["away"]["short"],
        data["home"]["name"], data["away"]["name"],
    )  # fmt: skip


def new(args: Sequence[str], model: Model, today: date) -> tuple[str, dict[str, Any] | None]:
    """``new SPORT LEAGUE HOME AWAY [id=…] [venue=…] [start=…] [fav=h|a]``: the game id and its data
    (None: the same game exists already, today or with that id, and is meant)."""
    options: dict[str, str] = {}
    positional: list[str] = []
    for word in args:
        key, eq, value = word.partition("=")
        if eq and key.lower() in NEW_OPTIONS:
            options[key.lower()] = value
        elif word.lower() not in ("v", "vs", "-"):
            positional.append(word)
    sports = model.sports
    usage = 'new SPORT LEAGUE HOME AWAY, e.g. new basketball NBA BOS="Boston Celtics" LAL'
    if len(positional) != 4:
        raise CommandError(f"{usage} (sports: {', '.join(sorted(sports))})")
    sport, league, home, away = positional
    if sport.lower() not in sports:
        raise CommandError(f"unknown sport {sport!r}; known sports: {', '.join(sorted(sports))}")
    data: dict[str, Any] = {
        "sport": sport.lower(),
        "league": league,
        "home": _team(home),
        "away": _team(away),
    }
    if options.get("venue"):
        data["venue"] = options["venue"]
    if options.get("start"):
        data["start"] = _start_time(options["start"])
    if options.get("fav"):
        fav = {"h": "home", "home": "home", "a": "away", "away": "away"}.get(options["fav"].lower())
        if fav is None:
            raise CommandError("fav= names the favourite: fav=h or fav=a")
        data["favourite"] = fav
    game_id = options.get("id") or _game_id(data, model, today)
    if game_id in model.game_ids():
        if same_game(model.state(game_id), data):
            return game_id, None  # typed again (a script run again): that game, not a second
        raise CommandError(f"game {game_id} exists already; use {game_id}")
    if not 0 < len(game_id) <= 128:
        raise CommandError("a game id is 1 to 128 characters")
    try:
        create_game(game_id, data, sports)
    except RuleViolation as exc:
        raise CommandError(exc.message) from None
    return game_id, data


def _team(word: str) -> dict[str, str]:
    short, eq, name = word.partition("=")
    short, name = short.strip(), name.strip()
    return {"name": name if eq and name else short, "short": short}


def _start_time(text: str) -> float:
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        raise CommandError(f"start={text}: write it as 2024-05-01T19:30") from None


def _game_id(data: Mapping[str, Any], model: Model, today: date) -> str:
    """LEAGUE-DAY-HOME-AWAY, the day the game starts (start=…) or today; -2… for a second
    game of the same teams that day, never for the same game typed again."""
    day = datetime.fromtimestamp(data["start"]).date() if data.get("start") else today
    parts = (data["league"], day.strftime("%Y%m%d"), data["home"]["short"], data["away"]["short"])
    base = "-".join(_slug(part) for part in parts)
    taken = set(model.game_ids())
    game_id, n = base, 2
    while game_id in taken and not same_game(model.state(game_id), data):
        game_id, n = f"{base}-{n}", n + 1
    return game_id
