"""Freshness per card: a live game silent for longer than its sport usually is says since when,
on its card (and to screen readers); a new event clears it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from desktop.models.freshness import ago, freshness
from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import WAIT_MS, Runner
from tests.desktop.test_live import card_for, publish_all, score, window_on_games
from tests.helpers.proc import BroadcasterProcess


def test_only_a_live_game_silent_longer_than_its_sport_usually_is_says_so() -> None:
    assert freshness("live", "basketball", 119.0) == ""
    assert freshness("live", "basketball", 200.0) == "last update 3 min ago"
    assert freshness("live", "soccer", 200.0) == ""  # ten quiet minutes are normal there
    assert freshness("live", "soccer", 3 * 3600.0) == "last update 3 h ago"
    assert freshness("break", "basketball", 900.0) == ""  # a break is meant to be quiet
    assert freshness("final", "basketball", 900.0) == ""
    assert freshness("live", "curling", 301.0) == "last update 5 min ago"
    assert freshness("live", "basketball", None) == ""
    assert (ago(-3), ago(59), ago(61)) == ("0 s ago", "59 s ago", "1 min ago")


def test_a_silent_live_game_says_since_when_on_its_card_until_the_next_event(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    window = window_on_games(broadcaster, make_window, run, qtbot, "basketball")
    card = card_for(window, "Boston Celtics 0, Los Angeles Lakers 0", qtbot)
    assert not card.accessibleName().endswith("ago")
    window.seen["g1"] = time.monotonic() - 200  # as if its last event were 200 s old
    qtbot.waitUntil(
        lambda: card.accessibleName().endswith("last update 3 min ago"), timeout=WAIT_MS
    )
    assert card.phase.accessibleName().endswith("· last update 3 min ago")
    publish_all(run, broadcaster.publish, [("g1", "score", score("home", 2))])
    qtbot.waitUntil(lambda: card.accessibleName().startswith("Boston Celtics 2"), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "last update" not in card.accessibleName(), timeout=WAIT_MS)
