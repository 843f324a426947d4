"""The spoiler-safe delay, in the real app over a real broadcaster: what arrived is held back
(cards, clocks, notifications, the detail's history), then shown in order, once; the delay
can be changed live. (That each update comes out exactly N s later is the pure delay line's
test: tests/desktop/test_delay.py.)"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import WAIT_MS, Runner
from tests.desktop.test_live import card_for, publish_all, score, window_on_games
from tests.desktop.test_notifications import star
from tests.helpers.proc import BroadcasterProcess

HOUR = 3600
BOS_LAL = "Boston Celtics {}, Los Angeles Lakers {}"


def arrived(window: MainWindow, seq: int, qtbot: Any) -> None:
    """The connection has the event (whatever the screen shows)."""
    assert window.client.connection is not None
    state = window.client.connection.state
    qtbot.waitUntil(lambda: state.seq >= seq, timeout=WAIT_MS)


def test_updates_are_held_back_then_shown_in_order_once_when_the_delay_is_shortened(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    window = window_on_games(broadcaster, make_window, run, qtbot, "basketball")
    star(window, BOS_LAL.format(0, 0), qtbot)
    shown: list[int] = []
    window.client.events_applied.connect(lambda events: shown.extend(e.seq for e in events))
    window.set_delay(HOUR)
    assert window.delay_label.text() == "⏱ 3600 s behind"
    steps = [("g1", "score", score("home", 2)), ("g1", "score", score("away", 3))]
    seqs = publish_all(run, broadcaster.publish, [*steps, ("g1", "score", score("home", 1))])
    arrived(window, seqs[-1], qtbot)
    card_for(window, BOS_LAL.format(0, 0), qtbot)  # nothing shown yet
    assert shown == [] and list(window.alerts.sent) == []

    window.set_delay(0)  # changed live: all of it is due now
    card_for(window, BOS_LAL.format(3, 3), qtbot)
    assert shown == seqs  # in order, each once
    assert [n.seq for n in window.alerts.sent] == seqs  # notified only when shown


def test_a_longer_delay_holds_the_picture_and_clocks_and_history_run_as_late(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    window = window_on_games(broadcaster, make_window, run, qtbot, "basketball")
    detail = window.open_detail("g1")
    qtbot.waitUntil(lambda: len(detail.plays.seqs()) >= 3, timeout=WAIT_MS)  # create, start…
    window.set_delay(HOUR)
    (held,) = publish_all(run, broadcaster.publish, [("g1", "score", score("home", 2))])
    arrived(window, held, qtbot)
    assert window.client.connection is not None
    now = time.time()
    assert window.client.server_time(now) == window.client.connection.state.server_time(now - HOUR)
    detail.close()
    qtbot.waitUntil(lambda: "g1" not in window.details, timeout=WAIT_MS)
    late = window.open_detail("g1")  # a fresh history page: without what is held back
    qtbot.waitUntil(lambda: len(late.plays.seqs()) >= 3, timeout=WAIT_MS)
    assert held not in late.plays.seqs()
    card_for(window, BOS_LAL.format(0, 0), qtbot)
    window.set_delay(0)
    card_for(window, BOS_LAL.format(2, 0), qtbot)
    qtbot.waitUntil(lambda: held in late.plays.seqs(), timeout=WAIT_MS)
