"""One line of the console language → an event to publish, or a clear error. Pure.

The language is built for speed on the common events and for reach on the
rest. Every kind of the current game's sport is a command by its own name
(``foul h Tatum``, ``card a yellow Lovren``, ``period.start``), typed the way
``words.fill`` reads its schema; a sport added later needs no console change.
On top of that:

- scores: ``h3``/``a2`` (basketball), ``h``/``a`` (one-point sports),
  ``+3 h Tatum``, ``goal h Mbappe``; the scoring event is ``score``, or
  ``point`` for a sport without scores (tennis);
- short aliases (``ALIASES``): ``start``, ``ps``, ``end``, ``final``, ``go``,
  ``stop``, ``clock 5:32``, ``break``, ``resume``, ``f``, ``to``, ``yc``...;
- ``ev KIND key=value…`` for anything at all;
- ``new``, ``use``, ``undo``, ``void SEQ``, ``amend SEQ …`` and the local
  commands ``help``, ``games``, ``log``, ``pending``, ``quit``.

Nothing here publishes: ``parse`` returns a value, or raises ``CommandError``
with a sentence in the operator's words. A typo is always an error, never a
guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Final

import msgspec

from broadcaster.console import corrections, games, rosters
from broadcaster.console import crease as cricket
from broadcaster.console.crease import Crease
from broadcaster.console.describe import event_text
from broadcaster.console.emit import Confirm as Confirm
from broadcaster.console.emit import Emit as Emit
from broadcaster.console.model import NOT_UNDOABLE, Model
from broadcaster.console.words import (
    CommandError,
    NotYet,
    fields_of,
    fill,
    parse_clock,
    side_of,
    tokenize,
)
from broadcaster.errors import RuleViolation
from broadcaster.protocol import GameState
from broadcaster.sports.base import (
    COMMON_KINDS,
    Sport,
    or_list,
)
from broadcaster.sports.cricket import DeliveryData, check_delivery


@dataclass(frozen=True, slots=True)
class Use:
    game_id: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Show:
    """A local view: ``help``, ``games``, ``log``, ``pending``."""

    topic: str
    arg: str = ""


@dataclass(frozen=True, slots=True)
class Quit:
    pass


@dataclass(frozen=True, slots=True)
class SetCrease:
    """Cricket: who bats and bowls from the next ball (``bat``, ``bowler``, ``swap``)."""

    game_id: str
    crease: Crease


Command = Emit | Confirm | Use | Show | Quit | SetCrease | rosters.RosterCommand
CREASE_WORDS: Final = frozenset({"bat", "bowler", "swap"})
# the sports whose scores may be an own goal / a penalty
FLAG_SPORTS: Final = {
    "own_goal": frozenset({"soccer", "ice_hockey"}),
    "penalty": frozenset({"soccer", "ice_hockey"}),
}


@dataclass(frozen=True, slots=True)
class Alias:
    kinds: tuple[str, ...]  # the first one the sport knows
    preset: Mapping[str, Any] = field(default_factory=dict)
    doc: str = ""


ALIASES: Final[dict[str, Alias]] = {
    "start": Alias(("game.start",), doc="the game starts (then ps starts the first period)"),
    "ps": Alias(("period.start",), doc="start the next period (or period N)"),
    "end": Alias(("period.end",), doc="end the period in progress"),
    "final": Alias(("game.end",), doc="the game is over (status final)"),
    "go": Alias(("clock.set",), {"running": True}, "start the clock (go 5:32 sets it too)"),
    "stop": Alias(("clock.set",), {"running": False}, "stop the clock (stop 5:32 sets it too)"),
    "break": Alias(("status",), {"status": "break"}, "status break"),
    "suspend": Alias(("status",), {"status": "suspended"}, "status suspended"),
    "resume": Alias(("status",), {"status": "live"}, "status live again"),
    "postpone": Alias(("status",), {"status": "postponed"}, "status postponed"),
    "cancel": Alias(("status",), {"status": "cancelled"}, "status cancelled"),
    "goal": Alias(("score",), doc="a goal: goal TEAM [PLAYER] [og] [pen]"),
    "g": Alias(("score",), doc="short for goal"),
    "pl": Alias(("play",), doc="short for play"),
    "f": Alias(("foul",), doc="short for foul"),
    "to": Alias(("timeout",), doc="short for timeout"),
    "yc": Alias(("card",), {"color": "yellow"}, "yellow card: yc TEAM PLAYER"),
    "rc": Alias(("card",), {"color": "red"}, "red card: rc TEAM PLAYER"),
    "so": Alias(("shootout",), {"scored": True}, "shoot-out kick: so TEAM [miss] [PLAYER]"),
    "st": Alias(("stoppage",), doc="stoppage minutes announced: st 4"),
    "pt": Alias(("point",), doc="a point won: pt TEAM"),
    "b": Alias(("ball", "delivery"), doc="one ball (cricket)"),
}
LOCAL: Final[dict[str, str]] = {
    "help": "help",
    "?": "help",
    "games": "games",
    "log": "log",
    "pending": "pending",
}
QUIT_WORDS: Final = frozenset({"quit", "exit"})
_SHORT_SCORE = re.compile(r"^(?P<side>[ha])(?P<points>\d{1,3})?$")
_PLUS_SCORE = re.compile(r"^\+(?P<points>\d{1,3})$")


@dataclass(frozen=True, slots=True)
class Context:
    """What a line is parsed against: the known games and the current one."""

    model: Model
    current: str | None
    today: date


def kinds_of(sport: Sport) -> dict[str, type[msgspec.Struct]]:
    """Every event kind a sport accepts (game.create and correction aside), with its schema."""
    kinds = {k: v.data for k, v in COMMON_KINDS.items() if k not in sport.refuses}
    kinds.update({k: v.data for k, v in sport.kinds.items()})
    return kinds


def parse(line: str, ctx: Context) -> Command | None:
    """The command a line means; None for a blank line or a ``#`` comment."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    words = tokenize(text)
    head, args = words[0].lower(), words[1:]
    if head in LOCAL:
        return Show(LOCAL[head], " ".join(args))
    if head in QUIT_WORDS:
        return Quit()
    if head == "use":
        return Use(games.use(args, ctx.model))
    if head == "new":
        game_id, data = games.new(args, ctx.model, ctx.today)
        if data is None:
            return Use(game_id, "it exists already: not a second one")
        return Emit(game_id, "game.create", data, f"new game {game_id}")
    game_id, state = _current(ctx)
    if head in corrections.HEADS:
        fix = corrections.Corrections(game_id, state, ctx.model, event, _checker(state, ctx.model))
        return fix.parse(head, args)
    if state.sport == "cricket" and head in CREASE_WORDS:
        return SetCrease(game_id, _crease(head, args, ctx.model.crease(game_id)))
    if head == "roster":
        return rosters.roster_command(game_id, args, state)
    if head == "sub":
        data = rosters.substitution(args, state, ctx.model.rosters.get(game_id, {}))
        return Emit(game_id, "substitution", data, event_text("substitution", data, state))
    return event(words, game_id, state, ctx.model)


def _checker(state: GameState, model: Model) -> corrections.Check:
    """The checks ``event`` makes of a score, for an amended one."""
    sport = _sport(state, model.sports)

    def check(kind: str, data: dict[str, Any]) -> None:
        if kind == "score":
            _check_points(sport, data)
            _check_flags(sport, data)

    return check


def _crease(head: str, args: Sequence[str], now: Crease) -> Crease:
    if head == "swap":
        if args:
            raise CommandError("swap takes no words: the batters change ends")
        return now.swapped()
    if head == "bowler":
        if not args:
            raise CommandError("bowler NAME: who bowls from the next ball")
        return replace(now, bowler=" ".join(args), named=True)
    return cricket.set_batters(now, args)


def _current(ctx: Context) -> tuple[str, GameState]:
    if ctx.current is None:
        raise CommandError("no current game: 'new …' creates one, 'use GAME' picks one")
    state = ctx.model.state(ctx.current)
    if state is None:
        raise NotYet(f"game {ctx.current} is not known yet (waiting for the broadcaster)")
    return ctx.current, state


def _sport(state: GameState, sports: Mapping[str, Sport]) -> Sport:
    sport = sports.get(state.sport)
    if sport is None:
        raise CommandError(f"this console does not know the sport {state.sport!r}; update it")
    return sport


def event(words: Sequence[str], game_id: str, state: GameState, model: Model) -> Emit:
    """A game event from its words (``h3 Tatum``, ``foul a``, ``ev point team=home``)."""
    sport = _sport(state, model.sports)
    kinds = kinds_of(sport)
    if words[0].lower() == "clock":
        return _clock(words[1:], game_id, state, kinds)
    if "delivery" in kinds and _is_ball(words):
        return _ball(words, game_id, state, kinds, model.crease(game_id))
    kind, preset, args = resolve(words, sport)
    args = _shirts(kind, kinds[kind], sport, args, preset, state, model.rosters.get(game_id, {}))
    data = fill(kind, kinds[kind], args, state, preset)
    if kind == "score":
        _check_points(sport, data)
        _check_flags(sport, data)
    warning = ""
    player, side = data.get("player"), data.get("team")
    if isinstance(player, str) and side in ("home", "away"):
        if data.get("own_goal"):  # the scorer plays for the other side
            side = "away" if side == "home" else "home"
        seen = {s: model.players(game_id, s) for s in ("home", "away")}
        off = rosters.off_players(model.in_effect(game_id))
        known = model.rosters.get(game_id, {})
        data["player"], warning = rosters.check_player(player, side, state, known, seen, off)
    return Emit(game_id, kind, data, event_text(kind, data, state), warning=warning)


def _shirts(
    kind: str,
    schema: type[msgspec.Struct],
    sport: Sport,
    args: Sequence[str],
    preset: Mapping[str, Any],
    state: GameState,
    known: Mapping[str, rosters.Roster],
) -> list[str]:
    """Shirt numbers as names: ``#10`` always, a bare ``10`` where no number is expected."""
    side = preset.get("team") or next(
        (s for w in args[:1] if (s := side_of(w, state)) is not None), None
    )
    numbers = [f.name for f in fields_of(schema) if f.kind in ("int", "float")]
    if kind == "score" and ("points" in preset or len(sport.points) == 1):
        numbers = [n for n in numbers if n != "points"]
    bare = not [n for n in numbers if n not in preset]
    if "player" not in {f.name for f in fields_of(schema)}:
        return list(args)
    roster = known.get(side) if isinstance(side, str) else None
    return [rosters.shirt(w, roster, bare) or w for w in args]


def _check_flags(sport: Sport, data: Mapping[str, Any]) -> None:
    """An own goal or a penalty goal only where the sport has them (not ``h2 og``)."""
    for flag in ("own_goal", "penalty"):
        if data.get(flag) and sport.name not in FLAG_SPORTS[flag]:
            raise CommandError(f"a {sport.name} score cannot be {flag.replace('_', ' ')}")


def resolve(words: Sequence[str], sport: Sport) -> tuple[str, dict[str, Any], list[str]]:
    """The event kind a command word means, what it presets, and the words left."""
    kinds = kinds_of(sport)
    head, args = words[0].lower(), list(words[1:])
    preset: dict[str, Any] = {}
    if head == "ev":
        if not args:
            raise CommandError(f"ev KIND key=value…; {sport.name} kinds: {', '.join(kinds)}")
        head, args = args[0].lower(), args[1:]
        if head in NOT_UNDOABLE:
            raise CommandError("use new to create a game, undo/void/amend to correct one")
        kind = head
    elif (m := _SHORT_SCORE.match(head)) or (m := _PLUS_SCORE.match(head)):
        kind = _scoring_kind(sport, kinds)
        side = m.groupdict().get("side")
        if side is not None:
            preset["team"] = "home" if side == "h" else "away"
        if m["points"] is not None:
            preset["points"] = int(m["points"])
    elif head in ("score", "goal", "g"):
        kind = _scoring_kind(sport, kinds)
    elif head in ALIASES:
        alias = ALIASES[head]
        kind = next((k for k in alias.kinds if k in kinds), "")
        if not kind:
            raise CommandError(f"{sport.name} has no {' or '.join(alias.kinds)}; see help kinds")
        preset.update(alias.preset)
    elif head in kinds:
        kind = head
    else:
        raise CommandError(f"unknown command {words[0]!r}; type help (or help kinds)")
    if kind not in kinds:
        raise CommandError(f"{sport.name} has no event kind {kind!r}; see help kinds")
    return kind, preset, args


def _is_ball(words: Sequence[str]) -> bool:
    head = words[0].lower()
    return head in ("b", "delivery") or bool(cricket.BALL_WORDS.match(head))


def _ball(
    words: Sequence[str], game_id: str, state: GameState, kinds: Mapping[str, Any], now: Crease
) -> Emit:
    """One cricket ball in its short form (see ``crease``); ``key=value`` sets any field."""
    rest = list(words[1:] if words[0].lower() in ("b", "delivery") else words)
    keyed = [w for w in rest if "=" in w and not w.startswith("=")]
    plain = [w for w in rest if w not in keyed]
    fields = fill("delivery", kinds["delivery"], keyed, state) if keyed else {}
    data = cricket.delivery(plain, now, fields)
    data = fill("delivery", kinds["delivery"], [], state, data)
    try:
        check_delivery(msgspec.convert(data, DeliveryData))
    except RuleViolation as exc:
        raise CommandError(exc.message) from None
    return Emit(game_id, "delivery", data, event_text("delivery", data, state))


def _scoring_kind(sport: Sport, kinds: Mapping[str, Any]) -> str:
    for kind in ("score", "point"):
        if kind in kinds:
            return kind
    raise CommandError(f"{sport.name} has no score; see help kinds")


def _check_points(sport: Sport, data: Mapping[str, Any]) -> None:
    points = data.get("points")
    allowed = sorted(sport.points)
    if points is None and len(allowed) > 1:
        examples = ", ".join(f"h{p}" for p in allowed)
        raise CommandError(f"a {sport.name} score needs points: {examples} (a… for away)")
    if points is not None and points not in sport.points:
        unit = "point" if allowed == [1] else "points"
        raise CommandError(f"a {sport.name} score is {or_list(allowed)} {unit}, not {points}")


def _clock(args: Sequence[str], game_id: str, state: GameState, kinds: Mapping[str, Any]) -> Emit:
    """``clock M:SS [go|stop]``: set the clock; it keeps running or not unless told."""
    running: bool = state.clock.running
    rest = []
    for word in args:
        if word.lower() in ("go", "run"):
            running = True
        elif word.lower() == "stop":
            running = False
        else:
            rest.append(word)
    if len(rest) != 1 or parse_clock(rest[0]) is None:
        raise CommandError("clock M:SS [go|stop], e.g. clock 5:32 or clock 67:00 go")
    data = {"running": running, "seconds": parse_clock(rest[0])}
    data = fill("clock.set", kinds["clock.set"], [], state, data)
    return Emit(game_id, "clock.set", data, event_text("clock.set", data, state))
