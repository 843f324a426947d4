"""A burst of events: coalesced into frames and paced onto the cards, nothing lost.

The feed client gathers events into one update per frame while they pour in,
and the grid shows changed rows for a few milliseconds per loop turn, the
rest on the next turns. These tests prove that pacing ends where the
broadcaster ends: every card's accessible name (what a screen reader reads)
and its score labels show the last state, whatever was skipped on the way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QApplication
from websockets.asyncio.client import connect

from broadcaster.protocol import Event
from desktop.feed.client import FeedClient
from desktop.settings import Settings
from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import WAIT_MS, Runner
from tests.desktop.factories import event, state
from tests.helpers.proc import TOKEN, BroadcasterProcess
from tests.helpers.ws import live_game, open_publisher, pub, recv, send

GAMES = 12
BURST = 600  # publishes sent back to back, without waiting for their acks


def burst() -> list[dict[str, Any]]:
    """What to publish: scores spread over every game, both sides, 1 to 3 points."""
    sides = ("home", "away")
    return [
        pub(f"b{n % GAMES}", "score", {"team": sides[n // GAMES % 2], "points": 1 + n % 3})
        for n in range(BURST)
    ]


async def publish_burst(url: str) -> int:
    """Create the games, then send every publish before reading one ack; returns the acked."""
    ws = await open_publisher(url, TOKEN)
    try:
        for n in range(GAMES):
            await live_game(ws, f"b{n}")
        for msg in burst():
            await send(ws, msg)
        replies = [await recv(ws) for _ in range(BURST)]
    finally:
        await ws.close()
    return sum(r["type"] == "ack" for r in replies)


async def final_states(url: str) -> dict[str, tuple[int, int]]:
    """The broadcaster's own word: each game's score in a fresh snapshot."""
    async with connect(f"{url}/feed") as ws:
        await recv(ws)
        await ws.send(json.dumps({"type": "subscribe", "games": ["*"]}))
        snapshot = await recv(ws)
    return {g["game_id"]: (g["home"]["score"], g["away"]["score"]) for g in snapshot["games"]}


def card_line(home: int, away: int) -> str:
    return f"Boston Celtics {home}, Los Angeles Lakers {away}, "


def test_a_burst_ends_with_every_card_on_the_broadcasters_final_score(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    window = make_window(broadcaster.url)
    batches: list[list[Event]] = []
    window.client.events_applied.connect(batches.append)
    acked = run(publish_burst(broadcaster.publish))
    assert acked > BURST // 2  # a real burst got through (the rest may be rate-limited)
    final = run(final_states(broadcaster.url))
    assert len(final) == GAMES

    def shown() -> dict[str, str]:
        return {g: card.accessibleName() for g, card in window.grid.cards.items()}

    def every_card_final() -> bool:
        names = shown()
        return len(names) == GAMES and all(
            names[g].startswith(card_line(*score)) for g, score in final.items()
        )

    qtbot.waitUntil(every_card_final, timeout=WAIT_MS)
    for game_id, (home, away) in final.items():
        card = window.grid.cards[game_id]
        assert card.scores["home"].text() == str(home)
        assert card.scores["away"].text() == str(away)
        assert card.scores["home"].accessibleName() == f"Boston Celtics {home}"
        assert window.score_text(game_id).startswith(card_line(home, away))
    scores = [e for batch in batches for e in batch if e.kind == "score"]
    assert len(scores) == acked  # every event reached the models, once, in order
    assert [e.seq for e in scores] == sorted(e.seq for e in scores)
    assert len(batches) < len(scores)  # … in frames, not one update per event


def test_rows_changed_again_before_their_cards_caught_up_show_their_newest_state(
    qtbot: Any,
) -> None:
    window = MainWindow(FeedClient(), Settings())
    qtbot.addWidget(window)
    window.resize(1600, 900)
    ids = [f"g{n:02d}" for n in range(60)]
    window.games.reset([state(g) for g in ids], epoch_changed=True)
    window.show()
    qtbot.waitUntil(lambda: len(window.grid.visible_games()) == len(ids))
    for points in range(1, 6):  # five updates of every game, no loop turn between them
        window.games.apply([event(n, g, home=points, away=2 * points) for n, g in enumerate(ids)])
    QApplication.processEvents()

    def every_card_newest() -> bool:
        return all(window.grid.cards[g].accessibleName().startswith(card_line(5, 10)) for g in ids)

    qtbot.waitUntil(every_card_newest, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.grid.pending == 0, timeout=WAIT_MS)  # re-marked rows drain
    assert every_card_newest()
    for g in ids:
        assert window.grid.cards[g].scores["away"].text() == "10"
        assert window.grid.cards[g].badges["home"].text().startswith("▲ +")  # since last shown
