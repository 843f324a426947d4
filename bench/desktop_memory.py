"""The desktop scoreboard's memory: 200 games and 50,000 plays loaded, then a long busy demo.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/desktop_memory.py [--minutes 10]

Load: a real broadcaster process; the real app (FeedClient → GamesModel →
GameGrid, the window shown) in this process follows it while two publisher
processes create ``--games`` live games (half soccer, whose cards keep each
game's story, half basketball) and publish ``--plays`` score events among
them. RSS (this process, /proc) is read with no games, with every card
shown, once every play is applied, with ``--details`` detail windows open
(each fetches its play-by-play), and after closing them.

Growth: then the app switches to the real ``--demo`` broadcaster (every feed
in resources/feeds/ played in rounds, a new epoch each round) for
``--minutes``, opening and closing a game's detail window and the ticker
every 20 s; RSS is sampled every 5 s and the slope fitted after the first
``--warmup`` minutes is reported in MB/hour. Baseline in the same run: RSS
of a bare QApplication with one empty window (what Qt costs).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import time
from typing import Any

from desktop_burst import publish_burst, with_broadcaster  # bench/ is on a bench's path

from tests.helpers.proc import BroadcasterProcess

SAMPLE = 5.0  # seconds between RSS samples in the growth run
POKE = 20.0  # seconds between opening a detail window and toggling the ticker


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def slope_per_hour(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB), in MB per hour."""
    if len(samples) < 2:
        return float("nan")
    n = len(samples)
    mt = sum(t for t, _ in samples) / n
    mm = sum(m for _, m in samples) / n
    var = sum((t - mt) ** 2 for t, _ in samples)
    cov = sum((t - mt) * (m - mm) for t, m in samples)
    return cov / var * 3600 if var else float("nan")


def run(server: BroadcasterProcess, args: argparse.Namespace) -> dict[str, Any]:
    import threading

    import qasync
    from PySide6.QtWidgets import QApplication, QWidget

    from desktop.app import start_demo
    from desktop.feed.client import FeedClient
    from desktop.settings import Settings
    from desktop.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    out: dict[str, Any] = {"rss": {}}
    bare = QWidget()
    bare.show()
    app.processEvents()
    out["rss"]["bare QApplication, one empty window (baseline)"] = rss_mb()
    bare.close()

    def top(when: str) -> None:
        if args.trace:  # where Python's own allocations are (Qt's are not seen)
            import tracemalloc

            print(f"\ntracemalloc, {when}:", file=sys.stderr)
            for stat in tracemalloc.take_snapshot().statistics("lineno")[:12]:
                print(f"  {stat}", file=sys.stderr)

    async def settle(seconds: float = 1.0) -> None:
        await asyncio.sleep(seconds)
        gc.collect()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        client = FeedClient()
        window = MainWindow(client, Settings(theme="light"))
        window.resize(1400, 900)
        connected = asyncio.Event()
        client.status_changed.connect(lambda s: s.phase == "connected" and connected.set())
        client.start(server.url)
        window.show()
        await connected.wait()
        await settle()
        out["rss"]["app connected, no games"] = rss_mb()
        shown = threading.Event()
        cards = asyncio.Event()

        def on_rows() -> None:
            if window.games.rowCount() >= args.games:
                cards.set()

        window.games.rowsInserted.connect(on_rows)

        def ready() -> None:  # (in the load thread): every game listed, then the plays
            loop.call_soon_threadsafe(lambda: asyncio.ensure_future(note_cards()))
            shown.wait(60)

        async def note_cards() -> None:
            await cards.wait()
            await settle()
            out["rss"][f"{args.games} games shown"] = rss_mb()
            shown.set()

        ids = [f"{'soccer' if i % 2 else 'basket'}-{i:03d}" for i in range(args.games)]
        seconds = args.plays / args.rate
        load = loop.run_in_executor(
            None, publish_burst, server.url, ids, 2, args.rate, seconds, ready
        )
        await load
        total = int(args.rate / 2 * seconds) * 2
        applied = asyncio.Event()

        def on_events() -> None:
            if sum(g.home.score for g in window.games.games()) >= total:
                applied.set()

        client.events_applied.connect(on_events)
        on_events()
        await asyncio.wait_for(applied.wait(), 120)
        client.events_applied.disconnect(on_events)
        await settle()
        top("plays applied")
        out["plays"] = total
        out["rss"][f"{total:,} plays applied"] = rss_mb()
        details = [window.open_detail(g) for g in ids[: args.details]]
        await settle(3.0)
        out["rss"][f"{args.details} detail windows open"] = rss_mb()
        top("detail windows open")
        for d in details:
            d.close()
        await settle(2.0)
        out["rss"]["detail windows closed"] = rss_mb()
        if args.minutes > 0:
            out["growth"] = await growth(window, client, args, start_demo)
        await client.stop()
        window.close()

    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        runner.run(main())
    return out


async def growth(
    window: Any, client: Any, args: argparse.Namespace, start_demo: Any
) -> dict[str, Any]:
    """The real demo for ``args.minutes``, poking the UI now and then; RSS samples (and
    with ``--trace``, what Python allocated after the warm-up and still holds at the end)."""
    import tracemalloc

    demo = await start_demo(window)
    client.start(demo.url)
    samples: list[tuple[float, float]] = []
    start = last_poke = time.monotonic()
    n = 0
    warm = None
    try:
        while (now := time.monotonic()) - start < args.minutes * 60:
            if warm is None and args.trace and now - start >= args.warmup * 60:
                gc.collect()
                warm = tracemalloc.take_snapshot()
            if now - last_poke >= POKE:
                last_poke, n = now, n + 1
                games = window.games.games()
                if games:
                    detail = window.open_detail(games[n % len(games)].game_id)
                    await asyncio.sleep(1.0)
                    detail.close()
                window.show_ticker(n % 2 == 1)
            gc.collect()
            samples.append((now - start, rss_mb()))
            if args.verbose:
                print(f"{now - start:6.0f} s {rss_mb():6.1f} MB {held_by(window)}", file=sys.stderr)
            await asyncio.sleep(SAMPLE)
        held = held_by(window)
    finally:
        await demo.stop()
    if warm is not None:
        gc.collect()
        print("\ntracemalloc, grown since the warm-up:", file=sys.stderr)
        for stat in tracemalloc.take_snapshot().compare_to(warm, "lineno")[:12]:
            print(f"  {stat}", file=sys.stderr)
    return {"samples": samples, "held": held}


def held_by(window: Any) -> str:
    """What the app holds that Python's allocator does not see: widgets, cached pixmaps."""
    from PySide6.QtWidgets import QApplication

    pixmaps = window.accents.pixmaps.values()
    size = sum(p.width() * p.height() * p.depth() // 8 for p in pixmaps) / 2**20
    widgets = len(QApplication.allWidgets())
    return f"{widgets} widgets, {len(pixmaps)} cached card backdrops ({size:.1f} MB)"


def main() -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--games", type=int, default=200)
    p.add_argument("--plays", type=int, default=50_000)
    p.add_argument("--rate", type=float, default=2000.0, help="plays/s while loading")
    p.add_argument("--details", type=int, default=10, help="detail windows to open")
    p.add_argument("--minutes", type=float, default=10.0, help="the growth run (0: none)")
    p.add_argument("--verbose", action="store_true", help="each growth sample as it is taken")
    p.add_argument("--trace", action="store_true", help="tracemalloc's top lines (slow)")
    p.add_argument("--warmup", type=float, default=2.0, help="minutes left out of the slope")
    args = p.parse_args()
    if args.trace:
        import tracemalloc

        tracemalloc.start()
    out = with_broadcaster(args.rate, lambda server: run(server, args))
    print(f"\n{args.games} games (half soccer), {out['plays']:,} plays, RSS of the app process\n")
    print("| when | RSS MB |")
    print("|---|---|")
    for what, mb in out["rss"].items():
        print(f"| {what} | {mb:.0f} |")
    if "growth" in out:
        samples = out["growth"]["samples"]
        warm = [(t, m) for t, m in samples if t >= args.warmup * 60]
        mbs = [m for _, m in samples]
        print(
            f"\ngrowth: real demo for {args.minutes:g} min, {len(samples)} samples: "
            f"first {mbs[0]:.0f} MB, last {mbs[-1]:.0f} MB, max {max(mbs):.0f} MB; "
            f"slope after {args.warmup:g} min: {slope_per_hour(warm):+.1f} MB/hour"
        )
        print(f"held at the end: {out['growth']['held']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
