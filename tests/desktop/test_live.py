"""The real app against a real ``broadcaster serve`` on port 0, over real websockets.

Publishes go through the real /publish endpoint (tests/helpers/ws.py) on the
same qasync loop; every wait is on a condition the user would see (widgets
found by their accessible names), never a sleep.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop.feed.connection import Status
from desktop.models.plays import PlayRole
from desktop.ui.card import GameCard
from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import WAIT_MS, Runner, find_by_name
from tests.helpers.proc import TOKEN, BroadcasterProcess
from tests.helpers.ws import live_game, open_publisher, publish

BOS_LAL = "Boston Celtics {home}, Los Angeles Lakers {away}, Q1 · "


def score(team: str, points: int, text: str = "") -> dict[str, Any]:
    return {"team": team, "points": points, **({"text": text} if text else {})}


def publish_all(run: Runner, url: str, steps: list[tuple[str, str, dict[str, Any]]]) -> list[int]:
    """Publish ``(game, kind, data)`` steps in order; returns their seqs."""

    async def go() -> list[int]:
        ws = await open_publisher(url, TOKEN)
        try:
            seqs = []
            for game_id, kind, data in steps:
                reply = await publish(ws, game_id, kind, data)
                assert reply["type"] == "ack", reply
                seqs.append(reply["seq"])
            return seqs
        finally:
            await ws.close()

    result: list[int] = run(go())
    return result


def start_game(run: Runner, url: str, game_id: str = "g1", sport: str = "basketball") -> None:
    async def go() -> None:
        ws = await open_publisher(url, TOKEN)
        try:
            await live_game(ws, game_id, sport)
        finally:
            await ws.close()

    run(go())


def window_on_games(
    broadcaster: BroadcasterProcess,
    make_window: Callable[..., MainWindow],
    run: Runner,
    qtbot: Any,
    *sports: str,
) -> MainWindow:
    """A window following live games g1, g2… of these sports, once their cards show."""
    window = make_window(broadcaster.url)
    for n, sport in enumerate(sports, 1):
        start_game(run, broadcaster.publish, f"g{n}", sport)
    qtbot.waitUntil(lambda: len(window.grid.cards) == len(sports), timeout=WAIT_MS)
    return window


def card_for(window: MainWindow, prefix: str, qtbot: Any) -> GameCard:
    """The one game card whose accessible name starts with ``prefix``, once it shows."""

    def cards() -> list[GameCard]:
        return [w for w in find_by_name(window, prefix) if isinstance(w, GameCard)]

    qtbot.waitUntil(lambda: bool(cards()), timeout=WAIT_MS)
    (card,) = cards()
    return card


def test_the_grid_shows_published_scores_and_flags_the_change(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    window = make_window(broadcaster.url)
    start_game(run, broadcaster.publish)
    card = card_for(window, BOS_LAL.format(home=0, away=0), qtbot)
    assert not card.flashing
    publish_all(run, broadcaster.publish, [("g1", "score", score("home", 3, "Tatum 3PT"))])
    card_for(window, BOS_LAL.format(home=3, away=0), qtbot)
    assert find_by_name(window, "Boston Celtics 3")
    assert card.flashing
    assert card.badges["home"].text() == "▲ +3"  # not by colour alone
    assert card.badges["away"].text() == ""
    for label in window.findChildren(QLabel, "score"):  # every visible score is named
        if label.isVisible():
            assert label.text() in label.accessibleName()
    qtbot.waitUntil(lambda: not card.flashing, timeout=WAIT_MS)
    assert card.badges["home"].text() == ""


def test_opening_a_game_shows_its_history_then_live_plays(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    start_game(run, broadcaster.publish)
    seqs = publish_all(
        run,
        broadcaster.publish,
        [
            ("g1", "score", score("home", 2, "Tatum layup")),
            ("g1", "play", {"text": "Brown steal", "team": "home"}),
            ("g1", "score", score("away", 3, "James 3PT")),
        ],
    )
    window = make_window(broadcaster.url)
    card = card_for(window, BOS_LAL.format(home=2, away=3), qtbot)
    card.setFocus()
    qtbot.keyClick(card, Qt.Key.Key_Return)
    detail = window.details["g1"]
    qtbot.waitUntil(lambda: detail.plays.rowCount() == 6, timeout=WAIT_MS)  # create … 3PT
    texts = [detail.plays.index(r).data(PlayRole.TEXT) for r in range(3)]
    assert texts == ["James 3PT (+3), LAL", "BOS: Brown steal", "Tatum layup (+2), BOS"]
    assert detail.plays.seqs()[:3] == seqs[::-1]
    assert find_by_name(detail, "Boston Celtics 2")
    (live,) = publish_all(run, broadcaster.publish, [("g1", "score", score("home", 1, "FT"))])
    qtbot.waitUntil(lambda: detail.plays.seqs()[0] == live, timeout=WAIT_MS)
    assert detail.scores["home"].text() == "3"


def test_a_correction_strikes_the_play_and_fixes_the_score(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    window = make_window(broadcaster.url)
    start_game(run, broadcaster.publish)
    (wrong,) = publish_all(run, broadcaster.publish, [("g1", "score", score("home", 3, "3PT"))])
    card = card_for(window, BOS_LAL.format(home=3, away=0), qtbot)
    detail = window.open_detail("g1")
    qtbot.waitUntil(lambda: wrong in detail.plays.seqs(), timeout=WAIT_MS)
    void = {"target": wrong, "action": "void"}
    (fix,) = publish_all(run, broadcaster.publish, [("g1", "correction", void)])
    assert card_for(window, BOS_LAL.format(home=0, away=0), qtbot) is card
    qtbot.waitUntil(lambda: detail.plays.seqs()[0] == fix, timeout=WAIT_MS)
    row = detail.plays.seqs().index(wrong)
    struck = detail.plays.index(row)
    assert struck.data(PlayRole.VOIDED)
    assert struck.data(Qt.ItemDataRole.FontRole).strikeOut()
    assert struck.data(Qt.ItemDataRole.AccessibleTextRole).startswith("Q1")
    assert "voided" in struck.data(Qt.ItemDataRole.AccessibleTextRole)
    assert detail.plays.index(0).data(PlayRole.TEXT) == f"Correction: play #{wrong} voided"
    assert detail.scores["home"].text() == "0"


def test_after_kill_9_and_restart_the_new_score_shows_with_no_duplicate_play(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    window = make_window(broadcaster.url)
    start_game(run, broadcaster.publish)
    (first,) = publish_all(run, broadcaster.publish, [("g1", "score", score("home", 2))])
    card_for(window, BOS_LAL.format(home=2, away=0), qtbot)
    detail = window.open_detail("g1")
    qtbot.waitUntil(lambda: first in detail.plays.seqs(), timeout=WAIT_MS)
    phases: list[str] = []
    window.client.status_changed.connect(lambda s: phases.append(s.phase))

    broadcaster.kill()
    qtbot.waitUntil(lambda: window.indicator.status.phase == "reconnecting", timeout=WAIT_MS)
    assert "Reconnecting" in window.indicator.text()
    broadcaster.start()  # same port, same journal
    seqs = publish_all(
        run,
        broadcaster.publish,
        [("g1", "score", score("away", 3)), ("g1", "score", score("home", 1))],
    )
    card_for(window, BOS_LAL.format(home=3, away=3), qtbot)
    qtbot.waitUntil(lambda: detail.plays.seqs()[0] == seqs[-1], timeout=WAIT_MS)
    shown = detail.plays.seqs()
    assert len(shown) == len(set(shown))  # nothing twice
    assert shown[:3] == [seqs[1], seqs[0], first]  # nothing lost
    assert window.client.connection is not None
    assert window.client.connection.state.seq == seqs[-1]
    assert "resyncing" not in phases  # same epoch: a resume, not a resync
    assert window.indicator.status.phase == "connected"


def test_a_new_epoch_resyncs_from_a_snapshot(
    broadcaster: BroadcasterProcess,
    make_window: Callable[..., MainWindow],
    run: Runner,
    qtbot: Any,
    tmp_path: Path,
) -> None:
    window = make_window(broadcaster.url)
    start_game(run, broadcaster.publish, "old")
    old = card_for(window, "Boston Celtics 0, Los Angeles Lakers 0", qtbot)
    statuses: list[Status] = []
    window.client.status_changed.connect(statuses.append)
    broadcaster.kill()
    other = BroadcasterProcess(tmp_path / "new-journal.sqlite3", port=broadcaster.port).start()
    try:
        assert other.epoch != broadcaster.epoch
        start_game(run, other.publish, "new", "soccer")
        card_for(window, "France 0, Croatia 0, 1'", qtbot)
        qtbot.waitUntil(lambda: not shiboken6.isValid(old), timeout=WAIT_MS)  # let go
        assert "old" not in window.grid.cards
        assert window.games.row_of("old") is None
        resync = [s for s in statuses if s.phase == "resyncing"]
        assert resync and "epoch" in resync[0].reason
        assert window.client.connection is not None
        assert window.client.connection.state.epoch == other.epoch
    finally:
        other.stop()


def test_clocks_tick_from_the_server_anchor_and_stop_when_stopped(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    window = make_window(broadcaster.url)
    start_game(run, broadcaster.publish)  # period.start runs the clock from 12:00
    card = card_for(window, BOS_LAL.format(home=0, away=0), qtbot)
    qtbot.waitUntil(lambda: "Q1 · 1" in card.phase.text(), timeout=WAIT_MS)
    first = card.phase.text()
    qtbot.waitUntil(lambda: card.phase.text() != first, timeout=WAIT_MS)  # it ticks
    assert card.phase.text() < first  # counting down
    stop = {"running": False, "seconds": 300.0}
    publish_all(run, broadcaster.publish, [("g1", "clock.set", stop)])
    stopped = "Q1 · 5:00"
    qtbot.waitUntil(lambda: card.phase.text() == stopped, timeout=WAIT_MS)
    window.games.tick(window.client.server_time() + 120.0)  # two minutes later
    assert card.phase.text() == stopped
    assert card.accessibleName() == f"Boston Celtics 0, Los Angeles Lakers 0, {stopped}"
