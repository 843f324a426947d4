"""One game per sport, replayed through a real broadcaster to a subscriber.

The subscriber must see, event by event, the state the pure rules compute
from the same feed. Real games for five sports; american_football and
baseball have no real data here, so a simulated game stands in for them.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

from broadcaster.feed import FeedItem, parse_feed
from broadcaster.importers import parse
from broadcaster.importers.common import ImportedGame, feed_lines
from broadcaster.replay import replay
from broadcaster.server import Broadcaster
from broadcaster.simulate import simulate
from broadcaster.sports import SPORTS, apply, create_game
from tests.helpers.ws import open_feed, recv, send
from tests.importers.proof import text
from tests.replay.conftest import TOKEN


def real(fmt: str, name: str, game_id: str = "", matches: str | None = None) -> ImportedGame:
    games = parse(fmt, text(name), text(matches) if matches else None)
    return next(g for g in games if g.game_id.endswith(game_id))


GAMES = {
    "basketball": lambda: real("nba-live", "basketball/nba_live_0022000001.json"),
    "soccer": lambda: real("openfootball", "soccer/openfootball_worldcup_2022.json", "64-arg-fra"),
    "ice_hockey": lambda: real("nhl", "hockey/nhl_2017020006.csv"),
    "tennis": lambda: real("tennis-slam", "tennis/slam_2011-wimbledon-points.csv", "1701",
                           "tennis/slam_2011-wimbledon-matches.csv"),
    "cricket": lambda: real("cricsheet", "cricket/cricsheet_951373.yaml"),
    "american_football": lambda: simulate("american_football", 7),  # no real data: simulated
    "baseball": lambda: simulate("baseball", 7),  # no real data: simulated
}  # fmt: skip


def visible(state: dict[str, Any]) -> tuple[Any, ...]:
    """What a scoreboard shows; the clock and penalty clocks depend on arrival time."""
    detail = dict(state["detail"])
    if "penalties" in detail:
        detail["penalties"] = [{**p, "clock": None} for p in detail["penalties"]]
    return (state["home"]["score"], state["away"]["score"], state["status"],
            state["period"]["number"], state["period"]["label"], json.dumps(detail))  # fmt: skip


def pure(items: list[FeedItem]) -> list[tuple[Any, ...]]:
    first = items[0].publish
    state = create_game(first.game_id, first.data, SPORTS)
    out = [visible(msgspec.to_builtins(state))]
    for item in items[1:]:
        p = item.publish
        state = apply(SPORTS[state.sport], state, p.kind, p.data, item.at or 0.0)
        out.append(visible(msgspec.to_builtins(state)))
    return out


def test_every_sport_has_an_end_to_end_game() -> None:
    assert set(GAMES) == set(SPORTS)


@pytest.mark.asyncio
@pytest.mark.parametrize("sport", sorted(GAMES))
async def test_replayed_game_reaches_the_subscriber_event_by_event(
    server: Broadcaster, sport: str
) -> None:
    game = GAMES[sport]()
    items = list(parse_feed(feed_lines([game])))
    expected = pure(items)
    ws, _ = await open_feed(server.url + "/feed")
    await send(ws, {"type": "subscribe", "games": ["*"]})
    assert (await recv(ws))["type"] == "snapshot"
    result = await replay(items, server.url, TOKEN)
    assert (result.new, result.errors) == (len(items), [])
    seen = []
    while len(seen) < len(items):
        msg = await recv(ws)
        assert msg["type"] == "event"
        assert msg["game_seq"] == len(seen) + 1
        seen.append(visible(msg["state"]))
    await ws.close()
    assert seen == expected
    assert seen[-1][2] == "final"
