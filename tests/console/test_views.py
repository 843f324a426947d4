"""What the operator reads: the toolbar, games, log and pending, from the pure model."""

from __future__ import annotations

from broadcaster.console.commands import Show
from broadcaster.console.describe import game_line, score_line
from broadcaster.console.model import Queued, Status
from broadcaster.console.views import show, toolbar
from tests.console.builders import Fed
from tests.present.real import final


def test_the_toolbar_names_the_game_the_link_the_queue_and_the_undo() -> None:
    fed = Fed().live()
    fed.feed("clock.set", {"running": False, "seconds": 431.0})
    fed.feed("score", {"team": "home", "points": 3})
    state = fed.model.state(fed.game_id)
    line = toolbar(state, fed.game_id, Status("offline", "x"), 2, "undone: seq 4 foul", 0.0)
    assert line == (
        "BOS 3–0 LAL · Q1 7:11 ■ · live · fouls 0–0 · timeouts 7–7 │ OFFLINE │ 2 pending │ "
        "undone: seq 4 foul"
    )
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


def test_the_toolbar_reads_real_finals_as_their_fans_do() -> None:
    """Tennis points and server, cricket runs/wickets, overs and this over; no game clock."""
    tennis = final("tennis")
    points = [i for i, e in enumerate(tennis) if e.kind == "point"]
    state = tennis[points[9]].state  # the manifest: set 1, games 0-1, Nadal 40-15
    assert game_line(state, 0.0) == "NAD–DJO 0–1 · 40–15, Nadal serving"
    assert score_line(tennis[-1].state) == "NAD–DJO Djokovic won 6–4 6–1 1–6 6–3"
    cricket = final("cricket")
    balls = [i for i, e in enumerate(cricket) if e.kind == "delivery"]
    line = game_line(cricket[balls[29]].state, 0.0)  # ball 4.6 of England's innings
    assert line.startswith("ENG 23/3 · WI yet to bat · 5.0 ov · RR 4.60 · this over ")
    assert score_line(cricket[-1].state).endswith("West Indies won by 4 wickets")
    for shown in (line, game_line(state, 0.0)):
        assert "▶" not in shown and "■" not in shown and "0:00" not in shown
