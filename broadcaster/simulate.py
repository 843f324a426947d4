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
from broadcaster.sports import SPORTS, Sport, apply, create_game, ice_hockey, soccer
from broadcaster.sports.baseball import BASES, advance, batting, walk_off
from broadcaster.sports.cricket import innings_over

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
        while not soccer.shootout_winner(sim.state.detail["shootout"]):
            kicks = sim.state.detail["shootout"]["kicks"]
            side = "home" if len(kicks) % 2 == 0 else "away"
            sim.emit("shootout", {"team": side, "scored": rng.random() < 0.75,
                                  "player": sim.player(side)}, 60.0)  # fmt: skip
        sim.emit("period.end", after=30.0)
    sim.emit("game.end", after=5.0)


def _ice_hockey(sim: Sim) -> None:
    rng, number = sim.rng, 0
    sim.emit("game.start")
    while sim.sport.can_end(sim.state) is not None or number == 0:
        number += 1
        if number == ice_hockey.shootout_period(sim.state.league):
            sim.emit("period.start", after=60.0)
            while not ice_hockey.shootout_winner(sim.state.detail["shootout"]):
                kicks = sim.state.detail["shootout"]["kicks"]
                side: Side = "home" if len(kicks) % 2 == 0 else "away"
                sim.emit("shootout", {"team": side, "scored": rng.random() < 0.32,
                                      "player": sim.player(side)}, 45.0)  # fmt: skip
            sim.emit("period.end", after=20.0)
            break
        sim.emit("period.start", after=1080.0 if number > 1 else 0.0)
        left = sim.sport.spec(sim.state).start
        while True:
            dt = rng.uniform(15.0, 60.0)
            if dt >= left:
                sim.emit("period.end", after=left)
                break
            left -= dt
            side, roll = sim.side(0.52), rng.random()
            who = sim.player(side)
            if roll < 0.045:
                sim.emit("score", {"team": side, "points": 1, "player": who,
                                   "text": f"GOAL {who}"}, dt)  # fmt: skip
                if number > 3:  # sudden death
                    sim.emit("period.end")
                    break
            elif roll < 0.45:
                sim.emit("shot", {"team": side, "player": who}, dt)
            elif roll < 0.48:
                sim.emit("penalty", {"team": side, "player": who, "minutes": 2,
                                     "infraction": rng.choice(("Tripping", "Hooking",
                                                               "Slashing"))}, dt)  # fmt: skip
            else:
                what = rng.choice(("faceoff won", "hit", "blocked shot", "giveaway", "takeaway"))
                sim.emit("play", {"text": what, "team": side, "player": who}, dt)
    sim.emit("game.end", after=5.0)


def _american_football(sim: Sim) -> None:
    rng = sim.rng
    sim.emit("game.start")
    offence: Side = sim.side()
    number, ball_on, down, distance = 0, 25, 1, 10
    while sim.sport.can_end(sim.state) is not None or number == 0:
        number += 1
        if number > 4 and sim.sport.can_start_period(sim.state, number):
            break  # a regular-season game may end tied after one overtime
        sim.emit("period.start", after=(0.0, 120.0, 780.0, 120.0)[min(number, 4) - 1])
        if number in (1, 3) or number > 4:
            offence = sim.side() if number != 3 else ("away" if offence == "home" else "home")
            ball_on, down, distance = 25, 1, 10
            sim.emit("possession", {"team": offence, "ball_on": ball_on}, 10.0)
        left, scored = sim.sport.spec(sim.state).start, False
        while not (number > 4 and scored):
            dt = rng.uniform(25.0, 42.0)
            if dt >= left:
                sim.emit("period.end", after=left)
                break
            left -= dt
            gain = rng.choice((-3, 0, 1, 2, 3, 4, 5, 6, 8, 11, 15, 22, 35))
            if down == 4 and ball_on >= 62:
                good = rng.random() < 0.85
                play = "score" if good else "play"
                data = (
                    {"team": offence, "play": "field_goal"}
                    if good
                    else {"text": "field goal missed", "team": offence}
                )
                sim.emit(play, data, dt)
                scored = good
            elif ball_on + gain >= 100:
                sim.emit("score", {"team": offence, "play": "touchdown",
                                   "player": sim.player(offence)}, dt)  # fmt: skip
                try_play = "extra_point" if rng.random() < 0.9 else "two_point"
                if rng.random() < 0.93:
                    sim.emit("score", {"team": offence, "play": try_play}, 5.0)
                scored = True
            elif down == 4:
                sim.emit("play", {"text": "punt", "team": offence}, dt)
            else:
                ball_on += gain
                down, distance = (1, min(10, 100 - ball_on)) if gain >= distance else (
                    down + 1, distance - gain)  # fmt: skip
                sim.emit("down", {"down": down, "distance": distance, "ball_on": ball_on}, dt)
                continue
            offence = "away" if offence == "home" else "home"
            ball_on, down, distance = rng.randint(18, 35), 1, 10
            sim.emit("possession", {"team": offence, "ball_on": ball_on}, 8.0)
        else:
            sim.emit("period.end", after=1.0)
    sim.emit("game.end", after=5.0)


def _baseball(sim: Sim) -> None:
    rng = sim.rng
    sim.emit("game.start")
    while True:
        sim.emit("period.start", after=120.0 if sim.state.period.number else 0.0)
        while sim.state.detail["outs"] < 3 and not walk_off(sim.state):
            roll = rng.random()
            if roll < 0.34:
                sim.emit("pitch", {"result": "ball"}, 20.0)
            elif roll < 0.58:
                sim.emit("pitch", {"result": "strike"}, 20.0)
            elif roll < 0.75:
                sim.emit("pitch", {"result": "foul"}, 20.0)
            else:
                sim.emit("pitch", {"result": "in_play"}, 20.0)
                side, outcome = batting(sim.state), rng.random()
                who = sim.player(side)
                if outcome < 0.68:
                    sim.emit("out", {"player": who, "text": f"{who} out"}, 5.0)
                elif outcome < 0.99:
                    hit = (
                        1 if outcome < 0.88 else 2 if outcome < 0.94 else 3 if outcome < 0.95 else 4
                    )
                    sim.emit("hit", {"bases": hit, "player": who}, 5.0)
                else:
                    fielding: Side = "home" if side == "away" else "away"
                    sim.emit("error", {"team": fielding}, 5.0)
                    bases, runs = advance(sim.state.detail["bases"], 1)
                    sim.emit("bases", {b: bases[b] for b in BASES}, 1.0)
                    if runs:
                        sim.emit("score", {"team": side, "points": runs}, 1.0)
        sim.emit("period.end", after=5.0)
        if sim.sport.can_end(sim.state) is None:
            break
    sim.emit("game.end", after=5.0)


def _tennis(sim: Sim) -> None:
    rng = sim.rng
    sim.emit("format", {"best_of": rng.choice((3, 3, 5)), "final_set": "tiebreak"})
    sim.emit("game.start")
    sim.emit("period.start", after=60.0)
    sim.emit("point", {"team": sim.side(), "server": "home"}, 30.0)
    while sim.state.detail["winner"] is None:
        server = sim.state.detail["server"]
        won = server if rng.random() < 0.63 else ("away" if server == "home" else "home")
        sim.emit("point", {"team": won}, rng.uniform(20.0, 50.0))
    sim.emit("game.end", after=10.0)


def _cricket(sim: Sim) -> None:
    rng = sim.rng
    sim.emit("toss", {"won_by": sim.side(), "elected": rng.choice(("bat", "field"))})
    sim.emit("game.start")
    for number in (1, 2):
        sim.emit("period.start", after=1200.0 if number == 2 else 0.0)
        while not innings_over(sim.state.detail, number):
            side = sim.state.detail["batting"]
            roll = rng.random()
            data: dict[str, Any]
            if roll < 0.03:
                data = {"extras": {"wides": 1}}
            elif roll < 0.04:
                data = {"extras": {"noballs": 1}, "runs": rng.choice((0, 1, 4))}
            elif roll < 0.09:
                data = {"wicket": {"kind": rng.choice(("bowled", "caught", "lbw", "run out")),
                                   "player_out": sim.player(side)}}  # fmt: skip
            else:
                data = {"runs": rng.choices((0, 1, 2, 3, 4, 6), (34, 36, 10, 1, 12, 7))[0]}
            sim.emit("delivery", {**data, "batter": sim.player(side)}, 40.0)
        sim.emit("period.end", after=30.0)
    sim.emit("game.end", after=60.0)


SIMULATORS: dict[str, Simulator] = {
    "basketball": _basketball,
    "soccer": _soccer,
    "ice_hockey": _ice_hockey,
    "american_football": _american_football,
    "baseball": _baseball,
    "tennis": _tennis,
    "cricket": _cricket,
}


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
