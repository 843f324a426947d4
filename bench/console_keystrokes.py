"""Keystrokes per event at the console, typed lines (with Tab) against hotkeys, on a real quarter.

The first quarter of NBA game 0021600270 (Washington at Oklahoma City,
../shared/data/real/basketball/nba_stats_0021600270.json), every event the
console publishes in it: made field goals and free throws, fouls, timeouts,
substitutions, the period's start and end. (Misses, rebounds and turnovers
are play-by-play text in either mode and are left out.)

* lines: what an operator types today, ``h2 Westbrook``, ``f a Porter``,
  ``sub h Kanter for Adams``, ``to h``, then Enter. A player's name costs the
  keys up to where the real completer (``ConsoleCompleter``, fed the events so
  far) offers only that name, plus Tab; the first time, the whole name.
* hotkeys: F2 once, then the ``HotKeys`` keys for the same events with the
  team's line-up loaded before the game: ``w`` then the shirt number, sent as
  soon as it can only be one player (Space when it could be a longer one);
  ``ps``/``end`` as ``:`` lines. The file has no shirt numbers: the line-ups
  number the players 1, 2, 3… in the order they appear, which gives the same
  one- and two-digit numbers (and the same 1/12 ambiguity) as real ones.

Both key sequences are checked: every line they send parses, through the
console's own parser, to the same kind, team and points.

    .venv/bin/python bench/console_keystrokes.py
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from broadcaster.console.commands import Context, Emit, parse
from broadcaster.console.completion import ConsoleCompleter
from broadcaster.console.hotkeys import HotKeys
from broadcaster.console.model import Model
from broadcaster.protocol import Event
from broadcaster.sports import SPORTS, create_game

DATA = Path(__file__).resolve().parents[1].parent / "shared/data/real/basketball"
FILE = DATA / "nba_stats_0021600270.json"
GAME = "okc-was"
CREATE = {
    "sport": "basketball", "league": "NBA",
    "home": {"name": "Oklahoma City Thunder", "short": "OKC"},
    "away": {"name": "Washington Wizards", "short": "WAS"},
}  # fmt: skip


@dataclass(frozen=True)
class Play:
    """One event of the quarter: the line typed today and the hotkey form of it."""

    line: str
    side: str | None
    players: tuple[str, ...]  # surnames, for the line-up numbers
    hot: str  # the command a hotkey stands for (h2, f a, sub h, to h) or a ":" line


def surname(name: str | None) -> str:
    return (name or "").split()[-1].rstrip(".") if name else ""


def plays(rows: list[dict[str, Any]]) -> list[Play]:
    out = []
    for r in rows:
        kind, home = r["EVENTMSGTYPE"], bool(r["HOMEDESCRIPTION"])
        side, t = ("home", "h") if home else ("away", "a")
        text = (r["HOMEDESCRIPTION"] or r["VISITORDESCRIPTION"] or "").upper()
        p1, p2 = surname(r["PLAYER1_NAME"]), surname(r["PLAYER2_NAME"])
        if kind == 12:
            out.append(Play("ps", None, (), ":ps"))
        elif kind == 13:
            out.append(Play("end", None, (), ":end"))
        elif kind == 1:
            points = 3 if "3PT" in text else 2
            out.append(Play(f"{t}{points} {p1}", side, (p1,), f"{t}{points}"))
        elif kind == 3 and "MISS" not in text:
            out.append(Play(f"{t}1 {p1}", side, (p1,), f"{t}1"))
        elif kind == 6:
            out.append(Play(f"f {t} {p1}", side, (p1,), f"f {t}"))
        elif kind == 9:
            out.append(Play(f"to {t}", side, (), f"to {t}"))
        elif kind == 8:  # SUB: PLAYER2 FOR PLAYER1
            out.append(Play(f"sub {t} {p2} for {p1}", side, (p2, p1), f"sub {t}"))
    return out


def line_keys(model: Model, line: str, names: tuple[str, ...]) -> int:
    """Keys for a typed line: a name up to where Tab completes it alone, then Enter."""
    completer = ConsoleCompleter(lambda: Context(model, GAME, date(2016, 11, 18)))
    keys, typed = 0, ""
    for word in line.split():
        prefix = f"{typed} " if typed else ""
        if word not in names:
            keys += len(prefix) + len(word) - len(typed)
            typed = prefix + word
            continue
        for k in range(1, len(word) + 1):
            doc = Document(prefix + word[:k])
            offered = [c.text for c in completer.get_completions(doc, CompleteEvent())]
            if offered == [word]:
                keys += len(prefix) - len(typed) + k + 1  # the letters and Tab
                break
        else:
            keys += len(prefix) - len(typed) + len(word)
        typed = prefix + word
    return keys + 1  # Enter


def hot_keys(hot: HotKeys, play: Play, rosters: dict[str, dict[str, str]]) -> tuple[str, ...]:
    """The keys for one play in hotkey mode."""
    if play.hot.startswith(":"):
        return (":", *play.hot[1:], "enter")
    key = next(k for k, v in hot.keymap().items() if v.line == play.hot)
    keys = [key]
    numbers = {name: n for n, name in rosters.get(play.side or "", {}).items()}
    for name in play.players:
        number = numbers[name]
        keys += list(number)
        if not HotKeys.unique(number, rosters[play.side or ""]):
            keys.append(" ")
    return tuple(keys)


def main() -> int:
    doc = json.loads(FILE.read_text(encoding="utf-8"))
    result = doc["resultSets"][0]
    rows = [dict(zip(result["headers"], r, strict=True)) for r in result["rowSet"]]
    quarter = plays([r for r in rows if r["PERIOD"] == 1])
    game = plays(rows)
    rosters: dict[str, dict[str, str]] = {"home": {}, "away": {}}
    for play in game:  # the line-ups, numbered in order of appearance
        for name in play.players:
            side = rosters[play.side or "home"]
            if name not in side.values():
                side[str(len(side) + 1)] = name
    model = Model(SPORTS)
    model.resume("bench")
    state = create_game(GAME, CREATE, SPORTS)
    model.on_event(Event("bench", 1, 0.0, GAME, 1, "game.create", CREATE, state))
    model.rosters[GAME] = rosters
    hot = HotKeys("basketball", on=True)
    typed = pressed = 1  # F2, once
    for seq, play in enumerate(quarter, 2):
        typed += line_keys(model, play.line, play.players)
        keys = hot_keys(hot, play, rosters)
        pressed += len(keys)
        sent = [line for k in keys for line in hot.press(k, rosters).send]
        if play.hot.startswith(":"):
            sent = [play.hot[1:]]
        check(model, play.line, sent)
        cmd = parse(play.line, Context(model, GAME, date(2016, 11, 18)))
        if isinstance(cmd, Emit):
            model.on_event(Event("bench", seq, 0.0, GAME, seq, cmd.kind, cmd.data, state))
    n = len(quarter)
    print(f"events: {n} (Q1 of 0021600270)")
    print(f"typed lines with Tab: {typed - 1} keys, {(typed - 1) / n:.1f} per event")
    print(f"hotkeys: {pressed} keys with F2, {pressed / n:.1f} per event")
    return 0


def check(model: Model, line: str, sent: list[str]) -> None:
    """The hotkey line means what the typed line means (kind, team, points)."""
    ctx = Context(model, GAME, date(2016, 11, 18))
    want = parse(line, ctx)
    assert len(sent) == 1, (line, sent)
    got = parse(sent[0], ctx)
    assert isinstance(want, Emit) and isinstance(got, Emit), (line, sent)
    fields = ("team", "points")
    assert want.kind == got.kind, (line, sent)
    assert [want.data.get(f) for f in fields] == [got.data.get(f) for f in fields], (line, sent)


if __name__ == "__main__":
    sys.exit(main())
