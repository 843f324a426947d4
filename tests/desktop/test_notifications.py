"""Notifications for favourites, with the real app over a real broadcaster: sent once, only for
news (never for what a reconnect back-fills), and a "Disallowed" after a void of a told goal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import WAIT_MS, Runner
from tests.desktop.test_live import card_for, publish_all, score, start_game, window_on_games
from tests.desktop.test_reconnect import patient_window
from tests.helpers.proc import BroadcasterProcess

BOS_LAL = "Boston Celtics {}, Los Angeles Lakers {}"


def star(window: MainWindow, prefix: str, qtbot: Any) -> None:
    """Favourite a game's teams as a user does: the card's star."""
    card_for(window, prefix, qtbot).star.click()
    qtbot.waitUntil(lambda: bool(window.settings.favourites), timeout=WAIT_MS)


def test_a_favourites_score_is_notified_once_and_other_games_are_not(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    window = window_on_games(broadcaster, make_window, run, qtbot, "basketball", "soccer")
    star(window, BOS_LAL.format(0, 0), qtbot)
    publish_all(
        run,
        broadcaster.publish,
        [("g2", "score", score("home", 1)), ("g1", "score", score("home", 2, "Tatum layup"))],
    )
    card_for(window, "France 1, Croatia 0", qtbot)
    qtbot.waitUntil(lambda: len(window.alerts.sent) == 1, timeout=WAIT_MS)
    (notice,) = window.alerts.sent
    assert (notice.game_id, notice.kind) == ("g1", "score")
    assert notice.title.startswith(BOS_LAL.format(2, 0))
    assert "Tatum" in notice.text
    assert notice.text in window.statusBar().currentMessage()  # no tray offscreen
    publish_all(run, broadcaster.publish, [("g2", "score", score("away", 1))])
    card_for(window, "France 1, Croatia 1", qtbot)
    assert len(window.alerts.sent) == 1


def test_what_a_reconnect_back_fills_is_not_notified_but_the_next_live_event_is(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    window = patient_window(broadcaster, make_window, run, qtbot)
    star(window, BOS_LAL.format(0, 0), qtbot)
    broadcaster.kill()
    qtbot.waitUntil(lambda: window.client.status.retry_at is not None, timeout=WAIT_MS)
    broadcaster.start()
    missed = [("g1", "score", score("home", 2)), ("g1", "score", score("away", 1))]
    publish_all(run, broadcaster.publish, missed)  # while the app is still away
    window.reconnect.trigger()
    card_for(window, BOS_LAL.format(2, 1), qtbot)
    assert list(window.alerts.sent) == []
    (seq,) = publish_all(run, broadcaster.publish, [("g1", "score", score("home", 3))])
    qtbot.waitUntil(lambda: len(window.alerts.sent) == 1, timeout=WAIT_MS)
    assert window.alerts.sent[0].seq == seq


def test_a_void_of_a_notified_goal_is_notified_as_disallowed(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    window = make_window(broadcaster.url)
    start_game(run, broadcaster.publish, "g1", "soccer")
    star(window, "France 0, Croatia 0", qtbot)
    goal = {**score("home", 1), "player": "Kylian Mbappé"}
    (seq,) = publish_all(run, broadcaster.publish, [("g1", "score", goal)])
    qtbot.waitUntil(lambda: len(window.alerts.sent) == 1, timeout=WAIT_MS)
    assert window.alerts.sent[0].text.startswith("GOAL! Mbappé")
    void = {"target": seq, "action": "void"}
    publish_all(run, broadcaster.publish, [("g1", "correction", void)])
    qtbot.waitUntil(lambda: len(window.alerts.sent) == 2, timeout=WAIT_MS)
    disallowed = window.alerts.sent[1]
    assert disallowed.kind == "disallowed"
    assert disallowed.text.startswith("Disallowed: GOAL! Mbappé")
    assert disallowed.title.startswith("France 0, Croatia 0")
