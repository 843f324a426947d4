"""The three real finals replayed through a real broadcaster into the real app, read as fans do.

The finals come from ``../shared/data/real/`` through the importers; each step is
published to ``broadcaster serve`` over the real /publish endpoint. A soccer
goal's minute is the game clock's, so before each goal the clock is set to where
the source says it was (as an operator would); the rest is published as it comes.
Everything is read back from accessible names, as a screen reader would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel

from desktop.models.plays import PlayRole
from desktop.ui.detail import DetailWindow
from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import WAIT_MS, Runner, find_by_name
from tests.desktop.test_live import card_for, publish_all
from tests.helpers.proc import BroadcasterProcess
from tests.present.real import final

Steps = list[tuple[str, str, dict[str, Any]]]
SOCCER = "Argentina 3, France 3, Argentina won 4–2 on penalties"
CRICKET = "England 155/9, West Indies 161/6, West Indies won by 4 wickets"
TENNIS = "Rafael Nadal 4 1 6 3, Novak Djokovic 6 6 1 6, Djokovic won 6–4 6–1 1–6 6–3"


def steps(sport: str) -> Steps:
    """The final's publishes; a goal is preceded by a clock.set to its minute."""
    out: Steps = []
    previous = None
    for event in final(sport):
        if event.kind == "score" and previous is not None and previous.clock.running:
            seconds = previous.clock.value(event.time)
            out.append((event.game_id, "clock.set", {"running": True, "seconds": seconds}))
        out.append((event.game_id, event.kind, event.data))
        previous = event.state
    return out


def open_detail(window: MainWindow, game_id: str, qtbot: Any) -> DetailWindow:
    detail = window.open_detail(game_id)
    done = lambda: detail.story.last is not None and detail.story.last.status == "final"  # noqa: E731
    qtbot.waitUntil(done, timeout=WAIT_MS)
    return detail


def test_the_three_finals_read_right_on_the_cards_and_in_the_detail(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    for sport in ("soccer", "cricket", "tennis"):
        publish_all(run, broadcaster.publish, steps(sport))
    window = make_window(broadcaster.url)
    for sentence in (SOCCER, CRICKET, TENNIS):
        card = card_for(window, sentence, qtbot)
        assert card.accessibleName() == sentence
    soccer = open_detail(window, "openfootball-2022-64-arg-fra", qtbot)
    assert soccer.line_score.text() == (
        "1st 2nd ET1 ET2 Goals Pens | ARG 2 0 0 1 3 4 | FRA 0 2 0 1 3 2"
    )
    assert "ARG goals: Messi 23' (pen), Di María 36', Messi 108'" in soccer.panel.texts()
    assert "FRA Penalties: ✓ ✓ ✕ ✕  (2)" in soccer.panel.texts()
    assert soccer.phase.accessibleName() == "Argentina won 4–2 on penalties"
    assert "Game flow over min: ARG 3, FRA 3" in soccer.flow.accessibleName()
    cricket = open_detail(window, "cricsheet-2016-04-03-eng-wi", qtbot)
    assert cricket.line_score.text() == (
        "Score Overs Extras Run rate | ENG 155/9 20.0 5 7.75 | WI 161/6 19.4 9 8.19"
    )
    assert cricket.line_score.caption.text() == "West Indies won by 4 wickets"
    assert find_by_name(cricket, "West Indies 161/6")
    plays = [cricket.plays.index(r).data(PlayRole.TEXT) for r in range(cricket.plays.rowCount())]
    assert plays[:3] == [
        "Final · West Indies won by 4 wickets",
        "End of 2nd innings",
        "SIX! Brathwaite, 19.4, Stokes to Brathwaite",
    ]
    tennis = open_detail(window, "tennis-slam-2011-wimbledon-1701", qtbot)
    assert tennis.line_score.text() == "1 2 3 4 Sets | Nadal 4 1 6 3 1 | Djokovic 6 6 1 6 3"
    assert "NAD Points won: 82" in tennis.panel.texts()


def test_a_chase_in_progress_then_the_result(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    everything = steps("cricket")
    innings_break = next(i for i, s in enumerate(everything) if s[1] == "period.end")
    window = make_window(broadcaster.url)
    publish_all(run, broadcaster.publish, everything[: innings_break - 90])
    batting = card_for(window, "England ", qtbot)  # England batting, West Indies not yet
    assert batting.scores["away"].text() == "yet to bat"
    assert find_by_name(window, "England batting")
    # the latency readout is where developers look, not in the status bar
    qtbot.waitUntil(lambda: window.indicator.toolTip().startswith("event→screen"), timeout=WAIT_MS)
    assert "event→screen" in window.about_text()
    assert not [w for w in window.statusBar().findChildren(QLabel) if "event→screen" in w.text()]
    chase = [i for i, s in enumerate(everything) if s[1] == "delivery"][-5]  # before the sixes
    publish_all(run, broadcaster.publish, everything[innings_break - 90 : chase + 1])
    card_for(window, "England 155/9, West Indies 137/6, 19.0 ov · WI need 19 from 6", qtbot)
    publish_all(run, broadcaster.publish, everything[chase + 1 :])
    assert card_for(window, CRICKET, qtbot) is batting


def test_a_bases_diamond_says_where_the_runners_are(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    window = make_window(broadcaster.url)
    game = {"sport": "baseball", "league": "MLB", "home": {"name": "Old Mill", "short": "OMG"},
            "away": {"name": "Copper Valley", "short": "CVH"}}  # fmt: skip
    publish_all(run, broadcaster.publish, [
        ("b1", "game.create", game), ("b1", "game.start", {}), ("b1", "period.start", {}),
        ("b1", "out", {}), ("b1", "hit", {"bases": 2, "player": "Ohtani"}),
        ("b1", "pitch", {"result": "ball"}), ("b1", "pitch", {"result": "strike"}),
    ])  # fmt: skip
    card_for(window, "Old Mill 0, Copper Valley 0, Top 1st · 1 out · 1-1 · runner on 2nd", qtbot)
    assert find_by_name(window, "Bases: runner on 2nd, 1 out")


def test_a_lost_feed_marks_every_card_stale_until_it_resumes(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    publish_all(run, broadcaster.publish, steps("tennis"))
    window = make_window(broadcaster.url)
    card = card_for(window, TENNIS, qtbot)
    detail = window.open_detail("tennis-slam-2011-wimbledon-1701")
    broadcaster.kill()
    qtbot.waitUntil(lambda: "No connection" in card.accessibleName(), timeout=WAIT_MS)
    assert card.status.text() == "⚠ NOT LIVE"
    assert card.phase.text().startswith("⚠ No connection")
    assert detail.phase.accessibleName().startswith("⚠ No connection")
    broadcaster.start()  # the same journal on the same port
    qtbot.waitUntil(lambda: card.accessibleName() == TENNIS, timeout=WAIT_MS)
    assert card.status.text() == "■ FINAL"
    assert detail.phase.accessibleName() == "Djokovic won 6–4 6–1 1–6 6–3"


def test_a_card_seen_mid_game_still_names_the_scorers(
    broadcaster: BroadcasterProcess, make_window: Callable[..., MainWindow], run: Runner, qtbot: Any
) -> None:
    everything = steps("soccer")
    second_half = [i for i, s in enumerate(everything) if s[1] == "period.start"][1]
    publish_all(run, broadcaster.publish, everything[: second_half + 1])
    window = make_window(broadcaster.url)  # the goals came before it connected
    card = card_for(window, "Argentina 2, France 0, ", qtbot)
    qtbot.waitUntil(
        lambda: "Messi 23' (pen), Di María 36'" in card.accessibleName(), timeout=WAIT_MS
    )
    assert card.phase.toolTip().endswith("· Messi 23' (pen), Di María 36'")
