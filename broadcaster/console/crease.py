"""Cricket at the console: a ball in a few keystrokes, with the batters and bowler kept. Pure.

A delivery is typed as scorers write it (``b`` in front is optional)::

    0  .  4  6          runs off the bat (``.`` a dot ball)
    1wd  5wd            wides, all of them (a wide that runs to the rope is 5wd)
    nb  4nb  nb 2b      a no-ball, with N off the bat, or with byes
    2b  1lb             byes, leg-byes
    5pen                penalty runs
    W bowled [Roy]      a wicket: the kind, then for bowled/lbw/… the batter out,
    W caught Root b Willey   for caught/stumped/run out the fielder(s);
                        ``b NAME`` the bowler, ``out NAME`` the batter out
    key=value           any field by name (``text="top edge"``)

Any other word is refused, never turned into text. The striker, the
non-striker and the bowler come from the innings so far (``Crease``): the
batters cross on odd runs and at the end of an over, a wicket leaves a gap
(``bat NAME`` fills it), and a finished over needs a new ``bowler NAME``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from broadcaster.console.names import matches
from broadcaster.console.words import CommandError
from broadcaster.sports.cricket import BALLS_PER_OVER, WICKETS

BALL_WORDS: Final = re.compile(r"^(?:\.|[0-7]|\d*(?:wd|nb|lb|b|pen)|w)$", re.I)
_EXTRA = re.compile(r"^(?P<n>\d*)(?P<what>wd|nb|lb|b|pen)$", re.I)
DISMISSALS: Final[dict[str, str]] = {
    **{kind: kind for kind in WICKETS},
    "c&b": "caught and bowled", "cb": "caught and bowled", "ro": "run out", "runout": "run out",
    "st": "stumped", "hw": "hit wicket", "c": "caught", "ct": "caught", "b": "bowled",
}  # fmt: skip
FIELDED: Final = frozenset({"caught", "run out", "stumped"})
EXTRA_NAMES: Final = {
    "wd": "wides",
    "nb": "noballs",
    "b": "byes",
    "lb": "legbyes",
    "pen": "penalty",
}


@dataclass(frozen=True, slots=True)
class Crease:
    """Who is in: the striker, the non-striker and the bowler, as far as the console knows."""

    striker: str | None = None
    non_striker: str | None = None
    bowler: str | None = None
    last_bowler: str | None = None  # of the over just finished
    balls: int = 0  # legal balls in the innings
    named: bool = False  # names have been given in this innings: keep asking for them

    def swapped(self) -> Crease:
        return replace(self, striker=self.non_striker, non_striker=self.striker)

    def line(self) -> str:
        bat = f"{self.striker or '?'}* {self.non_striker or '?'}"
        over = f"{self.balls // BALLS_PER_OVER}.{self.balls % BALLS_PER_OVER}"
        return f"batting {bat} · bowling {self.bowler or '?'} · over {over}"


def after(crease: Crease, kind: str, data: Mapping[str, Any]) -> Crease:
    """The crease after one event of the innings (a ``delivery`` or a ``period.start``)."""
    if kind == "period.start":
        return Crease()
    if kind != "delivery":
        return crease
    named = crease.named or any(data.get(f) for f in ("batter", "non_striker", "bowler"))
    c = replace(crease, striker=data.get("batter"), non_striker=data.get("non_striker"),
                bowler=data.get("bowler"), named=named)  # fmt: skip
    extras = data.get("extras") or {}
    wides, noballs = int(extras.get("wides", 0)), int(extras.get("noballs", 0))
    ran = int(data.get("runs", 0)) + int(extras.get("byes", 0)) + int(extras.get("legbyes", 0))
    ran += max(wides - 1, 0)
    if ran % 2:
        c = c.swapped()
    wicket = data.get("wicket")
    if isinstance(wicket, dict) and wicket.get("kind"):
        out = wicket.get("player_out") or data.get("batter")
        if out is not None and out == c.striker:
            c = replace(c, striker=None)
        elif out is not None and out == c.non_striker:
            c = replace(c, non_striker=None)
    if not (wides or noballs):
        c = replace(c, balls=c.balls + 1)
        if c.balls % BALLS_PER_OVER == 0:
            c = replace(c.swapped(), bowler=None, last_bowler=c.bowler)
    return c


def fold(events: Iterable[tuple[str, Mapping[str, Any]]]) -> Crease:
    crease = Crease()
    for kind, data in events:
        crease = after(crease, kind, data)
    return crease


def set_batters(crease: Crease, names: Sequence[str]) -> Crease:
    """``bat NAME``: the new batter fills the gap; ``bat STRIKER NON-STRIKER`` sets both."""
    if len(names) == 2:
        return replace(crease, striker=names[0], non_striker=names[1], named=True)
    if len(names) != 1:
        raise CommandError(
            'bat NAME (the new batter) or bat STRIKER NON-STRIKER; "quote" names with a space'
        )
    if crease.striker is None:
        return replace(crease, striker=names[0], named=True)
    if crease.non_striker is None:
        return replace(crease, non_striker=names[0], named=True)
    raise CommandError(
        f"both batters are in ({crease.striker}, {crease.non_striker}); "
        "bat STRIKER NON-STRIKER replaces them"
    )


def _extra(word: str, extras: dict[str, int]) -> int:
    """Add one extras word to ``extras``; returns runs off the bat it carries (``4nb``)."""
    m = _EXTRA.match(word)
    assert m is not None
    what, n = EXTRA_NAMES[m["what"].lower()], m["n"]
    if what == "noballs":
        extras["noballs"] = 1
        return int(n or 0)
    extras[what] = extras.get(what, 0) + int(n or 1)
    return 0


def delivery(
    words: Sequence[str], crease: Crease, fields: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The ``data`` of one ball from its words, with the crease's names filled in."""
    if crease.named and (crease.striker is None or crease.non_striker is None):
        raise CommandError("a wicket fell: who comes in? bat NAME (then type the ball again)")
    runs, extras = 0, dict[str, int]()
    data: dict[str, Any] = dict(fields or {})
    i = 0
    while i < len(words):
        word = words[i]
        low = word.lower()
        if low == "w":
            data["wicket"], bowler = _wicket(words[i + 1 :], crease)
            if bowler:
                data["bowler"] = bowler
            break
        if low == ".":
            pass
        elif low.isdigit() and len(low) == 1:
            runs += int(low)
        elif _EXTRA.match(low):
            runs += _extra(low, extras)
        else:
            raise CommandError(
                f"a ball does not take {word!r}: runs (0-6 or .), 1wd, nb/4nb, 2b, 1lb, "
                "W KIND [NAME], key=value"
            )
        i += 1
    data["runs"] = runs
    if extras:
        data["extras"] = extras
    return _with_crease(data, crease)


def _with_crease(data: dict[str, Any], crease: Crease) -> dict[str, Any]:
    for name, known in (("batter", crease.striker), ("non_striker", crease.non_striker),
                        ("bowler", crease.bowler)):  # fmt: skip
        if name not in data and known is not None:
            data[name] = known
    if data.get("bowler") is None and crease.last_bowler is not None:
        raise CommandError(
            f"a new over: who bowls it? bowler NAME ({crease.last_bowler} bowled the last one)"
        )
    wicket = data.get("wicket")
    if wicket is not None and wicket.get("player_out") is None and data.get("batter"):
        wicket["player_out"] = data["batter"]
    return {k: v for k, v in data.items() if v is not None}


def _wicket(words: Sequence[str], crease: Crease) -> tuple[dict[str, Any], str | None]:
    """``KIND [NAME…] [b BOWLER] [out BATTER]`` after ``W``: the wicket and any bowler named."""
    kind, rest = _dismissal(words)
    parts: dict[str, list[str]] = {"name": [], "b": [], "out": []}
    part = "name"
    for word in rest:
        if word.lower() in ("b", "out"):
            part = word.lower()
        else:
            parts[part].append(word)
    wicket: dict[str, Any] = {"kind": kind}
    name = " ".join(parts["name"])
    out = " ".join(parts["out"])
    if name and kind in FIELDED:
        wicket["fielders"] = [name]
    elif name:
        out = out or name
    if out:
        wicket["player_out"] = _batter(out, crease)
    return wicket, " ".join(parts["b"]) or None


def _dismissal(words: Sequence[str]) -> tuple[str, list[str]]:
    for size in (3, 2, 1):
        typed = " ".join(words[:size]).lower()
        if len(words) >= size and typed in DISMISSALS:
            return DISMISSALS[typed], list(words[size:])
    kinds = "bowled, caught (c), lbw, run out (ro), stumped (st), c&b, hit wicket (hw), …"
    raise CommandError(f"W needs how: {kinds}; e.g. W caught Root b Willey")


def _batter(typed: str, crease: Crease) -> str:
    """The batter ``typed`` means: one of the two in, when they are known."""
    batting = [n for n in (crease.striker, crease.non_striker) if n]
    if not batting:
        return typed
    found = matches(typed, batting)
    if len(found) != 1:
        raise CommandError(f"{typed} is not batting; {' and '.join(batting)} are")
    return found[0]


def ball_text(data: Mapping[str, Any]) -> str:
    """A ball as the operator typed it: ``ball 1lb``, ``ball W caught Badree (AD Hales)``."""
    extras = data.get("extras") or {}
    runs = int(data.get("runs", 0))
    words = []
    for short, name in EXTRA_NAMES.items():
        n = int(extras.get(name, 0))
        if n and name == "noballs":
            words.append(f"{runs}nb" if runs else "nb")
            runs = 0
        elif n:
            words.append(f"{n}{short}")
    if runs or not words:
        words.insert(0, str(runs) if runs else ".")
    wicket = data.get("wicket")
    if isinstance(wicket, dict):
        words += ["W", str(wicket.get("kind"))]
        words += [str(f) for f in wicket.get("fielders") or []]
        if wicket.get("player_out"):
            words.append(f"({wicket['player_out']})")
    who = [data[k] for k in ("bowler", "batter") if data.get(k)]
    return " ".join(["ball", *words, *([" to ".join(who)] if len(who) == 2 else [])])
