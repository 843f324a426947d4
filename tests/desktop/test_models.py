"""Qt item models over plain state values: qtmodeltester, in-place updates, filters."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from broadcaster.protocol import Clock, Period
from desktop.models.filter import GamesFilter
from desktop.models.games import GamesModel, Role
from desktop.models.plays import PlayRole, PlaysModel
from tests.desktop.factories import event, state


def games_model() -> GamesModel:
    model = GamesModel()
    model.reset(
        [
            state("nba1", 10, 8),
            state("nba2", 0, 0, status="scheduled", period=Period()),
            state("wc1", 1, 0, sport="soccer", league="World Cup", names=("France", "Croatia")),
            state(
                "wc2",
                2,
                2,
                sport="soccer",
                league="World Cup",
                status="final",
                names=("Argentina", "France"),
            ),
        ],
        epoch_changed=True,
    )
    return model


def test_games_model_passes_qtmodeltester(qtmodeltester: Any) -> None:
    model = games_model()
    qtmodeltester.check(model, force_py=True)
    model.apply([event(9, "nba1", home=12, away=8), event(10, "new", home=0, away=0)])
    qtmodeltester.check(model, force_py=True)


def test_updates_change_rows_in_place_without_a_reset(qtbot: Any) -> None:
    model = games_model()
    resets: list[int] = []
    model.modelAboutToBeReset.connect(lambda: resets.append(1))
    changed: list[int] = []
    model.dataChanged.connect(lambda tl, br: changed.extend(range(tl.row(), br.row() + 1)))
    with qtbot.waitSignal(model.score_changed) as blocker:
        model.apply([event(9, "nba1", home=11, away=8), event(10, "nba1", home=13, away=8)])
    assert blocker.args == ["nba1", "home", 1]
    assert changed == [0]  # one row, once, for a batch of two events
    assert model.state("nba1").home.score == 13  # type: ignore[union-attr]
    model.reset([state("nba1", 13, 8), state("wc1", 1, 1)], epoch_changed=False)
    assert resets == []  # same epoch: merged in place
    assert [g.game_id for g in model.games()] == ["nba1", "wc1"]
    model.reset([state("other")], epoch_changed=True)
    assert resets == [1]


def test_ticking_signals_only_running_clocks_whose_text_changed() -> None:
    model = GamesModel()
    running = state("run", clock=Clock(True, 600.0, "down", 0.0))
    stopped = state("stop", clock=Clock(False, 300.0, "down", 0.0))
    model.reset([running, stopped], epoch_changed=True)
    changed: list[int] = []
    model.dataChanged.connect(lambda tl, br: changed.append(tl.row()))
    model.tick(0.2)
    model.tick(0.4)  # same text: no signal
    model.tick(1.2)
    assert changed == [0, 0]
    assert model.index(0).data(Role.CLOCK) == "9:59"
    assert model.index(1).data(Role.CLOCK) == "5:00"


def test_filter_orders_favourites_first_then_leagues_live_before_final(qtmodeltester: Any) -> None:
    model = games_model()
    view = GamesFilter()
    view.setSourceModel(model)
    qtmodeltester.check(view, force_py=True)

    def ids() -> list[str]:
        return [view.index(r, 0).data(Role.GAME_ID) for r in range(view.rowCount())]

    assert ids() == ["nba1", "nba2", "wc1", "wc2"]
    model.set_favourites({"Argentina"})
    assert ids() == ["wc2", "nba1", "nba2", "wc1"]
    view.set_live_only(True)
    assert ids() == ["nba1", "wc1"]
    view.set_live_only(False)
    view.set_sport("soccer")
    assert ids() == ["wc2", "wc1"]
    view.set_sport("")
    view.set_search("croat")
    assert ids() == ["wc1"]
    view.set_search("world france")
    assert ids() == ["wc2", "wc1"]
    view.set_search("")
    view.set_league("NBA")
    assert ids() == ["nba1", "nba2"]


def test_plays_model_merges_history_and_live_newest_first(qtmodeltester: Any) -> None:
    plays = PlaysModel("g1")
    plays.add([event(5), event(7)])
    plays.add_history([event(7), event(6), event(3), event(2)], limit=4)
    plays.add([event(8, "other-game"), event(8, kind="clock.set", data={"running": True})])
    assert plays.seqs() == [7, 6, 5, 3, 2]
    assert plays.canFetchMore(plays.index(0).parent())  # a full page: older plays exist
    with_more: list[tuple[str, int]] = []
    plays.history_wanted.connect(lambda g, before: with_more.append((g, before)))
    plays.fetchMore(plays.index(0).parent())
    assert with_more == [("g1", 2)]
    qtmodeltester.check(plays, force_py=True)


def test_a_correction_strikes_its_target_and_says_what_it_did(qtmodeltester: Any) -> None:
    plays = PlaysModel("g1")
    score = {"team": "home", "points": 3, "text": "Tatum 3PT"}
    plays.add([event(4, data=score, home=3)])
    void = event(5, kind="correction", data={"target": 4, "action": "void"}, home=0)
    plays.add([void])
    target = plays.index(1)
    assert target.data(PlayRole.SEQ) == 4
    assert target.data(PlayRole.VOIDED) is True
    assert target.data(Qt.ItemDataRole.FontRole).strikeOut()
    assert "voided by correction #5" in target.data(Qt.ItemDataRole.AccessibleTextRole)
    assert plays.index(0).data(PlayRole.TEXT) == "Correction: play #4 voided"
    # A correction seen before its target (history arrives later) still marks it.
    late = PlaysModel("g1")
    amend = {"target": 4, "action": "amend", "data": {"team": "home", "points": 2}}
    late.add([event(5, kind="correction", data=amend, home=2)])
    late.add_history([event(4, data=score, home=3)])
    assert late.index(1).data(PlayRole.CORRECTION) == "amended to: 2 points BOS"
    qtmodeltester.check(late, force_py=True)


class CountingFilter(GamesFilter):
    """Counts the comparisons the proxy makes: re-sorting shows up here."""

    compared = 0

    def lessThan(self, left: Any, right: Any) -> bool:  # noqa: N802
        self.compared += 1
        return super().lessThan(left, right)


def test_scores_and_clocks_do_not_resort_the_grid_but_a_status_change_does() -> None:
    model = games_model()
    view = CountingFilter()
    view.setSourceModel(model)
    view.set_live_only(True)
    assert view.rowCount() == 2  # nba1, wc1
    layouts: list[int] = []
    view.layoutAboutToBeChanged.connect(lambda *_: layouts.append(1))
    view.modelAboutToBeReset.connect(lambda: layouts.append(1))
    view.compared = 0
    running = Clock(True, 600.0, "down", 0.0)
    model.apply([event(20, "nba1", home=12, away=8, clock=running)])
    model.tick(5.0)
    assert (view.compared, layouts) == (0, [])  # rows changed in place, nothing re-sorted
    assert view.index(0, 0).data(Role.STATE).home.score == 12
    final = Period(4, "Q4", False)
    model.apply([event(21, "nba1", home=12, away=8, status="final", period=final)])
    assert [view.index(r, 0).data(Role.GAME_ID) for r in range(view.rowCount())] == ["wc1"]
    assert view.compared or layouts  # the order and the live filter were worked out again
