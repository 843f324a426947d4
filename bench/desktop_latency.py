"""Publish → screen latency of the desktop scoreboard, beside a bare websockets client.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/desktop_latency.py [--games 50 --rate 100]

A real broadcaster process; a publisher process that creates ``--games``
live games, then publishes home scores round-robin at ``--rate`` events/s for
``--seconds``, stamping each publish with the wall clock; a baseline process,
a bare websockets subscriber, stamps each event as it arrives. In this
process the real app (FeedClient → GamesModel → filter → GameGrid →
GameCard) stamps the first *paint* of each new home score label (an event
filter on those labels only). Both
sides receive the same events in the same run; the table gives the
percentiles and the ratio app/baseline. Also: the app's UI-loop stalls during
the run (a 10 ms timer's lateness) and cold start to first paint.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers.proc import TOKEN, BroadcasterProcess  # noqa: E402

# --------------------------------------------------------------------------- load processes


async def baseline(url: str, total: int) -> dict[str, Any]:
    """The bare websockets subscriber, in a process of its own: stamps each score as it arrives."""
    from websockets.asyncio.client import connect

    from tests.helpers.ws import recv

    received: dict[str, float] = {}
    async with connect(f"{url}/feed") as ws:
        await recv(ws)  # hello
        await ws.send(json.dumps({"type": "subscribe", "games": ["*"]}))
        await recv(ws)  # the snapshot: subscribed
        print("subscribed", flush=True)
        async for raw in ws:
            now = time.time()
            msg = json.loads(raw)
            if msg.get("type") == "event" and msg["kind"] == "score":
                received[f"{msg['game_id']}:{msg['state']['home']['score']}"] = now
                if len(received) >= total:
                    break
    return {"baseline": received}


async def publisher(url: str, games: int, rate: float, seconds: float) -> dict[str, Any]:
    """Create the games, settle, then publish home scores round-robin at ``rate``."""
    from tests.helpers.ws import live_game, open_publisher, pub, recv, send

    total = int(rate * seconds)
    ws = await open_publisher(f"{url}/publish", TOKEN)
    ids = [f"bench-{i:03d}" for i in range(games)]
    for game_id in ids:
        await live_game(ws, game_id)
    await asyncio.sleep(1.0)  # let the subscribers settle on the live feed
    sent: dict[str, float] = {}
    scores = dict.fromkeys(ids, 0)

    async def drain() -> None:
        for _ in range(total):
            await recv(ws)

    acks = asyncio.create_task(drain())
    start = time.perf_counter()
    for n in range(total):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        game_id = ids[n % games]
        scores[game_id] += 1
        sent[f"{game_id}:{scores[game_id]}"] = time.time()
        await send(ws, pub(game_id, "score", {"team": "home", "points": 1}))
    await asyncio.wait_for(acks, 60)
    await ws.close()
    return {"sent": sent}


def run_load(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Baseline subscriber and publisher, each in its own process; blocks until both end."""
    me = [sys.executable, __file__, "--games", str(args.games), "--rate", str(args.rate)]
    me += ["--seconds", str(args.seconds)]
    watcher = subprocess.Popen([*me, "--baseline", url], stdout=subprocess.PIPE, text=True)
    assert watcher.stdout is not None
    assert watcher.stdout.readline().strip() == "subscribed"
    done = subprocess.run([*me, "--publisher", url], capture_output=True, text=True, check=True)
    out, _ = watcher.communicate(timeout=120)
    return {**json.loads(done.stdout), **json.loads(out)}


# --------------------------------------------------------------------------- app side


def run_app(url: str, args: argparse.Namespace) -> dict[str, Any]:
    import qasync
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QLabel

    from desktop.feed.client import FeedClient
    from desktop.settings import Settings
    from desktop.ui.card import GameCard
    from desktop.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    painted: dict[str, float] = {}

    class PaintSpy(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and isinstance(obj, QLabel):
                card = obj.parent()
                if isinstance(card, GameCard) and obj is card.scores["home"]:
                    key = f"{card.game_id}:{obj.text()}"
                    painted.setdefault(key, time.time())
                    if expected and len(painted) >= len(expected) and expected <= painted.keys():
                        all_painted.set()
            return False

    spy = PaintSpy()  # on each home score label only: an app-wide filter would cost the app
    expected: set[str] = set()
    all_painted = asyncio.Event()
    lateness: list[float] = []

    async def main() -> dict[str, Any]:
        client = FeedClient()
        window = MainWindow(client, Settings(theme=args.theme))
        window.resize(args.width, args.height)  # default: every card on screen, 10 a row
        if args.no_window:  # qasync + the feed client only: when an event is handed to Qt

            def on_events(events: list[Any]) -> None:
                now = time.time()
                for e in events:
                    painted.setdefault(f"{e.game_id}:{e.state.home.score}", now)

            client.events_applied.connect(on_events)

        def watch_labels() -> None:
            for card in window.grid.cards.values():
                card.scores["home"].installEventFilter(spy)

        labels = QTimer()  # cards appear as the load process creates its games
        labels.setInterval(100)
        labels.timeout.connect(watch_labels)
        labels.start()
        connected = asyncio.Event()
        client.status_changed.connect(lambda s: s.phase == "connected" and connected.set())
        client.start(url)
        if not args.no_window:
            window.show()
        await connected.wait()
        timer = loop_probe(lateness)
        timer.start()
        cpu, waited = time.process_time(), runqueue_wait()
        loop = asyncio.get_running_loop()
        result: dict[str, Any] = await loop.run_in_executor(None, run_load, url, args)
        timer.stop()
        result["cpu"] = time.process_time() - cpu
        result["waited"] = runqueue_wait() - waited
        expected.update(result["sent"])
        if not expected <= painted.keys():
            await asyncio.wait([asyncio.ensure_future(all_painted.wait())], timeout=10)
        await client.stop()
        window.close()
        return result

    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        result = runner.run(main())
    result["painted"] = painted
    result["lateness"] = lateness
    return result


def loop_probe(
    lateness: list[float], interval: float = 0.010, when: list[float] | None = None
) -> Any:
    """A precise Qt timer (not started) that notes how late each of its ticks comes
    (and, given ``when``, the wall clock of each tick)."""
    from PySide6.QtCore import Qt, QTimer

    last: list[float] = []  # the previous tick (none before the first: it only starts)

    def on_timer() -> None:
        now = time.perf_counter()
        if last:
            lateness.append(max(0.0, now - last[0] - interval))
            if when is not None:
                when.append(time.time())
        last[:] = [now]

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(round(interval * 1000))
    timer.timeout.connect(on_timer)
    return timer


# --------------------------------------------------------------------------- report


def runqueue_wait() -> float:
    """Seconds this thread has spent runnable but waiting for a CPU (Linux schedstat).

    On a shared machine this tells the app's own slowness from other jobs' load.
    """
    try:
        with open("/proc/thread-self/schedstat", encoding="ascii") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return float("nan")


def percentiles(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    if not values:
        return {"n": 0, "p50": float("nan"), "p90": float("nan"), "p99": float("nan"), "max": 0}

    def p(q: float) -> float:
        return values[min(len(values) - 1, int(q * len(values)))] * 1000

    return {
        "n": len(values),
        "p50": p(0.5),
        "p90": p(0.9),
        "p99": p(0.99),
        "max": values[-1] * 1000,
    }


def first_paint(runs: int) -> list[float]:
    times = []
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            cmd = [sys.executable, "-m", "desktop", "--settings", f"{tmp}/s.ini"]
            cmd += ["--url", "ws://127.0.0.1:9", "--quit-after-paint"]
            t = time.perf_counter()
            proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT
            )
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith("first paint"):
                    times.append(time.perf_counter() - t)
                    break
            proc.wait(30)
    return times


def main() -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--baseline", metavar="URL", help=argparse.SUPPRESS)
    p.add_argument("--publisher", metavar="URL", help=argparse.SUPPRESS)
    p.add_argument("--games", type=int, default=50)
    p.add_argument("--rate", type=float, default=100.0)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--paint-runs", type=int, default=5)
    p.add_argument("--timeline", action="store_true", help="app latency per second of the run")
    p.add_argument(
        "--no-window", action="store_true", help="measure up to the client's signal, no widgets"
    )
    p.add_argument("--theme", default="light", choices=["light", "dark"])
    p.add_argument("--width", type=int, default=3300)
    p.add_argument("--height", type=int, default=1000)
    args = p.parse_args()
    if args.baseline:
        total = int(args.rate * args.seconds)
        print(json.dumps(asyncio.run(baseline(args.baseline, total))))
        return 0
    if args.publisher:
        result = asyncio.run(publisher(args.publisher, args.games, args.rate, args.seconds))
        print(json.dumps(result))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        server = BroadcasterProcess(Path(tmp) / "bench.sqlite3").start()
        try:
            result = run_app(server.url, args)
        finally:
            server.stop()
    sent, base, shown = result["sent"], result["baseline"], result["painted"]
    app_lat = [shown[k] - t for k, t in sent.items() if k in shown]
    base_lat = [base[k] - t for k, t in sent.items() if k in base]
    a, b = percentiles(app_lat), percentiles(base_lat)
    if args.timeline:
        t0 = min(sent.values())
        for second in range(int(args.seconds) + 1):
            lat = [shown[k] - t for k, t in sent.items() if k in shown and int(t - t0) == second]
            s = percentiles(lat)
            print(f"  second {second}: n {s['n']} p50 {s['p50']:.0f} ms max {s['max']:.0f} ms")
    stall = percentiles(result["lateness"])
    print(
        f"\n{args.games} live games, {args.rate:g} events/s for {args.seconds:g} s "
        f"({len(sent)} score events), one broadcaster process, this machine"
    )
    print("\n| publish → | n | p50 ms | p90 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|")
    for name, s in (
        ("app: score painted on its card", a),
        ("baseline: bare websockets client received it", b),
    ):
        cells = " | ".join(f"{s[k]:.1f}" for k in ("p50", "p90", "p99", "max"))
        print(f"| {name} | {s['n']} | {cells} |")
    print(f"\nratio app/baseline: p50 {a['p50'] / b['p50']:.2f}x, p99 {a['p99'] / b['p99']:.2f}x")
    print(f"lost on screen: {len(sent) - a['n']}, lost by baseline: {len(sent) - b['n']}")
    print(
        f"UI loop lateness (10 ms timer) during the run: p50 {stall['p50']:.1f} ms, "
        f"p99 {stall['p99']:.1f} ms, max {stall['max']:.1f} ms"
    )
    per_event = result["cpu"] / len(sent) * 1000
    print(f"app CPU during the run: {result['cpu']:.2f} s, {per_event:.2f} ms per event")
    print(f"UI thread runnable but waiting for a CPU (other jobs): {result['waited']:.2f} s")
    paints = first_paint(args.paint_runs)
    if paints:
        print(
            f"cold start to first paint (process spawn → painted window), {len(paints)} runs: "
            f"min {min(paints) * 1000:.0f} ms, median {statistics.median(paints) * 1000:.0f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
