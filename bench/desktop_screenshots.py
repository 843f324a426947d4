"""Take the scoreboard's screenshots for docs/ from the real app playing the demo feeds.

Run under a real X server (Xvfb), from the repository root:

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python bench/desktop_screenshots.py

It runs the demo for ``--seconds`` (so games are under way), saves the main
window, then one game of each sport: its card and its detail view; last the
main window narrowed to one column. Files are named by sport and theme.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import qasync
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication, QWidget

from broadcaster import importers
from broadcaster.importers.common import ImportedGame
from broadcaster.protocol import GameState, Publish
from broadcaster.sports import SPORTS, apply, create_game
from desktop.app import start_demo
from desktop.demo import Demo
from desktop.feed.client import FeedClient
from desktop.settings import Settings
from desktop.ui.main_window import MainWindow


async def demo_window(
    settings: Settings, width: int, height: int
) -> tuple[FeedClient, MainWindow, Demo]:
    """The real window following the demo broadcaster, shown, the pointer out of its way."""
    client = FeedClient()
    window = MainWindow(client, settings)
    window.resize(width, height)
    demo = await start_demo(window)
    client.start(demo.url)
    window.show()
    QCursor.setPos(0, 0)  # not over the grid: it would wait for the pointer to re-sort
    return client, window, demo


async def shoot(app: QApplication, out: Path, seconds: float, theme: str) -> None:
    client, window, demo = await demo_window(Settings(theme=theme), 1240, 760)
    try:
        await asyncio.sleep(seconds)
        games = window.games.games()
        if games:
            familiar = ("basketball", "soccer")  # a detail most readers know how to read
            busiest = max(games, key=lambda g: (g.status == "live", g.sport in familiar, g.seq))
            window.settings.favourites = [busiest.home.name]
            window.games.set_favourites(window.settings.favourites)
        await asyncio.sleep(0.5)
        save(window, out / f"scoreboard-{theme}.png")
        for sport, game in sorted(one_per_sport(games).items()):
            await shoot_game(window, game.game_id, out, f"{sport}-{theme}")
        window.resize(700, 760)  # a narrow window: one column, nothing overlaps
        await asyncio.sleep(0.5)
        save(window, out / f"scoreboard-narrow-{theme}.png")
    finally:
        await client.stop()
        await demo.stop()
        window.close()


FINALS = {  # sport: (import format, file, matches file, a part of the game id)
    "soccer": ("openfootball", "soccer/openfootball_worldcup_2022.json", None, "2022-64"),
    "cricket": ("cricsheet", "cricket/cricsheet_951373.yaml", None, "eng-wi"),
    "tennis": ("tennis-slam", "tennis/slam_2011-wimbledon-points.csv",
               "tennis/slam_2011-wimbledon-matches.csv", "wimbledon-1701"),
}  # fmt: skip


async def shoot_finals(app: QApplication, out: Path, real: Path, theme: str) -> None:
    """The three real finals, published whole into an embedded broadcaster: cards and details."""
    client = FeedClient()
    window = MainWindow(client, Settings(theme=theme))
    window.resize(1240, 420)
    with tempfile.TemporaryDirectory() as empty:
        demo = await start_demo(window, Path(empty))
    client.start(demo.url)
    window.show_message("The three real finals, published whole")  # not the empty demo folder
    window.show()
    QCursor.setPos(0, 0)
    try:
        ids = itertools.count()
        assert demo.broadcaster is not None
        hub = demo.broadcaster.hub
        for fmt, name, matches, only in FINALS.values():
            text = (real / name).read_text(encoding="utf-8")
            more = (real / matches).read_text(encoding="utf-8") if matches else None
            (game,) = [g for g in importers.parse(fmt, text, more) if only in g.game_id]
            for kind, data in with_clock(game):
                publish = Publish(f"shots-{next(ids)}", game.game_id, kind, data)
                await hub.publish(publish, "screenshots")
        await asyncio.sleep(2.0)
        save(window, out / f"finals-{theme}.png")
        for state in window.games.games():
            await shoot_game(window, state.game_id, out, f"{state.sport}-{theme}", "final-")
    finally:
        await client.stop()
        await demo.stop()
        window.close()


def with_clock(game: ImportedGame) -> list[tuple[str, dict[str, Any]]]:
    """The game's steps, each goal preceded by a clock.set to where the source says the clock
    was (folded through the pure rules), as an operator would: published all at once, the
    minutes of the goals stay right."""
    first = game.steps[0]
    state = create_game(game.game_id, first.data, SPORTS)
    out: list[tuple[str, dict[str, Any]]] = [(first.kind, dict(first.data))]
    for step in game.steps[1:]:
        at = step.at or 0.0
        if step.kind == "score" and state.clock.running:
            out.append(("clock.set", {"running": True, "seconds": state.clock.value(at)}))
        out.append((step.kind, dict(step.data)))
        state = apply(SPORTS[state.sport], state, step.kind, step.data, at)
    return out


async def shoot_game(
    window: MainWindow, game_id: str, out: Path, name: str, prefix: str = ""
) -> None:
    """A game's card and its detail view."""
    card = window.grid.cards.get(game_id)
    if card is not None:
        save(card, out / f"{prefix}card-{name}.png")
    detail = window.open_detail(game_id)
    detail.resize(760, 760)
    await asyncio.sleep(1.5)
    save(detail, out / f"{prefix}detail-{name}.png")
    detail.close()


def one_per_sport(games: Sequence[GameState]) -> dict[str, GameState]:
    """A game of each sport, the one furthest along (most events) and live if one is."""
    chosen: dict[str, GameState] = {}
    for game in games:
        best = chosen.get(game.sport)
        key = (game.status == "live", game.seq)
        if best is None or key > (best.status == "live", best.seq):
            chosen[game.sport] = game
    return chosen


def save(widget: QWidget, path: Path) -> None:
    ok = widget.grab().save(str(path))
    print(f"{'saved' if ok else 'FAILED'} {path} ({widget.width()}x{widget.height()})")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--theme", default="light")
    p.add_argument("--finals", type=Path, metavar="REAL",
                   help="shoot the three real finals instead, from this data folder "
                        "(shared/data/real)")  # fmt: skip
    a = p.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        if a.finals:
            runner.run(shoot_finals(app, a.out, a.finals, a.theme))
        else:
            runner.run(shoot(app, a.out, a.seconds, a.theme))
    return 0


if __name__ == "__main__":
    sys.exit(main())
