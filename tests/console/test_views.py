"""What the operator reads: the toolbar, games, log and pending, from the pure model."""

from __future__ import annotations

from broadcaster.console.commands import Show
from broadcaster.console.model import Queued, Status
from broadcaster.console.views import show, toolbar
from tests.console.builders import Fed


def test_the_toolbar_names_the_game_the_link_the_queue_and_the_undo() -> None:
    fed = Fed().live()
    fed.feed("clock.set", {"running": False, "seconds": 431.0})
    fed.feed("score", {"team": "home", "points": 3})
    state = fed.model.state(fed.game_id)
    line = toolbar(state, fed.game_id, Status("offline", "x"), 2, "undone: seq 4 foul", 0.0)
    assert line == "BOS 3–0 LAL · Q1 7:11 ■ · live │ OFFLINE │ 2 pending │ undone: seq 4 foul"
    refused = toolbar(state, fed.game_id, Status("refused", "HTTP 401"), 0, "", 0.0)
    assert refused.endswith("│ REFUSED (HTTP 401)")
    assert toolbar(None, None, Status("online"), 0, "", 0.0).startswith("no game: new")


def test_log_numbers_events_marks_voids_and_shows_the_queue() -> None:
    fed = Fed().live().loaded()
    seq = fed.feed("score", {"team": "home", "points": 3, "player": "Tatum"})
    fed.feed("correction", {"target": seq, "action": "void"})
    fed.model.queue(Queued("c-1", fed.game_id, "foul", {"team": "away"}, at=100.0))
    fed.model.queue(Queued("c-2", fed.game_id, "correction", {"action": "void"}, ref="c-1"))
    text = show(Show("log", "4"), fed.model, fed.game_id, 0.0)
    assert text.splitlines() == [
        "     4  score BOS +3 Tatum   (voided)",
        "     5  void event 4 (score BOS +3 Tatum)",
        "     …  foul LAL   (queued, undone)",
        "     …  void (queued foul LAL)   (queued)",
    ]
    assert "2 waiting" in show(Show("pending"), fed.model, fed.game_id, 0.0)
    assert show(Show("games"), fed.model, fed.game_id, 0.0).startswith("* g1  BOS 3–0 LAL")
