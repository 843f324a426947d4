"""The issue's proof of scale-out, as a fan sees it: three broadcaster nodes on one NATS
JetStream stream (a real three-server cluster), a score published on node A arrives on a
scoreboard connected to node B; node B is killed with -9 and the scoreboard carries on
from node C where it was, without a snapshot, a gap or a duplicate."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import Runner
from tests.desktop.test_failover import BOS_LAL, on_second
from tests.desktop.test_live import card_for, publish_all, score, start_game
from tests.helpers.cluster import nodes_on
from tests.helpers.nats import NatsCluster

_streams = itertools.count()


def test_a_scoreboard_on_node_b_sees_node_a_and_carries_on_from_node_c(
    nats_cluster: NatsCluster,
    tmp_path: Path,
    make_window: Callable[..., MainWindow],
    run: Runner,
    qtbot: Any,
) -> None:
    with nodes_on(nats_cluster, f"D{next(_streams)}", tmp_path) as (a, b, c):
        window = make_window(b.url, fallbacks=[c.url])
        start_game(run, a.publish)
        publish_all(run, a.publish, [("g1", "score", score("home", 3))])
        card_for(window, BOS_LAL.format(home=3, away=0), qtbot)  # published on A, seen via B
        snapshots: list[bool] = []
        window.client.games_reset.connect(lambda _games, changed: snapshots.append(changed))

        b.kill()
        publish_all(run, a.publish, [("g1", "score", score("away", 2))])
        card_for(window, BOS_LAL.format(home=3, away=2), qtbot)
        on_second(window, c, qtbot)
        connection = window.client.connection
        assert connection is not None and connection.url == f"{c.url}/feed"
        assert snapshots == []  # resumed on C from (epoch, seq): the same journal
        state = connection.state
        assert (state.seq, state.duplicates, state.gaps) == (5, 0, 0)
        publish_all(run, c.publish, [("g1", "score", score("home", 1))])  # C takes publishes
        card_for(window, BOS_LAL.format(home=4, away=2), qtbot)
