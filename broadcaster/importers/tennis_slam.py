"""Jeff Sackmann's Grand Slam point-by-point CSVs (``*-points.csv`` + ``*-matches.csv``).

One row per point with the score after it; each match starts with one or two
``PointNumber`` 0 rows (skipped). ``PointServer`` is 1/2 in singles and 1-4 in
doubles (1 and 3 are the first team); only the first server is published and
the rules keep the rotation (the source's column has a slip or two). A match
the matches file marks ``Retired`` ends with a ``retire``. The files do not state the format, so
it comes from the slam's rules of the time: men's singles best of five,
women's best of three; the deciding set an advantage set except at the US
Open; mixed doubles with no-ad games and a match tie-break instead of a
third set (the US Open's rules; both are checked point by point).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from broadcaster.importers.common import ImportedGame, SourceError
from broadcaster.protocol import Side

SLAMS = {"wimbledon": "Wimbledon", "usopen": "US Open", "ausopen": "Australian Open",
         "frenchopen": "Roland Garros"}  # fmt: skip
EVENTS = {"event_MS": "Men's Singles", "event_WS": "Women's Singles"}


def clock(text: str) -> float:
    try:
        h, m, s = (int(x) for x in text.split(":"))
    except ValueError:
        return 0.0
    return h * 3600.0 + m * 60.0 + s


def short(*names: str) -> str:
    parts = [n.split()[-1][:3].upper() for n in names if n.split()]
    return "/".join(parts)[:8] or "?"


def team(row: dict[str, str], n: int) -> tuple[str, str]:
    player = row.get(f"player{n}") or f"Player {n}"
    partner = row.get(f"partner{n}") or ""
    if partner:
        return f"{player} / {partner}", short(player, partner)
    return player, short(player)


def game_format(slam: str, match: dict[str, str]) -> dict[str, Any]:
    if match.get("partner1"):
        return {"best_of": 3, "final_set": "match_tiebreak", "no_ad": True, "doubles": True}
    final = "tiebreak" if slam == "usopen" else "advantage"
    best_of = 5 if match.get("event_name") == "event_MS" else 3
    return {"best_of": best_of, "final_set": final, "no_ad": False, "doubles": False}


SERVERS: dict[str, Side] = {"1": "home", "3": "home", "2": "away", "4": "away"}


def server_side(value: str) -> Side | None:
    return SERVERS.get(value.strip())


def parse(points_text: str, matches_text: str | None) -> list[ImportedGame]:
    matches: dict[str, dict[str, str]] = {}
    if matches_text:
        matches = {r["match_id"]: r for r in csv.DictReader(io.StringIO(matches_text))}
    games: dict[str, ImportedGame] = {}
    for index, row in enumerate(csv.DictReader(io.StringIO(points_text))):
        try:
            mid, number = row["match_id"], row["PointNumber"].strip()
            winner = {"1": "home", "2": "away"}.get(row["PointWinner"].strip())
        except KeyError as exc:
            raise SourceError(f"row {index}: no column {exc}") from None
        g = games.get(mid)
        if g is None:
            g = games[mid] = start_game(mid, matches.get(mid, {"match_id": mid}), index)
        if number.startswith("0") and not number.strip("0XY"):
            continue  # the zero rows before the first point
        if winner is None:
            raise SourceError(f"row {index}: PointWinner {row['PointWinner']!r}")
        data: dict[str, Any] = {"team": winner}
        server = server_side(row.get("PointServer", ""))
        if server is not None and g.steps[-1].kind == "period.start":
            data["server"] = server  # the first server; the rules keep the rotation
        g.add("point", data, clock(row.get("ElapsedTime", "")), index)
    for mid, g in games.items():
        match = matches.get(mid, {})
        if match.get("status", "").lower().startswith("retired"):
            loser = "away" if match.get("winner") == "1" else "home"
            g.add("retire", {"team": loser, "text": "retired"}, g.steps[-1].at + 5.0)
        g.add("game.end", {}, g.steps[-1].at + 10.0)
    return list(games.values())


def start_game(mid: str, match: dict[str, str], index: int) -> ImportedGame:
    year, slam = [*mid.split("-"), "", ""][:2]
    g = ImportedGame(f"tennis-slam-{mid}")
    (n1, s1), (n2, s2) = team(match, 1), team(match, 2)
    if s1 == s2:
        s2 = s2[:7] + "2"
    event = EVENTS.get(
        match.get("event_name", ""), "Mixed Doubles" if match.get("partner1") else ""
    )
    league = " ".join(x for x in (SLAMS.get(slam, slam), year, event) if x)
    create = {"sport": "tennis", "league": league,
              "home": {"name": n1, "short": s1}, "away": {"name": n2, "short": s2}}  # fmt: skip
    g.add("game.create", create, 0.0, index)
    g.add("format", game_format(slam, match), 0.0, index)
    g.add("game.start", {}, 0.0, index)
    g.add("period.start", {}, 0.0, index)
    return g
