"""The grid as a keyboard and screen-reader user meets it (no server needed)."""

from __future__ import annotations

from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from broadcaster.protocol import Period
from desktop.feed.client import FeedClient
from desktop.settings import Settings
from desktop.ui import grid
from desktop.ui.card import GameCard
from desktop.ui.main_window import MainWindow
from tests.desktop.factories import event, state

GAMES = [
    state("nba1", 10, 8),
    state("nba2", 4, 4),
    state("nba3", 0, 0, status="final", period=Period(4, "Q4", False)),
    state("wc1", 1, 0, sport="soccer", league="World Cup", names=("France", "Croatia")),
]


@pytest.fixture
def window(qtbot: Any) -> MainWindow:
    win = MainWindow(FeedClient(), Settings())
    qtbot.addWidget(win)
    win.resize(1000, 700)  # three cards a row
    win.games.reset(GAMES, epoch_changed=True)
    win.show()
    qtbot.waitUntil(lambda: len(win.grid.visible_games()) == 4)
    return win


def headers(window: MainWindow) -> list[str]:
    """Visible group headers, top to bottom, left to right."""
    labels = [w for w in window.grid.findChildren(QLabel, "groupHeader") if w.isVisible()]

    def where(w: QLabel) -> tuple[int, int]:
        p = w.mapTo(window, w.rect().topLeft())
        return p.y(), p.x()

    return [w.text() for w in sorted(labels, key=where)]


def focused() -> str | None:
    widget = QApplication.focusWidget()
    return widget.game_id if isinstance(widget, GameCard) else None


def test_cards_are_grouped_by_league_and_favourites_come_first(
    window: MainWindow, qtbot: Any
) -> None:
    assert window.grid.visible_games() == ["nba1", "nba2", "nba3", "wc1"]
    assert headers(window) == ["NBA", "World Cup"]
    card = window.grid.cards["wc1"]
    card.setFocus()
    qtbot.keyClick(card, Qt.Key.Key_F)
    qtbot.waitUntil(lambda: window.grid.visible_games()[0] == "wc1")
    assert headers(window)[0] == "★ Favourites"
    assert window.settings.favourites == ["Croatia", "France"]
    assert card.star.accessibleName() == "favourite"


def test_arrow_keys_move_between_cards_as_laid_out(window: MainWindow, qtbot: Any) -> None:
    window.activateWindow()
    first = window.grid.cards["nba1"]
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Right)
    assert focused() == "nba2"
    qtbot.keyClick(window.grid.cards["nba2"], Qt.Key.Key_Down)
    assert focused() == "wc1"  # the World Cup section is on the next row
    qtbot.keyClick(window.grid.cards["wc1"], Qt.Key.Key_Up)
    assert focused() in {"nba1", "nba2", "nba3"}


def test_filters_and_search_hide_cards(window: MainWindow, qtbot: Any) -> None:
    window.live_only.setChecked(True)
    qtbot.waitUntil(lambda: window.grid.visible_games() == ["nba1", "nba2", "wc1"])
    assert not window.grid.cards["nba3"].isVisible()
    qtbot.keyClicks(window.search, "croatia")
    qtbot.waitUntil(lambda: window.grid.visible_games() == ["wc1"])
    assert set(window.grid.cards) == {"nba1", "nba2", "nba3", "wc1"}  # hidden, not dropped
    window.search.clear()
    window.live_only.setChecked(False)
    window.sport.setCurrentIndex(window.sport.findData("soccer"))
    qtbot.waitUntil(lambda: window.grid.visible_games() == ["wc1"])
    window.sport.setCurrentIndex(0)
    qtbot.waitUntil(lambda: len(window.grid.visible_games()) == 4)
    assert [window.league.itemData(i) for i in range(window.league.count())] == [
        "",
        "NBA",
        "World Cup",
    ]


def test_the_card_under_the_pointer_stays_put_until_the_pointer_leaves(
    window: MainWindow, qtbot: Any
) -> None:
    card = window.grid.cards["wc1"]
    where = card.mapTo(window, card.rect().topLeft())
    order = window.grid.visible_games()
    qtbot.mouseMove(card)
    qtbot.waitUntil(window.grid.viewport().underMouse)
    card.star.click()  # starring re-sorts: this game's teams become favourites
    qtbot.waitUntil(lambda: window.grid.waiting)
    assert card.mapTo(window, card.rect().topLeft()) == where
    assert window.grid.visible_games() == order
    assert card.star.text() == "★"  # the card itself shows the change in place
    qtbot.mouseMove(window.search)  # the pointer leaves the grid: now it re-sorts
    qtbot.waitUntil(lambda: headers(window)[0] == "★ Favourites")
    assert window.grid.visible_games()[0] == "wc1"
    assert card.mapTo(window, card.rect().topLeft()) != where


def test_a_pointer_left_resting_on_the_grid_holds_a_re_layout_only_a_while(
    window: MainWindow, qtbot: Any
) -> None:
    """A wall display with the mouse left on it still shows a re-sort (or a new game)."""
    window.grid.hold.setInterval(300)  # the product waits 3 s
    card = window.grid.cards["wc1"]
    qtbot.mouseMove(card)
    qtbot.waitUntil(window.grid.viewport().underMouse)
    card.star.click()
    qtbot.waitUntil(lambda: window.grid.waiting)
    assert headers(window)[0] != "★ Favourites"
    qtbot.waitUntil(lambda: headers(window)[0] == "★ Favourites")  # the pointer never left
    assert window.grid.viewport().underMouse() and not window.grid.waiting
    assert window.grid.visible_games()[0] == "wc1"


def test_cards_share_the_width_and_a_narrow_window_has_no_sideways_scroll(
    window: MainWindow, qtbot: Any
) -> None:
    grid = window.grid
    card = grid.cards["nba1"]
    qtbot.waitUntil(lambda: card.width() > 300)  # three to a row, widened to fill
    used = 3 * card.width() + 2 * 10 + 24
    assert grid.viewport().width() - used < 30
    window.resize(420, 700)
    qtbot.waitUntil(lambda: card.width() < 400)
    fits = lambda: grid.widget().minimumSizeHint().width() <= grid.viewport().width()  # noqa: E731
    qtbot.waitUntil(fits)  # no sideways scrolling to blank space
    assert grid.horizontalScrollBar().maximum() == 0
    assert card.phase.width() <= card.width()


def test_a_new_journal_without_some_games_lets_their_cards_go(
    window: MainWindow, qtbot: Any
) -> None:
    old = window.grid.cards["nba3"]
    window.games.reset([GAMES[0], state("nba9", 1, 2)], epoch_changed=True)
    qtbot.waitUntil(lambda: window.grid.visible_games() == ["nba1", "nba9"])
    assert set(window.grid.cards) == {"nba1", "nba9"}  # the rest do not pile up
    qtbot.waitUntil(lambda: not shiboken6.isValid(old))  # deleted, not only hidden
    card = window.grid.cards["nba9"]
    assert card.accessibleName().startswith("Boston Celtics 1, Los Angeles Lakers 2")


def test_cards_still_catching_up_when_the_games_re_sort_under_the_pointer_end_right(
    window: MainWindow, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(grid, "BUDGET", 0.0)  # one card a loop turn: the rest wait their turn
    qtbot.mouseMove(window.grid.cards["wc1"])
    qtbot.waitUntil(window.grid.viewport().underMouse)
    soccer = {"sport": "soccer", "league": "World Cup", "names": ("France", "Croatia")}
    final = {"status": "final", "period": Period(4, "Q4", False)}
    window.games.apply([event(1, "nba1", home=51, away=40), event(2, "wc1", home=3, **soccer)])
    assert window.grid.pending > 0  # (the loop has not run: the cards are behind)
    window.games.apply([event(3, "nba1", "game.end", {}, home=51, away=40, **final)])  # re-sorts
    qtbot.waitUntil(lambda: window.grid.waiting)  # (the pointer is over the grid: no re-layout)

    def every_card_newest() -> bool:
        nba1, wc1 = window.grid.cards["nba1"], window.grid.cards["wc1"]
        return (
            nba1.accessibleName().startswith("Boston Celtics 51, Los Angeles Lakers 40, ")
            and nba1.status.text() == "■ FINAL"
            and wc1.accessibleName().startswith("France 3, Croatia 0, ")
        )

    qtbot.waitUntil(every_card_newest)
    assert window.grid.pending == 0
    qtbot.mouseMove(window.search)  # the pointer leaves (it would stay over later tests' grids)
    qtbot.waitUntil(lambda: not window.grid.waiting)
