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
import sys
from collections.abc import Sequence
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication, QWidget

from broadcaster.protocol import GameState
from desktop.app import start_demo
from desktop.feed.client import FeedClient
from desktop.settings import Settings
from desktop.ui.main_window import MainWindow


async def shoot(app: QApplication, out: Path, seconds: float, theme: str) -> None:
    client = FeedClient()
    window = MainWindow(client, Settings(theme=theme))
    window.resize(1240, 760)
    demo = await start_demo(window)
    client.start(demo.url)
    window.show()
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
            card = window.grid.cards.get(game.game_id)
            if card is not None:
                save(card, out / f"card-{sport}-{theme}.png")
            detail = window.open_detail(game.game_id)
            detail.resize(760, 760)
            await asyncio.sleep(1.5)
            save(detail, out / f"detail-{sport}-{theme}.png")
            detail.close()
        window.resize(700, 760)  # a narrow window: one column, nothing overlaps
        await asyncio.sleep(0.5)
        save(window, out / f"scoreboard-narrow-{theme}.png")
    finally:
        await client.stop()
        await demo.stop()
        window.close()


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
    a = p.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        runner.run(shoot(app, a.out, a.seconds, a.theme))
    return 0


if __name__ == "__main__":
    sys.exit(main())
