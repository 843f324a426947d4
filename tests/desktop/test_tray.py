"""The system tray: favourites' live scores in its menu and tooltip, choosing one opens the
game, and closing the window can leave the app in the tray (real broadcaster, real widgets)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import OFFSCREEN_NOISE, WAIT_MS, Runner
from tests.desktop.test_live import publish_all, score, window_on_games
from tests.desktop.test_notifications import star
from tests.helpers.proc import BroadcasterProcess

# offscreen has no tray (the icon is still "shown"); the marker replaces conftest's, so repeat it
NO_TRAY_HERE = f"{OFFSCREEN_NOISE}|systemTrayWindowChanged"


def test_the_favourites_scores_are_in_the_tray_menu_and_tooltip_and_open_the_game(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    window = window_on_games(broadcaster, make_window, run, qtbot, "basketball", "soccer")
    tray = window.tray
    assert [a.text() for a in tray.game_actions()] == []
    star(window, "Boston Celtics 0, Los Angeles Lakers 0", qtbot)
    publish_all(run, broadcaster.publish, [("g1", "score", score("home", 2))])
    qtbot.waitUntil(
        lambda: "Boston Celtics 2, Los Angeles Lakers 0" in tray.toolTip(), timeout=WAIT_MS
    )
    assert "France" not in tray.toolTip()
    (entry,) = tray.game_actions()
    qtbot.waitUntil(  # the game clock runs: the two can be a tick apart for a moment
        lambda: entry.text() == window.score_text("g1").replace("&", "&&"), timeout=WAIT_MS
    )
    entry.trigger()
    qtbot.waitUntil(lambda: "g1" in window.details and window.details["g1"].isVisible())


@pytest.mark.qt_log_ignore(NO_TRAY_HERE)
def test_closing_the_window_can_leave_the_app_in_the_tray_and_its_menu_quits(
    make_window: Callable[..., MainWindow], qtbot: Any
) -> None:
    window = make_window("ws://127.0.0.1:9")
    window.settings.close_to_tray = True
    window.tray.show()
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    window.close()
    assert not window.isVisible() and closed == []  # still running, in the tray
    window.tray.show_window.emit()
    assert window.isVisible()
    quit_ = next(a for a in window.tray.menu.actions() if a.text() == "Quit")
    quit_.trigger()
    assert closed == [True] and not window.isVisible()
    window.tray.hide()


def test_without_the_setting_closing_the_window_closes_the_app(
    make_window: Callable[..., MainWindow], qtbot: Any
) -> None:
    window = make_window("ws://127.0.0.1:9")
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    window.close()
    assert closed == [True]
