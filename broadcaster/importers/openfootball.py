"""openfootball match JSON (``worldcup.json``) → soccer games.

The source lists goals per team and grouped by scorer, not in time order, so
goals are sorted by (minute, stoppage offset) and placed in the half they
belong to (45+2 is still the first half, 105+1 still the first half of extra
time). An own goal is listed under the team it counted for. Shoot-out kicks
are not listed, only the tally: the importer writes a kick order
that produces that tally under the rules, team1 kicking first, and says so in
each kick's text.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from broadcaster.importers.common import ImportedGame, SourceError, slug
from broadcaster.sports.soccer import ROUNDS, shootout_winner

# FIFA country codes for the short names (others: the first three letters)
FIFA = {
    "Argentina": "ARG", "Australia": "AUS", "Belgium": "BEL", "Brazil": "BRA",
    "Cameroon": "CMR", "Canada": "CAN", "Colombia": "COL", "Costa Rica": "CRC",
    "Croatia": "CRO", "Denmark": "DEN", "Ecuador": "ECU", "Egypt": "EGY",
    "England": "ENG", "France": "FRA", "Germany": "GER", "Ghana": "GHA",
    "Iceland": "ISL", "Iran": "IRN", "Japan": "JPN", "Mexico": "MEX",
    "Morocco": "MAR", "Netherlands": "NED", "Nigeria": "NGA", "Panama": "PAN",
    "Peru": "PER", "Poland": "POL", "Portugal": "POR", "Qatar": "QAT",
    "Russia": "RUS", "Saudi Arabia": "KSA", "Senegal": "SEN", "Serbia": "SRB",
    "South Korea": "KOR", "Spain": "ESP", "Sweden": "SWE", "Switzerland": "SUI",
    "Tunisia": "TUN", "USA": "USA", "Uruguay": "URU", "Wales": "WAL",
}  # fmt: skip
HALF, EXTRA, BREAK, ET_BREAK = 45 * 60.0, 15 * 60.0, 15 * 60.0, 5 * 60.0
# period: (last regular minute, clock at its start, pause before it in game time)
PERIODS = {1: (45, 0.0, 0.0), 2: (90, HALF, BREAK), 3: (105, 2 * HALF, ET_BREAK),
           4: (120, 2 * HALF + EXTRA, 60.0)}  # fmt: skip
TIME = re.compile(r"(\d{1,2}):(\d{2})(?:\s*UTC([+-]\d{1,2}))?")


def short(name: str) -> str:
    return FIFA.get(name, name[:3].upper())


def period_of(minute: int) -> int:
    """45+x is still the first half: a goal belongs to the first period whose end it reaches."""
    return next(p for p, (last, _, _) in PERIODS.items() if minute <= last or p == 4)


def kickoff(match: dict[str, Any]) -> float | None:
    m = TIME.fullmatch(str(match.get("time", "")).strip())
    try:
        day = datetime.strptime(str(match.get("date")), "%Y-%m-%d")
    except ValueError:
        return None
    tz = timezone(timedelta(hours=int(m[3]))) if m and m[3] else UTC
    hours, minutes = (int(m[1]), int(m[2])) if m else (0, 0)
    return day.replace(hour=hours, minute=minutes, tzinfo=tz).timestamp()


def shootout_kicks(home: int, away: int) -> list[tuple[str, bool]]:
    """A kick sequence (home first, goals first) ending in a decided ``home``-``away`` tally."""

    def search(kicks: list[tuple[str, bool]], h: int, a: int) -> list[tuple[str, bool]] | None:
        so = {"home": h, "away": a, "kicks": [{"team": t, "scored": s} for t, s in kicks]}
        if shootout_winner(so):
            return kicks if (h, a) == (home, away) else None
        if len(kicks) > 2 * (max(home, away) + ROUNDS + 1):
            return None
        team = "home" if len(kicks) % 2 == 0 else "away"
        for scored in (True, False):
            nh, na = h + (scored and team == "home"), a + (scored and team == "away")
            if nh <= home and na <= away:
                found = search([*kicks, (team, scored)], nh, na)
                if found is not None:
                    return found
        return None

    found = search([], 0, 0)
    if found is None:
        raise SourceError(f"no shoot-out ends {home}-{away}")
    return found


def parse(text: str, prefix: str = "openfootball") -> list[ImportedGame]:
    try:
        doc = json.loads(text)
        matches = doc["matches"]
        name = str(doc.get("name", "World Cup"))
    except (ValueError, KeyError, TypeError) as exc:
        raise SourceError(f"not an openfootball match file: {exc}") from None
    year = re.search(r"\d{4}", name)
    league = "World Cup" if "world cup" in name.lower() else name
    tag = f"{prefix}-{slug(year[0] if year else name)}"
    return [game(m, f"{tag}-{n:02d}", league) for n, m in enumerate(matches, 1)]


def game(match: dict[str, Any], game_id: str, league: str) -> ImportedGame:
    try:
        t1, t2, score = str(match["team1"]), str(match["team2"]), match["score"]
    except KeyError as exc:
        raise SourceError(f"{game_id}: a match without {exc}") from None
    g = ImportedGame(f"{game_id}-{slug(short(t1))}-{slug(short(t2))}", start=kickoff(match))
    create: dict[str, Any] = {
        "sport": "soccer",
        "league": league,
        "home": {"name": t1, "short": short(t1)},
        "away": {"name": t2, "short": short(t2)},
    }
    if g.start is not None:
        create["start"] = g.start
    if match.get("ground"):
        create["venue"] = str(match["ground"])
    g.add("game.create", create, 0.0)
    g.add("game.start", {}, 0.0)
    goals = sorted(
        [(int(x["minute"]), int(x.get("offset") or 0), side, x)
         for side, key in (("home", "goals1"), ("away", "goals2"))
         for x in match.get(key) or []],
        key=lambda item: (item[0], item[1]),
    )  # fmt: skip
    last = 4 if "et" in score else 2
    at = 0.0
    for number in range(1, last + 1):
        end_minute, clock0, pause = PERIODS[number]
        start_at = at + pause
        g.add("period.start", {}, start_at)
        length = (end_minute * 60.0) - clock0
        stoppage = 0
        for minute, offset, side, x in goals:
            if period_of(minute) != number:
                continue
            clock = (minute - 1) * 60.0 + 30.0 + offset * 60.0
            stoppage = max(stoppage, offset + 1)
            data: dict[str, Any] = {"team": side, "points": 1, "player": str(x["name"])}
            if x.get("owngoal"):
                data["own_goal"] = True
            if x.get("penalty"):
                data["penalty"] = True
            note = " (own goal)" if x.get("owngoal") else " (pen.)" if x.get("penalty") else ""
            extra = f"+{offset}" if offset else ""
            data["text"] = f"{minute}{extra}' {x['name']}{note}"
            g.add("score", data, start_at + clock - clock0)
        at = start_at + length + max(stoppage, 2) * 60.0
        g.add("period.end", {}, at)
    if "p" in score:
        g.add("period.start", {"number": 5}, at + ET_BREAK)
        at += ET_BREAK
        for team, scored in shootout_kicks(int(score["p"][0]), int(score["p"][1])):
            at += 60.0
            word = "scores" if scored else "misses"
            text = f"{t1 if team == 'home' else t2} {word} (kick order not in the source)"
            g.add("shootout", {"team": team, "scored": scored, "text": text}, at)
        g.add("period.end", {}, at + 30.0)
        at += 30.0
    g.add("game.end", {}, at)
    return g
