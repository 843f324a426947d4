"""NHL play-by-play CSV (Hockey-Scraper style, one row per event) → an ice hockey game.

``Period`` 4 is overtime and 5 the shoot-out. The trap: on a ``GOAL`` row the
``Away_Score``/``Home_Score`` columns are the score BEFORE the goal; the
importer never reads them (points come from the ``GOAL`` itself), and the
tests check the rules against them, before and after. Shoot-out attempts are
the ``GOAL``/``SHOT``/``MISS`` rows of period 5; the winner's score gains one
goal by the rules, as in the official result. ``at`` follows the game clock
(``Seconds_Elapsed``) plus 18-minute intermissions.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from broadcaster.importers.common import ImportedGame, SourceError
from broadcaster.protocol import Side
from broadcaster.sports.ice_hockey import period

TEAMS = {
    "ANA": "Anaheim Ducks", "ARI": "Arizona Coyotes", "BOS": "Boston Bruins",
    "BUF": "Buffalo Sabres", "CGY": "Calgary Flames", "CAR": "Carolina Hurricanes",
    "CHI": "Chicago Blackhawks", "COL": "Colorado Avalanche", "CBJ": "Columbus Blue Jackets",
    "DAL": "Dallas Stars", "DET": "Detroit Red Wings", "EDM": "Edmonton Oilers",
    "FLA": "Florida Panthers", "L.A": "Los Angeles Kings", "LAK": "Los Angeles Kings",
    "MIN": "Minnesota Wild", "MTL": "Montréal Canadiens", "NSH": "Nashville Predators",
    "N.J": "New Jersey Devils", "NJD": "New Jersey Devils", "NYI": "New York Islanders",
    "NYR": "New York Rangers", "OTT": "Ottawa Senators", "PHI": "Philadelphia Flyers",
    "PIT": "Pittsburgh Penguins", "S.J": "San Jose Sharks", "SJS": "San Jose Sharks",
    "STL": "St. Louis Blues", "T.B": "Tampa Bay Lightning", "TBL": "Tampa Bay Lightning",
    "TOR": "Toronto Maple Leafs", "VAN": "Vancouver Canucks", "VGK": "Vegas Golden Knights",
    "WSH": "Washington Capitals", "WPG": "Winnipeg Jets",
}  # fmt: skip
INTERMISSION = 18 * 60.0
MINUTES = re.compile(r"\((\d+) min\)")
INFRACTION = re.compile(r"#\d+\s+\S+\s+([^(]+)\(|TEAM\s+([^(]+)\(")


def league_of(game_id: str) -> str:
    """NHL game ids: season, then 02 regular season or 03 playoffs."""
    return "NHL Playoffs" if game_id[4:6] == "03" else "NHL"


def period_start_at(league: str, number: int) -> float:
    return sum(period(league, n).start + INTERMISSION for n in range(1, number))


def parse(text: str) -> list[ImportedGame]:
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or not {"Event", "Period", "Away_Team", "Home_Team"} <= set(rows[0]):
        raise SourceError("not an NHL play-by-play CSV (no Event/Period/teams columns)")
    first = rows[0]
    home, away = first["Home_Team"], first["Away_Team"]
    side_of: dict[str, Side] = {home: "home", away: "away"}
    raw_id = first.get("Game_Id", "0")
    date = first.get("Date", "")
    season = date[:4] if date[5:7] > "06" else str(int(date[:4] or 1) - 1)
    full_id = f"{season}{int(raw_id):06d}" if raw_id.isdigit() else raw_id
    league = league_of(full_id)
    g = ImportedGame(f"nhl-{full_id}")
    create = {"sport": "ice_hockey", "league": league,
              "home": {"name": TEAMS.get(home, home), "short": home},
              "away": {"name": TEAMS.get(away, away), "short": away}}  # fmt: skip
    g.add("game.create", create, 0.0)
    g.add("game.start", {}, 0.0)
    for ref, row in enumerate(rows):
        event, number = row["Event"], int(row["Period"] or 0)
        at = period_start_at(league, number) + float(row.get("Seconds_Elapsed") or 0)
        side = side_of.get(row.get("Ev_Team", ""))
        desc = row.get("Description", "")
        player = (row.get("p1_name") or "").title() or None
        data: dict[str, Any] = {}
        shootout = number == 5 and league == "NHL"
        if event == "PSTR":
            g.add("period.start", {}, at, ref)
        elif event == "PEND":
            g.add("period.end", {}, at, ref)
        elif event == "GEND":
            g.add("game.end", {}, at, ref)
        elif shootout and event in ("GOAL", "SHOT", "MISS") and side:
            data = {"team": side, "scored": event == "GOAL", "text": desc}
            g.add("shootout", {**data, "player": player} if player else data, at, ref)
        elif event == "GOAL" and side:
            data = {"team": side, "points": 1, "text": desc}
            g.add("score", {**data, "player": player} if player else data, at, ref)
        elif event == "SHOT" and side:
            g.add("shot", {"team": side, "text": desc}, at, ref)
        elif event == "PENL" and side:
            minutes = MINUTES.search(desc)
            if minutes is None:
                raise SourceError(f"row {ref}: a penalty without its minutes: {desc!r}")
            data = {"team": side, "minutes": int(minutes[1]), "text": desc}
            found = INFRACTION.search(desc)
            if found:
                data["infraction"] = (found[1] or found[2]).strip()
            g.add("penalty", {**data, "player": player} if player else data, at, ref)
        elif desc.strip():
            g.add("play", {"text": desc, **({"team": side} if side else {})}, at, ref)
    return [g]
