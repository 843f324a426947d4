"""Screen readers hear score changes of the focused game and of favourites, with the new line,
and not of every other game (real broadcaster, real widgets)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import WAIT_MS, Runner
from tests.desktop.test_live import card_for, publish_all, score, window_on_games
from tests.desktop.test_notifications import star
from tests.helpers.proc import BroadcasterProcess


def test_the_focused_games_and_the_favourites_score_changes_are_announced_not_others(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    window = window_on_games(broadcaster, make_window, run, qtbot, "basketball", "soccer")
    said = window.announcer.said
    publish_all(run, broadcaster.publish, [("g1", "score", score("home", 2))])
    card_for(window, "Boston Celtics 2, Los Angeles Lakers 0", qtbot)
    assert list(said) == []  # neither focused nor a favourite

    star(window, "Boston Celtics 2, Los Angeles Lakers 0", qtbot)
    publish_all(run, broadcaster.publish, [("g1", "score", score("away", 3))])
    qtbot.waitUntil(lambda: len(said) == 1, timeout=WAIT_MS)
    assert said[0] == window.score_text("g1")
    assert said[0].startswith("Boston Celtics 2, Los Angeles Lakers 3")

    window.activateWindow()
    france = card_for(window, "France 0, Croatia 0", qtbot)
    france.setFocus()
    qtbot.waitUntil(lambda: window.announcer.focused_game() == "g2", timeout=WAIT_MS)
    publish_all(run, broadcaster.publish, [("g2", "score", score("home", 1))])
    qtbot.waitUntil(lambda: len(said) == 2, timeout=WAIT_MS)
    assert said[1].startswith("France 1, Croatia 0")
