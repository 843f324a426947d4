"""Jeff Sackmann's point-by-point match CSV (``pbp_matches_*.csv``) → tennis games.

One row per match; ``pbp`` has one character per point (``S``/``A``: the
server won it, ``R``/``D``: the returner), ``;`` ends a game, ``.`` a set,
``/`` marks a change of server inside a tie-break. ``server1`` serves first
and is the home side. Each point is published with its server, so the rules'
own service rotation (also inside tie-breaks) is checked at every point.

The file does not give the format, so it is read from the points: a winner
who needed three sets played best of five, and a deciding set that went past
6-6 without a tie-break was an advantage set.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from broadcaster.importers.common import ImportedGame, SourceError
from broadcaster.protocol import Side

SERVER_WON, RETURNER_WON = frozenset("SA"), frozenset("RD")


def short(name: str) -> str:
    last = name.split()[-1] if name.split() else name
    return last[:3].upper() or "?"


def other(side: Side) -> Side:
    return "away" if side == "home" else "home"


def sets_of(pbp: str) -> list[list[str]]:
    """The games of each set (empty segments from a trailing ``.`` or ``;`` dropped)."""
    sets = [[g for g in s.split(";") if g] for s in pbp.split(".")]
    return [s for s in sets if s]


def points(pbp: str) -> list[tuple[Side, Side]]:
    """(winner, server) of every point, following the service order of the string."""
    out: list[tuple[Side, Side]] = []
    server: Side = "home"
    for games in sets_of(pbp):
        for game in games:
            first = server
            for ch in game:
                if ch == "/":
                    server = other(server)
                elif ch in SERVER_WON or ch in RETURNER_WON:
                    out.append((server if ch in SERVER_WON else other(server), server))
                else:
                    raise SourceError(f"unknown point code {ch!r}")
            server = other(first)  # after a tie-break, the first receiver serves
    return out


def infer_format(pbp: str, winner: Side) -> dict[str, Any]:
    """Best of five when the winner took three sets; advantage when the decider passed 6-6."""
    sets, flat = sets_of(pbp), points(pbp)
    won = index = 0
    for games in sets:  # a set's winner won its last point
        index += sum(ch != "/" for g in games for ch in g)
        won += flat[index - 1][0] == winner
    deciding = sets[-1]
    advantage = len(deciding) > 13 or (len(deciding) == 13 and "/" not in deciding[-1])
    return {"best_of": 5 if won >= 3 else 3, "final_set": "advantage" if advantage else "tiebreak"}


def parse(text: str) -> list[ImportedGame]:
    games = []
    reader = csv.DictReader(io.StringIO(text))
    for number, row in enumerate(reader):
        try:
            pid, p1, p2, pbp = row["pbp_id"], row["server1"], row["server2"], row["pbp"]
            winner: Side = "home" if row["winner"] == "1" else "away"
        except KeyError as exc:
            raise SourceError(f"row {number}: no column {exc}") from None
        g = ImportedGame(f"tennis-pbp-{pid}")
        try:
            day = datetime.strptime(row.get("date", ""), "%d %b %y")
            g.start = day.replace(tzinfo=UTC).timestamp()
        except ValueError:
            g.start = None
        create: dict[str, Any] = {
            "sport": "tennis",
            "league": f"{row.get('tour', 'ATP')} {row.get('draw', '')}".strip(),
            "home": {"name": p1, "short": short(p1)},
            "away": {"name": p2, "short": short(p2)},
        }
        if p1 == p2 or short(p1) == short(p2):
            create["away"]["short"] = short(p2)[:2] + "2"
        g.add("game.create", create, 0.0, number)
        g.add("format", infer_format(pbp, winner), 0.0, number)
        g.add("game.start", {}, 0.0, number)
        g.add("period.start", {}, 0.0, number)
        at = 0.0
        for won, server in points(pbp):
            at += 30.0
            g.add("point", {"team": won, "server": server}, at, number)
        g.add("game.end", {}, at + 10.0, number)
        games.append(g)
    return games
