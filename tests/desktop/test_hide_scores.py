"""Hide scores (Ctrl+H): every score hidden, to screen readers too, until R reveals a game;
no "+2" badge, no notification, no tray line gives it away (real broadcaster, real widgets)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt

from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import WAIT_MS, Runner, find_by_name
from tests.desktop.test_live import card_for, publish_all, score, window_on_games
from tests.desktop.test_notifications import star
from tests.helpers.proc import BroadcasterProcess

HIDDEN = "Boston Celtics versus Los Angeles Lakers, score hidden (R reveals)"


def test_hidden_scores_stay_hidden_until_revealed_game_by_game(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    window = window_on_games(broadcaster, make_window, run, qtbot, "basketball", "soccer")
    star(window, "Boston Celtics 0, Los Angeles Lakers 0", qtbot)
    assert window.hide_scores.shortcut().toString() == "Ctrl+H"
    window.hide_scores.trigger()
    card = card_for(window, HIDDEN, qtbot)
    assert card.scores["home"].text() == "–"
    publish_all(run, broadcaster.publish, [("g1", "score", score("home", 2))])
    qtbot.waitUntil(lambda: window.games.state("g1").home.score == 2, timeout=WAIT_MS)  # type: ignore[union-attr]
    assert card.accessibleName() == HIDDEN
    assert card.badges["home"].text() == ""  # no "▲ +2"
    assert list(window.alerts.sent) == []
    window.tray.refresh()
    assert "Boston Celtics 2" not in window.tray.toolTip()
    assert card_for(window, "France versus Croatia, score hidden", qtbot)

    card.setFocus()
    qtbot.keyClick(card, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: card.accessibleName().startswith("Boston Celtics 2,"), timeout=WAIT_MS)
    assert find_by_name(window, "France versus Croatia, score hidden")  # the other stays hidden
    window.hide_scores.trigger()
    card_for(window, "France 0, Croatia 0", qtbot)
