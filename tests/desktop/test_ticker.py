"""The ticker: an always-on-top frameless strip cycling through the live games, each as its card
reads; a click opens the game; where it was is remembered (real broadcaster, real widgets)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPoint, Qt

from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import WAIT_MS, Runner
from tests.desktop.test_live import publish_all, score, window_on_games
from tests.desktop.test_notifications import star
from tests.helpers.proc import BroadcasterProcess

BOS = "Boston Celtics 0, Los Angeles Lakers 0"
FRA = "France 0, Croatia 0"


def test_the_ticker_cycles_through_live_games_and_a_click_opens_the_game(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    window = window_on_games(broadcaster, make_window, run, qtbot, "basketball", "soccer")
    assert window.ticker_action.shortcut().toString() == "Ctrl+T"
    window.ticker_action.trigger()
    ticker = window.ticker
    assert ticker is not None and ticker.isVisible()
    flags = ticker.windowFlags()
    assert flags & Qt.WindowType.FramelessWindowHint
    assert flags & Qt.WindowType.WindowStaysOnTopHint
    ticker.cycle.setInterval(20)
    seen: set[str] = set()
    qtbot.waitUntil(
        lambda: seen.add(ticker.label.accessibleName()) or len(seen) >= 2, timeout=WAIT_MS
    )
    assert {line.split(",")[0] for line in seen} == {"Boston Celtics 0", "France 0"}
    ticker.cycle.stop()
    shown = ticker.game_id
    qtbot.mouseClick(ticker.label, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shown in window.details, timeout=WAIT_MS)
    assert window.details[shown].isVisible()

    suspend = ("g1", "status", {"status": "suspended"})
    publish_all(run, broadcaster.publish, [suspend])  # not live any more
    qtbot.waitUntil(lambda: ticker.live_games() == ["g2"], timeout=WAIT_MS)
    qtbot.keyClick(ticker, Qt.Key.Key_Right)
    assert ticker.text.startswith(FRA)
    qtbot.keyClick(ticker, Qt.Key.Key_Return)  # by keyboard too
    qtbot.waitUntil(lambda: "g2" in window.details, timeout=WAIT_MS)


def test_favourites_side_by_side_and_the_place_is_remembered(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    window = window_on_games(broadcaster, make_window, run, qtbot, "basketball", "soccer")
    star(window, BOS, qtbot)
    ticker = window.show_ticker()
    saved: list[str] = []
    window.settings_changed.connect(lambda: saved.append(window.settings.ticker_mode))
    (cycle, favourites) = ticker.menu().actions()[:2]
    assert cycle.isChecked() and not favourites.isChecked()
    favourites.trigger()  # the strip's context menu
    assert (ticker.mode, saved) == ("favourites", ["favourites"])
    qtbot.waitUntil(lambda: ticker.text.startswith(BOS), timeout=WAIT_MS)
    assert "France" not in ticker.text
    publish_all(run, broadcaster.publish, [("g1", "score", score("home", 2))])
    qtbot.waitUntil(lambda: ticker.text.startswith("Boston Celtics 2"), timeout=WAIT_MS)
    ticker.move(QPoint(123, 45))
    ticker.resize(400, 36)
    window.show_ticker(False)
    ticker.deleteLater()
    window.ticker = None
    again = window.show_ticker()
    assert (again.pos(), again.width(), again.mode) == (QPoint(123, 45), 400, "favourites")
    again.menu().actions()[-1].trigger()  # Hide the ticker
    assert not again.isVisible() and not window.ticker_action.isChecked()
