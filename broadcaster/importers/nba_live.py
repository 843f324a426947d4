"""NBA live-data ``playbyplay`` JSON → a basketball game.

Actions are replayed in file order. Points come from the action: a made
``2pt``/``3pt`` shot, a made ``freethrow`` (1). The file does not say which
team is at home, so the first scoring action decides: the team whose made
shot moved ``scoreHome`` is the home team. Each action's ``scoreHome`` /
``scoreAway`` is left for the tests to check the rules against.
"""

from __future__ import annotations

import json
import re
from typing import Any

from broadcaster.importers.common import ImportedGame, SourceError
from broadcaster.importers.nba import TEAMS, Builder
from broadcaster.protocol import Side

POINTS = {"2pt": 2, "3pt": 3, "freethrow": 1}
DURATION = re.compile(r"PT(?:(\d+)M)?(?:([\d.]+)S)?")


def clock(text: str) -> float:
    m = DURATION.fullmatch(text or "")
    return int(m[1] or 0) * 60.0 + float(m[2] or 0) if m else 0.0


def sides(actions: list[dict[str, Any]]) -> dict[str, Side]:
    home = away = 0
    for a in actions:
        h, w = int(a.get("scoreHome") or 0), int(a.get("scoreAway") or 0)
        team = a.get("teamTricode")
        if team and (h, w) != (home, away):
            other = next((x.get("teamTricode") for x in actions
                          if x.get("teamTricode") not in (None, team)), None)  # fmt: skip
            if other is None:
                break
            return {team: "home", other: "away"} if h != home else {team: "away", other: "home"}
        home, away = h, w
    raise SourceError("cannot tell the home and visiting teams apart")


def parse(text: str) -> list[ImportedGame]:
    try:
        game = json.loads(text)["game"]
        actions: list[dict[str, Any]] = game["actions"]
    except (ValueError, KeyError, TypeError) as exc:
        raise SourceError(f"not an NBA live play-by-play: {exc}") from None
    side_of = sides(actions)
    short = {side: code for code, side in side_of.items()}
    b = Builder(f"nba-{game.get('gameId', 'game')}",
                (TEAMS.get(short["home"], short["home"]), short["home"]),
                (TEAMS.get(short["away"], short["away"]), short["away"]))  # fmt: skip
    for ref, a in enumerate(actions):
        kind, number = a.get("actionType"), int(a.get("period") or 0)
        left, side = clock(a.get("clock", "")), side_of.get(a.get("teamTricode") or "")
        text_ = str(a.get("description") or "")
        if kind == "period":
            if a.get("subType") == "start":
                b.start_period(number, ref)
            else:
                b.end_period(ref)
        elif kind in POINTS and side and a.get("shotResult") == "Made":
            b.score(number, left, side, POINTS[kind], a.get("playerNameI"), text_, ref)
        elif kind in ("foul", "timeout") and side:
            b.event(number, left, kind, {"team": side, "text": text_}, ref)
        elif kind == "game":
            break
        elif text_.strip() and number:
            data: dict[str, Any] = {"text": text_}
            if side:
                data["team"] = side
            b.event(number, left, "play", data, ref)
    return [b.finish()]
