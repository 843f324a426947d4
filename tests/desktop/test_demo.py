"""``scoreboard --demo``: the embedded broadcaster plays feed files at a lively pace."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from broadcaster.feed import FeedItem, feed_line
from broadcaster.protocol import Publish
from desktop.app import start_demo
from desktop.demo import Demo, load_scripts
from desktop.demo.pacing import PeriodRun, schedule, speed_for
from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import WAIT_MS, Runner, find_by_name

TEAMS = {
    "home": {"name": "Demo Hawks", "short": "HAW"},
    "away": {"name": "Demo Owls", "short": "OWL"},
}


def write_feed(folder: Path, game_id: str = "demo-1") -> Path:
    steps: list[tuple[float, str, dict[str, Any]]] = [
        (0.0, "game.create", {"sport": "basketball", "league": "Demo", **TEAMS}),
        (0.0, "game.start", {}),
        (0.0, "period.start", {}),
        (60.0, "score", {"team": "home", "points": 2}),
        (120.0, "score", {"team": "away", "points": 3}),
    ]
    lines = [
        feed_line(Publish(f"{game_id}-{i}", game_id, kind, data), at)
        for i, (at, kind, data) in enumerate(steps)
    ]
    path = folder / f"{game_id}.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def demo_stopper(run: Runner) -> Iterator[list[Demo]]:
    demos: list[Demo] = []
    yield demos
    for demo in demos:
        run(demo.stop())


def test_the_demo_plays_its_feeds_into_the_app_round_after_round(
    make_window: Callable[..., MainWindow],
    run: Runner,
    qtbot: Any,
    tmp_path: Path,
    demo_stopper: list[Demo],
) -> None:
    write_feed(tmp_path)
    scripts, problems = load_scripts(tmp_path)
    assert problems == []
    demo = Demo(scripts, speed=600.0, pause=0.5)
    demo_stopper.append(demo)
    run(demo.start())
    window = make_window(demo.url)
    qtbot.waitUntil(
        lambda: bool(find_by_name(window, "Demo Hawks 2, Demo Owls 3")), timeout=WAIT_MS
    )
    qtbot.waitUntil(lambda: demo.round >= 2, timeout=WAIT_MS)  # a fresh journal: a new epoch
    qtbot.waitUntil(
        lambda: bool(find_by_name(window, "Demo Hawks 2, Demo Owls 3")), timeout=WAIT_MS
    )
    assert window.games.rowCount() == 1  # the new round replaced the old games


def test_without_feed_files_the_demo_says_so_and_the_app_still_runs(
    make_window: Callable[..., MainWindow],
    run: Runner,
    qtbot: Any,
    tmp_path: Path,
    demo_stopper: list[Demo],
) -> None:
    (tmp_path / "broken.jsonl").write_text('{"type": "subscribe"}\n', encoding="utf-8")
    window = make_window("ws://127.0.0.1:9")  # the demo replaces it
    demo = run(start_demo(window, tmp_path))
    demo_stopper.append(demo)
    assert "no feed files" in window.statusBar().currentMessage()
    assert demo.url.startswith("ws://127.0.0.1:")


def test_feeds_are_compressed_to_a_few_minutes() -> None:
    items = [FeedItem(Publish("a", "g", "game.start"), at) for at in (0.0, None, 24000.0)]
    assert schedule(items) == [0.0, 0.0, 24000.0]
    assert speed_for(items) == 100.0  # 24000 s of feed in 240 s
    assert speed_for(items[:1]) == 40.0


def test_demo_clocks_follow_the_feed_through_a_period() -> None:
    quarter = PeriodRun(clock_start=720.0, clock_end=0.0, feed_start=100.0, feed_end=1540.0)
    assert quarter.clock_at(100.0) == 720.0
    assert quarter.clock_at(820.0) == 360.0  # halfway through the feed's quarter
    assert quarter.clock_at(5000.0) == 0.0
    half = PeriodRun(clock_start=2700.0, clock_end=5400.0, feed_start=0.0, feed_end=None)
    assert half.clock_at(60.0) == 2760.0
