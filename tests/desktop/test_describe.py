"""Games and plays in words (desktop/models/describe.py)."""

from __future__ import annotations

import pytest

from broadcaster.protocol import Clock, Period
from desktop.models.describe import (
    clock_text,
    detail_rows,
    event_text,
    period_name,
    phase_text,
    summary,
)
from tests.desktop.factories import state


@pytest.mark.parametrize(
    ("label", "number", "name"),
    [
        ("Q3", 3, "3rd quarter"),
        ("H1", 1, "1st half"),
        ("P2", 2, "2nd period"),
        ("OT", 5, "overtime"),
        ("2OT", 6, "2nd overtime"),
        ("ET2", 4, "extra time, 2nd half"),
        ("PEN", 5, "penalty shoot-out"),
        ("I11", 11, "11th inning"),
        ("Bot 3", 6, "bottom of the 3rd"),
        ("Set 3", 3, "Set 3"),  # unknown labels are shown as they come
        ("", 2, "period 2"),
    ],
)
def test_period_names(label: str, number: int, name: str) -> None:
    assert period_name(label, number) == name


def test_the_whole_line_a_screen_reader_reads() -> None:
    game = state(
        home=87,
        away=84,
        period=Period(3, "Q3", True),
        clock=Clock(True, 431.0, "down", 100.0),
    )
    assert summary(game, server_now=100.0) == (
        "Boston Celtics 87, Los Angeles Lakers 84, 3rd quarter, 7:11 left"
    )


def test_a_running_clock_reads_from_its_anchor_and_a_stopped_one_does_not_move() -> None:
    running = state(clock=Clock(True, 431.0, "down", 100.0))
    assert clock_text(running, 100.0) == "7:11"
    assert clock_text(running, 110.5) == "7:01"
    stopped = state(clock=Clock(False, 300.0, "down", 100.0))
    assert clock_text(stopped, 5000.0) == "5:00"
    assert phase_text(stopped, 5000.0) == "1st quarter, 5:00 left, clock stopped"
    soccer = state(sport="soccer", period=Period(2, "H2", True), clock=Clock(True, 2700, "up", 0))
    assert phase_text(soccer, 65.0) == "2nd half, 46:05 played"


@pytest.mark.parametrize(
    ("status", "period", "words"),
    [
        ("final", Period(4, "Q4", False), "final"),
        ("break", Period(2, "Q2", False), "end of 2nd quarter"),
        ("live", Period(1, "H1", False), "end of 1st half"),
        ("postponed", Period(), "postponed"),
    ],
)
def test_phases(status: str, period: Period, words: str) -> None:
    assert phase_text(state(status=status, period=period), 0.0) == words


def test_a_scheduled_game_reads_versus() -> None:
    game = state(status="scheduled", period=Period())
    assert summary(game, 0.0) == "Boston Celtics versus Los Angeles Lakers, scheduled"


def test_event_texts() -> None:
    game = state()
    score = {"team": "home", "points": 3, "player": "J. Tatum", "text": "Tatum 3PT jump shot"}
    assert event_text("score", score, game) == "+3 BOS: Tatum 3PT jump shot"
    assert event_text("correction", {"target": 12, "action": "void"}, game) == (
        "Correction: play #12 voided"
    )
    assert event_text("foul", {"team": "away", "player": "James"}, game) == "Foul · LOS — James"
    assert event_text("wicket", {"text": "bowled"}, game) == "Wicket: bowled"  # any sport


def test_detail_rows_split_by_side_whatever_the_sport() -> None:
    game = state(
        detail={
            "fouls": {"home": 3, "away": 4},
            "cards": {"home": {"yellow": 1, "red": 0}, "away": {"yellow": 0, "red": 1}},
            "stoppage": 4,
            "shootout": None,
            "sent_off": {"home": [], "away": ["Smith"]},
        }
    )
    assert detail_rows(game) == [
        ("Fouls", "3", "4"),
        ("Cards", "yellow 1, red 0", "yellow 0, red 1"),
        ("Stoppage", "4", ""),
        ("Sent off", "—", "Smith"),
    ]
