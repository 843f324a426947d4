"""The demo feeds shipped for ``scoreboard --demo``: valid, whole games, small."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadcaster.feed import parse_feed
from broadcaster.sports import SPORTS
from tests.importers.proof import replay_pure

FEEDS = Path(__file__).resolve().parents[2] / "resources" / "feeds"


def test_there_are_demo_feeds_for_every_sport_and_they_are_small() -> None:
    files = sorted(FEEDS.glob("*.jsonl"))
    assert sum(f.stat().st_size for f in files) < 2_000_000
    sports = set()
    for f in files:
        for item in parse_feed(f.read_text(encoding="utf-8").splitlines(), f.name):
            if item.publish.kind == "game.create":
                sports.add(item.publish.data["sport"])
    assert sports == set(SPORTS)


@pytest.mark.parametrize("name", sorted(f.name for f in FEEDS.glob("*.jsonl")))
def test_demo_feed_plays_whole_games(name: str) -> None:
    games = replay_pure((FEEDS / name).read_text(encoding="utf-8").splitlines())
    assert games
    assert all(state.status == "final" for state in games.values())
