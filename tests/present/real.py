"""The real finals as the wire would carry them: events (state after each) from the pure rules."""

from __future__ import annotations

from broadcaster.importers import parse
from broadcaster.protocol import Event
from tests.importers.proof import fold, text

FINALS = {
    "soccer": ("openfootball", "soccer/openfootball_worldcup_2022.json", None, "2022-64"),
    "cricket": ("cricsheet", "cricket/cricsheet_951373.yaml", None, "eng-wi"),
    "tennis": (
        "tennis-slam",
        "tennis/slam_2011-wimbledon-points.csv",
        "tennis/slam_2011-wimbledon-matches.csv",
        "wimbledon-1701",
    ),
}


def events(fmt: str, name: str, matches: str | None, only: str) -> list[Event]:
    """Every step of the one game whose id contains ``only``, as events with seq 1, 2, …"""
    games = [g for g in parse(fmt, text(name), text(matches) if matches else None)]
    (game,) = [g for g in games if only in g.game_id]
    folded = fold(game)
    return [
        Event("real", seq, step.at or 0.0, game.game_id, seq, step.kind, dict(step.data), state)
        for seq, (step, state) in enumerate(folded.trail, start=1)
    ]


def final(sport: str) -> list[Event]:
    return events(*FINALS[sport])
