"""Plausible, rules-valid random games of every sport, for demos, load tests and training.

``simulate(sport, seed)`` plays a whole game through the sport's own rules
(every event is applied with ``apply`` as it is made, so a simulator that
breaks a rule fails at once instead of writing a feed the broadcaster would
refuse). The same seed always gives the same feed. ``at`` follows the game
clock: one simulated second is one second of replay at speed 1.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from broadcaster.importers.common import ImportedGame, feed_lines, slug
from broadcaster.protocol import GameState, Side
from broadcaster.sports import SPORTS, Sport, apply, create_game

SURNAMES = [
    "Abara",
    "Bianchi",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fofana",
    "Gallo",
    "Haddad",
    "Ibarra",
    "Jansen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Santos",
    "Tanaka",
    "Uribe",
    "Varga",
    "Weber",
    "Xavier",
    "Yilmaz",
    "Zielinski",
    "Adeyemi",
    "Brennan",
    "Cho",
    "Duarte",
]
# fictional teams per sport: (name, short)
TEAMS: dict[str, list[tuple[str, str]]] = {
    "basketball": [("Harbor City Herons", "HCH"), ("Mesa Falcons", "MES"),
                   ("Northgate Lynx", "NGL"), ("Riverton Comets", "RIV")],
    "soccer": [("Atlético Brava", "BRA"), ("FC Nordhavn", "NOR"),
               ("Real Montecasa", "RMC"), ("Union Lakeside", "ULS")],
    "ice_hockey": [("Glacier Bay Orcas", "GBO"), ("Pine Ridge Wolves", "PRW"),
                   ("Steel City Foundry", "SCF"), ("Aurora Icehawks", "AUR")],
    "american_football": [("Prairie Bison", "PRB"), ("Coastline Mariners", "CLM"),
                          ("Redrock Miners", "RRM"), ("Capital Sentinels", "CAP")],
    "baseball": [("Elm Street Owls", "ESO"), ("Bayside Clippers", "BAY"),
                 ("Copper Valley Hawks", "CVH"), ("Old Mill Grinders", "OMG")],
    "tennis": [("A. Lindqvist", "LIN"), ("M. Okafor", "OKA"),
               ("R. Tanaka", "TAN"), ("J. Castillo", "CAS")],
    "cricket": [("Harbourside Strikers", "HBS"), ("Upland Royals", "UPR"),
                ("Desert Hawks", "DSH"), ("Greenfield Gladiators", "GFG")],
}  # fmt: skip
LEAGUES = {"basketball": "NBA", "soccer": "Demo League", "ice_hockey": "NHL",
           "american_football": "NFL", "baseball": "MLB", "tennis": "ATP",
           "cricket": "T20"}  # fmt: skip


@dataclass
class Sim:
    """A game being played: every event goes through the rules as it is made."""

    sport: Sport
    game: ImportedGame
    state: GameState
    rng: random.Random
    t: float = 0.0
    roster: dict[str, list[str]] = field(default_factory=dict)

    def emit(self, kind: str, data: dict[str, Any] | None = None, after: float = 0.0) -> GameState:
        self.t += after
        self.state = apply(self.sport, self.state, kind, data or {}, self.t)
        self.game.add(kind, data or {}, self.t)
        return self.state

    def player(self, side: Side) -> str:
        return self.rng.choice(self.roster[side])

    def side(self, home_bias: float = 0.5) -> Side:
        return "home" if self.rng.random() < home_bias else "away"

    def tied(self) -> bool:
        return self.state.home.score == self.state.away.score


Simulator = Callable[[Sim], None]


def _basketball(sim: Sim) -> None:
    rng, number = sim.rng, 0
    sim.emit("game.start")
    while number < 4 or sim.tied():
        number += 1
        sim.emit("period.start", after=900.0 if number == 3 else 120.0 if number > 1 else 0.0)
        left = sim.sport.spec(sim.state).start
        while True:
            dt = rng.uniform(8.0, 28.0)
            if dt >= left:
                sim.emit("period.end", after=left)
                break
            left -= dt
            side, roll, who = sim.side(), rng.random(), None
            who = sim.player(side)
            if roll < 0.42:
                sim.emit("score", {"team": side, "points": 2, "player": who,
                                   "text": f"{who} 2PT"}, dt)  # fmt: skip
            elif roll < 0.56:
                sim.emit("score", {"team": side, "points": 3, "player": who,
                                   "text": f"{who} 3PT"}, dt)  # fmt: skip
            elif roll < 0.72:
                other: Side = "away" if side == "home" else "home"
                sim.emit("foul", {"team": other, "player": sim.player(other)}, dt)
                for n in (1, 2):
                    if rng.random() < 0.76:
                        sim.emit("score", {"team": side, "points": 1, "player": who,
                                           "text": f"{who} free throw {n} of 2"})  # fmt: skip
            elif roll < 0.75 and sim.state.detail["timeouts"][side] > 0:
                sim.emit("timeout", {"team": side}, dt)
                sim.emit("clock.set", {"running": True, "seconds": left}, 75.0)
            else:
                sim.emit("play", {"text": f"{who} misses", "team": side, "player": who}, dt)
    sim.emit("game.end", after=5.0)


def _soccer(sim: Sim) -> None:
    rng = sim.rng
    knockout = rng.random() < 0.35
    sim.emit("game.start")
    for number in (1, 2, 3, 4):
        if number == 3 and not (knockout and sim.tied()):
            break
        sim.emit("period.start", after=(0.0, 0.0, 900.0, 300.0)[number - 1])
        spec = sim.sport.spec(sim.state)
        clock = spec.start
        stoppage = rng.randint(1, 3) if number % 2 else rng.randint(2, 7)
        end = spec.end + stoppage * 60.0
        announced = False
        while True:
            dt = rng.uniform(40.0, 200.0)
            if not announced and clock + dt >= spec.end:
                sim.emit("stoppage", {"minutes": stoppage}, spec.end - 30.0 - clock)
                clock, announced = spec.end - 30.0, True
                continue
            if clock + dt >= end:
                sim.emit("period.end", after=end - clock)
                break
            clock += dt
            side, roll = sim.side(0.53), rng.random()
            who = sim.player(side)
            minute = int(clock // 60) + 1
            if roll < 0.06:
                sim.emit("score", {"team": side, "points": 1, "player": who,
                                   "text": f"{minute}' GOAL {who}"}, dt)  # fmt: skip
            elif roll < 0.15:
                if who not in sim.state.detail["sent_off"][side]:
                    color = "red" if rng.random() < 0.05 else "yellow"
                    sim.emit("card", {"team": side, "player": who, "color": color}, dt)
                else:
                    sim.t += dt
            else:
                what = rng.choice(("shot wide", "corner", "shot saved", "offside", "free kick"))
                sim.emit("play", {"text": f"{minute}' {what}", "team": side, "player": who}, dt)
    if knockout and sim.tied():
        sim.emit("period.start", {"number": 5}, 300.0)
        from broadcaster.sports.soccer import shootout_winner

        while not shootout_winner(sim.state.detail["shootout"]):
            kicks = sim.state.detail["shootout"]["kicks"]
            side = "home" if len(kicks) % 2 == 0 else "away"
            sim.emit("shootout", {"team": side, "scored": rng.random() < 0.75,
                                  "player": sim.player(side)}, 60.0)  # fmt: skip
        sim.emit("period.end", after=30.0)
    sim.emit("game.end", after=5.0)


SIMULATORS: dict[str, Simulator] = {"basketball": _basketball, "soccer": _soccer}


def simulate(
    sport: str,
    seed: int = 0,
    *,
    game_id: str | None = None,
    league: str | None = None,
    teams: tuple[tuple[str, str], tuple[str, str]] | None = None,
) -> ImportedGame:
    """One whole game of ``sport``, the same for the same ``seed``."""
    if sport not in SIMULATORS:
        known = ", ".join(sorted(SIMULATORS))
        raise ValueError(f"no simulator for {sport!r}; sports: {known}")
    rng = random.Random(f"{sport}:{seed}")
    if teams is None:
        home_team, away_team = rng.sample(TEAMS[sport], 2)
    else:
        home_team, away_team = teams
    game_id = game_id or f"sim-{slug(sport)}-{seed}"
    create = {
        "sport": sport,
        "league": league or LEAGUES[sport],
        "home": {"name": home_team[0], "short": home_team[1]},
        "away": {"name": away_team[0], "short": away_team[1]},
    }
    game = ImportedGame(game_id)
    game.add("game.create", create, 0.0)
    state = create_game(game_id, create, SPORTS)
    roster = {side: rng.sample(SURNAMES, 11) for side in ("home", "away")}
    sim = Sim(SPORTS[sport], game, state, rng, roster=roster)
    SIMULATORS[sport](sim)
    return game


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    m = commands.add_parser("simulate", help="a random, rules-valid game feed (stdout)")
    m.add_argument("sport", choices=sorted(SIMULATORS))
    m.add_argument("--seed", type=int, default=0, help="the same seed gives the same games")
    m.add_argument("--games", type=int, default=1, help="how many games, played side by side")
    m.add_argument("--league", help="the league (its rules: quarter length, overtime...)")


def main(args: argparse.Namespace) -> int:
    games = [
        simulate(args.sport, args.seed + n, league=args.league) for n in range(max(1, args.games))
    ]
    for line in feed_lines(games, together=True):
        sys.stdout.write(line + "\n")
    return 0
