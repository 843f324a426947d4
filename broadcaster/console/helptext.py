"""``help`` and ``help COMMAND``: a one-screen sheet, one page per command, the sport's kinds.

Pure. Usage lines for event kinds are generated from their schemas
(``words.usage``), so a sport added later is documented here unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from broadcaster.console.commands import ALIASES, kinds_of
from broadcaster.console.words import usage
from broadcaster.protocol import GameState
from broadcaster.sports.base import (
    Sport,
)

SHEET: Final = """\
games    new SPORT LEAGUE HOME AWAY · use GAME · games
flow     start · ps [N] · end · final · break · suspend · resume · postpone · cancel
clock    go · stop · clock M:SS [go|stop]        (go 5:32 and stop 5:32 set it too)
scores   h3 a2 (with points) · h a (one-point sports) · +3 h PLAYER · goal TEAM [PLAYER] [og] [pen]
plays    play [TEAM] [PLAYER:] TEXT
sport    every kind of the sport by name: help kinds · ev KIND key=value…
fix      undo · void N · restore N · amend N key=value… · amend N <the event retyped>
teams    roster TEAM 10=NAME … (or file=PATH) · g h 10 / #10 (shirt numbers) · sub TEAM ON for OFF
cricket  0-6 . · 1wd · nb 4nb · 2b 1lb · W KIND [NAME] [b BOWLER] · bat NAME · bowler NAME · swap
console  log [N] · pending · help COMMAND · quit · F2 hotkeys (help hotkeys)
A team is h/home, a/away or its short name. Tab completes commands, games, teams, players.
Nothing is lost offline: events queue on disk and go out in order when the broadcaster is back."""

PAGES: Final[dict[str, str]] = {
    "new": """\
new SPORT LEAGUE HOME AWAY [id=GAME] [venue=TEXT] [start=2024-05-01T19:30]
  Creates a game and makes it current. A team is SHORT=Full Name (or just SHORT);
  quote names with blanks. The id is LEAGUE-DATE-HOME-AWAY unless given.
  new basketball NBA BOS="Boston Celtics" LAL="Los Angeles Lakers"
  new soccer "World Cup" FRA=France CRO=Croatia venue="Lusail Stadium\"""",
    "use": """\
use GAME
  Makes GAME current: its id, the start of it, or one of its teams' short names.
  use nba-20240115-bos-lal · use bos""",
    "games": "games\n  Lists the games the broadcaster knows, with scores; * marks the current.",
    "scores": """\
h3 · a2 · h · a · +N TEAM [PLAYER] · score TEAM [N] [PLAYER] · goal TEAM [PLAYER] [og] [pen]
  h3 is 3 points for the home team, a2 two for the away team; words after it name
  the player (h3 J. Tatum). In one-point sports (soccer) h and a are a goal.
  og marks an own goal, pen a penalty; text="…" adds a description.""",
    "clock": """\
go [M:SS] · stop [M:SS] · clock M:SS [go|stop]
  go starts the clock, stop stops it; with a time they also set it.
  clock 5:32 sets it and leaves it running or stopped as it was.
  Times are M:SS (12:00, 67:30), N' for minutes (67') or Ns for seconds (45s).""",
    "play": """\
play [TEAM] [PLAYER:] TEXT      (pl for short)
  Play-by-play that does not score. play h Tatum: steals from James""",
    "status": """\
break · suspend · resume · postpone · cancel       (status STATUS in full)
  A pause, a suspension (and resume to go live again), or a game that will not be played.""",
    "flow": """\
start · ps [N] · end · final
  start: the game starts; ps: the next period starts (ps 5 for a given one);
  end: the period in progress ends; final: the game is over.""",
    "undo": """\
undo
  Takes back your newest event of the current game still in effect by publishing a
  correction (undo again: the one before); after a void, undo restores the event.
  Only your own events: another operator's are voided with void N. Works on queued
  events too. The toolbar shows what was undone.""",
    "void": """\
void N
  Voids event N of the current game (log shows the numbers). Another operator's event,
  or a score with scores after it, is voided only after you answer yes.""",
    "restore": """\
restore N
  Publishes voided event N again, with the time and game clock it had.""",
    "amend": """\
amend N key=value…   ·   amend N <the event retyped>
  Replaces event N's data: amend 42 points=2, or amend 42 h2 Tatum.""",
    "roster": """\
roster TEAM 10=Messi 11="Di María" …   ·   roster TEAM file=lineup.txt   ·   roster TEAM
  A team's line-up (a file has a NUMBER NAME a line). Then g a 10, g a #10, h2 0 name
  the player by shirt number, a name is spelled as in the line-up (Wall: J. Wall),
  and a player who is not in the team's line-up is stored with a warning.""",
    "sub": """\
sub TEAM ON for OFF
  A substitution (names or shirt numbers): its own event every client sees;
  the player who went off is flagged if credited later. sub h 9 for 10""",
    "hotkeys": """\
F2 turns hotkey mode on and off: one key per common event and team, then the player's
  shirt number (sent when it can only be one player; Space sends it as typed). z undo,
  g go, x stop, : one ordinary line. F2 shows the keys of the sport.""",
    "cricket": """\
[b] RUNS · . · Nwd · nb · Nnb · Nb · Nlb · Npen · W KIND [NAME] [b BOWLER] [out BATTER]
  One ball: 4 (four off the bat), . (a dot ball), 1wd (a wide), 5wd (wide to the rope),
  4nb (a no-ball hit for four), nb 2b, 1lb, W bowled, W caught Root b Willey,
  1 W run out Pollard out Gayle. bat "JJ Roy" "AD Hales" sets striker and non-striker,
  bat NAME fills the gap after a wicket, bowler NAME starts an over, swap changes ends.
  The console keeps them from ball to ball.""",
    "ev": """\
ev KIND key=value…
  Any event kind of the current sport, field by field: ev foul team=home type=technical.
  help kinds lists the kinds and their fields.""",
    "log": "log [N]\n  The current game's last N events (default 15), numbered in the game.",
    "pending": "pending\n  The events waiting in the on-disk queue, oldest first.",
    "quit": "quit · exit · Ctrl-D\n  Leaves; queued events stay on disk and go out next time.",
}
# every command word that has a page of its own
TOPIC_OF: Final[dict[str, str]] = {
    **{w: "scores" for w in ("h", "a", "h3", "a2", "+3", "score", "goal", "g")},
    **{w: "clock" for w in ("go", "stop", "clock", "clock.set")},
    **{w: "status" for w in ("break", "suspend", "resume", "postpone", "cancel", "status")},
    **{w: "flow" for w in ("start", "ps", "end", "final", "game.start", "period.start")},
    "period.end": "flow",
    "game.end": "flow",
    "pl": "play",
    **{w: "cricket" for w in ("b", "delivery", "bat", "bowler", "swap", "w", "wd", "nb")},
    "exit": "quit",
    "help": "help",
}


def help_text(topic: str, state: GameState | None, sports: Mapping[str, Sport]) -> str:
    """The help for ``topic`` ('' for the sheet), for the current game's sport if any."""
    topic = topic.strip().lower()
    sport = sports.get(state.sport) if state is not None else None
    if not topic:
        return SHEET
    if topic == "kinds":
        return kinds_text(sport)
    page = PAGES.get(TOPIC_OF.get(topic, topic))
    if page is not None:
        return page
    if sport is not None:
        kinds = kinds_of(sport)
        alias = ALIASES.get(topic)
        if alias is not None:
            kind = next((k for k in alias.kinds if k in kinds), None)
            if kind is not None:
                skip = list(alias.preset)
                line = usage(topic, kinds[kind], skip)
                return f"{line}\n  {alias.doc} ({kind})"
        if topic in kinds:
            return f"{usage(topic, kinds[topic])}\n  {_doc(sport, topic)}"
    return f"no help on {topic!r}; help lists the commands, help kinds the sport's events"


def _doc(sport: Sport, kind: str) -> str:
    if kind in sport.kinds and sport.kinds[kind].doc:
        return sport.kinds[kind].doc
    return COMMON_DOCS.get(kind, "")


COMMON_DOCS: Final[dict[str, str]] = {
    "game.start": "the game starts (alias start)",
    "period.start": "a period starts (alias ps)",
    "period.end": "the period ends (alias end)",
    "clock.set": "set, start or stop the clock (clock, go, stop)",
    "score": "a score (h3, a2, +N TEAM, goal TEAM)",
    "play": "play-by-play text (alias pl)",
    "status": "break, suspended, postponed, cancelled or live",
    "game.end": "the game is over (alias final)",
}


def kinds_text(sport: Sport | None) -> str:
    """Every event kind of the current game's sport, with its usage and its aliases."""
    if sport is None:
        return "no current game: help kinds lists the events of the current game's sport"
    kinds = kinds_of(sport)
    lines = [f"{sport.name} events (a team is h, a or its short name):"]
    for kind, schema in kinds.items():
        aliases = [a for a, spec in ALIASES.items() if kind in spec.kinds]
        also = f"   also: {', '.join(aliases)}" if aliases else ""
        lines.append(f"  {usage(kind, schema)}{also}")
        doc = _doc(sport, kind)
        if doc:
            lines.append(f"      {doc}")
    return "\n".join(lines)
