"""What the two NBA formats share: team names, game-clock pacing, event building.

``at`` follows the game clock (plus short breaks between periods), so a
replay at speed 1 runs the broadcaster's clock in step with the real one. A
timeout stops the clock; the importer restarts it with ``clock.set`` at once
(the source has no separate clock-start records).
"""

from __future__ import annotations

from typing import Any

from broadcaster.importers.common import ImportedGame
from broadcaster.protocol import Side
from broadcaster.sports.basketball import period

TEAMS = {
    "ATL": "Atlanta Hawks", "BKN": "Brooklyn Nets", "BOS": "Boston Celtics",
    "CHA": "Charlotte Hornets", "CHI": "Chicago Bulls", "CLE": "Cleveland Cavaliers",
    "DAL": "Dallas Mavericks", "DEN": "Denver Nuggets", "DET": "Detroit Pistons",
    "GSW": "Golden State Warriors", "HOU": "Houston Rockets", "IND": "Indiana Pacers",
    "LAC": "LA Clippers", "LAL": "Los Angeles Lakers", "MEM": "Memphis Grizzlies",
    "MIA": "Miami Heat", "MIL": "Milwaukee Bucks", "MIN": "Minnesota Timberwolves",
    "NOP": "New Orleans Pelicans", "NYK": "New York Knicks", "OKC": "Oklahoma City Thunder",
    "ORL": "Orlando Magic", "PHI": "Philadelphia 76ers", "PHX": "Phoenix Suns",
    "POR": "Portland Trail Blazers", "SAC": "Sacramento Kings", "SAS": "San Antonio Spurs",
    "TOR": "Toronto Raptors", "UTA": "Utah Jazz", "WAS": "Washington Wizards",
}  # fmt: skip
LEAGUE = "NBA"
QUARTER_BREAK, HALFTIME = 130.0, 900.0


def period_start_at(number: int) -> float:
    """Seconds from tip-off to the start of period ``number`` in game-clock time."""
    at = 0.0
    for n in range(1, number):
        at += period(LEAGUE, n).start + (HALFTIME if n == 2 else QUARTER_BREAK)
    return at


def at_of(number: int, left: float) -> float:
    return period_start_at(number) + period(LEAGUE, number).start - left


class Builder:
    """Turns basketball happenings into steps, keeping the period bookkeeping."""

    def __init__(self, game_id: str, home: tuple[str, str], away: tuple[str, str]) -> None:
        self.game = ImportedGame(game_id)
        create = {"sport": "basketball", "league": LEAGUE,
                  "home": {"name": home[0], "short": home[1]},
                  "away": {"name": away[0], "short": away[1]}}  # fmt: skip
        self.game.add("game.create", create, 0.0)
        self.game.add("game.start", {}, 0.0)
        self.period = 0
        self.in_period = False

    def start_period(self, number: int, ref: int) -> None:
        if self.in_period and number == self.period:
            return  # already started by an earlier record
        if self.in_period:
            self.end_period(ref)
        self.period, self.in_period = number, True
        self.game.add("period.start", {}, period_start_at(number), ref)

    def end_period(self, ref: int) -> None:
        if self.in_period:
            self.game.add("period.end", {}, at_of(self.period, 0.0), ref)
            self.in_period = False

    def event(self, number: int, left: float, kind: str, data: dict[str, Any], ref: int) -> None:
        # a play between periods (substitutions) stays in the break; a score cannot
        if number > self.period and (kind == "score" or self.period == 0):
            self.start_period(number, ref)
        at = at_of(number, left)
        self.game.add(kind, data, at, ref)
        if kind == "timeout":
            self.game.add("clock.set", {"running": True, "seconds": left}, at, ref)

    def score(self, number: int, left: float, side: Side, points: int, player: str | None,
              text: str, ref: int) -> None:  # fmt: skip
        data: dict[str, Any] = {"team": side, "points": points, "text": text}
        if player:
            data["player"] = player
        self.event(number, left, "score", data, ref)

    def finish(self, ref: int | None = None) -> ImportedGame:
        self.end_period(ref if ref is not None else -1)
        self.game.add("game.end", {}, self.game.steps[-1].at + 1.0, ref)
        return self.game
